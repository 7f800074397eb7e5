"""Labels that place themselves: each point of a chart gets its text where it collides with nothing.

Text extents are measured with the figure's renderer (figures/chart_style.py ``layout_renderer``). A label tries
right, left, the diagonals, above and below its point at growing distances (a thin lead-out line joins it to its
point once it moves away), inside the axes and clear of every other text, every labelled point and the lead-out
lines drawn so far; a label keeps a gap from every point but its own, so it never reads as another point's, and
lead-out lines never cross. ``lines`` (a chart's own strokes that are not text or points, such as the stem joining
an MoE model's two dots) are obstacles too: no label covers one and no lead-out line crosses one, except the lines
that end at the label's own point. The most crowded points choose first; a label that found no room gets another pass in
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


def _crosses(p0, p1, box, trim: float = 0.05) -> bool:
    """Whether the segment p0-p1 (pixels), less its first and last ``trim`` (5%), passes through ``box`` (exactly: a
    small box, a single digit, lies between any samples of a long line)."""
    (x0, y0), (dx, dy) = p0, (p1[0] - p0[0], p1[1] - p0[1])
    lo, hi = trim, 1 - trim  # Liang-Barsky: clip the segment's parameter range to the box, axis by axis
    for start, delta, a, b in ((x0, dx, box.x0, box.x1), (y0, dy, box.y0, box.y1)):
        if delta == 0:
            if not a <= start <= b:
                return False
            continue
        t0, t1 = sorted(((a - start) / delta, (b - start) / delta))
        lo, hi = max(lo, t0), min(hi, t1)
    return lo <= hi


def _near(p, q, tolerance: float = 0.5) -> bool:
    return abs(p[0] - q[0]) <= tolerance and abs(p[1] - q[1]) <= tolerance


def _runs_along(p0, p1, a, b, skip: float, near: float) -> bool:
    """Whether the line p0-p1 (pixels), beyond its first ``skip`` pixels, comes within ``near`` pixels of the segment
    a-b (sampled every two pixels: a lead-out line laid along a stem, or ending on one, reads as part of it)."""
    p0, p1, a, b = (np.asarray(v, dtype=float) for v in (p0, p1, a, b))
    length = float(np.hypot(*(p1 - p0)))
    if length <= skip:
        return False
    t = np.linspace(skip / length, 1.0, max(2, int((length - skip) / 2) + 1))
    pts = p0 + t[:, None] * (p1 - p0)
    ab = b - a
    u = np.clip(((pts - a) @ ab) / max(float(ab @ ab), 1e-9), 0.0, 1.0)
    return bool(np.min(np.hypot(*(pts - (a + u[:, None] * ab)).T)) < near)


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
                 legend_title: str = "", avoid: list[tuple[float, float]] | tuple = (),
                 lines: list[tuple[tuple[float, float], tuple[float, float]]] | tuple = (),
                 start: int = 1) -> list[str]:
    """Label each point ``(text, (x, y))`` (data coordinates) where its text collides with nothing (see the module
    docstring). Placement is greedy, so a label that finds no room gets another pass in which it chooses first (as
    many passes as there are such labels, at most _RETRIES); only a label that fails even then is dropped to a
    legend: its point gets a number and a footnote lists "1 name · 2 name". The legend changes the layout, so
    placement then starts again with it in place, until no more labels drop. Returns the texts that went to the
    legend. ``avoid``: more points (data coordinates) that no label may cover; ``lines``: segments (pairs of points,
    data coordinates) that no label may cover and no lead-out line may cross but the point's own; ``start``: the
    first number (a second panel's labels continue the first's legend). Call it last, once everything else is
    drawn."""
    fig = ax.figure
    notes = footer(fig)
    ax._rs_label_fallbacks = 0
    dropped: set[int] = set()
    first: list[int] = []  # labels that found no room in an earlier pass: they choose first, in this order
    for _ in range(2 * len(items) + 2):
        order = sorted(dropped, key=lambda k: ax.transData.transform(items[k][1])[0])
        key = " · ".join(f"{n}\u00a0{items[i][0].replace(chr(10), ', ')}" for n, i in enumerate(order, start=start))
        legend_note(fig, notes, f"{legend_title}{key}" if order else "")
        best: tuple[list[int], set[int]] | None = None
        for _attempt in range(_RETRIES + 1):
            artists, more = _place_once(_Placer(ax, items, fontsize, avoid, lines), order, first, start)
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


def _place_once(placer: _Placer, numbered: list[int], first: list[int] | None = None,
                start: int = 1) -> tuple[list[Any], set[int]]:
    """One placement pass (see place_labels): names for the points not in ``numbered`` (those in ``first`` first,
    then the most crowded), then numbers for those. Returns the annotations made and the points whose names found
    no place."""
    items, points, scale = placer.items, placer.points, placer.scale
    missed: set[int] = set()
    # The most crowded points choose first (the points near them are what takes their room); then left to right.
    crowd = [sum(1 for q in points if 0 < np.hypot(q[0] - p[0], q[1] - p[1]) < 60 * scale) for p in points]
    rank = {k: n for n, k in enumerate(first or [])}
    for i in sorted(range(len(items)), key=lambda k: (rank.get(k, len(rank)), -crowd[k], points[k][0])):
        if i not in numbered and not placer.place(i, items[i][0]):
            missed.add(i)
    if missed:
        return placer.artists, missed
    for n, i in enumerate(numbered, start=start):
        if not (placer.place(i, str(n), _RADII + _FAR, through_points=True)
                or placer.place(i, str(n), _RADII + _FAR, through_points=True, relaxed=True)):
            placer.beside(i, str(n))  # no room even for a number: the build's collision check decides
    return placer.artists, set()


class _Placer:
    """The state of one placement pass: the axes' frame, the texts and points to keep clear of (pixels), and the
    labels and lead-out lines placed so far."""

    def __init__(self, ax, items, fontsize, avoid, lines=()) -> None:
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
        px = [tuple(ax.transData.transform(xy)) for seg in lines for xy in seg]
        #: the chart's own strokes, in pixels: (start, end, the items they end at)
        self.lines = [(a, b, {k for k, p in enumerate(self.points) if _near(p, a) or _near(p, b)})
                      for a, b in zip(px[::2], px[1::2], strict=True)]
        self.leaders: list[tuple[Any, Any]] = []
        self.placed: list[Any] = []
        self.artists: list[Any] = []

    def place(self, i: int, text: str, radii=_RADII, through_points: bool = False, relaxed: bool = False) -> bool:
        """Put ``text`` by point ``i`` at the first free spot (``radii`` x _DIRECTIONS). ``through_points``: the
        lead-out line may pass over other points (a number leaving a dense cluster). ``relaxed``: no gap kept from
        other points, and a box may touch a stroke (a number's last resort; lines still never cross)."""
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
        # The chart's strokes: never under a label, never crossed by a lead-out line (but those of its own point).
        strokes = [(a, b) for a, b, ends in self.lines if i not in ends]
        if any(_crosses(a, b, box.padded(0 if relaxed else 2 * scale), 0.0) for a, b, _ in self.lines):
            return None
        px, py = self.points[i]
        if lead and any(_segments_cross((px, py), end, a, b) for a, b in self.leaders):
            return None  # lead-out lines never cross each other
        if lead and any(_segments_cross((px, py), end, a, b) for a, b in strokes):
            return None
        # nor runs along one (its own stem included), beyond the point's marker
        near = (2 if relaxed else 5) * scale
        if lead and any(_runs_along((px, py), end, a, b, 5 * scale, near) for a, b, _ in self.lines):
            return None
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
        """``text`` beside point ``i`` (a number that found no room anywhere), at the first or second distance: on the
        first side where it covers
        no other text, lead-out line or stroke, then no other text or lead-out line (over points, and strokes if it
        must); to the right when every side is taken (the build's collision check then decides). Counted in the
        axes' ``_rs_label_fallbacks``: a chart may then choose another layout."""
        self.ax._rs_label_fallbacks = getattr(self.ax, "_rs_label_fallbacks", 0) + 1
        px, py = self.points[i]
        probe = self.ax.text(0, 0, text, fontsize=self.size, transform=None)
        chosen, found = (*_DIRECTIONS[0], _RADII[0]), None
        try:
            for strokes, radius, (ux, uy, ha, va) in ((s, r, d) for s in (self.lines, []) for r in _RADII[:2]
                                                      for d in _DIRECTIONS):
                r = radius * self.scale
                probe.set_position((px + ux * r, py + uy * r))
                probe.set_ha(ha)
                probe.set_va(va)
                box = probe.get_window_extent(self.renderer)
                if not any(_overlap(box, b, self.scale) for b in self.others + self.placed) \
                        and not any(_crosses(a, b, box) for a, b in self.leaders) \
                        and not any(_crosses(a, b, box, 0.0) for a, b, _ in strokes):
                    chosen, found = (ux, uy, ha, va, radius), box
                    break
        finally:
            probe.remove()
        ux, uy, ha, va, radius = chosen
        ann = self.ax.annotate(text, self.items[i][1], xytext=(ux * radius, uy * radius),
                               textcoords="offset points", ha=ha, va=va, fontsize=self.size, color=INK, zorder=4)
        ann.set_in_layout(False)
        self.artists.append(ann)
        if found is not None:
            self.placed.append(found)
