"""The project's colours, in one place: the charts' tokens (a light and a dark value each, so an inline chart follows
the reader's theme) and the scenes' palette (one dark video background and the colours drawn on it).

Plain data and two stylesheet writers, no imports: figures/chart_style.py and figures/style.py draw with these, the
site build writes them as CSS custom properties (``page_css`` -> assets/css/palette.css, ``embed_css`` ->
assets/css/embed-palette.css) without loading matplotlib or Manim, and the site's stylesheets (site.css, talk.css,
embed.css) use the variables, never a copied hex value.
"""

from __future__ import annotations

#: (token name, light value, dark value). Light values keep >= 4.4:1 contrast on white, dark values >= 6.6:1 on
#: Material's slate background (#1e2129), so series colours also work as text colours in both themes.
CHART_TOKENS: tuple[tuple[str, str, str], ...] = (
    ("ink", "#1f2328", "#e6e8ee"),      # text, axes
    ("muted", "#5f6672", "#a0a7b4"),    # grid, ticks, secondary text, device lines
    ("paper", "#ffffff", "#1e2129"),    # the page background: text on coloured boxes, marker centres
    ("blue", "#1f6fd1", "#6cb0f5"),
    ("orange", "#b35200", "#f5a05a"),
    ("green", "#1b8050", "#5cc98f"),
    ("purple", "#7a4fd0", "#b69cf5"),
    ("red", "#c23a5b", "#f58aa6"),
    ("gold", "#8f6b00", "#e3c150"),
)
#: CSS custom property -> {"light": hex, "dark": hex}: the charts' tokens in the page stylesheet.
THEME_VARS: dict[str, dict[str, str]] = {
    f"--rs-{name}": {"light": light, "dark": dark} for name, light, dark in CHART_TOKENS
}

#: The scenes' palette (figures/style.py). Contrast against the background: ink 15:1, muted 7:1, every accent
#: >= 4.5:1. The background is one dark neutral, so the same video sits well on both site themes.
SCENE_COLOURS: dict[str, str] = {
    "background": "#14161b",
    "panel": "#1f232b",    # filled regions that sit behind content
    "grid": "#3a404c",     # hairlines, empty cells, outlines of inactive things
    "ink": "#eef0f4",      # primary text
    "muted": "#a4acb9",    # secondary text, units, notes
    "blue": "#5aa9ff",     # queries, the primary series
    "orange": "#ffaf5a",   # keys / HBM / costs
    "green": "#5fd38d",    # values / SRAM / savings
    "pink": "#ff7a9c",     # the expensive thing: n x n, the growing cache
    "purple": "#b79cff",   # latents, state, the fourth series
    "yellow": "#f2d45c",   # the highlight: the token being followed, the current tile
}
#: CSS custom property -> hex: the scenes' palette for whatever frames a video (player, talk mode, embeds).
SCENE_VARS: dict[str, str] = {f"--rs-scene-{name}": value for name, value in SCENE_COLOURS.items()}

_HEADER = "/* Generated from figures/palette.py (the one palette) by the build: do not edit. */\n"


def _scene_rule() -> str:
    return ":root {\n" + "".join(f"  {var}: {value};\n" for var, value in SCENE_VARS.items()) + "}\n"


def page_css() -> str:
    """The site's palette stylesheet (assets/css/palette.css): every chart token as a CSS variable per Material
    theme, so inline charts follow the reader's light or dark theme (--rs-paper is the page background itself:
    hollow markers and label backings must match it exactly), and the scenes' palette (the same in both themes)."""
    rules = []
    for selector, theme in ((':root, [data-md-color-scheme="default"]', "light"),
                            ('[data-md-color-scheme="slate"]', "dark")):
        body = "".join(f"  {var}: {'var(--md-default-bg-color)' if var == '--rs-paper' else values[theme]};\n"
                       for var, values in THEME_VARS.items())
        rules.append(f"{selector} {{\n{body}}}\n")
    return _HEADER + "".join(rules) + _scene_rule()


def embed_css() -> str:
    """The palette for the embed view (no Material there): light by default, dark when the reader's system is dark,
    either forced by ``data-theme`` on the root (``?theme=``, docs/assets/js/embed.js); and the scenes' palette."""
    light = "".join(f"{k}:{v['light']};" for k, v in THEME_VARS.items())
    dark = "".join(f"{k}:{v['dark']};" for k, v in THEME_VARS.items())
    return (
        _HEADER
        + f":root{{{light}color-scheme:light;}}\n"
        + f"@media (prefers-color-scheme: dark){{:root:not([data-theme=light]){{{dark}color-scheme:dark;}}}}\n"
        + f":root[data-theme=dark]{{{dark}color-scheme:dark;}}\n"
        + _scene_rule()
    )
