"""Weights-only memory of a few catalog model sizes at each precision, against the memory of catalog hardware.

Memory is derive.weight_bytes (parameters x bytes per value): weights only, no KV cache, activations or
quantization scales; GB = 10^9 bytes. Precisions that take the same bytes (FP8 and INT8) share one marker.
Hardware lines are grouped by memory size (an A100 80GB and an H100 both hold 80 GB).
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

MODELS = ["llama-3.1-8b", "llama-3.1-70b", "gpt-3-175b", "llama-3.1-405b", "deepseek-v3"]
PRECISIONS = ["fp32", "bf16", "fp8", "int8", "int4"]
HARDWARE = ["rtx-4090-laptop", "rtx-4090", "a100-80gb", "h100", "h200", "b200", "dgx-h100"]
#: marker and colour per bytes-per-value (one per precision group), widest first
STYLE = {4.0: ("s", cs.RED), 2.0: ("D", cs.ORANGE), 1.0: ("o", cs.BLUE), 0.5: ("^", cs.GREEN)}
_STRIP = ("NVIDIA ", "GeForce ", " GPU", " SXM")
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


def precision_groups(formats: dict[str, Any]) -> list[tuple[float, str]]:
    """[(bytes per value, 'FP8 / INT8'), ...], widest first; names from the catalog formats where they exist."""
    groups: dict[float, list[str]] = {}
    for p in PRECISIONS:
        fmt = formats.get(p) or next((f for k, f in formats.items() if k.startswith(p + "-")), None)
        name = fmt["name"].split(" ")[0] if fmt else p.upper()
        groups.setdefault(derive.bytes_per_value(p), []).append(name)
    return sorted(((b, " / ".join(names)) for b, names in groups.items()), reverse=True)


def hardware_lines(hardware: dict[str, Any]) -> list[tuple[float, str]]:
    """[(memory GB, 'A100 80GB / H100'), ...] for the HARDWARE ids present, grouped by memory size."""
    by_size: dict[float, list[str]] = {}
    for hw_id in HARDWARE:
        hw = hardware.get(hw_id)
        if not hw:
            continue
        name = hw["name"]
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


def draw(data: dict[str, Any]):
    models = [(k, data["models"][k]) for k in MODELS]  # a KeyError names a model missing from the catalog
    groups = precision_groups(data.get("formats", {}))
    fig, ax = cs.figure(height=6.0)
    cs.subtitle(fig, "Weights only (no KV cache, activations or quantization scales), in "
                     "GB\u00a0=\u00a010⁹\u00a0bytes, log scale. Dashed lines: device memory.")
    ax.set_yscale("log")

    first_of = {derive.bytes_per_value(p): p for p in reversed(PRECISIONS)}  # bytes -> first precision name
    top = 0.0
    for x, (_, m) in enumerate(models):
        sizes = [derive.weight_bytes(m["params"], p) / 1e9 for p in PRECISIONS]
        ax.plot([x, x], [min(sizes), max(sizes)], color=cs.MUTED, linewidth=1.2, zorder=2)
        for bpv, _ in groups:
            gb = derive.weight_bytes(m["params"], first_of[bpv]) / 1e9
            marker, colour = STYLE[bpv]
            ax.plot([x], [gb], marker=marker, markersize=9, color=colour, markeredgecolor=cs.PAPER,
                    markeredgewidth=1.2, linestyle="none", zorder=4)
            ax.annotate(f"{gb:,.0f}" if gb >= 10 else f"{gb:.1f}", (x, gb), xytext=(8, 0),
                        textcoords="offset points", ha="left", va="center", fontsize=cs.SOURCE_SIZE + 0.5,
                        color=cs.INK, zorder=5,
                        bbox=dict(boxstyle="square,pad=0.08", facecolor=cs.PAPER, edgecolor="none"))
            top = max(top, gb)

    lines = hardware_lines(data.get("hardware", {}))
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

    handles = [Line2D([], [], marker=STYLE[b][0], color=STYLE[b][1], markeredgecolor=cs.PAPER, linestyle="none",
                      markersize=9, label=f"{name} ({b:g} byte{'s' if b != 1 else ''})") for b, name in groups]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=len(handles),
              handletextpad=0.1, columnspacing=0.9, borderaxespad=0.2)
    cs.source_line(fig, "parameter counts from the model papers; device memory from vendor specifications "
                        "(see References). An MoE model keeps all its parameters in memory.")
    return fig
