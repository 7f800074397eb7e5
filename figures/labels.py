"""Labels that place themselves: each point of a chart gets its text where it collides with nothing.

Text extents are measured with the figure's renderer (figures/chart_style.py ``layout_renderer``). A label tries
right, left, the diagonals, above and below its point at growing distances (a thin lead-out line joins it to its
point once it moves away), inside the axes and clear of every other text, every labelled point and the lead-out
lines drawn so far; a label keeps a gap from every point but its own, so it never reads as another point's, and
lead-out lines never cross. The most crowded points choose first; a label that found no room gets another pass in
which it chooses first, and only then goes to a numbered legend under the chart; placement starts again once the
legend has changed the layout. The build then checks every chart with ``chart_style.text_collisions``.
"""

from __future__ import annotations

from typing import Any

import matplotlib.text as mtext
import matplotlib.transforms as mtransforms
import numpy as np

from figures.chart_style import INK, MUTED, drawn_texts, footer, layout_of, layout_renderer, legend_note

#: Directions tried around a point, in order of preference: (unit dx, unit dy, ha, va).
_DIRECTIONS = (
    (1, 0, "left", "center"), (-1, 0, "right", "center"), (0.8, 0.8, "left", "bottom"),
    (0.8, -0.8, "left", "top"), (-0.8, 0.8, "right", "bottom"), (-0.8, -0.8, "right", "top"),
    (0, 1, "center", "bottom"), (0, -1, "center", "top"),
    (1, -0.5, "left", "top"), (-1, -0.5, "right", "top"), (1, 0.5, "left", "bottom"), (-1, 0.5, "right", "bottom"),
)
#: Distances tried, in points; beyond the first, a thin lead-out line joins label and point.
_RADII = (7, 14, 26, 40, 58, 80)
#: Further distances for the numbers of labels sent to the legend (a number is small: it finds room further out).
_FAR = (105, 130, 160, 200)
#: The gap, in points, a label keeps from every point but its own (beyond the point's marker).
_CLEAR = 6
#: How many more passes a label that found no room gets, choosing first, before it goes to the legend.
_RETRIES = 3


def _overlap(a, b, pad: float = 0.0) -> bool:
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > -pad) and (min(a.y1, b.y1) - max(a.y0, b.y0) > -pad)


def _crosses(p0, p1, box) -> bool:
    """Whether the segment p0-p1 (pixels), less its first and last 5%, passes through ``box`` (exactly: a small box,
    a single digit, lies between any samples of a long line)."""
    (x0, y0), (dx, dy) = p0, (p1[0] - p0[0], p1[1] - p0[1])
    lo, hi = 0.05, 0.95  # Liang-Barsky: clip the segment's parameter range to the box, axis by axis
    for start, delta, a, b in ((x0, dx, box.x0, box.x1), (y0, dy, box.y0, box.y1)):
        if delta == 0:
            if not a <= start <= b:
                return False
            continue
        t0, t1 = sorted(((a - start) / delta, (b - start) / delta))
        lo, hi = max(lo, t0), min(hi, t1)
    return lo <= hi


def _relpos(ux: float, uy: float) -> tuple[float, float]:
    """Where a label's lead-out line leaves it, as a fraction of its box: its side (or corner) facing the point."""
    return 0.5 - np.sign(ux) / 2, 0.5 - np.sign(uy) / 2


def _leaves_from(box, ux: float, uy: float) -> tuple[float, float]:
    """The point (pixels) the lead-out line of a label in ``box``, placed in direction (ux, uy), is drawn from."""
    fx, fy = _relpos(ux, uy)
    return box.x0 + fx * box.width, box.y0 + fy * box.height


def _segments_cross(p0, p1, q0, q1) -> bool:
    """Whether the segments p0-p1 and q0-q1 (pixels) cross (touching ends do not count)."""

    def side(a, b, c) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    return (side(p0, p1, q0) * side(p0, p1, q1) < 0) and (side(q0, q1, p0) * side(q0, q1, p1) < 0)


