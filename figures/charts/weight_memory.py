"""Weights-only memory of a few catalog model sizes at each precision, against the memory of catalog hardware.

Memory is derive.weight_bytes (parameters x bytes per value): weights only, no KV cache, activations or
quantization scales; GB = 10^9 bytes. Precisions that take the same bytes (FP8 and INT8) share one marker.
Hardware lines are grouped by memory size (an A100 80GB and an H100 both hold 80 GB).

Narrow layout: the chart turned on its side, so it fits a phone column: one row per model (name above), memory on
the horizontal axis, value labels alternately above and below the markers, and the device lines vertical, each
ending in a flag with its label; the flags step down from the smallest device, so no line crosses a label.
"""

from __future__ import annotations

import re
from typing import Any

import matplotlib.ticker as mticker
from matplotlib.lines import Line2D
from matplotlib.text import Annotation
from matplotlib.transforms import IdentityTransform

from figures import chart_style as cs
from generator import derive
from generator.catalog.selection import shown, shown_hardware
from generator.format import PRECISIONS, precision_groups

#: marker and colour per bytes-per-value (one per precision group), widest first
STYLE = {4.0: ("s", cs.RED), 2.0: ("D", cs.ORANGE), 1.0: ("o", cs.BLUE), 0.5: ("^", cs.GREEN)}
_STRIP = ("NVIDIA ", "AMD ", "Instinct ", "GeForce ", " GPU", " SXM")
#: A name's closing parenthesis ("(Blackwell Ultra)", "(128 GB)": a system's total, not what the line shows).
_PAREN = re.compile(r" \([^)]*\)$")
HW_LABEL_SIZE = cs.NOTE_SIZE - 0.5


class _LabelColumn:
    """Labels stacked in one column: at draw time, each is moved just enough to keep ``gap_pt`` from the next."""

    def __init__(self, gap_pt: float) -> None:
        self.gap_pt = gap_pt
        self.labels: list[_SpreadLabel] = []

    def offsets(self) -> dict[int, float]:
        """Vertical offset (points) of each label, by index: 0 (centred on its line) unless it would overlap."""
        anchors = []
        for index, label in enumerate(self.labels):
            fig = label.get_figure(root=True)
            y_px = label.axes.transData.transform((0.0, label.xy[1]))[1]
            anchors.append((y_px * 72 / fig.dpi, index))
        anchors.sort()
        placed: list[float] = []
        for y, _ in anchors:
            placed.append(max(y, placed[-1] + self.gap_pt) if placed else y)
        # Centre the shifts on each cluster: move the whole run down by half its total push.
        shift = [p - y for p, (y, _) in zip(placed, anchors)]
        out: dict[int, float] = {}
        i = 0
        while i < len(anchors):
            j = i
            while j + 1 < len(anchors) and shift[j + 1] > 0:
                j += 1
            mid = (shift[i] + shift[j]) / 2
            for k in range(i, j + 1):
                out[anchors[k][1]] = shift[k] - mid
            i = j + 1
        return out


