"""The house style of every chart: fonts, sizes, palette tokens, figure layout, title and source lines.

Colours are *tokens* (figures/palette.py holds them, with the scenes' palette). Each one is drawn in an unusual
sentinel hex (its light colour with the blue channel nudged by one, so a plain PNG preview still looks right) that
``generator.render.svg`` rewrites into ``var(--rs-<name>, <light fallback>)``: inlined in the page the chart
follows the reader's light or dark theme (the page defines the variables: ``palette.page_css``), while the
standalone SVG file shows the light fallbacks.
Chart modules use only these tokens, never raw colours, so nothing escapes the theme.

Layouts: every chart is drawn twice, in the same style and from the same data.

* ``"wide"`` (``WIDE``): 7.2 inches wide, for the desktop column (about 720 px, so 1 pt = 1.4 px).
* ``"narrow"`` (``NARROW``): 4.0 inches wide and taller than wide, for a phone column (about 350 px, so
  1 pt = 1.2 px). Its type is larger relative to the figure, so nothing on it is under 9 pt = 10.9 px on the
  phone; a chart drawn for it has fewer ticks, legends above or below the axes, stacked panels, wrapped or
  shortened labels and fewer annotations.

One font size means the same thing in every chart of a layout. Chart modules take the sizes from the layout object
(``lay = cs.get_layout(layout)``, ``lay.note``...) and pass the layout name to ``figure``; the module-level *_SIZE
constants are the wide sizes, kept for older callers. Keep labels few and short.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import matplotlib as mpl
import matplotlib.text as mtext
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cbook import is_math_text
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, fontManager
from matplotlib.textpath import TextToPath

from figures.palette import CHART_TOKENS as _TOKENS
from figures.typeface import FAMILY, FILES, font_path
from generator.format import curly_quotes

# --------------------------------------------------------------------------------------------------------------
# Palette
# --------------------------------------------------------------------------------------------------------------

def _sentinel(light: str) -> str:
    """The light colour with its blue channel moved by one: unique, unusual, and visually the same."""
    blue = int(light[5:7], 16)
    return f"{light[:5]}{blue + 1 if blue < 255 else blue - 1:02x}"


#: sentinel hex -> (CSS custom property, light fallback hex)
SENTINELS: dict[str, tuple[str, str]] = {_sentinel(light): (f"--rs-{name}", light) for name, light, _ in _TOKENS}

_BY_NAME = {name: _sentinel(light) for name, light, _ in _TOKENS}
INK = _BY_NAME["ink"]
MUTED = _BY_NAME["muted"]
PAPER = _BY_NAME["paper"]
BLUE = _BY_NAME["blue"]
ORANGE = _BY_NAME["orange"]
GREEN = _BY_NAME["green"]
PURPLE = _BY_NAME["purple"]
RED = _BY_NAME["red"]
GOLD = _BY_NAME["gold"]
#: The six series colours, in the order charts should use them when no meaning picks one.
SERIES: tuple[str, ...] = (BLUE, ORANGE, GREEN, PURPLE, RED, GOLD)

assert len(set(SENTINELS)) == len(_TOKENS), "sentinel colours must be unique"


# --------------------------------------------------------------------------------------------------------------
# Sizes and fonts
# --------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Layout:
    """Everything that differs between the wide and the narrow drawing of a chart, in inches and points
    (1 SVG user unit = 1 pt)."""

    name: str
    width: float          # inches; the page scales the SVG to its column
    title: float          # the chart title (standalone files only)
    subtitle: float
    label: float          # axis labels, direct labels
    tick: float
    note: float           # value labels, annotations, legends, footnotes
    source: float         # the source line: the smallest text of the layout
    linewidth: float      # series lines
    markersize: float

    @property
    def narrow(self) -> bool:
        return self.name == "narrow"


WIDE = Layout("wide", width=7.2, title=16.0, subtitle=12.0, label=12.5, tick=12.0, note=11.0, source=10.0,
              linewidth=2.4, markersize=8.0)
#: 4.0 in = 288 pt shown 350 px wide: 1 pt = 1.22 px, so 9 pt (the smallest text) is 10.9 px on a phone.
NARROW = Layout("narrow", width=4.0, title=13.5, subtitle=10.5, label=11.0, tick=10.5, note=10.0, source=9.0,
                linewidth=2.0, markersize=7.0)
LAYOUTS: dict[str, Layout] = {"wide": WIDE, "narrow": NARROW}


def get_layout(which: str | Layout = "wide") -> Layout:
    """The Layout named ``which`` ("wide" or "narrow"; a Layout passes through)."""
    if isinstance(which, Layout):
        return which
    try:
        return LAYOUTS[which]
    except (KeyError, TypeError):
        raise ValueError(f"unknown chart layout {which!r}: expected one of {', '.join(LAYOUTS)}") from None


# The wide sizes under their historical names.
FIG_WIDTH = WIDE.width   # inches
FIG_HEIGHT = 4.2
TITLE_SIZE = WIDE.title  # points (= SVG user units, as 1 unit is 1 pt)
SUBTITLE_SIZE = WIDE.subtitle
LABEL_SIZE = WIDE.label
TICK_SIZE = WIDE.tick
NOTE_SIZE = WIDE.note
SOURCE_SIZE = WIDE.source

#: Inter, from the files the project ships (figures/typeface.py): matplotlib measures and places every label with
#: them, the SVG names the family, and the page loads the same files as its web font (WOFF2 subsets of these OTFs:
#: generator/site/assembly/fonts.py), so a reader sees the glyphs the labels were placed with, on any machine. A
#: title's bold is the shipped SemiBold (the nearest weight matplotlib and the browser both pick).
FONT_FAMILY = [FAMILY]
for _weight in FILES:
    fontManager.addfont(str(font_path(_weight)))

#: mathtext sets a sub- or superscript at 0.7 of its line, which would put the exponent of a narrow chart's 10.5-pt
#: subtitle at 9 px on a phone; at 0.86 no script is smaller than the layout's smallest text (the 9-pt source line).
#: matplotlib keeps the factor in a private module constant: if it moves, this fails here rather than letting the
#: legibility test (tests/figures/test_charts.py, which reads every glyph's size) find small text later.
import matplotlib._mathtext as _mathtext  # noqa: E402

if not hasattr(_mathtext, "SHRINK_FACTOR"):
    raise ImportError("matplotlib._mathtext.SHRINK_FACTOR is gone: chart formulas need another way to size scripts")
_mathtext.SHRINK_FACTOR = 0.86

_MARGIN = 0.12           # inches of empty border around everything
_LINE = 1.25             # line height, in font sizes


def _size_params(lay: Layout) -> dict[str, Any]:
    """The rcParams that differ between layouts."""
    return {
        "font.size": lay.label,
        "axes.labelsize": lay.label,
        "axes.titlesize": lay.label,
        "xtick.labelsize": lay.tick,
        "ytick.labelsize": lay.tick,
        "lines.linewidth": lay.linewidth,
        "lines.markersize": lay.markersize,
        "legend.fontsize": lay.note,
    }


def apply(fig_id: str = "chart", layout: str | Layout = "wide") -> None:
    """Set the house rcParams for ``layout``. ``fig_id`` salts SVG ids so every render of a figure has the same
    ids."""
    mpl.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": FONT_FAMILY,
        # Formulas ("$L(N) = (N_c / N)^{\alpha}$") are typeset by mathtext in the article's Inter (the shipped files:
        # upright, as Inter has no italic; bold is the SemiBold), so they are measured, placed and shown like any
        # other chart text (svg.fonttype "none": selectable <text>, one run per glyph).
        "mathtext.fontset": "custom",
        "mathtext.rm": FAMILY,
        "mathtext.it": FAMILY,
        "mathtext.bf": f"{FAMILY}:semibold",
        "mathtext.sf": FAMILY,
        "mathtext.tt": FAMILY,
        "mathtext.cal": FAMILY,
        "mathtext.bfit": f"{FAMILY}:semibold",
        "mathtext.default": "regular",
        "svg.fonttype": "none",
        "svg.hashsalt": fig_id,
        "svg.id": None,
        "figure.facecolor": "none",
        "figure.edgecolor": "none",
        "figure.dpi": 100,
        "savefig.facecolor": "none",
        "savefig.edgecolor": "none",
        "savefig.transparent": True,
        "axes.facecolor": "none",
        "axes.edgecolor": MUTED,
        "axes.linewidth": 0.9,
        "axes.labelcolor": INK,
        "axes.titleweight": "semibold",
        "axes.titlecolor": INK,
        "axes.titlelocation": "left",
        "axes.titlepad": 8.0,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.axisbelow": True,
        "axes.prop_cycle": mpl.cycler(color=list(SERIES)),
        "grid.color": MUTED,
        "grid.alpha": 0.28,
        "grid.linewidth": 0.7,
        "xtick.color": MUTED,
        "ytick.color": MUTED,
        "xtick.labelcolor": INK,
        "ytick.labelcolor": INK,
        "xtick.minor.visible": False,
        "ytick.minor.visible": False,
        "legend.frameon": False,
        "legend.labelcolor": INK,
        "legend.handlelength": 1.4,
        "legend.borderaxespad": 0.3,
        "text.color": INK,
        "hatch.color": MUTED,
        "hatch.linewidth": 0.8,
    })
    mpl.rcParams.update(_size_params(get_layout(layout)))


# --------------------------------------------------------------------------------------------------------------
# Figure layout: a title band at the top, the axes, a source band at the bottom
# --------------------------------------------------------------------------------------------------------------

_TEXT_TO_PATH = TextToPath()
_HINTED: list[Any] = []


def text_width(text: str, size: float, bold: bool = False, hinted: bool = False) -> float:
    """Width in points of one line of ``text`` in the house font, measured from the glyphs (no renderer needed).

    ``hinted``: the larger of that and Agg's hinted text at 72 dpi, which the layout checks measure and which runs
    up to ~8% wider at small sizes; the narrow layout, whose lines are long for their size, wraps to it."""
    prop = FontProperties(family=FONT_FAMILY, size=size, weight="semibold" if bold else "normal")
    ismath = is_math_text(text)  # a line with $...$ is measured as mathtext typesets it, as the drawing does
    width = _TEXT_TO_PATH.get_text_width_height_descent(text, prop, ismath=ismath)[0]
    if hinted:
        if not _HINTED:
            from matplotlib.backends.backend_agg import RendererAgg

            _HINTED.append(RendererAgg(10, 10, 72))
        width = max(width, _HINTED[0].get_text_width_height_descent(text, prop, ismath=ismath)[0])
    return width


#: A word of a line to wrap: a formula between dollars (spaces and all: never broken) or a run of non-spaces,
#: with whatever is glued to either side ("($N_c$)," stays one word); a no-break space (U+00A0) joins two words
#: into one, printed as a plain space: a legend's "3 MiniMax-M1" never leaves its number at a line's end.
_WORD = re.compile(r"(?:[^\s$]|\u00a0|\$[^$]*\$|\$)+")


def _wrap(text: str, size: float, width_in: float, bold: bool = False, hinted: bool = False) -> list[str]:
    """Greedy word wrap of ``text`` to ``width_in`` inches at ``size`` points; "\n" forces a break."""
    limit = width_in * 72
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in _WORD.findall(paragraph):
            candidate = f"{line} {word}" if line else word
            if line and text_width(candidate, size, bold, hinted) > limit:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return [line.replace("\u00a0", " ") for line in lines]


def figure(height: float = FIG_HEIGHT, nrows: int = 1, ncols: int = 1, layout: str | Layout = "wide",
           **subplots_kw: Any):
    """A house-style figure of ``layout``'s width and its axes (``Figure.subplots`` arguments pass through), laid
    out by constrained layout inside the band left between the title and the source line.

    Also sets the layout's size rcParams (tick, legend and default font sizes, line width, marker size), so a chart
    drawn after ``apply(fig_id)`` for the other layout still gets its own sizes; call it before drawing anything.
    """
    lay = get_layout(layout)
    mpl.rcParams.update(_size_params(lay))
    fig = Figure(figsize=(lay.width, height), layout="constrained")
    fig.get_layout_engine().set(w_pad=0.06, h_pad=0.06, wspace=0.06, hspace=0.08)
    fig._rs_layout = lay  # type: ignore[attr-defined]
    fig._rs_header = []  # type: ignore[attr-defined]
    fig._rs_footer = []  # type: ignore[attr-defined]
    axes = fig.subplots(nrows, ncols, **subplots_kw)
    _layout(fig)
    return fig, axes


def layout_of(fig: Figure) -> Layout:
    """The Layout ``fig`` was made for (wide for a figure not made by ``figure``)."""
    return getattr(fig, "_rs_layout", WIDE)


#: One line of the header or footer band: (text, size, role); role is "title", "subtitle", "note" or "source".
_Line = tuple[str, float, str]


def _band_height(lines: list[_Line]) -> float:
    return sum(size * _LINE for _, size, _ in lines) / 72


def _layout(fig: Figure) -> None:
    """Place header and footer lines from the figure edges and give constrained layout what is left."""
    for artist in getattr(fig, "_rs_artists", []):
        artist.remove()
    fig._rs_artists = []  # type: ignore[attr-defined]
    w, h = fig.get_size_inches()
    header: list[_Line] = fig._rs_header  # type: ignore[attr-defined]
    footer: list[_Line] = fig._rs_footer  # type: ignore[attr-defined]
    y = h - _MARGIN
    for text, size, role in header:
        bold = role == "title"
        fig._rs_artists.append(fig.text(_MARGIN / w, y / h, text, ha="left", va="top", fontsize=size,
                                        fontweight="semibold" if bold else "normal",
                                        color=INK if bold else MUTED))
        y -= size * _LINE / 72
    top = _band_height(header) + _MARGIN + (0.08 if header else 0)
    y = _MARGIN
    for text, size, _ in reversed(footer):
        fig._rs_artists.append(fig.text(_MARGIN / w, y / h, text, ha="left", va="bottom", fontsize=size,
                                        color=MUTED))
        y += size * _LINE / 72
    bottom = _band_height(footer) + _MARGIN + (0.06 if footer else 0)
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0.0, bottom / h, 1.0, 1.0 - (top + bottom) / h))


def _lines(text: str, size: float, role: str, fig: Figure) -> list[_Line]:
    """The chart's header and footer text (title, subtitle, notes, source) wrapped to its width, with the article's
    quotes (format.curly_quotes), as the page sets its text."""
    width = fig.get_size_inches()[0] - 2 * _MARGIN
    text = curly_quotes(text)
    return [(line, size, role) for line in _wrap(text, size, width, role == "title", layout_of(fig).narrow)]


def _with_role(lines: list[_Line], *roles: str) -> list[_Line]:
    return [line for line in lines if line[2] in roles]


def title(fig: Figure, text: str) -> None:
    """Set the chart's visible title (``generator.render.charts`` uses the catalog title). Goes above any subtitle."""
    fig._rs_header = (_lines(text, layout_of(fig).title, "title", fig)  # type: ignore[attr-defined]
                      + _with_role(fig._rs_header, "subtitle"))  # type: ignore[attr-defined]
    _layout(fig)