def place_labels(ax, items: list[tuple[str, tuple[float, float]]], fontsize: float | None = None,
                 legend_title: str = "", avoid: list[tuple[float, float]] | tuple = ()) -> list[str]:
    """Label each point ``(text, (x, y))`` (data coordinates) where its text collides with nothing (see the module
    docstring). Placement is greedy, so a label that finds no room gets another pass in which it chooses first (as
    many passes as there are such labels, at most _RETRIES); only a label that fails even then is dropped to a
    legend: its point gets a number and a footnote lists "1 name · 2 name". The legend changes the layout, so
    placement then starts again with it in place, until no more labels drop. Returns the texts that went to the
    legend. ``avoid``: more points (data coordinates) that no label may cover. Call it last, once everything else
    is drawn."""
    fig = ax.figure
    lines = footer(fig)
    dropped: set[int] = set()
    first: list[int] = []  # labels that found no room in an earlier pass: they choose first, in this order
    for _ in range(2 * len(items) + 2):
        order = sorted(dropped, key=lambda k: ax.transData.transform(items[k][1])[0])
        key = " · ".join(f"{n} {items[i][0].replace(chr(10), ' ')}" for n, i in enumerate(order, start=1))
        legend_note(fig, lines, f"{legend_title}{key}" if order else "")
        best: tuple[list[int], set[int]] | None = None
        for _attempt in range(_RETRIES + 1):
            artists, more = _place_once(ax, items, fontsize, avoid, order, first)
            if not more:
                return [items[i][0] for i in sorted(dropped)]
            for a in artists:
                a.remove()
            if best is None or len(more) < len(best[1]):
                best = (list(first), more)
            new = sorted(more - set(first))
            if not new:
                break
            first += new
        assert best is not None
        first, more = [i for i in best[0] if i not in best[1]], best[1]
        dropped |= more
    return [items[i][0] for i in sorted(dropped)]


def _place_once(ax, items, fontsize, avoid, numbered: list[int],
                first: list[int] | None = None) -> tuple[list[Any], set[int]]:
    """One placement pass (see place_labels): names for the points not in ``numbered`` (those in ``first`` first,
    then the most crowded), then numbers for those. Returns the annotations made and the points whose names found
    no place."""
    placer = _Placer(ax, items, fontsize, avoid)
    points, scale = placer.points, placer.scale
    missed: set[int] = set()
    # The most crowded points choose first (the points near them are what takes their room); then left to right.
    crowd = [sum(1 for q in points if 0 < np.hypot(q[0] - p[0], q[1] - p[1]) < 60 * scale) for p in points]
    rank = {k: n for n, k in enumerate(first or [])}
    for i in sorted(range(len(items)), key=lambda k: (rank.get(k, len(rank)), -crowd[k], points[k][0])):
        if i not in numbered and not placer.place(i, items[i][0]):
            missed.add(i)
    if missed:
        return placer.artists, missed
    for n, i in enumerate(numbered, start=1):
        if not (placer.place(i, str(n), _RADII + _FAR, through_points=True)
                or placer.place(i, str(n), _RADII + _FAR, through_points=True, relaxed=True)):
            placer.beside(i, str(n))  # no room even for a number: the build's collision check decides
    return placer.artists, set()


