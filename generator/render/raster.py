"""Raster images of figures: a chart's SVG as PNG in the light or dark theme, and 1200x630 social cards.

The PNGs are rasterised from the very SVG the site publishes (CairoSVG, pinned), with each
``var(--rs-<token>, #fallback)`` resolved to the token's colour in the chosen theme (figures/palette.py holds
the palette) and the theme's page colour behind it, so the light and dark PNGs are the chart a reader sees in that
theme. Cards are drawn with Pillow in the shipped Inter font: the figure, its title and the site's name (the
catalog's meta.title, passed in). Everything here is deterministic (same inputs, same bytes) and needs no network.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from figures.palette import THEME_VARS
from figures.typeface import font_path

THEMES = ("light", "dark")
CARD_SIZE = (1200, 630)
_VAR = re.compile(r"var\((--rs-[a-z]+),\s*(#[0-9a-fA-F]{3,8})\)")
_VIEWBOX = re.compile(r'viewBox="([\d.\s-]+)"')
#: The card's fonts (regular, bold): part of a kept card's key (generator/site/figure_pages.py).
CARD_FONTS = (font_path(400), font_path(600))


def theme_colours(theme: str) -> dict[str, str]:
    """{--rs-token: hex} in ``theme`` ("light" or "dark")."""
    if theme not in THEMES:
        raise ValueError(f"theme must be one of {THEMES}, not {theme!r}")
    return {var: values[theme] for var, values in THEME_VARS.items()}


def themed_svg(svg: str, theme: str) -> str:
    """``svg`` with every palette variable replaced by its colour in ``theme`` (an SVG any renderer can draw)."""
    colours = theme_colours(theme)
    return _VAR.sub(lambda m: colours.get(m.group(1), m.group(2)), svg)


def svg_size(svg: str) -> tuple[float, float]:
    """The (width, height) of an SVG's viewBox, in user units (1 unit = 1 CSS px)."""
    m = _VIEWBOX.search(svg)
    if not m:
        raise ValueError("the SVG has no viewBox")
    parts = [float(x) for x in m.group(1).split()]
    return parts[2], parts[3]


@cache
def _register_fonts() -> None:
    """Make the shipped Inter files known to fontconfig, which CairoSVG's text goes through: a machine without Inter
    installed (a CI runner) would otherwise draw the chart's text in a wider fallback face than the one its labels
    were measured and placed with. ManimPango (Manim's, pinned) adds them to this process's configuration; it must
    run before cairo first looks a family up (a face once resolved is kept)."""
    import manimpango

    for weight in (400, 600):
        if not manimpango.register_font(str(font_path(weight))):
            raise RuntimeError(f"fontconfig refused {font_path(weight)}")


def svg_to_png(svg: str, theme: str = "light", scale: float = 2.0) -> bytes:
    """A PNG of ``svg`` drawn in ``theme`` on the theme's page colour, ``scale`` device pixels per CSS pixel."""
    _register_fonts()
    import cairosvg

    w, h = svg_size(svg)
    text = themed_svg(svg, theme)
    # A percentage width has no size outside a page: give the root the viewBox's size.
    text = re.sub(r'(<svg\b[^>]*?)\swidth="100%"', rf'\1 width="{w:g}" height="{h:g}"', text, count=1)
    out = cairosvg.svg2png(
        bytestring=text.encode("utf-8"),
        output_width=round(w * scale),
        output_height=round(h * scale),
        background_color=theme_colours(theme)["--rs-paper"],
    )
    assert isinstance(out, bytes)
    return _strip_png(out)


