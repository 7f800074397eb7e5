"""Kaplan et al.'s power law L(N) = (N_c / N)^alpha_N on log-log axes, with the catalog's dense models on the line.

The markers sit on the curve by construction: they show where each model's size falls on the fitted law, not a
measured loss. Kaplan counts non-embedding parameters; the markers use total parameters as an approximation
(embeddings are a small share of these models). Only dense transformers are marked: the law was fitted to them,
and a mixture-of-experts or hybrid model has no single N it would apply to.

Narrow layout: every other decade labelled on the x axis, wider clusters of names (one stacked label for the three
largest models), the note on the markers below the axes instead of inside them.
"""

from __future__ import annotations

from typing import Any

import matplotlib.ticker as mticker
import numpy as np

from figures import chart_style as cs
from generator import derive

N_RANGE = (1e6, 1e12)  # parameters spanned by the curve
SHORT = {"mistral-7b": "Mistral 7B", "glm-4-9b": "GLM-4-9B", "gpt-3-175b": "GPT-3 175B"}
#: Models closer than this factor in size share one label (a stack of names); per layout.
CLUSTER = 1.5
CLUSTER_NARROW = 3.0
#: Labels go below-left of the line (clear of it, since the line falls to the right); stacks of names and these
#: go above-right.
ABOVE = {"gpt-3-175b"}


def dense_models(models: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Disclosed dense transformers (no mixture of experts, no SSM hybrid), smallest first."""
    out = [(k, m) for k, m in models.items()
           if m.get("disclosed", True) and "params" in m and not m.get("moe") and m.get("attention") != "hybrid"]
    return sorted(out, key=lambda kv: (kv[1]["params"], kv[0]))


def draw(data: dict[str, Any], layout: str = "wide"):
    lay = cs.get_layout(layout)
    k = data["scaling"]["kaplan"]
    alpha, n_c = k["alpha_n"], k["n_c"]
    refs = data.get("references", {})
    fig, ax = cs.figure(height=5.2 if lay.narrow else 4.6, layout=layout)
    doubling = derive.kaplan_loss(2.0, alpha, 1.0)  # (1/2)^alpha: the loss factor for each doubling of N
    cs.subtitle(fig, f"L(N) = (N_c / N)^α with α = {alpha:g} and N_c = {cs.sci(n_c)} parameters: each "
                     f"doubling of N multiplies the loss by {doubling:.3f}. Log-log axes.")

    n = np.logspace(np.log10(N_RANGE[0]), np.log10(N_RANGE[1]), 200)
    loss = [derive.kaplan_loss(float(x), alpha, n_c) for x in n]
    ax.plot(n, loss, color=cs.BLUE, linewidth=2.2 if lay.narrow else 2.6, zorder=2, label="Kaplan et al. fit")
    ax.set_xscale("log")
    ax.set_yscale("log")

    groups: list[list[tuple[str, dict[str, Any]]]] = []
    cluster = CLUSTER_NARROW if lay.narrow else CLUSTER
    for model_id, m in dense_models(data["models"]):
        x = m["params"]
        y = derive.kaplan_loss(x, alpha, n_c)
        ax.plot([x], [y], marker="o", markersize=8 if lay.narrow else 9, color=cs.ORANGE, markeredgecolor=cs.PAPER,
                markeredgewidth=1.5, linestyle="none", zorder=3)
        if groups and x / groups[-1][-1][1]["params"] < cluster:  # chained: each within `cluster` of the last
            groups[-1].append((model_id, m))
        else:
            groups.append([(model_id, m)])
    for group in groups:
        x = group[len(group) // 2][1]["params"]
        y = derive.kaplan_loss(x, alpha, n_c)
        text = "\n".join(SHORT.get(k, m["name"]) for k, m in reversed(group))
        above = len(group) > 1 or any(k in ABOVE for k, _ in group)
        at = np.log10(x / N_RANGE[0]) / np.log10(N_RANGE[1] / N_RANGE[0])  # 0..1 across the axis
        if lay.narrow and len(group) > 1 and at > 0.75:
            # A stack near the right edge has no room to the right: it goes below-left, smallest name on top, in
            # the order of the dots along the falling line.
            above = False
            text = "\n".join(SHORT.get(k, m["name"]) for k, m in group)
        lines = len(group)
        dy = (8 + 7 * lines) * (1 if above else -1)
        ax.annotate(text, (x, y), xytext=(8 if above else -8, dy), textcoords="offset points",
                    ha="left" if above else "right", va="center", fontsize=lay.note, color=cs.INK,
                    zorder=4, linespacing=1.15)

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
        ax.text(0.99, 0.97, "Dots: the catalog's dense models, placed on the\nline by size (a prediction, "
                            "not a measured loss)", transform=ax.transAxes, ha="right", va="top",
                fontsize=cs.NOTE_SIZE, color=cs.MUTED, linespacing=1.3)
    source = ", ".join(cs.cite(refs, r) for r in k.get("sources", []))
    cs.source_line(fig, f"{source}, Scaling Laws for Neural Language Models (fit to dense transformers).")
    return fig
