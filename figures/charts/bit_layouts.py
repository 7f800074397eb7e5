"""Bit layouts of the number formats: one row of boxes per format, one box per bit, drawn to the same scale.

Floats split into sign, exponent and mantissa (fraction) bits; integers into a sign bit and value bits (two's
complement). The largest finite value is written at the right: floats from formats.*.max_finite (derived from the
bits when the catalog loads, derive.float_max_finite), integers from derive.int_range.

Narrow layout: each row's name, width and largest value on a line above its boxes, so the boxes take the full
width; the legend in two columns.
"""

from __future__ import annotations

from typing import Any

from matplotlib.collections import LineCollection
from matplotlib.patches import Patch, Rectangle

from figures import chart_style as cs
from generator import derive

PARTS = {  # role -> (legend label, colour)
    "sign": ("sign", cs.RED),
    "exponent": ("exponent (range)", cs.BLUE),
    "mantissa": ("mantissa (precision)", cs.GREEN),
    "integer": ("integer value", cs.PURPLE),
}
ROW_HEIGHT = 0.62   # of the 1.0 row pitch
NARROW_ROW_HEIGHT = 0.42   # narrow: the boxes sit in the lower part of the row, under their labels
NARROW_DROP = 0.16         # narrow: how far the boxes' centre sits below the row's centre
NOTCH = 0.26        # bit notches reach this share of the row height in from each edge


