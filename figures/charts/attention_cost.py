"""Attention cost against context length n, in two log-log panels.

Left: scores one head computes in one layer (derive.attention_scores): full n^2, causal n(n+1)/2, and a causal
sliding window of Mistral 7B's size (about n x w once n > w).
Right: memory for those scores. Standard attention writes the full n x n matrix (here one head, BF16); Flash
Attention never stores it and keeps only per-row softmax statistics, which grow linearly with n. The exact linear
term is an assumption stated on the chart: two FP32 numbers (running max and sum) per query row.

Narrow layout: the two panels stacked, scores above memory.
"""

from __future__ import annotations

from typing import Any

import matplotlib.ticker as mticker
import numpy as np

from figures import chart_style as cs
from generator import derive
from generator.catalog.selection import shown, shown_hardware

N_MIN, N_MAX = 2**10, 2**20           # 1K .. 1M tokens
SCORE_PRECISION = "bf16"              # the stored score matrix
FLASH_STATS_PER_ROW = 2               # running max and running sum of the online softmax (Dao et al. 2022, Alg. 1)
FLASH_STATS_PRECISION = "fp32"


def _grid() -> list[int]:
    return sorted({int(round(x)) for x in np.logspace(np.log10(N_MIN), np.log10(N_MAX), 121)})


def _tokens(n: float) -> str:
    """Context lengths in binary thousands, as the field writes them: 1K, 32K, 1M."""
    if n >= 2**20:
        return f"{n / 2**20:g}M"
    return f"{n / 2**10:g}K" if n >= 2**10 else f"{n:g}"


def _bytes(n: float) -> str:
    for div, unit in ((1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "KB")):
        if n >= div:
            return f"{n / div:g} {unit}"
    return f"{n:g} B"


def _context_axis(ax, lay: cs.Layout = cs.WIDE) -> None:
    ax.set_xscale("log", base=2)
    ax.set_xlim(N_MIN, N_MAX)
    ax.xaxis.set_major_locator(mticker.FixedLocator([2**10, 2**13, 2**17, 2**20]))
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: _tokens(v)))
    ax.xaxis.set_minor_locator(mticker.NullLocator())
    ax.set_xlabel("Context length n (tokens)")
    ax.tick_params(axis="x", pad=3 if lay.narrow else 4)


def first_context_exceeding(limit_bytes: float) -> int:
    """Smallest n whose full BF16 score matrix for one head needs more than ``limit_bytes``."""
    bpv = derive.bytes_per_value(SCORE_PRECISION)
    lo, hi = 1, N_MAX * 64
    while lo < hi:
        mid = (lo + hi) // 2
        if derive.attention_scores(mid, "full") * bpv > limit_bytes:
            hi = mid
        else:
            lo = mid + 1
    return lo


def draw(data: dict[str, Any], layout: str = "wide"):
    lay = cs.get_layout(layout)
    # The entry's first sliding-window model and first device (catalog.yaml: models:, hardware:).
    mistral = next(m for _, m, _ in shown(data) if m.get("window"))
    refs = data.get("references", {})
    device = next((h for _, h in shown_hardware(data)), None)
    if lay.narrow:  # stacked: "left" is the upper panel, "right" the lower one
        fig, (left, right) = cs.figure(height=7.6, nrows=2, layout=layout)
        fig.get_layout_engine().set(hspace=0.1)
    else:
        fig, (left, right) = cs.figure(height=4.6, ncols=2)
    cs.subtitle(fig, "One attention head in one layer, log-log axes. Scores stored in BF16 (2 bytes); "
                     "GB\u00a0=\u00a010⁹\u00a0bytes.")
    _scores_panel(left, lay, mistral)
    _memory_panel(right, lay, device)
    sources = cs.cites(refs, [r for r in ("jiang-2023", "dao-2022") if r in refs], " and ")
    cs.source_line(fig, f"{sources or 'Mistral 7B and Flash Attention papers'}. Flash Attention's "
                        f"linear term is an assumption: {FLASH_STATS_PER_ROW} FP32 softmax statistics per token "
                        f"(it never stores the n × n matrix).")
    return fig


