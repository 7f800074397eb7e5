"""Parameters of each model against its release date (log scale).

Dense models are one filled dot. Mixture-of-experts models show their total parameters (filled) and the
parameters active for each token (hollow), joined by a line. A model whose size is undisclosed (GPT-4) gets a
hollow marker on the time axis and the word "undisclosed", never a value.

Which models it shows and their labels come from its catalog entry (``select``/``models``, ``labels``) and the
models' ``short_label``. Labels place themselves (``figures/labels.py``: measured, nudged, led out with a
line, or numbered in a legend when there is no room), clear of the MoE stems. Narrow layout: two stacked panels,
every model on the whole time axis above (the MoE years shaded) and the years from the first MoE model enlarged
below, where those models are named; the axis name in the subtitle, the legend in two columns. The wide layout is
one panel unless its text would collide, then the same two panels side by side.
"""

from __future__ import annotations

from typing import Any

import matplotlib.ticker as mticker
import numpy as np
from matplotlib.transforms import blended_transform_factory

from figures import chart_style as cs
from figures.labels import place_labels
from generator.catalog.selection import shown
from generator.derive import disclosed


def draw(data: dict[str, Any], layout: str = "wide"):
    lay = cs.get_layout(layout)
    models = sorted(shown(data), key=lambda r: (r[1]["released"], r[0]))
    zoom = _zoom_from(models)
    if zoom is not None and lay.narrow:
        return _draw_zoomed(lay, models, zoom)
    fig = _draw_single(lay, models)
    # Too crowded for one panel at 1280 px too: text collides.
    if zoom is not None and cs.text_collisions(fig):
        return _draw_zoomed(lay, models, zoom)
    return fig


def _draw_single(lay: cs.Layout, models):
    """One panel: every model on the whole time axis, named where it has room (numbered in a key where not)."""
    if lay.narrow:
        fig, ax = cs.figure(height=5.8, layout=lay)
        cs.subtitle(fig, "Parameters by release date, log scale. A mixture-of-experts (MoE) model uses only some "
                         "of its parameters for each token.")
    else:
        fig, ax = cs.figure(height=5.3)
        cs.subtitle(fig, "Log scale. A mixture-of-experts (MoE) model uses only some of its parameters for each "
                         "token.")
    ax.set_yscale("log")
    labels, active_dots, stems = _points(ax, lay, models)
    _undisclosed(ax, lay, models)
    _axes(ax, lay, models)
    _legend(ax, lay)
    _source(fig)
    # last: it measures the finished layout; no label covers a stem and no lead-out line crosses one
    place_labels(ax, labels, avoid=active_dots, lines=stems)
    return fig


def _legend(ax, lay: cs.Layout, handles_from=None, ncols: int = 3) -> None:
    """The key of the markers above ``ax`` (the handles of ``handles_from``, by default ``ax``'s own), in two
    columns on a phone."""
    ax.legend(*(handles_from or ax).get_legend_handles_labels(), loc="lower left", bbox_to_anchor=(0.0, 1.0),
              ncols=2 if lay.narrow else ncols, handletextpad=0.2, columnspacing=1.0 if lay.narrow else 1.2,
              borderaxespad=0.1)


def _source(fig) -> None:
    cs.source_line(fig, "model papers, official configs and model cards (see References); GPT-4: OpenAI 2023, "
                        "which gives no size.")


def _zoom_from(models) -> int | None:
    """The years of mixture-of-experts models (many releases within months of each other) get a panel of their
    own: from the year of the first MoE model; None when no MoE model is shown."""
    years = [cs.release_year(m["released"]) for _, m, _ in models if m.get("moe") and disclosed(m)]
    return int(min(years)) if years else None