def subtitle(fig: Figure, text: str) -> None:
    """A short line under the title stating what is plotted and the assumptions (context, precision, units)."""
    fig._rs_header = (_with_role(fig._rs_header, "title")  # type: ignore[attr-defined]
                      + _lines(text, layout_of(fig).subtitle, "subtitle", fig))
    _layout(fig)


def source_line(fig: Figure, text: str) -> None:
    """The small "Source: ..." line at the bottom left ("Source: " is added unless ``text`` starts with it)."""
    if not text.lower().startswith("source"):
        text = f"Source: {text}"
    fig._rs_footer = (_with_role(fig._rs_footer, "note")  # type: ignore[attr-defined]
                      + _lines(text, layout_of(fig).source, "source", fig))
    _layout(fig)


def footer(fig: Figure) -> list[_Line]:
    """The footer band's lines as they are now (notes, then the source line)."""
    return list(fig._rs_footer)  # type: ignore[attr-defined]


def legend_note(fig: Figure, lines: list[_Line], text: str) -> None:
    """Lay ``fig`` out again with the footer ``lines`` (as it was before any legend) and ``text`` (the numbered
    legend of labels that found no room, figures/labels.py; "" for none) as its last note, above the source line."""
    legend = _lines(text, layout_of(fig).note, "note", fig) if text else []
    fig._rs_footer = _with_role(lines, "note") + legend + _with_role(lines, "source")  # type: ignore[attr-defined]
    _layout(fig)


