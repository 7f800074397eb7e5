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
    VGroup,
)

from figures.style import (
    BLUE,
    CONTENT_W,
    GREEN,
    GRID,
    INK,
    LABEL_SIZE,
    LEFT_X,
    MUTED,
    ORANGE,
    PINK,
    PURPLE,
    SMALL_SIZE,
    T_FAST,
    T_HOLD,
    T_MOVE,
    T_READ,
    TITLE_BOTTOM,
    RaceScene,
    num,
    params_label,
    text,
)
from generator.catalog.selection import shown

COLORS = (BLUE, GREEN, ORANGE, MUTED, PURPLE, PINK)

GROUND_Y = -1.7
FOUNDATION_DEPTH = 0.8     # room under a ground line for the deepest foundation (portrait rows)
MAX_WIDTH = 1.85          # the widest d_model gets this width
BRICK_H = 0.085
BRICK_MIN_W = 0.075
BRICK_COLS = 16
LABEL_GAP = 0.12


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
    def construct(self) -> None:
        specs = tower_specs(self.data)
        disclosed = [s for s in specs if s["disclosed"]]
        max_layers = max(s["layers"] for s in disclosed)
        max_d = max(s["d_model"] for s in disclosed)
        max_label_lines = max(len(label_lines(s)) for s in specs)
        label_h = max_label_lines * 0.3
        if self.portrait:
            # Two streets of buildings, one above the other, on the same scale: each row gets half the content band,
            # the foundation (up to FOUNDATION_DEPTH below its ground line) included.
            lay = self.layout
            per_row = math.ceil(len(specs) / 2)
            row_h = (lay.title_bottom - lay.caption_top) / 2
            grounds = [lay.title_bottom - row_h * (r + 1) + FOUNDATION_DEPTH for r in range(2)]
            floor_h = (row_h - FOUNDATION_DEPTH - 0.15 - label_h - LABEL_GAP) / max_layers
            slot = lay.content_w / per_row
            place = [(lay.left_x + slot * (i % per_row + 0.5), grounds[i // per_row]) for i in range(len(specs))]
            ground_lines = [(lay.left_x, lay.right_x, g) for g in grounds[:math.ceil(len(specs) / per_row)]]
        else:
            floor_h = (TITLE_BOTTOM - 0.15 - label_h - LABEL_GAP - GROUND_Y) / max_layers
            slot = CONTENT_W / len(specs)
            place = [(LEFT_X + slot * (i + 0.5), GROUND_Y) for i in range(len(specs))]
            ground_lines = [(LEFT_X, LEFT_X + CONTENT_W, GROUND_Y)]

        self.title("Each generation, a bigger building")
        grounds_mob = [Line(np.array([x0, y, 0]), np.array([x1, y, 0]), stroke_color=GRID, stroke_width=2)
                       for x0, x1, y in ground_lines]
        self.play(*[Create(g) for g in grounds_mob], run_time=T_FAST)
        self.caption("One building per model: each floor is one layer, each foundation brick one attention head.",
                     title="One building per model")

        for i, spec in enumerate(specs):
            x, self.ground_y = place[i]
            color = COLORS[i % len(COLORS)]
            if spec["note"]:  # the entry's `notes:` (catalog.yaml): a caption when this building appears
                self.caption(spec["note"], title="Heights and widths")
            if not spec["disclosed"]:
                self._undisclosed(spec, x, slot, max_layers * floor_h)
                continue
            if "active_label" in spec:  # a step of its own: the caption, then this building
                self.caption(f"{spec['name']} is a mixture of experts: {spec['params_label']} parameters, of which "
                             f"{spec['active_label']} work on each token.", title=f"{spec['name']}: experts")
            width = MAX_WIDTH * math.sqrt(spec["d_model"] / max_d)
            foundation = self._foundation(spec["heads"], width, x, color)
            building = self._building(spec["layers"], floor_h, width, x, color)
            label = self._label(label_lines(spec), building.get_top()[1] + LABEL_GAP, x, slot)
            self.play(LaggedStart(*[FadeIn(b) for b in foundation], lag_ratio=0.6 / len(foundation)),
                      run_time=T_MOVE * 0.8)
            self.play(GrowFromEdge(building, DOWN), run_time=T_MOVE * (0.6 + 0.6 * spec["layers"] / max_layers))
            self.play(FadeIn(label, shift=0.1 * UP), run_time=T_FAST)
            self.wait(T_READ * 0.4)

        first = disclosed[0]
        tallest = max(disclosed, key=lambda s: s["layers"])
        self.caption(f"From {first['name']}'s {num(first['layers'])} layers and {num(first['heads'])} heads to "
                     f"{tallest['name']}'s {num(tallest['layers'])} layers and {num(tallest['heads'])} heads.",
                     title="From GPT-1 to today")
        self.hold_caption(T_HOLD)

    # -- pieces --------------------------------------------------------------------------------------------------
    def _foundation(self, heads: int, width: float, x: float, color: str) -> VGroup:
        cols = max(1, min(heads, BRICK_COLS, int(width / BRICK_MIN_W)))
        bw = width / cols
        bricks = VGroup()
        for h in range(heads):
            r, c = divmod(h, cols)
            b = Rectangle(width=bw * 0.82, height=BRICK_H * 0.78, stroke_width=0)
            b.set_fill(color, opacity=0.9)
            b.move_to(np.array([x - width / 2 + bw * (c + 0.5), self.ground_y - BRICK_H * (r + 0.5) - 0.02, 0]))
            bricks.add(b)
        assert bricks.get_bottom()[1] > self.layout.caption_top, "foundation reaches the caption band"
        return bricks

    def _building(self, layers: int, floor_h: float, width: float, x: float, color: str) -> VGroup:
        height = layers * floor_h
        body = Rectangle(width=width, height=height, stroke_color=color, stroke_width=2)
        body.set_fill(color, opacity=0.28)
        body.move_to(np.array([x, self.ground_y + height / 2, 0]))
        floors = VGroup(*[
            Line(np.array([x - width / 2, self.ground_y + k * floor_h, 0]),
                 np.array([x + width / 2, self.ground_y + k * floor_h, 0]),
                 stroke_color=color, stroke_width=0.8, stroke_opacity=0.55)
            for k in range(1, layers)
        ])
        return VGroup(body, floors)

    def _label(self, lines: list[str], bottom: float, x: float, slot: float) -> VGroup:
        mobs = [text(lines[0], LABEL_SIZE, INK, bold=True)] + [text(s, SMALL_SIZE, MUTED) for s in lines[1:]]
        g = VGroup(*mobs).arrange(DOWN, buff=0.08)
        if g.width > slot - 0.12:
            g.scale((slot - 0.12) / g.width)
        g.move_to(np.array([x, bottom + g.height / 2, 0]))
        return g

    def _undisclosed(self, spec: dict[str, Any], x: float, slot: float, height: float) -> None:
        width = slot * 0.55
        outline = DashedVMobject(Rectangle(width=width, height=height, stroke_color=MUTED, stroke_width=2),
                                 num_dashes=40, dashed_ratio=0.5)
        outline.move_to(np.array([x, self.ground_y + height / 2, 0]))
        mark = text("?", 60, MUTED, bold=True).move_to(outline.get_center())
        label = self._label(label_lines(spec), outline.get_top()[1] + LABEL_GAP, x, slot)
        self.caption(f"{spec['name']}: OpenAI has not disclosed its size, layers or heads, so it stands only as "
                     "an outline.", title=f"{spec['name']}: undisclosed")
        self.play(Create(outline), FadeIn(mark), run_time=T_MOVE)
        self.play(FadeIn(label, shift=0.1 * UP), run_time=T_FAST)
        self.wait(T_READ)


__all__ = ["TowerGrowth", "tower_specs", "label_lines"]
