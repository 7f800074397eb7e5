"""Kaplan et al.'s power law L(N) = (N_c / N)^alpha_N on log-log axes, with the catalog's dense models on the line.

The markers sit on the curve by construction: they show where each model's size falls on the fitted law, not a
measured loss. Kaplan counts non-embedding parameters; the markers use total parameters as an approximation
(embeddings are a small share of these models). Only dense transformers are marked: the law was fitted to them,
and a mixture-of-experts or hybrid model has no single N it would apply to.

Which models: the entry's ``select: dense`` (catalog.yaml). Models closer in size than CLUSTER share one stacked
label; labels place themselves (``figures/labels.py``). Narrow layout: every other decade labelled on the x
axis, wider clusters of names, the note on the markers below the axes instead of inside them.
"""

from __future__ import annotations

from typing import Any

import matplotlib.ticker as mticker
import numpy as np

from figures import chart_style as cs
from figures.labels import place_labels
from generator import derive
from generator.catalog.selection import shown

N_RANGE = (1e6, 1e12)  # parameters spanned by the curve
#: Models closer than this factor in size share one label (a stack of names); per layout.
CLUSTER = 1.5
CLUSTER_NARROW = 3.0


def dense_models(data: dict[str, Any]) -> list[tuple[str, dict[str, Any], str]]:
    """The models the entry shows (catalog.yaml ``select: dense``: disclosed dense transformers), smallest first,
    with their labels; a model without a size or with experts or an SSM is left out whatever the entry says."""
    out = [(k, m, label) for k, m, label in shown(data)
           if derive.disclosed(m) and not m.get("moe") and m.get("attention") != "hybrid"]
    return sorted(out, key=lambda r: (r[1]["params"], r[0]))


def draw(data: dict[str, Any], layout: str = "wide"):
    lay = cs.get_layout(layout)
    k = data["scaling"]["kaplan"]
    alpha, n_c = k["alpha_n"], k["n_c"]
    refs = data.get("references", {})
    fig, ax = cs.figure(height=5.2 if lay.narrow else 4.6, layout=layout)
    doubling = derive.kaplan_loss(2.0, alpha, 1.0)  # (1/2)^alpha: the loss factor for each doubling of N
    # Typeset by mathtext (chart_style.apply); the alt text keeps the plain formula.
    cs.subtitle(fig, f"$L(N) = (N_c\\,/\\,N)^{{\\alpha}}$ with $\\alpha$ = {alpha:g} and $N_c$ = {cs.sci(n_c)} "
                     f"parameters: each doubling of $N$ multiplies the loss by {doubling:.3f}. Log-log axes.")

    n = np.logspace(np.log10(N_RANGE[0]), np.log10(N_RANGE[1]), 200)
    loss = [derive.kaplan_loss(float(x), alpha, n_c) for x in n]
    ax.plot(n, loss, color=cs.BLUE, linewidth=2.2 if lay.narrow else 2.6, zorder=2, label="Kaplan et al. fit")
    ax.set_xscale("log")
    ax.set_yscale("log")
    groups = _dots(ax, lay, data, alpha, n_c)
    _axes(fig, ax, lay, alpha, n_c)
    source = cs.cites(refs, k.get("sources", []))
    cs.source_line(fig, f"{source}, Scaling Laws for Neural Language Models (fit to dense transformers).")
    # One label per group (a stack of names in the order of their dots: the smallest model, highest on the falling
    # line, on top), at the group's middle dot, placed last: it measures the finished layout and keeps clear of the
    # curve (points along it are obstacles).
    items = []
    for group in groups:
        x = group[len(group) // 2][1]["params"]
        items.append(("\n".join(label for _, _, label in group), (x, derive.kaplan_loss(x, alpha, n_c))))
    curve = [(float(x), derive.kaplan_loss(float(x), alpha, n_c)) for x in np.logspace(6, 12, 25)]
    place_labels(ax, items, avoid=curve)
    return fig


def _dots(ax, lay: cs.Layout, data: dict[str, Any], alpha: float, n_c: float):
    """A dot on the line per dense model; returns the models in groups of neighbours (each within ``cluster`` of
    the group's smallest: a chain of neighbours would make one stack of every model from 7B to 405B), which share
    one label."""
    groups: list[list[tuple[str, dict[str, Any], str]]] = []
    cluster = CLUSTER_NARROW if lay.narrow else CLUSTER
    for model_id, m, label in dense_models(data):
        x = m["params"]
        y = derive.kaplan_loss(x, alpha, n_c)
        ax.plot([x], [y], marker="o", markersize=8 if lay.narrow else 9, color=cs.ORANGE, markeredgecolor=cs.PAPER,
                markeredgewidth=1.5, linestyle="none", zorder=3)
        if groups and x / groups[-1][0][1]["params"] < cluster:  # within `cluster` of the group's smallest
            groups[-1].append((model_id, m, label))
        else:
            groups.append([(model_id, m, label)])
    return groups


def _axes(fig, ax, lay: cs.Layout, alpha: float, n_c: float) -> None:
    ax.set_xlim(*N_RANGE)
    low, high = derive.kaplan_loss(N_RANGE[1], alpha, n_c), derive.kaplan_loss(N_RANGE[0], alpha, n_c)
    ax.set_ylim(low * (0.86 if lay.narrow else 0.93), high * 1.06)  # narrow: room for the stack below the line
    ax.xaxis.set_major_locator(mticker.LogLocator(base=10, numticks=12))
    if lay.narrow:  # every other decade labelled (grid lines stay at every decade)
        ax.xaxis.set_major_formatter(mticker.FuncFormatter(
            lambda v, _: cs.short_number(v) if round(np.log10(v)) % 2 == 0 else ""))
    else:
        ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: cs.short_number(v)))
    ax.xaxis.set_minor_locator(mticker.NullLocator())
    ax.yaxis.set_major_locator(mticker.FixedLocator([1.5, 2, 2.5, 3, 4]))
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_locator(mticker.NullLocator())
    ax.set_ylabel("Test loss (nats per token)")
    if lay.narrow:
        ax.set_xlabel("Parameters N (non-embedding)")
        cs.footnote(fig, "Dots: the catalog's dense models, placed on the line by their total parameters "
                         "(a prediction, not a measured loss).")
    else:
        ax.set_xlabel("Parameters N (non-embedding; markers: total parameters)")
        ax.text(0.99, 0.97, "Dots: the catalog’s dense models, placed on the\nline by size (a prediction, "
                            "not a measured loss)", transform=ax.transAxes, ha="right", va="top",
                fontsize=cs.NOTE_SIZE, color=cs.MUTED, linespacing=1.3)