def _draw_zoomed(lay: cs.Layout, models, zoom: int):
    """Two panels: every model on the whole time axis (those before ``zoom`` named, the years from ``zoom`` on
    shaded), and those years enlarged, where their models are named: side by side on the same parameter scale
    (wide), or stacked, each on its own scale (narrow: the phone's column)."""
    where = "below" if lay.narrow else "right"
    if lay.narrow:
        fig, (ax, near) = cs.figure(height=8.4, nrows=2, layout=lay, gridspec_kw={"height_ratios": [1, 1.45]})
        cs.subtitle(fig, f"Parameters by release date, log scale; {where}, {zoom} on, enlarged. A mixture-of-experts "
                         "(MoE) model uses only some of its parameters for each token.")
    else:
        fig, (ax, near) = cs.figure(height=5.3, ncols=2, layout=lay, sharey=True,
                                    gridspec_kw={"width_ratios": [1.2, 1.7]})
        cs.subtitle(fig, f"Log scale; {where}, {zoom} on, enlarged. A mixture-of-experts (MoE) model uses only some "
                         "of its parameters for each token.")
    late = [r for r in models if cs.release_year(r[1]["released"]) >= zoom]
    for panel in (ax, near):
        panel.set_yscale("log")
    labels, active_dots, stems = _points(ax, lay, models)
    _undisclosed(ax, lay, models)
    _axes(ax, lay, models, xlabel=not lay.narrow, every=2)
    ax.axvspan(zoom, ax.get_xlim()[1], color=cs.MUTED, alpha=0.12, linewidth=0, zorder=0)
    near_labels, near_dots, near_stems = _points(near, lay, late)
    _axes(near, lay, late if lay.narrow else models, ylabel=lay.narrow,
          years=(zoom - 0.45, max(cs.release_year(m["released"]) for _, m, _ in late) + 0.35))
    _legend(ax if lay.narrow else near, lay, handles_from=ax, ncols=2)
    _source(fig)
    early = [(text, xy) for text, xy in labels if xy[0] < zoom]
    # The enlarged panel first: its numbered key (if any) under the chart changes the layout; the whole panel's few
    # early names then measure the final one.
    numbered = place_labels(near, near_labels, avoid=near_dots, lines=near_stems)
    place_labels(ax, early, avoid=active_dots, lines=stems, start=len(numbered) + 1)
    return fig


_Point = tuple[float, float]


def _points(ax, lay: cs.Layout, models) -> tuple[list[tuple[str, _Point]], list[_Point], list[tuple[_Point, _Point]]]:
    """A dot per disclosed model (an MoE model: total and active joined by a stem); returns the labels to place, the
    points along the stems that no label may cover, and the stems."""
    size = 7.5 if lay.narrow else 9
    moe_total = "MoE: total"
    dense_kw = dict(color=cs.BLUE, marker="o", markersize=size, linestyle="none", zorder=3)
    moe_kw = dict(color=cs.ORANGE, marker="o", markersize=size, linestyle="none", zorder=3)
    seen = set()
    labels: list[tuple[str, tuple[float, float]]] = []
    active_dots: list[_Point] = []
    stems: list[tuple[_Point, _Point]] = []
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
            stems.append(((x, active), (x, total)))
        else:
            ax.plot([x], [total], **dense_kw, label=None if "dense" in seen else "Dense model")
            seen.add("dense")
        labels.append((label, (x, total)))
    return labels, active_dots, stems


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


def _axes(ax, lay: cs.Layout, models, xlabel: bool = True, ylabel: bool = True, every: int = 1,
          years: tuple[float, float] | None = None) -> None:
    """Years across (every ``every``-th one, every other one on a phone; each one over ``years``: an enlarged
    panel), parameters up (log; the scale of ``models``)."""
    xs = [cs.release_year(m["released"]) for _, m, _ in models]
    first, last = int(min(xs)), int(max(xs)) + 1
    if years is not None:
        ax.set_xlim(*years)
        ax.set_xticks(range(int(np.ceil(years[0])), int(years[1]) + 1))
    elif lay.narrow or every > 1:  # every other year, ending on one
        ax.set_xlim(first - 0.4, last + 0.4)
        ax.set_xticks(range(last - (last - first) // 2 * 2, last + 1, 2))
    else:
        ax.set_xlim(first - 0.3, last + 1.2)  # room on the right for the last labels
        ax.set_xticks(range(first, last + 1))
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:.0f}"))
    if xlabel:
        ax.set_xlabel("Release date")
    sizes = [m["params"] for _, m, _ in models if "params" in m]
    sizes += [m["moe"]["active_params"] for _, m, _ in models if m.get("moe")]
    ax.set_ylim(min(sizes) / 2.5, max(sizes) * 2.5)
    ax.yaxis.set_major_locator(mticker.LogLocator(base=10, numticks=12))
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: cs.short_number(v)))
    ax.yaxis.set_minor_locator(mticker.NullLocator())
    if ylabel and not lay.narrow:  # narrow: the subtitle names the axis
        ax.set_ylabel("Parameters")
    ax.grid(axis="x", visible=False)
