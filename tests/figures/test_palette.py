"""figures/palette.py is the one home of the colours: the charts' tokens and the scenes' palette reach the site's
stylesheets as generated CSS variables, never as hex values copied by hand."""

from __future__ import annotations

import re

import pytest

from figures import palette


def test_the_scene_palette_is_generated_into_every_stylesheet_that_frames_a_video(root):
    for css in (palette.page_css(), palette.embed_css()):
        for var, value in palette.SCENE_VARS.items():
            assert f"{var}: {value};" in css or f"{var}:{value};" in css, var
    hexes = {v.lower() for v in palette.SCENE_COLOURS.values()}
    hexes |= {v.lower() for t in palette.CHART_TOKENS for v in t[1:]}
    for name in ("site.css", "talk.css", "embed.css", "widgets.css", "print.css"):
        text = (root / "docs" / "assets" / "css" / name).read_text("utf-8").lower()
        copied = sorted(h for h in hexes if h in text)
        assert not copied, f"{name} copies {copied} by hand: use the palette's var(--rs-...)"
    talk = (root / "generator" / "site" / "extras" / "templates" / "talk.html").read_text("utf-8")
    assert talk.index("assets/css/palette.css") < talk.index("assets/css/talk.css"), "talk mode loads the palette"


def test_the_scenes_draw_with_the_palette():
    from figures import style

    assert style.BACKGROUND == palette.SCENE_COLOURS["background"]
    assert [style.INK, style.MUTED, style.PANEL, style.GRID] == [
        palette.SCENE_COLOURS[k] for k in ("ink", "muted", "panel", "grid")]
    assert set(style.SERIES) <= set(palette.SCENE_COLOURS.values())


def test_every_scene_variable_the_stylesheets_use_is_generated(root):
    for name in ("site.css", "talk.css", "embed.css"):
        text = (root / "docs" / "assets" / "css" / name).read_text("utf-8")
        used = set(re.findall(r"var\((--rs-scene-[a-z-]+)", text))
        assert used and used <= set(palette.SCENE_VARS), (name, used - set(palette.SCENE_VARS))


def _contrast(a: str, b: str) -> float:
    def lum(h: str) -> float:
        rgb = [int(h[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.slow
def test_palette_is_readable_in_both_themes():
    light_bg, dark_bg = palette.THEME_VARS["--rs-paper"]["light"], palette.THEME_VARS["--rs-paper"]["dark"]
    assert dark_bg == "#1e2129"  # Material's slate
    for var, values in palette.THEME_VARS.items():
        if var == "--rs-paper":
            continue
        # Text in series colours is used for labels: hold them to 4.5:1 (WCAG AA for text).
        assert _contrast(values["light"], light_bg) >= 4.5, (var, "light")
        assert _contrast(values["dark"], dark_bg) >= 4.5, (var, "dark")
    scene = palette.SCENE_COLOURS
    for name, value in scene.items():  # the scenes' text and accents against their one dark background
        if name not in ("background", "panel", "grid"):
            assert _contrast(value, scene["background"]) >= 4.5, name


@pytest.mark.slow
def test_site_palette_is_generated_from_the_one_palette(root):
    """palette.css comes from THEME_VARS; site.css copies no token by hand."""
    css = palette.page_css()
    for var, values in palette.THEME_VARS.items():
        if var != "--rs-paper":
            assert f"{var}: {values['light']};" in css and f"{var}: {values['dark']};" in css, var
    assert css.count("--rs-paper: var(--md-default-bg-color);") == 2
    site = (root / "docs" / "assets" / "css" / "site.css").read_text("utf-8")
    assert not re.search(r"--rs-(ink|muted|paper|blue|orange|green|purple|red|gold)\s*:", site)