_LEGEND = dict(loc="upper left", handlelength=1.6, handletextpad=0.4, labelspacing=0.35, borderaxespad=0.2)


def _scores_panel(left, lay: cs.Layout, mistral: dict[str, Any]) -> None:
    """Scores computed: full, causal and windowed, with the windowed saving at the longest context."""
    w = mistral["window"]
    ns = _grid()
    model = mistral["name"].split(" v")[0]
    left.plot(ns, [derive.attention_scores(n, "full") for n in ns], color=cs.RED, label="Full: n²")
    left.plot(ns, [derive.attention_scores(n, "causal") for n in ns], color=cs.ORANGE, linestyle=(0, (3, 1.5)),
              label="Causal: n(n+1)/2")
    left.plot(ns, [derive.attention_scores(n, "window", w) for n in ns], color=cs.GREEN,
              label=f"Sliding window: ≈ n × w\n(w = {w:,}, {model})")
    left.set_yscale("log")
    left.set_title("Scores per head per layer")
    _context_axis(left, lay)
    left.yaxis.set_major_locator(mticker.FixedLocator([1e6, 1e8, 1e10, 1e12]))
    left.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: cs.short_number(v)))
    left.yaxis.set_minor_locator(mticker.NullLocator())
    left.set_ylim(5e5, 5e14)
    left.legend(**_LEGEND)
    # The gap between causal and windowed attention at the longest context, as a bracket.
    at = N_MAX * 0.7
    hi, lo = derive.attention_scores(int(at), "causal"), derive.attention_scores(int(at), "window", w)
    left.annotate("", (at, lo), xytext=(at, hi), arrowprops=dict(arrowstyle="<->", color=cs.INK, linewidth=1.0,
                                                                shrinkA=1, shrinkB=1))
    ratio = derive.attention_scores(N_MAX, "causal") / derive.attention_scores(N_MAX, "window", w)
    left.text(0.98, 0.05, f"Window: {ratio:.0f}× fewer\nthan causal at {_tokens(N_MAX)}", transform=left.transAxes,
              ha="right", va="bottom", fontsize=lay.note, color=cs.INK, linespacing=1.1)


def _memory_panel(right, lay: cs.Layout, device: dict[str, Any] | None) -> None:
    """Memory for the scores: standard against Flash Attention, and the device's memory with where it runs out."""
    ns = _grid()
    bpv = derive.bytes_per_value(SCORE_PRECISION)
    stats = FLASH_STATS_PER_ROW * derive.bytes_per_value(FLASH_STATS_PRECISION)
    right.plot(ns, [derive.attention_scores(n, "full") * bpv for n in ns], color=cs.RED,
               label=f"Standard: n × n × {bpv:g} bytes")
    right.plot(ns, [n * stats for n in ns], color=cs.BLUE, label=f"Flash Attention: ≈ {stats:g} bytes × n")
    right.set_yscale("log")
    right.set_title("Memory for the scores")
    _context_axis(right, lay)
    right.yaxis.set_major_locator(mticker.FixedLocator([1e3, 1e6, 1e9, 1e12]))
    right.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: _bytes(v)))
    right.yaxis.set_minor_locator(mticker.NullLocator())
    right.set_ylim(1e3, 1e16)
    right.legend(**_LEGEND)
    if not device:
        return
    mem = device["memory_gb"] * derive.GB
    right.axhline(mem, color=cs.MUTED, linewidth=1.2, linestyle=(0, (2, 2)), zorder=1)
    n_over = first_context_exceeding(mem)
    right.plot([n_over], [mem], marker="o", markersize=7, color=cs.RED, markeredgecolor=cs.PAPER, zorder=4)
    name = device["name"].replace("NVIDIA ", "")
    right.annotate(f"{name} memory", (N_MIN, mem), xytext=(4, 5),
                   textcoords="offset points", ha="left", va="bottom", color=cs.MUTED, fontsize=lay.note)
    right.annotate(f"full at\nn ≈ {cs.short_number(n_over, 2)}", (n_over, mem), xytext=(0, -8),
                   textcoords="offset points", ha="left", va="top", color=cs.INK, fontsize=lay.note,
                   linespacing=1.1)
