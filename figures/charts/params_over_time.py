"""Parameters of each model against its release date (log scale).

Dense models are one filled dot. Mixture-of-experts models show their total parameters (filled) and the
parameters active for each token (hollow), joined by a line. A model whose size is undisclosed (GPT-4) gets a
hollow marker on the time axis and the word "undisclosed", never a value.

Narrow layout: every other year on the time axis, the axis name in the subtitle, the legend in two columns and its
own label placement (PLACE_NARROW): the 2024-25 cluster's small models are named in a stack below it, with leaders.
"""

from __future__ import annotations

from typing import Any

import matplotlib.ticker as mticker
from matplotlib.transforms import blended_transform_factory

from figures import chart_style as cs

#: Shorter labels than the catalog names, where those are long (unknown ids fall back to the catalog name).
SHORT = {
    "mistral-7b": "Mistral 7B",
    "glm-4-9b": "GLM-4-9B",
    "nemotron-3-nano": "Nemotron 3\nNano",
    "gpt-3-175b": "GPT-3",
}
#: Label placement: (dx, dy) in points from the dot, horizontal alignment, and whether a leader line is drawn.
#: The 2024-25 cluster is crowded, so some labels sit in free space below with a leader. Default: right of the dot.
PLACE = {
    "gpt-1": (8, 0, "left", False),
    "gpt-2-xl": (8, 0, "left", False),
    "gpt-3-175b": (8, 0, "left", False),
    "mistral-7b": (-9, 0, "right", False),
    "glm-4-9b": (-34, -24, "right", True),
    "deepseek-v2": (-9, 0, "right", False),
    "llama-3.1-8b": (-14, -40, "right", True),
    "llama-3.1-70b": (44, 0, "left", True),
    "llama-3.1-405b": (-8, 12, "right", False),
    "deepseek-v3": (8, 0, "left", False),
    "nemotron-h-8b": (6, -40, "left", True),
    "nemotron-3-nano": (8, 0, "left", False),
}
#: The same for the narrow layout (unlisted ids: PLACE, then right of the dot).
PLACE_NARROW = {
    "gpt-1": (7, 0, "left", False),
    "gpt-2-xl": (7, 7, "left", False),     # a little up, clear of the stack below the 2024 cluster
    "gpt-3-175b": (7, 0, "left", False),
    "mistral-7b": (-8, 0, "right", False),
    "glm-4-9b": (-25, -28, "right", True),
    "deepseek-v2": (-8, 6, "right", False),
    "llama-3.1-8b": (-33, -47, "right", True),
    "llama-3.1-70b": (-16, 0, "right", True),
    "llama-3.1-405b": (-8, 8, "right", False),
    "deepseek-v3": (0, 13, "center", False),
    "nemotron-h-8b": (-60, -65, "right", True),
    "nemotron-3-nano": (9, -88, "right", False),   # under its active-parameter dot, clear of the leaders
}


def draw(data: dict[str, Any], layout: str = "wide"):
    lay = cs.get_layout(layout)
    models = sorted(data["models"].items(), key=lambda kv: (kv[1]["released"], kv[0]))
    if lay.narrow:
        fig, ax = cs.figure(height=5.8, layout=layout)
        cs.subtitle(fig, "Parameters by release date, log scale. A mixture-of-experts (MoE) model uses only some "
                         "of its parameters for each token.")
    else:
        fig, ax = cs.figure(height=5.3)
        cs.subtitle(fig, "Log scale. A mixture-of-experts (MoE) model uses only some of its parameters for each "
                         "token.")
    ax.set_yscale("log")
    place = {**PLACE, **PLACE_NARROW} if lay.narrow else PLACE
    size = 7.5 if lay.narrow else 9

    moe_total = "MoE: total" if lay.narrow else "MoE: all parameters"  # narrow: the legend fits the column
    dense_kw = dict(color=cs.BLUE, marker="o", markersize=size, linestyle="none", zorder=3)
    moe_kw = dict(color=cs.ORANGE, marker="o", markersize=size, linestyle="none", zorder=3)
    seen = set()
    for model_id, m in models:
        x = cs.release_year(m["released"])
        label = SHORT.get(model_id, m["name"])
        if m.get("disclosed", True) is False or "params" not in m:
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
        else:
            ax.plot([x], [total], **dense_kw, label=None if "dense" in seen else "Dense model")
            seen.add("dense")
        dx, dy, ha, leader = place.get(model_id, (8, 0, "left", False))
        arrow = dict(arrowstyle="-", color=cs.MUTED, linewidth=0.9, shrinkA=2, shrinkB=6) if leader else None
        if arrow and lay.narrow:  # the leader leaves from the label's end, not its middle, so it crosses no text
            arrow["relpos"] = (1.0, 0.5) if ha == "right" else (0.0, 0.5) if ha == "left" else (0.5, 0.5)
        ax.annotate(label, (x, total), xytext=(dx, dy), textcoords="offset points", ha=ha, va="center",
                    fontsize=lay.note, color=cs.INK, zorder=4, arrowprops=arrow, linespacing=1.0,
                    bbox=dict(boxstyle="square,pad=0.1", facecolor=cs.PAPER, edgecolor="none"))

    # Undisclosed models: a hollow marker sitting on the time axis, and the word, never a value.
    on_axis = blended_transform_factory(ax.transData, ax.transAxes)
    for model_id, m in models:
        if m.get("disclosed", True) is False or "params" not in m:
            x = cs.release_year(m["released"])
            ax.plot([x], [0.0], transform=on_axis, marker="D", markersize=size + 1, markerfacecolor=cs.PAPER,
                    markeredgecolor=cs.MUTED, markeredgewidth=2, linestyle="none", clip_on=False, zorder=5)
            ax.annotate(f"{SHORT.get(model_id, m['name'])}: size undisclosed", (x, 0.0), xycoords=on_axis,
                        xytext=(0, 12), textcoords="offset points", ha="center", va="bottom",
                        fontsize=lay.note, color=cs.MUTED, fontstyle="italic")

    years = [cs.release_year(m["released"]) for _, m in models]
    first, last = int(min(years)), int(max(years)) + 1
    if lay.narrow:  # every other year, ending on one
        ax.set_xlim(first - 0.4, last + 0.4)
        ax.set_xticks(range(last - (last - first) // 2 * 2, last + 1, 2))
    else:
        ax.set_xlim(first - 0.3, last + 1.2)  # room on the right for the last labels
        ax.set_xticks(range(first, last + 1))
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:.0f}"))
    ax.set_xlabel("Release date")

    sizes = [m["params"] for _, m in models if "params" in m]
    sizes += [m["moe"]["active_params"] for _, m in models if m.get("moe")]
    ax.set_ylim(min(sizes) / 2.5, max(sizes) * 2.5)
    ax.yaxis.set_major_locator(mticker.LogLocator(base=10, numticks=12))
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: cs.short_number(v)))
    ax.yaxis.set_minor_locator(mticker.NullLocator())
    if not lay.narrow:  # narrow: the subtitle names the axis
        ax.set_ylabel("Parameters")
    ax.grid(axis="x", visible=False)
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2 if lay.narrow else 3, handletextpad=0.2,
              columnspacing=1.0 if lay.narrow else 1.2, borderaxespad=0.1)
    cs.source_line(fig, "model papers, official configs and model cards (see References); GPT-4: OpenAI 2023, "
                        "which gives no size.")
    return fig
