"""Raster images of figures (generator/render/raster.py): a chart's PNG download draws its text in the shipped
Inter, the face its labels were measured and placed with, also on a machine that has no Inter installed (a CI
runner; this one): CairoSVG would otherwise fall back to a wider face and text would run off the chart."""

from __future__ import annotations

import io

from PIL import Image

from figures.chart_style import text_width
from generator.render.raster import svg_to_png

LINE = "mmmmmmmmmm"


def _ink_width(family: str, px: float = 30) -> int:
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 60" width="100%"><text x="10" y="40" '
           f'style="font-family: {family}; font-size: {px:g}px; fill: #000">{LINE}</text></svg>')
    with Image.open(io.BytesIO(svg_to_png(svg, "light", 1.0))) as im:
        dark = im.convert("L").point(lambda v: 255 if v < 128 else 0)
        left, _, right, _ = dark.getbbox()
    return right - left


def test_a_png_draws_chart_text_in_the_shipped_inter():
    measured = text_width(LINE, 30 * 0.75) / 0.75  # points to CSS px: what the label placer measured
    inter = _ink_width("'Inter', sans-serif")
    assert abs(inter - measured) <= 0.04 * measured, (inter, measured)
    assert abs(_ink_width("'DejaVu Sans'") - measured) > 0.06 * measured, "the probe tells the faces apart"
