"""Parameters of each model against its release date (log scale).

Dense models are one filled dot. Mixture-of-experts models show their total parameters (filled) and the
parameters active for each token (hollow), joined by a line. A model whose size is undisclosed (GPT-4) gets a
hollow marker on the time axis and the word "undisclosed", never a value.

Which models it shows and their labels come from its catalog entry (``select``/``models``, ``labels``) and the
models' ``short_label``. Labels place themselves (``figures/labels.py``: measured, nudged, led out with a
line, or numbered in a legend when there is no room). Narrow layout: every other year on the time axis, the axis
name in the subtitle, the legend in two columns.
"""

from __future__ import annotations

from typing import Any

import matplotlib.ticker as mticker
from matplotlib.transforms import blended_transform_factory

from figures import chart_style as cs
from figures.labels import place_labels
from generator.catalog.selection import shown
from generator.derive import disclosed


def draw(data: dict[str, Any], layout: str = "wide"):
    lay = cs.get_layout(layout)
    models = sorted(shown(data), key=lambda r: (r[1]["released"], r[0]))
    if lay.narrow:
        fig, ax = cs.figure(height=5.8, layout=layout)
        cs.subtitle(fig, "Parameters by release date, log scale. A mixture-of-experts (MoE) model uses only some "
                         "of its parameters for each token.")
    else:
        fig, ax = cs.figure(height=5.3)
        cs.subtitle(fig, "Log scale. A mixture-of-experts (MoE) model uses only some of its parameters for each "
                         "token.")
    ax.set_yscale("log")
    labels, active_dots = _points(ax, lay, models)
    _undisclosed(ax, lay, models)
    _axes(ax, lay, models)
    cs.source_line(fig, "model papers, official configs and model cards (see References); GPT-4: OpenAI 2023, "
                        "which gives no size.")
    place_labels(ax, labels, avoid=active_dots)  # last: it measures the finished layout
    return fig


def _points(ax, lay: cs.Layout, models) -> tuple[list[tuple[str, tuple[float, float]]], list[tuple[float, float]]]:
    """A dot per disclosed model (an MoE model: total and active joined by a line); returns the labels to place and
    the points along the MoE lines that no label may cover."""
    size = 7.5 if lay.narrow else 9
    moe_total = "MoE: total" if lay.narrow else "MoE: all parameters"  # narrow: the legend fits the column
    dense_kw = dict(color=cs.BLUE, marker="o", markersize=size, linestyle="none", zorder=3)
    moe_kw = dict(color=cs.ORANGE, marker="o", markersize=size, linestyle="none", zorder=3)
    seen = set()
    labels: list[tuple[str, tuple[float, float]]] = []
    active_dots: list[tuple[float, float]] = []
    for _, m, label in models:
        x = cs.release_year(m["released"])
        if not disclosed(m):
            continue
        total = m["params"]
        moe = m.get("moe")
        if moe:
            active = moe["active_params"]
            ax.plot([x, x], [active, total], color=cs.ORANGE, linewidth=1.6, zorder=2)
            ax.plot([x], [total], **moe_kw, label=None if "moe" in seen else moe_total)
            ax.plot([x], [active], color=cs.ORANGE, marker="o", markersize=size, markerfacecolor=cs.PAPER,
                    markeredgewidth=2, linestyle="none", zorder=3,
                    label=None if "moe" in seen else "MoE: active per token")
            seen.add("moe")
            # The label of another model must not sit on this model's line: points along it are obstacles.
            active_dots += [(x, active * (total / active) ** t) for t in (0, 0.2, 0.4, 0.6, 0.8)]
        else:
            ax.plot([x], [total], **dense_kw, label=None if "dense" in seen else "Dense model")
            seen.add("dense")
        labels.append((label, (x, total)))
    return labels, active_dots


def _undisclosed(ax, lay: cs.Layout, models) -> None:
    """Undisclosed models: a hollow marker sitting on the time axis, and the word, never a value."""
    size = 7.5 if lay.narrow else 9
    on_axis = blended_transform_factory(ax.transData, ax.transAxes)
    for _, m, label in models:
        if not disclosed(m):
            x = cs.release_year(m["released"])
            ax.plot([x], [0.0], transform=on_axis, marker="D", markersize=size + 1, markerfacecolor=cs.PAPER,
                    markeredgecolor=cs.MUTED, markeredgewidth=2, linestyle="none", clip_on=False, zorder=5)
            ax.annotate(f"{label}: size undisclosed", (x, 0.0), xycoords=on_axis,
                        xytext=(0, 12), textcoords="offset points", ha="center", va="bottom",
                        fontsize=lay.note, color=cs.MUTED, fontstyle="italic")


def _axes(ax, lay: cs.Layout, models) -> None:
    """Years across (every other one on a phone), parameters up (log), the legend above."""
    years = [cs.release_year(m["released"]) for _, m, _ in models]
    first, last = int(min(years)), int(max(years)) + 1
    if lay.narrow:  # every other year, ending on one
        ax.set_xlim(first - 0.4, last + 0.4)
        ax.set_xticks(range(last - (last - first) // 2 * 2, last + 1, 2))
    else:
        ax.set_xlim(first - 0.3, last + 1.2)  # room on the right for the last labels
        ax.set_xticks(range(first, last + 1))
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:.0f}"))
    ax.set_xlabel("Release date")
    sizes = [m["params"] for _, m, _ in models if "params" in m]
    sizes += [m["moe"]["active_params"] for _, m, _ in models if m.get("moe")]
    ax.set_ylim(min(sizes) / 2.5, max(sizes) * 2.5)
    ax.yaxis.set_major_locator(mticker.LogLocator(base=10, numticks=12))
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: cs.short_number(v)))
    ax.yaxis.set_minor_locator(mticker.NullLocator())
    if not lay.narrow:  # narrow: the subtitle names the axis
        ax.set_ylabel("Parameters")
    ax.grid(axis="x", visible=False)
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2 if lay.narrow else 3, handletextpad=0.2,
              columnspacing=1.0 if lay.narrow else 1.2, borderaxespad=0.1)
