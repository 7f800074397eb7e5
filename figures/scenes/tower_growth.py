"""Tower growth: one building per model generation, floors = layers, foundation bricks = attention heads.

Heights are to scale in layers (one floor per layer). Widths follow d_model on a square-root scale so GPT-1 is still
visible next to Llama 3.1 405B. The foundation holds one brick per attention head, laid in rows under the ground
line. A model whose architecture is undisclosed (GPT-4) is a dashed outline with a question mark, never a guess.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from manim import (
    DOWN,
    UP,
    Create,
    DashedVMobject,
    FadeIn,
    GrowFromEdge,
    LaggedStart,
    Line,
    Rectangle,
    SurroundingRectangle,
    VGroup,
)

from figures.style import (
    BLUE,
    GREEN,
    GRID,
    HAIRLINE,
    INK,
    LABEL_SIZE,
    MUTED,
    ORANGE,
    PINK,
    PURPLE,
    SMALL_SIZE,
    T_FAST,
    T_HOLD,
    T_MOVE,
    T_READ,
    YELLOW,
    RaceScene,
    num,
    params_label,
    text,
)
from generator.catalog.selection import shown
from generator.errors import LayoutError

COLORS = (BLUE, GREEN, ORANGE, MUTED, PURPLE, PINK)

MAX_WIDTH = 1.85          # the widest d_model gets this width (less when the slots are narrower)
BRICK_H = 0.085
BRICK_MIN_W = 0.075
BRICK_COLS = 16
LABEL_GAP = 0.12
SLOT_GAP = 0.2            # between two neighbours' labels
MIN_BUILDING = 1.0        # the tallest building of a row is at least this tall, or the layout is refused


def tower_specs(data: dict[str, Any]) -> list[dict[str, Any]]:
    """What each building shows, straight from the catalog: name, and for disclosed models params, layers, heads,
    d_model (and active params for mixture-of-experts models)."""
    specs = []
    notes = (data.get("show") or {}).get("notes", {})
    for mid, m, _ in shown(data):  # the buildings: the entry's `models:` list in catalog.yaml, in its order
        spec: dict[str, Any] = {"id": mid, "name": m["name"], "released": m["released"],
                                "disclosed": m.get("disclosed", True), "note": notes.get(mid)}
        if spec["disclosed"]:
            spec.update(layers=m["layers"], heads=m["heads"], d_model=m["d_model"], params=m["params"],
                        params_label=params_label(m["params"]))
            if m.get("moe"):
                spec["active_label"] = params_label(m["moe"]["active_params"])
        specs.append(spec)
    return specs


def label_lines(spec: dict[str, Any]) -> list[str]:
    """The text lines over a building (the numbers on screen)."""
    if not spec["disclosed"]:
        return [spec["name"], "undisclosed"]
    p = f"{spec['params_label']} params"
    lines = [spec["name"], p]
    if "active_label" in spec:
        lines.append(f"{spec['active_label']} active")
    lines += [f"{num(spec['layers'])} layers", f"{num(spec['heads'])} heads"]
    return lines


class TowerGrowth(RaceScene):
    """The buildings stand in streets (rows) of as many as fit side by side with their labels at full size: one
    street for six models in landscape, two in portrait; more models, more streets. Every street has the same
    scale (floor height), so heights compare across streets."""

    def construct(self) -> None:
        specs = tower_specs(self.data)
        self.title("Each generation, a bigger building")
        labels = [self._label(label_lines(s)) for s in specs]
        place, slot, floor_h, grounds = self._streets(specs, labels)
        grounds_mob = [Line(np.array([self.layout.left_x, y, 0]), np.array([self.layout.right_x, y, 0]),
                            stroke_color=GRID, stroke_width=2) for y in grounds]
        self.play(*[Create(g) for g in grounds_mob], run_time=T_FAST)
        self.caption("One building per model: each floor is one layer, each foundation brick one attention head.",
                     title="One building per model")
        disclosed = [s for s in specs if s["disclosed"]]
        max_layers = max(s["layers"] for s in disclosed)
        max_d = max(s["d_model"] for s in disclosed)
        widest = min(MAX_WIDTH, slot - SLOT_GAP)
        drawn: dict[str, VGroup] = {}  # each disclosed model's foundation, building and label
        for i, spec in enumerate(specs):
            x, self.ground_y = place[i]
            color = COLORS[i % len(COLORS)]
            if spec["note"]:  # the entry's `notes:` (catalog.yaml): a caption when this building appears
                self.caption(spec["note"], title="Heights and widths")
            if not spec["disclosed"]:
                self._undisclosed(spec, labels[i], x, slot, max_layers * floor_h)
                continue
            if "active_label" in spec:  # a step of its own: the caption, then this building
                self.caption(f"{spec['name']} is a mixture of experts: {spec['params_label']} parameters, of which "
                             f"{spec['active_label']} work on each token.", title=f"{spec['name']}: experts")
            width = widest * math.sqrt(spec["d_model"] / max_d)
            foundation = self._foundation(spec["heads"], width, x, color)
            building = self._building(spec["layers"], floor_h, width, x, color)
            label = labels[i].move_to(np.array([x, building.get_top()[1] + LABEL_GAP + labels[i].height / 2, 0]))
            drawn[spec["id"]] = VGroup(foundation, building, label)
            self.play(LaggedStart(*[FadeIn(b) for b in foundation], lag_ratio=0.6 / len(foundation)),
                      run_time=T_MOVE * 0.8)
            self.play(GrowFromEdge(building, DOWN), run_time=T_MOVE * (0.6 + 0.6 * spec["layers"] / max_layers))
            self.play(FadeIn(label, shift=0.1 * UP), run_time=T_FAST)
            self.wait(T_READ * 0.4)

        first = disclosed[0]
        tallest = max(disclosed, key=lambda s: s["layers"])
        self.caption(f"From {first['name']}'s {num(first['layers'])} layers and {num(first['heads'])} heads to "
                     f"{tallest['name']}'s {num(tallest['layers'])} layers and {num(tallest['heads'])} heads.",
                     title=f"From {first['name']} to {tallest['name']}")
        ends = [SurroundingRectangle(drawn[s["id"]], color=YELLOW, buff=0.1, stroke_width=3) for s in (first, tallest)]
        self.play(*[Create(r) for r in ends], run_time=T_MOVE)
        self.hold_caption(T_HOLD)
        biggest = max(disclosed, key=lambda s: s["params"])
        if "active_label" in biggest and biggest is not tallest:  # the race moved to total parameters
            self.caption(f"The largest is no longer the tallest: {biggest['name']} ({biggest['released'][:4]}) holds "
                         f"{biggest['params_label']} parameters, yet only {biggest['active_label']} work on each "
                         "token.", title="A race in total parameters")
            mark = SurroundingRectangle(drawn[biggest["id"]], color=YELLOW, buff=0.1, stroke_width=3)
            self.play(*[r.animate.set_stroke(opacity=0.25) for r in ends], Create(mark), run_time=T_MOVE)
            self.hold_caption(T_HOLD)

    def _streets(self, specs, labels) -> tuple[list[tuple[float, float]], float, float, list[float]]:
        """Where each building stands: ([(x, ground y)], slot width, floor height, the ground line of each street).

        As many buildings per street as fit with their labels side by side; the streets share the content band
        and one scale (floor height): the largest that keeps every building and its label inside its street."""
        lay = self.layout
        n = len(specs)
        per = max(1, min(n, int(lay.content_w // (max(lb.width for lb in labels) + SLOT_GAP))))
        streets = math.ceil(n / per)
        per = math.ceil(n / streets)
        street_h = lay.content_h / streets
        slot = lay.content_w / per
        widest = min(MAX_WIDTH, slot - SLOT_GAP)
        max_d = max(s["d_model"] for s in specs if s["disclosed"])
        depth = max(self._foundation_depth(s["heads"], widest * math.sqrt(s["d_model"] / max_d))
                    for s in specs if s["disclosed"])
        rooms = [(street_h - depth - 0.2 - LABEL_GAP - lb.height, s["layers"])
                 for s, lb in zip(specs, labels, strict=True) if s["disclosed"]]
        floor_h = min(room / layers for room, layers in rooms)
        tallest = floor_h * max(layers for _, layers in rooms)
        if tallest < MIN_BUILDING:
            raise LayoutError(f"figures/scenes/tower_growth.py: {n} models need {streets} streets of {per} in the "
                             f"{'portrait' if self.portrait else 'landscape'} frame, leaving {tallest:.2f} units for "
                             f"the tallest building (at least {MIN_BUILDING}); show fewer models or shorter labels")
        grounds = [lay.title_bottom - street_h * (r + 1) + depth + 0.05 for r in range(streets)]
        place = []
        for i in range(n):
            r, c = divmod(i, per)
            in_street = min(per, n - r * per)  # a shorter last street is centred
            x0 = lay.left_x + (lay.content_w - in_street * slot) / 2
            place.append((x0 + slot * (c + 0.5), grounds[r]))
        return place, slot, floor_h, grounds

    @staticmethod
    def _columns(heads: int, width: float) -> int:
        """Bricks per row of a foundation ``width`` wide: as many as fit at BRICK_MIN_W, at most BRICK_COLS and
        one per head."""
        return max(1, min(heads, BRICK_COLS, int(width / BRICK_MIN_W)))

    @classmethod
    def _foundation_depth(cls, heads: int, width: float) -> float:
        """How deep the foundation of ``heads`` bricks goes under a building ``width`` wide."""
        return math.ceil(heads / cls._columns(heads, width)) * BRICK_H + 0.04

    # -- pieces --------------------------------------------------------------------------------------------------
    def _foundation(self, heads: int, width: float, x: float, color: str) -> VGroup:
        cols = self._columns(heads, width)
        bw = width / cols
        bricks = VGroup()
        for h in range(heads):
            r, c = divmod(h, cols)
            b = Rectangle(width=bw * 0.82, height=BRICK_H * 0.78, stroke_width=0)
            b.set_fill(color, opacity=0.9)
            b.move_to(np.array([x - width / 2 + bw * (c + 0.5), self.ground_y - BRICK_H * (r + 0.5) - 0.02, 0]))
            bricks.add(b)
        assert bricks.get_bottom()[1] > self.layout.bottom_y, "foundation leaves the frame"
        return bricks

    def _building(self, layers: int, floor_h: float, width: float, x: float, color: str) -> VGroup:
        height = layers * floor_h
        body = Rectangle(width=width, height=height, stroke_color=color, stroke_width=2)
        body.set_fill(color, opacity=0.28)
        body.move_to(np.array([x, self.ground_y + height / 2, 0]))
        floors = VGroup(*[
            Line(np.array([x - width / 2, self.ground_y + k * floor_h, 0]),
                 np.array([x + width / 2, self.ground_y + k * floor_h, 0]),
                 stroke_color=color, stroke_width=HAIRLINE, stroke_opacity=0.55)
            for k in range(1, layers)
        ])
        return VGroup(body, floors)

    def _label(self, lines: list[str]) -> VGroup:
        """The name over the numbers, centred (placed over its building later)."""
        mobs = [text(lines[0], LABEL_SIZE, INK, bold=True)] + [text(s, SMALL_SIZE, MUTED) for s in lines[1:]]
        return VGroup(*mobs).arrange(DOWN, buff=0.08)

    def _undisclosed(self, spec: dict[str, Any], label: VGroup, x: float, slot: float, height: float) -> None:
        width = min(slot - SLOT_GAP, MAX_WIDTH) * 0.6
        outline = DashedVMobject(Rectangle(width=width, height=height, stroke_color=MUTED, stroke_width=2),
                                 num_dashes=40, dashed_ratio=0.5)
        outline.move_to(np.array([x, self.ground_y + height / 2, 0]))
        mark = text("?", 60, MUTED, bold=True).move_to(outline.get_center())
        label.move_to(np.array([x, outline.get_top()[1] + LABEL_GAP + label.height / 2, 0]))
        self.caption(f"{spec['name']}: OpenAI has not disclosed its size, layers or heads, so it stands only as "
                     "an outline.", title=f"{spec['name']}: undisclosed")
        self.play(Create(outline), FadeIn(mark), run_time=T_MOVE)
        self.play(FadeIn(label, shift=0.1 * UP), run_time=T_FAST)
        self.wait(T_READ)


__all__ = ["TowerGrowth", "tower_specs", "label_lines"]