def footnote(fig: Figure, text: str) -> None:
    """A note (an asterisk's explanation, an assumption) between the axes and the source line."""
    fig._rs_footer = (_with_role(fig._rs_footer, "note")  # type: ignore[attr-defined]
                      + _lines(text, layout_of(fig).note, "note", fig)
                      + _with_role(fig._rs_footer, "source"))  # type: ignore[attr-defined]
    _layout(fig)


# --------------------------------------------------------------------------------------------------------------
# Small helpers shared by the charts
# --------------------------------------------------------------------------------------------------------------

def cite(references: Mapping[str, Any], ref_id: str) -> str:
    """'Kaplan et al. 2020' from a catalog reference entry (its id if the slice does not hold it)."""
    ref = references.get(ref_id)
    if not ref:
        return ref_id
    # A parenthesis names a body's members ("Open Compute Project (AMD, Arm, ...)"): the body alone is cited, and the
    # members' commas do not make it several authors (it read "Open Compute Project (AMD et al.").
    named = re.sub(r"\s*\([^)]*\)", "", str(ref.get("authors", "")))
    authors = [a.strip() for a in named.split(",") if a.strip()]
    if not authors:
        who = ref_id
    elif len(authors) == 1:
        who = authors[0]
    elif len(authors) == 2:
        who = f"{authors[0]} & {authors[1]}"
    else:
        who = f"{authors[0]} et al."
    return f"{who} {ref.get('year', '')}".strip()


