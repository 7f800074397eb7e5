"""Labels place themselves (figures/labels.py) without colliding: they lead out or fall back to a numbered legend,
never read as another point's label, and the build's check (chart_style.text_collisions) finds nothing."""

from __future__ import annotations

import json
import re

import matplotlib as mpl
import matplotlib.text as mtext
import pytest

from figures import chart_style as cs
from figures import labels
from generator.catalog.model import Catalog
from generator.render.charts import draw_chart
from generator.render.registry import registry


def _crowded_catalog(catalog: Catalog, extra: int) -> Catalog:
    """The real catalog plus ``extra`` made-up dense models released within weeks of Llama 3.1, all near 70B."""
    data = json.loads(json.dumps(catalog.data))
    base = data["models"]["llama-3.1-70b"]
    for i in range(extra):
        m = dict(base, name=f"Crowd Model {i + 1}", released=f"2024-0{6 + i % 3}-{10 + i:02d}",
                 params=60e9 + i * 4e9, sources=base["sources"])
        data["models"][f"crowd-{i + 1}"] = m
        listed = data["figures"]["params_over_time"].get("models")
        if listed is not None:  # a chart that lists its models shows the crowd once it is listed
            listed.append(f"crowd-{i + 1}")
    return Catalog(catalog.path, data, catalog.marks)


@pytest.mark.parametrize("layout,extra", [("wide", 8), ("narrow", 2)])
def test_params_over_time_places_a_crowd_without_collisions(catalog, root, layout, extra):
    """Extra models around Llama 3.1 70B (eight on the wide chart, two on the phone's, which the 2025-26 models
    already crowd): every label finds a free place or goes to the numbered legend, no text collides (the build's
    own check), and no name or number sits on another model's stem or leads out across one or across another
    lead-out line."""
    crowded = _crowded_catalog(catalog, extra)
    fig_entry = registry(crowded, root / "figures")["params_over_time"]
    with mpl.rc_context():
        cs.apply("params_over_time", layout)
        fig = draw_chart("params_over_time", fig_entry.data(crowded), layout=layout)
        assert cs.text_collisions(fig) == []
        _assert_clear_of_stems_and_leaders(fig)
        on_chart = [" ".join(t.get_text().split()) for ax in fig.axes for t in ax.texts]
        legend = " ".join(line for line, _, role in fig._rs_footer if role == "note")
    for i in range(extra):  # each name on the chart or in the numbered legend under it
        name = f"Crowd Model {i + 1}"
        assert name in on_chart or f" {name}" in f" {legend} ".replace(" · ", " "), name
    assert legend.startswith("1 "), "a crowd this dense sends some labels to the numbered legend"
    notes = [line for line, _, role in fig._rs_footer if role == "note"]
    assert not [n for n in notes if re.search(r"(^|·)\s*\d+\s*$", n)], "a number wrapped away from its name"


def test_place_labels_leads_out_and_falls_back_to_a_legend():
    with mpl.rc_context():
        cs.apply("t", "wide")
        fig, ax = cs.figure(height=3.0)
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 10)
        items = [(f"Label number {i}", (5 + 0.05 * i, 5 + 0.05 * i)) for i in range(12)]
        dropped = labels.place_labels(ax, items)
        assert dropped and len(dropped) < len(items), dropped
        assert cs.text_collisions(fig) == []
        arrows = [a for a in ax.texts if getattr(a, "arrow_patch", None) is not None]
        assert arrows, "labels moved away from their points get a lead-out line"


def test_segments_cross():
    assert labels._segments_cross((0, 0), (10, 10), (0, 10), (10, 0))
    assert not labels._segments_cross((0, 0), (10, 0), (0, 1), (10, 1))  # parallel
    assert not labels._segments_cross((0, 0), (5, 5), (5, 5), (10, 0))  # touching ends


def _names_and_leaders(fig, numbers: bool = False, ax=None):
    """Each placed name (and with ``numbers`` each number) on ``ax`` (by default every axes of the chart): its
    box and its point (pixels), and its lead-out line if it has one."""
    if ax is None:
        return [n for a in fig.axes for n in _names_and_leaders(fig, numbers, a)]
    renderer = cs.layout_renderer(fig)  # lays the figure out as a save does
    out = []
    for t in ax.texts:
        if not hasattr(t, "xy") or (t.get_text().isdigit() and not numbers) or t.xycoords != "data":
            continue
        box = mtext.Text.get_window_extent(t, renderer)  # the text alone (an annotation's own extent has its line)
        px, py = ax.transData.transform(t.xy)
        end = (min(max(px, box.x0), box.x1), min(max(py, box.y0), box.y1))
        lead = ((px, py), end) if t.arrow_patch is not None else None
        out.append((t.get_text(), box, (px, py), lead))
    return out


