"""figures/palette.py is the one home of the colours: the charts' tokens and the scenes' palette reach the site's
stylesheets as generated CSS variables, never as hex values copied by hand."""

from __future__ import annotations

import re

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
    talk = (root / "generator" / "site" / "templates" / "talk.html").read_text("utf-8")
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