class _SpreadLabel(Annotation):
    def __init__(self, column: _LabelColumn, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._column = column
        column.labels.append(self)

    def draw(self, renderer) -> None:
        self.xyann = (self.xyann[0], self._column.offsets().get(self._column.labels.index(self), 0.0))
        super().draw(renderer)


def hardware_lines(hardware: dict[str, Any]) -> list[tuple[float, str]]:
    """[(memory GB, 'A100 80GB / H100'), ...] for the devices given (in their order), grouped by memory size: each
    device's ``short_label`` if it has one, else its name without vendor words or a closing parenthesis (for a
    processor whose GPU shares the system's memory that gives the system's total, not what the line shows)."""
    by_size: dict[float, list[str]] = {}
    for hw in hardware.values():
        name = hw.get("short_label") or _PAREN.sub("", hw["name"])
        for s in _STRIP:
            name = name.replace(s, "")
        name = re.sub(r" \d+ ?GB$", "", name.replace(" x ", " × ").replace(" node", ""))
        by_size.setdefault(float(hw["memory_gb"]), []).append(name)
    return sorted((gb, " / ".join(names)) for gb, names in by_size.items())


def model_label(m: dict[str, Any]) -> str:
    name = m["name"]
    match = re.match(r"^(.*) (\d+(?:\.\d+)?[BT])$", name)
    if match:
        head, size = match.groups()
    else:
        head, size = name, cs.short_number(m["params"], 3)
    return f"{head}\n{size}" + (" MoE" if m.get("moe") else "")


def value_label(gb: float) -> str:
    return f"{gb:,.0f}" if gb >= 10 else f"{gb:.1f}"


def points(models: list[tuple[str, dict[str, Any]]], groups: list[tuple[float, str, str]]):
    """Per model: (model, [(bytes per value, GB), ...] widest first) for the precision groups."""
    return [(m, [(bpv, derive.weight_bytes(m["params"], p) / 1e9) for bpv, p, _ in groups]) for _, m in models]


def _columns(ax, models: list[tuple[str, dict[str, Any]]], groups: list[tuple[float, str, str]],
             data: dict[str, Any]) -> None:
    """The wide body: one column per model, memory up the (log) vertical axis, device lines across."""
    ax.set_yscale("log")

    top = 0.0
    for x, (_, pts) in enumerate(points(models, groups)):
        gbs = [gb for _, gb in pts]
        ax.plot([x, x], [min(gbs), max(gbs)], color=cs.MUTED, linewidth=1.2, zorder=2)
        for bpv, gb in pts:
            marker, colour = STYLE[bpv]
            ax.plot([x], [gb], marker=marker, markersize=9, color=colour, markeredgecolor=cs.PAPER,
                    markeredgewidth=1.2, linestyle="none", zorder=4)
            ax.annotate(value_label(gb), (x, gb), xytext=(8, 0),
                        textcoords="offset points", ha="left", va="center", fontsize=cs.SOURCE_SIZE + 0.5,
                        color=cs.INK, zorder=5,
                        bbox=dict(boxstyle="square,pad=0.08", facecolor=cs.PAPER, edgecolor="none"))
            top = max(top, gb)

    lines = hardware_lines(dict(shown_hardware(data)))
    bottom = min(derive.weight_bytes(m["params"], PRECISIONS[-1]) for _, m in models) / 1e9
    y_lo = min([bottom] + [gb for gb, _ in lines]) / 1.8
    y_hi = top * 1.8
    ax.set_ylim(y_lo, y_hi)
    n = len(models)
    ax.set_xlim(-0.36, n - 0.42)
    for gb, _ in lines:
        ax.axhline(gb, color=cs.MUTED, linewidth=1.0, linestyle=(0, (3, 2)), zorder=1)

    # Hardware labels in the right margin, spread apart at draw time where sizes are close (141 and 180 GB).
    column = _LabelColumn(gap_pt=HW_LABEL_SIZE * 1.2)
    for gb, name in lines:
        label = _SpreadLabel(column, f"{name} {gb:g} GB", (1.0, gb), xycoords=("axes fraction", "data"),
                             xytext=(6, 0), textcoords="offset points", ha="left", va="center",
                             fontsize=HW_LABEL_SIZE, color=cs.MUTED, annotation_clip=False)
        label.set_transform(IdentityTransform())  # as ax.annotate leaves it; add_artist would impose transData
        ax.add_artist(label)
        label.set_clip_on(False)  # add_artist clips to the axes; this label lives in the margin

    ax.set_xticks(range(n), [model_label(m) for _, m in models])
    ax.tick_params(axis="x", length=0, pad=6)
    ax.grid(axis="x", visible=False)
    ax.grid(axis="y", visible=False)
    ax.yaxis.set_major_locator(mticker.LogLocator(base=10, numticks=10))
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:,g}"))
    ax.yaxis.set_minor_locator(mticker.NullLocator())
    for label in ax.get_xticklabels():
        label.set_fontsize(cs.NOTE_SIZE - 0.5)



#: Narrow layout geometry, in points: value labels sit this far above/below their marker's centre, the model name
#: this far above the row's markers, and each device flag takes one tier of this height.
_VALUE_GAP = 6.5
_NAME_RISE = 20.5
_TIER = 12.5
#: Rows are 1.0 apart in data units; the flags take the band above the first row's name.
_FLAG_BASE = 0.62