class _Placer:
    """The state of one placement pass: the axes' frame, the texts and points to keep clear of (pixels), and the
    labels and lead-out lines placed so far."""

    def __init__(self, ax, items, fontsize, avoid) -> None:
        fig = ax.figure
        self.ax, self.items = ax, items
        self.size = fontsize or layout_of(fig).note
        self.renderer = layout_renderer(fig)
        self.scale = fig.dpi / 72
        self.frame = ax.get_window_extent(self.renderer).padded(-2)
        self.others = [mtext.Text.get_window_extent(t, self.renderer) for t in drawn_texts(fig)]
        self.points = [ax.transData.transform(xy) for _, xy in items]
        dot = 5.0 * self.scale
        self.dots = [mtransforms.Bbox.from_extents(px - dot, py - dot, px + dot, py + dot)
                     for px, py in self.points + [ax.transData.transform(xy) for xy in avoid]]
        self.leaders: list[tuple[Any, Any]] = []
        self.placed: list[Any] = []
        self.artists: list[Any] = []

    def place(self, i: int, text: str, radii=_RADII, through_points: bool = False, relaxed: bool = False) -> bool:
        """Put ``text`` by point ``i`` at the first free spot (``radii`` x _DIRECTIONS). ``through_points``: the
        lead-out line may pass over other points (a number leaving a dense cluster). ``relaxed``: no gap kept from
        other points and lead-out lines may cross (a number's last resort)."""
        px, py = self.points[i]
        probe = self.ax.text(0, 0, text, fontsize=self.size, linespacing=1.05, transform=None)
        # The label as given, then broken before its last word ("Nemotron 3\nNano") where one line has no room.
        variants = [text] + ([text[::-1].replace(" ", "\n", 1)[::-1]] if " " in text and "\n" not in text else [])
        try:
            for r, text in ((r, v) for r in radii for v in variants):
                probe.set_text(text)
                for ux, uy, ha, va in _DIRECTIONS:
                    probe.set_position((px + ux * r * self.scale, py + uy * r * self.scale))
                    probe.set_ha(ha)
                    probe.set_va(va)
                    box = probe.get_window_extent(self.renderer)
                    lead = r > radii[0]
                    end = self._free(i, box, _leaves_from(box, ux, uy), lead, through_points, relaxed)
                    if end is not None:
                        self._annotate(i, text, (ux, uy, ha, va), r, box, end if lead else None)
                        return True
            return False
        finally:
            probe.remove()

    def _free(self, i: int, box, end, lead: bool, through_points: bool, relaxed: bool) -> tuple[float, float] | None:
        """``end``, where the lead-out line from point ``i`` meets ``box``, if the label may go there, else None."""
        frame, scale, dots = self.frame, self.scale, self.dots
        if not (frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1):
            return None
        if any(_overlap(box, b, 2 * scale) for b in self.others + self.placed):
            return None
        # Clear of other points by more than a touch, so a label never reads as another point's.
        if any(_overlap(box, d, 0 if relaxed else _CLEAR * scale) for j, d in enumerate(dots) if j != i):
            return None
        # Clear of other lead-out lines by a little (the axes may still move by a pixel as the figure is laid out).
        if any(_crosses(a, b, box.padded(0 if relaxed else 3 * scale)) for a, b in self.leaders):
            return None
        px, py = self.points[i]
        if lead and not relaxed and any(_segments_cross((px, py), end, a, b) for a, b in self.leaders):
            return None  # lead-out lines never cross each other
        # (points touching this one are not in the way: a line out of a cluster starts among them)
        in_the_way = [d for j, d in enumerate(dots) if j != i and not _overlap(d, dots[i]) and not through_points]
        if lead and any(_crosses((px, py), end, b) for b in self.placed + self.others + in_the_way):
            return None
        return end

    def _annotate(self, i: int, text: str, direction, r: float, box, end) -> None:
        """Draw the label (with its lead-out line when ``end`` is given) and keep it in the way of later ones."""
        ux, uy, ha, va = direction
        relpos = _relpos(ux, uy)  # the line leaves the label from its side (or corner) that faces the point
        arrow = dict(arrowstyle="-", color=MUTED, linewidth=0.8, shrinkA=1, shrinkB=5,
                     relpos=relpos) if end is not None else None
        ann = self.ax.annotate(text, self.items[i][1], xytext=(ux * r, uy * r), textcoords="offset points",
                               ha=ha, va=va, fontsize=self.size, color=INK, zorder=4, linespacing=1.05,
                               arrowprops=arrow, annotation_clip=False)
        ann.set_in_layout(False)
        self.artists.append(ann)
        if end is not None:
            self.leaders.append((tuple(self.points[i]), end))
        self.placed.append(box)

    def beside(self, i: int, text: str) -> None:
        """``text`` right beside point ``i``, wherever that is (a number that found no room anywhere)."""
        ann = self.ax.annotate(text, self.items[i][1], xytext=(_RADII[0], 0), textcoords="offset points",
                               ha="left", va="center", fontsize=self.size, color=INK, zorder=4)
        ann.set_in_layout(False)
        self.artists.append(ann)