def cites(references: Mapping[str, Any], ref_ids: Iterable[str], sep: str = ", ") -> str:
    """The ``cite`` of each reference, in order, each short form once (two NVIDIA documents of one year are both
    "NVIDIA 2026"; the figure page and the article's references tell them apart)."""
    return sep.join(dict.fromkeys(cite(references, r) for r in ref_ids))


# Number labels live in generator/format.py (one home for every number format); charts call them through here.
from generator.format import gb_label, sci, short_number  # noqa: E402,F401


def release_year(released: str) -> float:
    """'2024-07-23' -> 2024.56: a decimal year for a time axis (a month alone means its first day)."""
    parts = [int(p) for p in released.split("-")]
    year, month = parts[0], parts[1]
    day = parts[2] if len(parts) > 2 else 1
    return year + (month - 1) / 12 + (day - 1) / 365


# --------------------------------------------------------------------------------------------------------------
# The check that no text collides (labels that place themselves: figures/labels.py)
# --------------------------------------------------------------------------------------------------------------

def layout_renderer(fig: Figure):
    """Lay ``fig`` out as a save does and return the renderer that measures its text."""
    if not hasattr(fig.canvas, "get_renderer"):  # a bare Figure: measure with Agg (savefig picks its own canvas)
        FigureCanvasAgg(fig)
    fig.draw_without_rendering()  # runs constrained layout, so every extent below is final
    return fig.canvas.get_renderer()