def _rows(ax, models: list[tuple[str, dict[str, Any]]], groups: list[tuple[float, str, str]],
          lines: list[tuple[float, str]], lay: cs.Layout) -> None:
    """The narrow body: one row per model (first at the top), memory along the (log) horizontal axis, device lines
    down from flags that step down and right from the smallest device."""
    ax.set_xscale("log")
    n = len(models)
    rows = points(models, groups)
    lo = min(gb for _, pts in rows for _, gb in pts)
    hi = max(gb for _, pts in rows for _, gb in pts)
    lo = min([lo] + [gb for gb, _ in lines]) / 1.6
    hi = hi * 1.9
    # Data units per point, vertically: from the row pitch the figure height was chosen for (see draw).
    per_pt = 1.0 / 58.0
    for i, (m, pts) in enumerate(rows):
        y = n - 1 - i
        gbs = [gb for _, gb in pts]
        ax.plot([min(gbs), max(gbs)], [y, y], color=cs.MUTED, linewidth=1.2, zorder=2)
        for k, (bpv, gb) in enumerate(pts):
            marker, colour = STYLE[bpv]
            ax.plot([gb], [y], marker=marker, markersize=8, color=colour, markeredgecolor=cs.PAPER,
                    markeredgewidth=1.1, linestyle="none", zorder=4)
            above = k % 2 == 0  # neighbours alternate sides, so labels two apart never meet
            ax.annotate(value_label(gb), (gb, y), xytext=(0, _VALUE_GAP if above else -_VALUE_GAP),
                        textcoords="offset points", ha="center", va="bottom" if above else "top",
                        fontsize=lay.source + 0.5, color=cs.INK, zorder=5,
                        bbox=dict(boxstyle="square,pad=0.08", facecolor=cs.PAPER, edgecolor="none"))
        name = " ".join(model_label(m).split("\n"))
        ax.annotate(name, (0.0, y), xycoords=ax.get_yaxis_transform(), xytext=(0, _NAME_RISE),
                    textcoords="offset points", ha="left", va="bottom", fontsize=lay.label, color=cs.INK,
                    zorder=5, bbox=dict(boxstyle="square,pad=0.08", facecolor=cs.PAPER, edgecolor="none"))

    # Device flags: smallest memory in the top tier, each next one a tier lower; a line runs from its flag down
    # through the rows, and every label starts right of its own line, past which only lower lines rise.
    top_row = n - 1 + _FLAG_BASE
    for tier, (gb, label) in enumerate(sorted(lines)):
        flag_y = top_row + (len(lines) - tier - 0.5) * _TIER * per_pt
        ax.plot([gb, gb], [-0.45, flag_y], color=cs.MUTED, linewidth=1.0, linestyle=(0, (3, 2)), zorder=1)
        ax.annotate(f"{label} {gb:g} GB", (gb, flag_y), xytext=(3, 0), textcoords="offset points", ha="left",
                    va="center", fontsize=lay.source + 0.5, color=cs.MUTED)
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.45, top_row + len(lines) * _TIER * per_pt)
    ax.xaxis.set_major_locator(mticker.LogLocator(base=10, numticks=10))
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:,g}"))
    ax.xaxis.set_minor_locator(mticker.NullLocator())
    ax.set_xlabel("Weights (GB, log scale)")
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.grid(False)


def draw(data: dict[str, Any], layout: str = "wide"):
    lay = cs.get_layout(layout)
    models = [(k, m) for k, m, _ in shown(data)]  # the entry's `models:` list (catalog.yaml), in its order
    groups = precision_groups(data.get("formats", {}), named_with=False)  # a short legend
    fig, ax = cs.figure(height=7.9 if lay.narrow else 6.0, layout=layout)
    cs.subtitle(fig, "Weights only (no KV cache, activations or quantization scales), in "
                     "GB\u00a0=\u00a010⁹\u00a0bytes, log scale. Dashed lines: device memory.")
    if lay.narrow:
        _rows(ax, models, groups, hardware_lines(dict(shown_hardware(data))), lay)
    else:
        _columns(ax, models, groups, data)

    handles = [Line2D([], [], marker=STYLE[b][0], color=STYLE[b][1], markeredgecolor=cs.PAPER, linestyle="none",
                      markersize=8 if lay.narrow else 9, label=f"{name} ({b:g} byte{'s' if b != 1 else ''})")
               for b, _, name in groups]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2 if lay.narrow else len(handles),
              handletextpad=0.1, columnspacing=0.9, borderaxespad=0.2)
    cs.source_line(fig, "parameter counts from the model papers; device memory from vendor specifications "
                        "(see References). An MoE model keeps all its parameters in memory.")
    return fig
