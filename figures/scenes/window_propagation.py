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
    Mobject,
    Rectangle,
    VGroup,
)

from figures.style import (
    BACKGROUND,
    BLUE,
    BODY_SIZE,
    GRID,
    HAIRLINE,
    HEAD_SIZE,
    INK,
    LABEL_SIZE,
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
        self.title("Sliding windows reach further with every layer")
        self._grid_geometry()
        rows, row_labels, axis = self._toy_grid()
        self.caption("Sliding-window attention: each token looks back only a fixed number of positions in the "
                     "layer below.", title="Sliding-window attention")
        example = self._one_window(rows)
        self.wait(T_READ)
        reach_labels = self._propagate(nums, rows, axis, leaving=example)
        total = nums["toy_reach"][-1]
        self.caption(f"{TOY_LAYERS} layers × a window of {TOY_WINDOW} = {num(total)} positions: the top "
                     "layer can draw on tokens far outside any one window.", title="The reach adds up")
        span = Brace(VGroup(rows[0][0], rows[0][min(total, TOY_TOKENS - 1)]), DOWN, buff=0.08, color=YELLOW)
        span_t = text(f"{TOY_LAYERS} layers × {TOY_WINDOW} = {num(total)} positions", LABEL_SIZE, YELLOW, bold=True)
        span_t.next_to(span, DOWN, buff=0.08).align_to(span, LEFT)
        self.play(FadeOut(axis), FadeIn(span), FadeIn(span_t), run_time=T_MOVE * 0.8)
        self.wait(T_READ * 1.5)

        # -- Mistral 7B, to scale (the toy leaves as this step begins) ---------------------------------------------
        toy = VGroup(*rows, row_labels, reach_labels, span, span_t)
        self._mistral(nums, toy)
        self.hold_caption(T_HOLD)

    def _grid_geometry(self) -> None:
        """The toy stack fills the content band: a row per layer over the tokens, room left for the row labels
        and right for the reach labels (and under the tokens for the brace of the last step)."""
        lay = self.layout
        self.grid_left = lay.left_x + (1.0 if self.portrait else 1.1)
        self.grid_right = lay.right_x - (1.05 if self.portrait else 1.35)
        self.row_h = (lay.content_h - 1.05) / (TOY_LAYERS + 0.6)
        self.bottom_row_y = lay.bottom_y + 1.0
        self.col_w = (self.grid_right - self.grid_left) / TOY_TOKENS
        self.size = min(self.col_w, self.row_h) * (0.72 if self.portrait else 0.62)
        # Portrait's narrow columns: each token a tall cell, so the rows read as rows of tokens.
        self.cell_h = min(self.row_h * 0.5, self.size * 2.0) if self.portrait else self.size

    def pos(self, i: int, k: int) -> np.ndarray:
        return np.array([self.grid_left + self.col_w * (i + 0.5), self.bottom_row_y + self.row_h * k, 0])

    def _toy_grid(self) -> tuple[list[VGroup], VGroup, Mobject]:
        pos, size = self.pos, self.size
        rows = [VGroup(*[box(size, self.cell_h, color=GRID, fill=GRID, fill_opacity=0.35, stroke_width=HAIRLINE)
                         .move_to(pos(i, k)) for i in range(TOY_TOKENS)]) for k in range(TOY_LAYERS + 1)]
        row_labels = VGroup(*[text("tokens" if k == 0 else f"layer {k}", SMALL_SIZE, MUTED)
                              for k in range(TOY_LAYERS + 1)])
        for k, t in enumerate(row_labels):
            t.next_to(pos(0, k), LEFT, buff=size / 2 + 0.15)
        axis = text("token position →", SMALL_SIZE, MUTED).next_to(rows[0], DOWN, buff=0.15).align_to(rows[0], LEFT)
        self.play(LaggedStart(*[FadeIn(r) for r in rows], lag_ratio=0.15), FadeIn(row_labels), FadeIn(axis),
                  run_time=T_MOVE)
        return rows, row_labels, axis

    def _one_window(self, rows: list[VGroup]) -> VGroup:
        """One token of layer 1 and the positions it looks back at in the layer below."""
        at = TOY_TOKENS // 2
        cells = [rows[0][j] for j in range(at - TOY_WINDOW, at + 1)] + [rows[1][at]]
        links = VGroup(*[Line(self.pos(j, 0), self.pos(at, 1), stroke_color=ORANGE, stroke_width=2,
                              buff=self.cell_h / 2) for j in range(at - TOY_WINDOW, at + 1)])
        marks = VGroup(*[c.copy().set_fill(ORANGE, opacity=0.55).set_stroke(ORANGE, opacity=1) for c in cells])
        self.play(FadeIn(marks), Create(links), run_time=T_MOVE)
        return VGroup(marks, links)

    def _propagate(self, nums: dict[str, Any], rows: list[VGroup], axis: Mobject, leaving: VGroup) -> VGroup:
        """The yellow token's information climbs one layer at a time, one window further each time."""
        pos, size, w = self.pos, self.size, TOY_WINDOW
        reach_labels = VGroup()
        for k in range(1, TOY_LAYERS + 1):
            reach = nums["toy_reach"][k - 1]
            links = VGroup(*[Line(pos(j, k - 1), pos(reach, k), stroke_color=ORANGE, stroke_width=2,
                                  stroke_opacity=0.9, buff=self.cell_h / 2) for j in range(reach - w, reach + 1)])
            anims = [rows[k][i].animate.set_fill(YELLOW, opacity=0.35 + 0.5 * (1 - k / (TOY_LAYERS + 1)))
                     .set_stroke(YELLOW, opacity=0.8) for i in range(0, min(TOY_TOKENS, reach + 1))]
            label = text(f"reach {num(reach)}", SMALL_SIZE, YELLOW).next_to(pos(TOY_TOKENS - 1, k), RIGHT,
                                                                                buff=size / 2 + 0.2)
            if k == 1:
                self.caption(f"Here the window is {w}: each token sees itself and the {w} before it. After one layer "
                             f"the yellow token's information has reached {num(reach)} positions further.",
                             title=f"A window of {w}")
                self.play(FadeOut(leaving), rows[0][0].animate.set_fill(YELLOW, opacity=1).set_stroke(YELLOW),
                          run_time=T_FAST)
                brace = Brace(VGroup(rows[0][reach - w], rows[0][reach]), DOWN, buff=0.05, color=ORANGE)
                brace_t = text(f"window: {w} back", SMALL_SIZE, ORANGE).next_to(brace, DOWN, buff=0.05)
                self.play(FadeOut(axis), run_time=T_FAST * 0.5)
                self.play(Create(links), FadeIn(brace), FadeIn(brace_t), run_time=T_MOVE)
                self.play(*anims, FadeIn(label), run_time=T_MOVE)
                self.wait(T_READ)
                self.window_marks = VGroup(brace, brace_t, links)
            else:
                if k == 2:
                    self.caption("Each layer carries it one window further.", title="Layer by layer")
                    self.play(FadeOut(self.window_marks), FadeIn(axis), run_time=T_FAST)
                self.play(Create(links), run_time=T_MOVE * 0.5)
                self.play(*anims, FadeIn(label), FadeOut(links), run_time=T_MOVE * 0.6)
            reach_labels.add(label)
        return reach_labels

    def _mistral(self, n: dict[str, Any], toy: VGroup) -> None:
        lay = self.layout
        head = text(f"{n['model']}", HEAD_SIZE, INK, bold=True)
        eq_s = [f"window {num(n['window'])} × {num(n['layers'])} layers", f"= {num(n['span'])} tokens"]
        if not self.portrait:  # the equation on one line (two in portrait)
            eq_s = [" ".join(eq_s)]
        eq = VGroup(*[text(s, HEAD_SIZE, YELLOW, bold=True) for s in eq_s]).arrange(DOWN, buff=0.15, aligned_edge=LEFT)
        top = VGroup(head, eq).arrange(DOWN, buff=0.25, aligned_edge=LEFT)
        top.align_to(np.array([lay.left_x + 0.2, lay.title_bottom - 0.45, 0]), UP + LEFT)
        self.caption(f"{n['model']}: a window of {num(n['window'])} tokens in each of {num(n['layers'])} layers.",
                     title=n["model"])
        self.play(FadeOut(toy), run_time=T_FAST * 1.5)
        self.play(FadeIn(head), FadeIn(eq, shift=0.1 * UP), run_time=T_MOVE)
        full, x0 = lay.content_w - 0.4, lay.left_x + 0.2
        room = top.get_bottom()[1] - 0.5 - (lay.bottom_y + 0.9)
        bar_step = min(1.5, room / 2.4)
        y0 = top.get_bottom()[1] - 0.55 - 0.45 - bar_step * 0.2
        bars = []
        specs = [
            (n["span"], YELLOW, f"theoretical span: {num(n['span'])} tokens"),
            (n["context"], BLUE, f"trained on {num(n['context'])}-token sequences"),
            (n["window"], ORANGE, f"one window: {num(n['window'])} tokens"),
        ]
        for k, (value, color, label) in enumerate(specs):
            length = full * value / n["span"]
            bar = Rectangle(width=length, height=0.42, stroke_width=0).set_fill(color, opacity=0.85)
            bar.move_to(np.array([x0 + length / 2, y0 - k * bar_step, 0]))
            t = text(label, BODY_SIZE, color).next_to(bar, UP, buff=0.12).align_to(bar, LEFT)
            bars.append((bar, t))
        scale_note = text("bars to scale", SMALL_SIZE, MUTED)
        scale_note.next_to(bars[-1][0], DOWN, buff=0.3).align_to(np.array([x0 + full, 0, 0]), RIGHT)
        for bar, t in bars:
            self.play(GrowFromEdge(bar, LEFT), FadeIn(t), run_time=T_MOVE * 0.8)
        self.play(FadeIn(scale_note), run_time=T_FAST)
        self.caption("A theoretical reach, an upper bound, not what the model effectively uses: it was trained on "
                     f"{num(n['context'])}-token sequences.", title="A theoretical reach")
        self._beyond_training(bars[0][0], full * n["context"] / n["span"], x0)
        self.wait(T_READ * 1.5)

    def _beyond_training(self, span_bar: Mobject, trained: float, x0: float) -> None:
        """On the span bar: the part beyond the training length, dimmed and named."""
        beyond = Rectangle(width=span_bar.width - trained, height=span_bar.height, stroke_width=0)
        beyond.set_fill(BACKGROUND, opacity=0.55).align_to(span_bar, RIGHT).align_to(span_bar, DOWN)
        tick = Line(np.array([x0 + trained, span_bar.get_bottom()[1] - 0.12, 0]),
                    np.array([x0 + trained, span_bar.get_top()[1] + 0.12, 0]), stroke_color=BLUE, stroke_width=3)
        note = text("never seen in training →", LABEL_SIZE, MUTED).next_to(span_bar, DOWN, buff=0.12)
        note.align_to(tick, LEFT).shift(0.1 * RIGHT)
        self.play(FadeIn(beyond), Create(tick), FadeIn(note), run_time=T_MOVE)


__all__ = ["WindowPropagation", "window_numbers"]