def drawn_texts(fig: Figure) -> list[Any]:
    """The texts a save draws: visible and non-empty, and of the tick labels only those of ticks in view (an axis
    keeps labels for ticks beyond its limits, which it never draws)."""
    ticks = set()
    drawn = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                ticks.update((tick.label1, tick.label2))
            if ax.axison and axis.get_visible():
                for tick in axis._update_ticks():  # the ticks within the view limits
                    drawn.update((tick.label1, tick.label2))
    return [t for t in fig.findobj(mtext.Text) if t.get_visible() and t.get_text().strip() and t.get_alpha() != 0
            and (t not in ticks or t in drawn)]


def text_collisions(fig: Figure, tolerance: float = 1.0) -> list[str]:
    """Every pair of visible texts that overlap, and every text that leaves the figure, in plain words
    ("'Llama 3.1 70B' overlaps 'Qwen2.5 72B'"). ``tolerance`` is in pixels."""
    renderer = layout_renderer(fig)
    texts = drawn_texts(fig)
    # Text's own extent: an Annotation's would include its lead-out line, which may pass beside other labels.
    boxes = [(t, mtext.Text.get_window_extent(t, renderer)) for t in texts]
    boxes = [(t, b) for t, b in boxes if b.width > 0 and b.height > 0]
    out: list[str] = []
    page = fig.bbox
    for t, b in boxes:
        if b.x0 < page.x0 - tolerance or b.x1 > page.x1 + tolerance or b.y0 < page.y0 - tolerance \
                or b.y1 > page.y1 + tolerance:
            out.append(f"{_name(t)!r} leaves the figure")
    for i, (t, b) in enumerate(boxes):
        for u, c in boxes[i + 1:]:
            if min(b.x1, c.x1) - max(b.x0, c.x0) > tolerance and min(b.y1, c.y1) - max(b.y0, c.y0) > tolerance:
                out.append(f"{_name(t)!r} overlaps {_name(u)!r}")
    return out


def _name(t) -> str:
    return " ".join(t.get_text().split())
