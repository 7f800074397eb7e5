"""Window propagation: with sliding-window attention, information travels one window further per layer.

A toy stack first (a window of 3 over 6 layers, small enough to see every hop). Following Mistral's definition, the
token at position i in one layer attends to positions i - w .. i of the layer below, so one layer carries a token's
information w positions further and k layers carry it w x k (generator.derive.receptive_field). Then Mistral 7B's
real numbers, drawn to scale on one line: window, training context and the theoretical span.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Brace,
    Create,
    FadeIn,
    FadeOut,
    GrowFromEdge,
    LaggedStart,
    Line,
    Rectangle,
    VGroup,
)

from figures.style import (
    BLUE,
    GRID,
    HEAD_SIZE,
    INK,
    LABEL_SIZE,
    LEFT_X,
    MUTED,
    ORANGE,
    SMALL_SIZE,
    T_FAST,
    T_HOLD,
    T_MOVE,
    T_READ,
    YELLOW,
    RaceScene,
    box,
    num,
    text,
)
from generator import derive
from generator.catalog.selection import shown

TOY_WINDOW = 3
TOY_LAYERS = 6
TOY_TOKENS = TOY_WINDOW * TOY_LAYERS + 2

GRID_LEFT = LEFT_X + 1.0
GRID_RIGHT = 5.2
ROW_H = 0.7
BOTTOM_ROW_Y = -2.05


def window_numbers(data: dict[str, Any]) -> dict[str, Any]:
    """Every number on screen: the toy reach per layer and Mistral 7B's window, layers, span and context."""
    m = next(m for _, m, _ in shown(data) if m.get("window"))  # the entry's `models:` (catalog.yaml)
    return {
        "toy_reach": [derive.receptive_field(TOY_WINDOW, k) for k in range(1, TOY_LAYERS + 1)],
        "model": m["name"], "window": m["window"], "layers": m["layers"],
        "span": derive.receptive_field(m["window"], m["layers"]), "context": m["context"],
    }