def _stems(ax):
    """The MoE stems of ``ax`` (pixels): the plain vertical lines joining a model's two dots."""
    out = []
    for line in ax.lines:
        xy = line.get_xydata()
        if line.get_marker() in ("None", "", None) and len(xy) == 2 and xy[0][0] == xy[1][0]:
            out.append(tuple(tuple(ax.transData.transform(p)) for p in xy))
    return out


def _assert_clear_of_stems_and_leaders(fig) -> None:
    """No label (name or number) covers a stem of another model, no lead-out line crosses one or runs along one
    (its own included), and no two lead-out lines cross."""
    for ax in fig.axes:
        stems = _stems(ax)
        placed = _names_and_leaders(fig, numbers=True, ax=ax)
        for name, box, point, lead in placed:
            others = [(a, b) for a, b in stems if not any(abs(p[0] - point[0]) < 0.5 and abs(p[1] - point[1]) < 0.5
                                                          for p in (a, b))]
            for a, b in others:
                if not name.isdigit():  # a number that found no free place may sit on a stem beside its point
                    assert not labels._crosses(a, b, box, 0.0), f"{name!r} covers another model's stem"
                if lead:
                    assert not labels._segments_cross(*lead, a, b), f"the line of {name!r} crosses a stem"
            if lead:
                assert not any(labels._runs_along(*lead, a, b, 6, 1.0) for a, b in stems), \
                    f"the line of {name!r} runs along a stem"
        leads = [(n, lead) for n, _, _, lead in placed if lead]
        for k, (a, la) in enumerate(leads):
            for b, lb in leads[k + 1:]:
                assert not labels._segments_cross(*la, *lb), f"the lines of {a!r} and {b!r} cross"


@pytest.mark.parametrize("layout", ["wide", "narrow"])
def test_params_over_time_labels_read_as_their_own_points(catalog, root, layout):
    """On the real chart: no name sits against another model's point (it would read as that point's label; the
    check measured here is _CLEAR points of gap beyond the marker) and no two lead-out lines cross."""
    fig_entry = registry(catalog, root / "figures")["params_over_time"]
    with mpl.rc_context():
        cs.apply("params_over_time", layout)
        fig = draw_chart("params_over_time", fig_entry.data(catalog), layout=layout)
        scale = fig.dpi / 72
        _assert_clear_of_stems_and_leaders(fig)
        # most names on the chart itself (the crowded 2025-26 corner numbers the rest in the legend under it)
        assert len(_names_and_leaders(fig)) >= 6, [n for n, *_ in _names_and_leaders(fig)]
        gap = (labels._CLEAR - 1) * scale  # a pixel of rounding
        for ax in fig.axes:
            _own_points_only(fig, ax, scale, gap)
        leads = [(n, lead) for n, _, _, lead in _names_and_leaders(fig) if lead]
        for k, (a, la) in enumerate(leads):
            for b, lb in leads[k + 1:]:
                assert not labels._segments_cross(*la, *lb), f"the lines of {a!r} and {b!r} cross"


def _own_points_only(fig, ax, scale: float, gap: float) -> None:
    """No name on ``ax`` sits against another model's point (it would read as that point's label)."""
    names = _names_and_leaders(fig, ax=ax)
    dots = [tuple(ax.transData.transform(xy)) for line in ax.lines if line.get_marker() == "o"
            for xy in line.get_xydata()]  # every model's point, MoE active-parameter points too
    assert len(dots) > len(names)
    for name, box, (px, _), _ in names:
        for qx, qy in dots:
            if abs(qx - px) < 0.5:
                continue  # its own point, or its own model's other point
            dx = max(box.x0 - qx, 0, qx - box.x1)
            dy = max(box.y0 - qy, 0, qy - box.y1)
            assert max(dx, dy) >= 5 * scale + gap, f"{name!r} sits against the point at {qx:.0f}, {qy:.0f}"