def _strip_png(png: bytes) -> bytes:
    """Re-save a PNG through Pillow with no metadata, so the bytes depend only on the pixels."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        buf = io.BytesIO()
        im.convert("RGB").save(buf, format="PNG", optimize=True)
    return buf.getvalue()


@cache
def _font(bold: bool, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(CARD_FONTS[bold]), size)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and draw.textlength(trial, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    return lines


def card_png(images: Iterable[Path | bytes], title: str, kicker: str, theme: str = "light") -> bytes:
    """A 1200x630 social card: ``kicker`` (the site's name: the catalog's meta.title) and ``title`` at the top, the
    images (one, or a row of several) fitted below, on the theme's page colour. ``images`` are PNG/WebP files or
    bytes."""
    from PIL import Image, ImageDraw

    colours = theme_colours(theme)
    W, H = CARD_SIZE
    pad = 48
    card = Image.new("RGB", CARD_SIZE, colours["--rs-paper"])
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, W, 10), fill=colours["--rs-blue"])
    draw.text((pad, 34), kicker.upper(), font=_font(True, 22), fill=colours["--rs-blue"])
    title_font = _font(True, 40)
    lines = _wrap(draw, title, title_font, W - 2 * pad)[:2]
    y = 68
    for line in lines:
        draw.text((pad, y), line, font=title_font, fill=colours["--rs-ink"])
        y += 50
    top = y + 14
    box_w, box_h = W - 2 * pad, H - top - 28
    pics: list[Image.Image] = []
    for src in images:
        with Image.open(io.BytesIO(src) if isinstance(src, bytes) else src) as opened:
            pics.append(opened.convert("RGB"))
    if pics:
        gap = 16
        cell_w = (box_w - gap * (len(pics) - 1)) // len(pics)
        x = pad
        for pic in pics:
            ratio = min(cell_w / pic.width, box_h / pic.height)
            size = (max(1, round(pic.width * ratio)), max(1, round(pic.height * ratio)))
            thumb = pic.resize(size, Image.Resampling.LANCZOS)
            card.paste(thumb, (x + (cell_w - size[0]) // 2, top + (box_h - size[1]) // 2))
            x += cell_w + gap
    buf = io.BytesIO()
    card.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def table_png(html: str, theme: str = "light", width: int = 1100) -> bytes:
    """A table figure's HTML (header row and body rows, text only) drawn as a plain grid, for its social card."""
    from html.parser import HTMLParser

    from PIL import Image, ImageDraw

    class Cells(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.rows: list[list[str]] = []
            self.cell: list[str] | None = None
            self.hidden = 0  # depth inside text for screen readers only (the picture shows what the eye sees)

        def handle_starttag(self, tag: str, attrs) -> None:
            cls = dict(attrs).get("class") or ""
            if self.hidden or "visually-hidden" in cls or "sr-only" in cls:
                self.hidden += 1
            elif tag == "tr":
                self.rows.append([])
            elif tag in ("td", "th") and self.rows:
                self.cell = []

        def handle_endtag(self, tag: str) -> None:
            if self.hidden:
                self.hidden -= 1
            elif tag in ("td", "th") and self.cell is not None:
                self.rows[-1].append(" ".join("".join(self.cell).split()))
                self.cell = None

        def handle_data(self, data: str) -> None:
            if self.cell is not None and not self.hidden:
                self.cell.append(data)

    parser = Cells()
    parser.feed(html)
    rows = [r for r in parser.rows if r]
    colours = theme_colours(theme)
    if not rows:
        raise ValueError("the table has no rows")
    ncol = max(len(r) for r in rows)
    row_h, font, head = 30, _font(False, 18), _font(True, 18)
    first = 260
    col_w = (width - first) // max(1, ncol - 1)
    im = Image.new("RGB", (width, row_h * len(rows) + 2), colours["--rs-paper"])
    draw = ImageDraw.Draw(im)
    for i, row in enumerate(rows):
        y = i * row_h
        if i % 2 == 1:
            draw.rectangle((0, y, width, y + row_h), fill=_mix(colours["--rs-paper"], colours["--rs-muted"], 0.12))
        for j, text in enumerate(row):
            x = 8 if j == 0 else first + (j - 1) * col_w + 6
            f = head if i == 0 or j == 0 else font
            draw.text((x, y + 5), text[:28], font=f, fill=colours["--rs-ink"])
    draw.line((0, row_h, width, row_h), fill=colours["--rs-muted"], width=2)
    buf = io.BytesIO()
    im.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _mix(a: str, b: str, t: float) -> str:
    ca = [int(a[i : i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ca, cb, strict=True))