class WindowPropagation(RaceScene):
    def construct(self) -> None:
        nums = window_numbers(self.data)
        w = TOY_WINDOW
        if self.portrait:   # narrower and taller: room for the row labels and the reach labels either side
            lay = self.layout
            grid_left, grid_right, row_h, bottom_row_y = lay.left_x + 1.0, lay.right_x - 1.15, 0.95, -1.8
            col_w = (grid_right - grid_left) / TOY_TOKENS
            size = min(col_w, row_h) * 0.72
        else:
            grid_left, grid_right, row_h, bottom_row_y = GRID_LEFT, GRID_RIGHT, ROW_H, BOTTOM_ROW_Y
            col_w = (GRID_RIGHT - GRID_LEFT) / TOY_TOKENS
            size = min(col_w, ROW_H) * 0.62

        def pos(i: int, k: int) -> np.ndarray:
            return np.array([grid_left + col_w * (i + 0.5), bottom_row_y + row_h * k, 0])

        self.title("Sliding windows reach further with every layer")
        rows = []
        for k in range(TOY_LAYERS + 1):
            row = VGroup(*[box(size, size, color=GRID, fill=GRID, fill_opacity=0.35, stroke_width=1).move_to(pos(i, k))
                           for i in range(TOY_TOKENS)])
            rows.append(row)
        row_labels = VGroup(*[text("tokens" if k == 0 else f"layer {k}", SMALL_SIZE, MUTED)
                              for k in range(TOY_LAYERS + 1)])
        for k, t in enumerate(row_labels):
            t.next_to(pos(0, k), LEFT, buff=size / 2 + 0.15)
        axis = text("token position →", SMALL_SIZE, MUTED).next_to(rows[0], DOWN, buff=0.15).align_to(rows[0], LEFT)
        self.play(LaggedStart(*[FadeIn(r) for r in rows], lag_ratio=0.15), FadeIn(row_labels), FadeIn(axis),
                  run_time=T_MOVE)
        self.caption("Sliding-window attention: each token looks back only a fixed number of positions in the "
                     "layer below.", title="Sliding-window attention")
        self.wait(T_READ)

        src = rows[0][0]
        self.play(src.animate.set_fill(YELLOW, opacity=1).set_stroke(YELLOW), run_time=T_FAST)
        reach_labels = VGroup()
        for k in range(1, TOY_LAYERS + 1):
            reach = nums["toy_reach"][k - 1]
            new_lit = set(range(0, min(TOY_TOKENS, reach + 1)))
            frontier = reach
            links = VGroup(*[Line(pos(j, k - 1), pos(frontier, k), stroke_color=ORANGE, stroke_width=2,
                                  stroke_opacity=0.9, buff=size / 2)
                             for j in range(frontier - w, frontier + 1)])
            anims = [rows[k][i].animate.set_fill(YELLOW, opacity=0.35 + 0.5 * (1 - k / (TOY_LAYERS + 1)))
                     .set_stroke(YELLOW, opacity=0.8) for i in sorted(new_lit)]
            label = text(f"reach {num(reach)}", SMALL_SIZE, YELLOW).next_to(pos(TOY_TOKENS - 1, k), RIGHT,
                                                                                buff=size / 2 + 0.2)
            if k == 1:
                self.caption(f"Here the window is {w}: each token sees itself and the {w} before it. After one layer "
                             f"the yellow token's information has reached {num(reach)} positions further.",
                             title=f"A window of {w}")
                brace = Brace(VGroup(rows[0][frontier - w], rows[0][frontier]), DOWN, buff=0.05, color=ORANGE)
                brace_t = text(f"window: {w} back", SMALL_SIZE, ORANGE).next_to(brace, DOWN, buff=0.05)
                self.play(FadeOut(axis), run_time=T_FAST * 0.5)
                self.play(Create(links), FadeIn(brace), FadeIn(brace_t), run_time=T_MOVE)
                self.play(*anims, FadeIn(label), run_time=T_MOVE)
                self.wait(T_READ)
                self.play(FadeOut(brace), FadeOut(brace_t), FadeOut(links), FadeIn(axis), run_time=T_FAST)
            else:
                if k == 2:
                    self.caption("Each layer carries it one window further.", title="Layer by layer")
                self.play(Create(links), run_time=T_MOVE * 0.5)
                self.play(*anims, FadeIn(label), FadeOut(links), run_time=T_MOVE * 0.6)
            reach_labels.add(label)
        self.caption(f"{TOY_LAYERS} layers × a window of {w} = {num(nums['toy_reach'][-1])} positions: the top "
                     "layer can draw on tokens far outside any one window.", title="The reach adds up")
        self.wait(T_READ * 1.5)

        # -- Mistral 7B, to scale -----------------------------------------------------------------------------------
        toy = VGroup(*rows, row_labels, axis, reach_labels)
        self.play(FadeOut(toy), run_time=T_FAST * 1.5)
        self._mistral(nums)
        self.hold_caption(T_HOLD)

    def _mistral(self, n: dict[str, Any]) -> None:
        lay = self.layout
        head = text(f"{n['model']}", HEAD_SIZE, INK, bold=True)
        if self.portrait:   # the equation on two lines
            eq = VGroup(text(f"window {num(n['window'])} × {num(n['layers'])} layers", HEAD_SIZE, YELLOW, bold=True),
                        text(f"= {num(n['span'])} tokens", HEAD_SIZE, YELLOW, bold=True)) \
                .arrange(DOWN, buff=0.15, aligned_edge=LEFT)
            top_y, bar_y0, bar_step = 2.3, 0.3, 1.25
        else:
            eq = text(f"window {num(n['window'])} × {num(n['layers'])} layers = {num(n['span'])} tokens", HEAD_SIZE,
                      YELLOW, bold=True)
            top_y, bar_y0, bar_step = 1.75, 0.0, 0.85
        VGroup(head, eq).arrange(DOWN, buff=0.25, aligned_edge=LEFT).move_to(np.array([0, top_y, 0])) \
            .align_to(np.array([lay.left_x + 0.2, 0, 0]), LEFT)
        self.caption(f"{n['model']}: a window of {num(n['window'])} tokens in each of {num(n['layers'])} layers.",
                     title=n["model"])
        self.play(FadeIn(head), FadeIn(eq, shift=0.1 * UP), run_time=T_MOVE)

        full = lay.content_w - 0.4
        x0 = lay.left_x + 0.2
        bars = []
        specs = [
            (n["span"], YELLOW, f"theoretical span: {num(n['span'])} tokens", bar_y0),
            (n["context"], BLUE, f"trained on {num(n['context'])}-token sequences", bar_y0 - bar_step),
            (n["window"], ORANGE, f"one window: {num(n['window'])} tokens", bar_y0 - 2 * bar_step),
        ]
        for value, color, label, dy in specs:
            length = full * value / n["span"]
            bar = Rectangle(width=length, height=0.32, stroke_width=0).set_fill(color, opacity=0.85)
            bar.move_to(np.array([x0 + length / 2, dy, 0]))
            t = text(label, LABEL_SIZE, color).next_to(bar, UP, buff=0.1).align_to(bar, LEFT)
            bars.append((bar, t))
        scale_note = text("bars to scale", SMALL_SIZE, MUTED)
        scale_note.next_to(bars[0][0], DOWN, buff=0.08).align_to(bars[0][0], RIGHT)
        for bar, t in bars:
            self.play(GrowFromEdge(bar, LEFT), FadeIn(t), run_time=T_MOVE * 0.8)
        self.play(FadeIn(scale_note), run_time=T_FAST)
        self.caption("A theoretical reach, an upper bound, not what the model effectively uses: it was trained on "
                     f"{num(n['context'])}-token sequences.", title="A theoretical reach")
        self.wait(T_READ * 1.5)


__all__ = ["WindowPropagation", "window_numbers"]