def ordered(formats: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Floats before integers, wider first, then by exponent bits (FP16 before BF16, E4M3 before E5M2)."""
    return sorted(formats.items(), key=lambda kv: (kv[1]["kind"] == "int", -kv[1]["bits"],
                                                    kv[1].get("exponent", 0), kv[0]))


def segments(f: dict[str, Any]) -> list[tuple[str, int]]:
    if f["kind"] == "float":
        return [("sign", f["sign"]), ("exponent", f["exponent"]), ("mantissa", f["mantissa"])]
    return [("sign", f.get("sign", 0)), ("integer", f["bits"] - f.get("sign", 0))]


def largest(f: dict[str, Any]) -> str:
    """The right-hand column: the largest finite value, or the integer range."""
    if f["kind"] == "int":
        lo, hi = derive.int_range(f["bits"], signed=bool(f.get("sign", 1)))
        return f"{lo:,} to {hi:,}".replace("-", "−")
    value = f["max_finite"]
    if f.get("block_size"):  # a block-scaled format: its elements' range, times the block's scale
        per = derive.block_bits_per_value(f["bits"], f["block_size"], f["scale_bits"])
        return f"{value:,g} × scale, {per:g} bits"
    return cs.sci(value, 3) if value >= 1e6 else f"{value:,g}"


def draw(data: dict[str, Any], layout: str = "wide"):
    lay = cs.get_layout(layout)
    rows = ordered(data["formats"])
    if lay.narrow:
        fig, ax = cs.figure(height=0.6 * len(rows) + 2.6, layout=layout)
    else:
        fig, ax = cs.figure(height=0.5 * len(rows) + 2.2)
    cs.subtitle(fig, "One box per bit, all to the same scale. Exponent bits set the range, mantissa bits the "
                     "precision.")
    widest = max(f["bits"] for _, f in rows)
    n = len(rows)
    notches: list[list[tuple[float, float]]] = []
    for i, (_, f) in enumerate(rows):
        y = n - 1 - i  # the row's labels; its boxes are centred on y (wide) or just below the labels (narrow)
        _boxes(ax, lay, f, y - NARROW_DROP if lay.narrow else y, notches)
        _row_labels(ax, lay, f, y, widest)
    if lay.narrow:
        ax.text(widest, n - 0.56, "Largest value", ha="right", va="bottom", fontsize=lay.source, color=cs.MUTED)
    else:
        ax.text(widest + 0.8, n - 0.45, "Largest value", ha="left", va="bottom", fontsize=cs.NOTE_SIZE,
                color=cs.MUTED)

    ax.add_collection(LineCollection(notches, colors=cs.PAPER, linewidths=0.9, capstyle="butt", zorder=3))
    ax.set_xlim(0, widest + (0.5 if lay.narrow else 0))  # narrow: a margin at the right like the left one
    ax.set_ylim(-0.5 - (NARROW_DROP if lay.narrow else 0), n - 0.45)
    ax.axis("off")
    handles = [Patch(facecolor=c, edgecolor="none", label=label) for label, c in PARTS.values()]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 0.0), ncols=2 if lay.narrow else 4,
              handlelength=1.0, handletextpad=0.4, columnspacing=1.0, borderaxespad=0.2)
    _notes(fig, data, rows)
    return fig


def _boxes(ax, lay: cs.Layout, f: dict[str, Any], y: float, notches: list[list[tuple[float, float]]]) -> None:
    """Format ``f``'s bits centred on ``y``: one box per segment with its count, its bits as notches (added to
    ``notches``, drawn at once), a wider gap between segments."""
    row_height = NARROW_ROW_HEIGHT if lay.narrow else ROW_HEIGHT
    x = 0
    for role, count in segments(f):
        if not count:
            continue
        colour = PARTS[role][1]
        ax.add_patch(Rectangle((x, y - row_height / 2), count, row_height, facecolor=colour, edgecolor="none"))
        # Bits of one segment: notches from the top and bottom edges, like a ruler, leaving the middle for
        # the count.
        top, bottom = y + row_height / 2, y - row_height / 2
        notch = row_height * NOTCH
        for b in range(1, count):
            notches += [[(x + b, top), (x + b, top - notch)], [(x + b, bottom), (x + b, bottom + notch)]]
        ax.text(x + count / 2, y, f"{count}", ha="center", va="center", fontsize=lay.note,
                color=cs.PAPER, fontweight="semibold", zorder=4)
        x += count
        if x < f["bits"]:  # a wider gap between segments
            ax.plot([x, x], [y - row_height / 2, y + row_height / 2], color=cs.PAPER,
                    linewidth=1.6 if lay.narrow else 2.2, solid_capstyle="butt")


def _row_labels(ax, lay: cs.Layout, f: dict[str, Any], y: float, widest: int) -> None:
    """The format's name, its bits and its largest value: beside the boxes (wide), on one line above (narrow)."""
    if lay.narrow:
        # One line above the boxes: "FP32  32 bits" at the left, the largest value at the right.
        base = y + 0.1
        ax.text(0, base, f["name"], ha="left", va="bottom", fontsize=lay.label, color=cs.INK,
                fontweight="semibold")
        ax.annotate(f"{f['bits']} bits", (0, base), xytext=(cs.text_width(f["name"], lay.label, True) + 5, 0),
                    textcoords="offset points", ha="left", va="bottom", fontsize=lay.source, color=cs.MUTED)
        ax.text(widest, base, largest(f), ha="right", va="bottom", fontsize=lay.label, color=cs.INK)
        return
    ax.text(-0.6, y + 0.13, f["name"], ha="right", va="center", fontsize=cs.LABEL_SIZE, color=cs.INK,
            fontweight="semibold")
    ax.text(-0.6, y - 0.24, f"{f['bits']} bits", ha="right", va="center", fontsize=cs.SOURCE_SIZE,
            color=cs.MUTED)
    ax.text(widest + 0.8, y, largest(f), ha="left", va="center", fontsize=cs.LABEL_SIZE, color=cs.INK)


def _notes(fig, data: dict[str, Any], rows) -> None:
    notes = []
    e4m3 = next((f for _, f in rows if f.get("specials") == "nan_only"), None)
    if e4m3:
        ieee = derive.float_max_finite(e4m3["exponent"], e4m3["mantissa"])
        notes.append(f"{e4m3['name']} has no infinities and reuses the top exponent, so it reaches "
                     f"{e4m3['max_finite']:,g} instead of {ieee:,g}.")
    notes.append("Integers: two's complement.")
    cs.footnote(fig, " ".join(notes))
    refs = data.get("references", {})
    sources = sorted({r for _, f in rows if f["kind"] == "float" for r in f.get("sources", [])})
    cited = cs.cites(refs, sources) if refs else "IEEE 754, Google (BF16), OCP (FP8)"
    cs.source_line(fig, f"{cited}.")
