"""The wall: the n x n score matrix of one attention head, growing with the sequence, then multiplied across GPT-3.

Only the 6-token grid is drawn cell by cell. The 1,000- and 1,000,000-token matrices are drawn as squares whose
sides are to scale with each other, so the previous matrix shrinks to a speck in the corner of the next. The causal
half (each token scores itself and earlier tokens) is shaded. All counts come from generator.derive.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Circle,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    Line,
    Polygon,
    Rectangle,
    Square,
    Transform,
    VGroup,
)

from figures.style import (
    GRID,
    HEAD_SIZE,
    INK,
    LABEL_SIZE,
    MUTED,
    PINK,
    SMALL_SIZE,
    T_FAST,
    T_HOLD,
    T_MOVE,
    T_READ,
    YELLOW,
    RaceScene,
    num,
    power_of_ten,
    text,
)
from generator import derive
from generator.catalog.selection import shown

WORDS = ("The", "cat", "sat", "on", "the", "mat")
SIZES = (len(WORDS), 1_000, 1_000_000)

ANCHOR = np.array([-5.3, 2.45, 0])   # top-left corner shared by every matrix
BIG = 5.0                            # side of the matrix in view
CELL = 0.74                          # side of one cell of the 6-token grid
PANEL_X = 0.55                       # left edge of the numbers panel


def wall_numbers(data: dict[str, Any]) -> dict[str, Any]:
    """Every number the scene shows, from generator.derive and the catalog."""
    _, m, _ = shown(data)[0]  # the entry's `models:` (catalog.yaml)
    rows = []
    for n in SIZES:
        rows.append({"n": n, "full": derive.attention_scores(n, "full"),
                     "causal": derive.attention_scores(n, "causal")})
    matrices = derive.attention_matrices(m)
    per_matrix = derive.attention_scores(m["context"], "full")
    return {"rows": rows, "model": m["name"], "heads": m["heads"], "layers": derive.attention_layer_count(m),
            "matrices": matrices, "context": m["context"], "per_matrix": per_matrix,
            "per_sequence": matrices * per_matrix, "banded": bool(m.get("attention_note"))}


def scores_text(x: int) -> str:
    p = power_of_ten(x)
    return f"{num(x)} scores" + (f" ({p})" if p and x >= 10**9 else "")


class TheWall(RaceScene):
    def _geometry(self) -> None:
        """Landscape: the matrix on the left, the numbers on the right. Portrait: the matrix on top, the numbers
        stacked under it; the GPT-3 mosaic under its lines of arithmetic."""
        if not self.portrait:
            self.anchor, self.big, self.cell = ANCHOR, BIG, CELL
            self.panel_x, self.panel_top, self.entry_w, self.entry_gap = PANEL_X, ANCHOR[1], 7.0 - PANEL_X - 0.45, 0.4
            self.mosaic_origin, self.info_x, self.info_top = np.array([-6.3, -2.35, 0]), PANEL_X - 0.4, 2.4
            return
        lay = self.layout
        self.big, self.cell = 4.6, 0.7
        self.anchor = np.array([lay.left_x + 0.75, lay.title_bottom - 0.55, 0])
        self.panel_x, self.entry_w, self.entry_gap = lay.left_x, lay.content_w, 0.3
        self.panel_top = self.anchor[1] - self.big - 0.4
        self.mosaic_origin = np.array([-2.45, lay.caption_top + 0.55, 0])
        self.info_x, self.info_top = lay.left_x, lay.title_bottom - 0.25

    def construct(self) -> None:
        self._geometry()
        anchor, cell = self.anchor, self.cell
        nums = wall_numbers(self.data)
        rows = nums["rows"]
        self.title("The wall: a score for every pair of tokens")
        self.caption("Attention gives every token a score against every token. Here one word counts as one token.",
                     title="Every token scores every token")

        # -- 6 tokens, drawn literally -------------------------------------------------------------------------
        n = rows[0]["n"]
        cells = VGroup()
        rng = np.random.default_rng(6)
        for r in range(n):
            for c in range(n):
                sq = Square(cell * 0.9, stroke_width=0).set_fill(PINK, opacity=0.35 + 0.55 * rng.random())
                sq.move_to(anchor + np.array([cell * (c + 0.5), -cell * (r + 0.5), 0]))
                cells.add(sq)
        cols = VGroup(*[text(w, SMALL_SIZE, MUTED).move_to(anchor + np.array([cell * (i + 0.5), 0.28, 0]))
                        for i, w in enumerate(WORDS)])
        rws = VGroup(*[text(w, SMALL_SIZE, MUTED) for w in WORDS])
        for i, t in enumerate(rws):
            t.move_to(anchor + np.array([-0.15 - t.width / 2, -cell * (i + 0.5), 0]))
        self.play(FadeIn(cols), FadeIn(rws), run_time=T_FAST)
        self.play(LaggedStart(*[FadeIn(c, scale=0.5) for c in cells], lag_ratio=0.04), run_time=2.0)

        panel = VGroup()
        entry = self._entry(rows[0])
        entry.next_to(np.array([self.panel_x, self.panel_top, 0]), RIGHT, buff=0) \
            .align_to(np.array([0, self.panel_top, 0]), UP)
        self.play(FadeIn(entry[0]), FadeIn(entry[1]), run_time=T_FAST)
        self.wait(T_READ * 0.5)

        # causal half
        self.caption(f"A decoder only looks back: each token scores itself and earlier tokens, "
                     f"{num(rows[0]['causal'])} of the {num(rows[0]['full'])}.", title="A decoder looks back")
        future = [cells[r * n + c] for r in range(n) for c in range(n) if c > r]
        self.play(*[f.animate.set_fill(GRID, opacity=0.5) for f in future], FadeIn(entry[2]), run_time=T_MOVE)
        panel.add(entry)
        self.wait(T_READ * 0.6)

        # -- 1,000 then 1,000,000 tokens, to scale ---------------------------------------------------------------
        self.play(FadeOut(cols), FadeOut(rws), run_time=T_FAST)
        previous = VGroup(cells)
        prev_side = cell * n
        for k, row in enumerate(rows[1:], 1):
            big = self._matrix(self.big)
            shrink = self.big * rows[k - 1]["n"] / row["n"] / prev_side
            entry = self._entry(row).next_to(panel, DOWN, buff=self.entry_gap, aligned_edge=LEFT)
            if k == 1:
                self.caption(f"{num(row['n'])} tokens: {num(row['full'])} scores. Drawn to scale, the "
                             f"{num(rows[k - 1]['n'])}-token matrix is the speck in the corner.",
                             title=f"{num(row['n'])} tokens")
            else:
                self.caption(f"{num(row['n'])} tokens: {num(row['full'])} scores ({power_of_ten(row['full'])}). "
                             f"Now the {num(rows[k - 1]['n'])}-token matrix is the speck.",
                             title=f"{num(row['n'])} tokens")
            self.play(previous.animate.scale(shrink, about_point=anchor), FadeIn(big), run_time=T_MOVE * 1.5)
            speck = Circle(radius=0.16, stroke_color=YELLOW, stroke_width=2)
            speck.move_to(anchor + np.array([0.02, -0.02, 0]))
            speck_label = text(f"{num(rows[k - 1]['n'])} tokens", SMALL_SIZE, YELLOW).next_to(speck, RIGHT, buff=0.1)
            speck_label.shift(0.2 * DOWN)
            self.play(Create(speck), FadeIn(speck_label), FadeIn(entry), run_time=T_FAST * 2)
            panel.add(entry)
            self.wait(T_READ)
            self.play(FadeOut(speck), FadeOut(speck_label), run_time=T_FAST)
            self.remove(previous)
            previous = VGroup(big)
            prev_side = self.big
        self.caption("Double the tokens, four times the scores. And that is one head, in one layer.",
                     title="Quadratic growth")
        self.wait(T_READ)

        # -- GPT-3: heads x layers ------------------------------------------------------------------------------
        self.play(FadeOut(previous), FadeOut(panel), run_time=T_FAST * 1.5)
        self._gpt3(nums)
        self.hold_caption(T_HOLD)

    # -- pieces ----------------------------------------------------------------------------------------------------
    def _matrix(self, side: float) -> VGroup:
        """A symbolic matrix: a square with its causal (lower-left) half shaded."""
        anchor = self.anchor
        sq = Square(side, stroke_color=PINK, stroke_width=2).set_fill(GRID, opacity=0.35)
        sq.move_to(anchor + np.array([side / 2, -side / 2, 0]))
        tl, bl, br = anchor, anchor + np.array([0, -side, 0]), anchor + np.array([side, -side, 0])
        tri = Polygon(tl, bl, br, stroke_width=0).set_fill(PINK, opacity=0.6)
        return VGroup(sq, tri)

    def _entry(self, row: dict[str, Any]) -> VGroup:
        head = text(f"{num(row['n'])} tokens", LABEL_SIZE, INK, bold=True)
        full = text(f"→ {scores_text(row['full'])}", LABEL_SIZE, INK)
        sub = text(f"causal half: {num(row['causal'])}", SMALL_SIZE, PINK)
        g = VGroup(head, full, sub).arrange(DOWN, buff=0.08, aligned_edge=LEFT)
        max_w = self.entry_w
        if g.width > max_w:
            g.scale(max_w / g.width)
        g.next_to(np.array([self.panel_x, 0, 0]), RIGHT, buff=0)
        return g

    def _gpt3(self, nums: dict[str, Any]) -> None:
        heads, layers = nums["heads"], nums["layers"]
        side = 4.6
        origin = self.mosaic_origin  # bottom-left of the mosaic
        cell = side / heads
        one = Square(cell, stroke_width=0).set_fill(PINK, opacity=0.9)
        one.move_to(origin + np.array([cell / 2, cell / 2, 0]))
        info = VGroup()

        def line(s: str, color: str = INK, size: int = LABEL_SIZE, bold: bool = False):
            t = text(s, size, color, bold=bold)
            t.next_to(np.array([self.info_x, 0, 0]), RIGHT, buff=0)
            if info:
                t.next_to(info, DOWN, buff=0.22, aligned_edge=LEFT)
            else:
                t.align_to(np.array([0, self.info_top, 0]), UP)
            info.add(t)
            return t

        self.caption(f"{nums['model']} repeats the matrix for every head in every layer.",
                     title="Every head, every layer")
        t1 = line(f"{nums['model']}", INK, HEAD_SIZE, bold=True)
        t2 = line("1 matrix: one head, one layer", MUTED)
        self.play(FadeIn(one, scale=3), FadeIn(t1), FadeIn(t2), run_time=T_MOVE)
        row = Rectangle(width=side, height=cell, stroke_width=0).set_fill(PINK, opacity=0.9)
        row.move_to(origin + np.array([side / 2, cell / 2, 0]))
        t3 = line(f"× {num(heads)} heads", MUTED)
        self.play(Transform(one, row), FadeIn(t3), run_time=T_MOVE)
        full = Rectangle(width=side, height=side, stroke_width=0).set_fill(PINK, opacity=0.9)
        full.move_to(origin + np.array([side / 2, side / 2, 0]))
        seams = VGroup(
            *[Line(origin + np.array([i * cell, 0, 0]), origin + np.array([i * cell, side, 0]))
              for i in range(1, heads)],
            *[Line(origin + np.array([0, j * cell, 0]), origin + np.array([side, j * cell, 0]))
              for j in range(1, layers)],
        ).set_stroke(color="#14161b", width=0.6)
        t4 = line(f"× {num(layers)} layers", MUTED)
        t5 = line(f"= {num(nums['matrices'])} matrices", PINK, HEAD_SIZE, bold=True)
        self.play(Transform(one, full), FadeIn(seams), FadeIn(t4), run_time=T_MOVE * 1.2)
        axis_h = text("heads →", SMALL_SIZE, MUTED).next_to(full, DOWN, buff=0.08).align_to(full, LEFT)
        axis_l = text("layers →", SMALL_SIZE, MUTED).rotate(np.pi / 2)
        axis_l.next_to(full, RIGHT, buff=0.08).align_to(full, DOWN)
        self.play(FadeIn(t5), FadeIn(axis_h), FadeIn(axis_l), run_time=T_FAST)
        self.caption(f"{num(heads)} heads × {num(layers)} layers = {num(nums['matrices'])} score matrices for every "
                     "sequence the model reads.", title=f"{num(nums['matrices'])} matrices")
        self.wait(T_READ)
        t6 = line(f"each up to {num(nums['context'])} × {num(nums['context'])} = {num(nums['per_matrix'])} scores",
                  MUTED, SMALL_SIZE)
        t7 = line(f"= {num(nums['per_sequence'])} scores per sequence", INK, LABEL_SIZE, bold=True)
        tail = " (fewer: half its layers use banded attention)" if nums["banded"] else ""
        self.caption(f"At its full {num(nums['context'])}-token context that is up to {num(nums['per_sequence'])} "
                     f"scores{tail}.", title="At full context")
        self.play(FadeIn(t6), FadeIn(t7), run_time=T_FAST * 2)
        self.wait(T_READ)


__all__ = ["TheWall", "wall_numbers"]
