"""The charts' house style (figures/chart_style.py): every palette token is drawn in its own sentinel colour, which
generator/render/svg.py turns into the token's CSS variable (the palette itself: tests/figures/test_palette.py; the
labels: tests/figures/test_labels.py)."""

from __future__ import annotations

import io
import re

from figures import chart_style as cs
from figures import palette


def test_every_token_has_its_own_sentinel():
    assert set(v for v, _ in cs.SENTINELS.values()) == set(palette.THEME_VARS)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", s) for s in cs.SENTINELS)
    assert len(set(cs.SENTINELS)) == len(palette.THEME_VARS)
    for sentinel, (var, fallback) in cs.SENTINELS.items():
        assert fallback == palette.THEME_VARS[var]["light"] and sentinel != fallback, var


def test_charts_measure_and_name_the_shipped_inter():
    """Labels are measured and placed with the very files the page ships as its web font (figures/typeface.py), and
    the SVG names that family: a reader's browser draws the glyphs the overlap check measured, on any machine."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties, findfont

    from figures import typeface

    assert cs.FONT_FAMILY == [typeface.FAMILY]
    regular = findfont(FontProperties(family=cs.FONT_FAMILY), fallback_to_default=False)
    semibold = findfont(FontProperties(family=cs.FONT_FAMILY, weight="semibold"), fallback_to_default=False)
    assert (regular, semibold) == (str(typeface.font_path(400)), str(typeface.font_path(600)))
    cs.apply("t")
    fig = Figure()
    fig.text(0.1, 0.5, "Llama 3.1 405B")
    fig.text(0.1, 0.2, "Title", fontweight="semibold")
    out = io.StringIO()
    fig.savefig(out, format="svg")
    families = set(re.findall(r"font-family:\s*([^;\"]+)", out.getvalue()))
    assert families and all(f.split(",")[0].strip(" '") == "Inter" for f in families), families
