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
    Text,
    Transform,
    VGroup,
)

from figures.style import (
    BACKGROUND,
    BODY_SIZE,
    GRID,
    HAIRLINE,
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
        """Landscape: the matrix on the left, as tall as the content band allows, the numbers on the right.
        Portrait: the matrix on top, the numbers under it as two-line entries; the GPT-3 mosaic between its lines
        of arithmetic."""
        lay = self.layout
        word_room = 0.62  # the row labels left of the 6-token grid, the column labels above it
        if not self.portrait:
            self.big = lay.content_h - word_room + 0.05
            self.anchor = np.array([lay.left_x + word_room, lay.title_bottom - 0.35, 0])
            self.panel_x = self.anchor[0] + self.big + 0.7
            self.panel_top, self.entry_gap, self.compact = self.anchor[1], 0.45, False
            self.mosaic = lay.content_h - 0.75
            self.mosaic_origin = np.array([lay.left_x + 0.1, lay.bottom_y + 0.4, 0])
            self.info_x, self.info_top = self.mosaic_origin[0] + self.mosaic + 0.8, lay.title_bottom - 0.35
            return
        self.big = 4.8
        self.anchor = np.array([lay.left_x + word_room + (lay.content_w - word_room - self.big) / 2,
                                lay.title_bottom - 0.4, 0])
        self.panel_x, self.panel_top = lay.left_x, self.anchor[1] - self.big - 0.4
        self.entry_gap, self.compact = 0.28, True
        self.mosaic = 4.6
        self.info_x, self.info_top = lay.left_x, lay.title_bottom - 0.3
        self.mosaic_origin = None  # placed under the first two lines of arithmetic (_gpt3)

    def construct(self) -> None:
        nums = wall_numbers(self.data)
        rows = nums["rows"]
        self.title("The wall: a score for every pair of tokens")
        self._geometry()
        self.caption("Attention gives every token a score against every token. Here one word counts as one token.",
                     title="Every token scores every token")
        cells, cols, rws = self._six_tokens(rows[0]["n"])
        panel = VGroup()
        entry = self._entry(rows[0])
        entry.next_to(np.array([self.panel_x, self.panel_top, 0]), RIGHT, buff=0) \
            .align_to(np.array([0, self.panel_top, 0]), UP)
        self.play(FadeIn(entry[0]), run_time=T_FAST)
        self.wait(T_READ * 0.5)

        # causal half
        n = rows[0]["n"]
        self.caption(f"A decoder only looks back: each token scores itself and earlier tokens, "
                     f"{num(rows[0]['causal'])} of the {num(rows[0]['full'])}.", title="A decoder looks back")
        future = [cells[r * n + c] for r in range(n) for c in range(n) if c > r]
        self.play(*[f.animate.set_fill(GRID, opacity=0.5) for f in future], FadeIn(entry[1]), run_time=T_MOVE)
        panel.add(entry)
        self.wait(T_READ * 0.6)
        big = self._grow(rows, cells, cols, rws, panel)

        self.caption("Double the tokens, four times the scores. And that is one head, in one layer.",
                     title="Quadratic growth")
        self._quarter(big)
        self.wait(T_READ)

        # -- GPT-3: heads x layers (the last step's picture leaves as this step begins) ---------------------------
        self._gpt3(nums, leaving=VGroup(big, panel, self.quarter))
        self.hold_caption(T_HOLD)

    # -- pieces ----------------------------------------------------------------------------------------------------
    def _six_tokens(self, n: int) -> tuple[VGroup, VGroup, VGroup]:
        """The 6 x 6 grid of scores with the words along its top and left."""
        anchor, cell = self.anchor, self.big / n
        cells = VGroup()
        rng = np.random.default_rng(6)
        for r in range(n):
            for c in range(n):
                sq = Square(cell * 0.9, stroke_width=0).set_fill(PINK, opacity=0.35 + 0.55 * rng.random())
                sq.move_to(anchor + np.array([cell * (c + 0.5), -cell * (r + 0.5), 0]))
                cells.add(sq)
        cols = VGroup(*[text(w, SMALL_SIZE, MUTED).move_to(anchor + np.array([cell * (i + 0.5), 0.26, 0]))
                        for i, w in enumerate(WORDS)])
        rws = VGroup(*[text(w, SMALL_SIZE, MUTED) for w in WORDS])
        for i, t in enumerate(rws):
            t.move_to(anchor + np.array([-0.15 - t.width / 2, -cell * (i + 0.5), 0]))
        self.play(FadeIn(cols), FadeIn(rws), run_time=T_FAST)
        self.play(LaggedStart(*[FadeIn(c, scale=0.5) for c in cells], lag_ratio=0.04), run_time=2.0)
        return cells, cols, rws

    def _grow(self, rows, cells: VGroup, cols: VGroup, rws: VGroup, panel: VGroup) -> VGroup:
        """1,000 then 1,000,000 tokens, each matrix to scale with the one before (a speck in its corner)."""
        anchor = self.anchor
        previous, prev_side = VGroup(cells), self.big
        for k, row in enumerate(rows[1:], 1):
            big = self._matrix(self.big)
            shrink = self.big * rows[k - 1]["n"] / row["n"] / prev_side
            entry = self._entry(row).next_to(panel, DOWN, buff=self.entry_gap, aligned_edge=LEFT)
            was = num(rows[k - 1]["n"])
            if k == 1:
                self.caption(f"{num(row['n'])} tokens: {num(row['full'])} scores. Drawn to scale, the "
                             f"{was}-token matrix is the speck in the corner.", title=f"{num(row['n'])} tokens")
            else:
                self.caption(f"{num(row['n'])} tokens: {num(row['full'])} scores ({power_of_ten(row['full'])}). "
                             f"Now the {was}-token matrix is the speck.", title=f"{num(row['n'])} tokens")
            leaving = [FadeOut(cols), FadeOut(rws)] if k == 1 else [FadeOut(self.speck)]
            self.play(*leaving, previous.animate.scale(shrink, about_point=anchor), FadeIn(big), run_time=T_MOVE * 1.5)
            self.remove(previous)
            speck = Circle(radius=0.2, stroke_color=YELLOW, stroke_width=2.5).move_to(anchor + np.array([0.02, -0.02, 0]))
            label = text(f"{was} tokens", SMALL_SIZE, YELLOW).next_to(speck, RIGHT, buff=0.12).shift(0.22 * DOWN)
            self.speck = VGroup(speck, label)
            self.play(Create(speck), FadeIn(label), FadeIn(entry), run_time=T_FAST * 2)
            panel.add(entry)
            self.wait(T_READ)
            previous, prev_side = VGroup(big), self.big
        return previous

    def _quarter(self, big: VGroup) -> None:
        """Half the tokens is a quarter of the scores: the top-left quarter of the matrix, outlined and said."""
        half = self.big / 2
        q = Square(half, stroke_color=YELLOW, stroke_width=3).move_to(self.anchor + np.array([half / 2, -half / 2, 0]))
        lines = ["half the tokens:", "a quarter", "of the scores"]
        label = VGroup(*[text(s, LABEL_SIZE, YELLOW, bold=True) for s in lines]).arrange(DOWN, buff=0.08,
                                                                                         aligned_edge=LEFT)
        # In the empty (future) half, right of the quarter: clear of the shaded triangle.
        label.next_to(q.get_corner(UP + RIGHT), RIGHT, buff=0.25).align_to(q, UP).shift(0.3 * DOWN)
        self.quarter = VGroup(q, label)
        self.play(FadeOut(self.speck), Create(q), FadeIn(label), run_time=T_MOVE)

    def _matrix(self, side: float) -> VGroup:
        """A symbolic matrix: a square with its causal (lower-left) half shaded."""
        anchor = self.anchor
        sq = Square(side, stroke_color=PINK, stroke_width=2).set_fill(GRID, opacity=0.35)
        sq.move_to(anchor + np.array([side / 2, -side / 2, 0]))
        tl, bl, br = anchor, anchor + np.array([0, -side, 0]), anchor + np.array([side, -side, 0])
        tri = Polygon(tl, bl, br, stroke_width=0).set_fill(PINK, opacity=0.6)
        return VGroup(sq, tri)

    def _entry(self, row: dict[str, Any]) -> VGroup:
        """One size's numbers: '1,000 tokens → 1,000,000 scores' (one line in portrait, two in landscape) over the
        causal half."""
        causal = text(f"causal half: {num(row['causal'])}", SMALL_SIZE if self.compact else LABEL_SIZE, PINK)
        if self.compact:
            head = text(f"{num(row['n'])} tokens → {scores_text(row['full'])}", LABEL_SIZE, INK)
        else:
            head = VGroup(text(f"{num(row['n'])} tokens", BODY_SIZE, INK, bold=True),
                          text(f"→ {scores_text(row['full'])}", BODY_SIZE, INK)).arrange(DOWN, buff=0.1,
                                                                                         aligned_edge=LEFT)
        g = VGroup(head, causal).arrange(DOWN, buff=0.1, aligned_edge=LEFT)
        g.next_to(np.array([self.panel_x, 0, 0]), RIGHT, buff=0)
        return g

    def _info_line(self, info: VGroup, s: str, color: str = INK, size: int = BODY_SIZE, bold: bool = False,
                   x: float | None = None, gap: float = 0.24) -> Text:
        """The next line of the GPT-3 arithmetic, under the last one."""
        t = text(s, size, color, bold=bold)
        t.next_to(np.array([self.info_x if x is None else x, 0, 0]), RIGHT, buff=0)
        if info:
            t.next_to(info[-1], DOWN, buff=gap).align_to(np.array([self.info_x if x is None else x, 0, 0]), LEFT)
        else:
            t.align_to(np.array([0, self.info_top, 0]), UP)
        info.add(t)
        return t

    def _gpt3(self, nums: dict[str, Any], leaving: VGroup) -> None:
        """GPT-3's score matrices: one, then a row of one per head, then a row per layer (this step); then the
        arithmetic beside them (the next)."""
        heads, layers = nums["heads"], nums["layers"]
        info = VGroup()
        self.caption(f"{nums['model']} repeats the matrix for every head in every layer.",
                     title="Every head, every layer")
        self.play(FadeOut(leaving), run_time=T_FAST * 1.5)
        t1 = self._info_line(info, f"{nums['model']}", INK, HEAD_SIZE, bold=True)
        t2 = self._info_line(info, "1 matrix: one head, one layer", MUTED, gap=0.18)
        side = self.mosaic
        if self.mosaic_origin is None:  # portrait: the mosaic under the first two lines, the rest beside it
            self.mosaic_origin = np.array([self.layout.left_x, t2.get_bottom()[1] - 0.35 - side, 0])
        origin = self.mosaic_origin  # bottom-left of the mosaic
        cell = side / heads
        one = Square(cell, stroke_width=0).set_fill(PINK, opacity=0.9)
        one.move_to(origin + np.array([cell / 2, cell / 2, 0]))
        self.play(FadeIn(one, scale=3), FadeIn(t1), FadeIn(t2), run_time=T_MOVE)
        row = Rectangle(width=side, height=cell, stroke_width=0).set_fill(PINK, opacity=0.9)
        row.move_to(origin + np.array([side / 2, cell / 2, 0]))
        axis_h = text("heads →", SMALL_SIZE, MUTED).next_to(row, DOWN, buff=0.08).align_to(row, LEFT)
        self.play(Transform(one, row), FadeIn(axis_h), run_time=T_MOVE)
        full = Rectangle(width=side, height=side, stroke_width=0).set_fill(PINK, opacity=0.9)
        full.move_to(origin + np.array([side / 2, side / 2, 0]))
        seams = VGroup(
            *[Line(origin + np.array([i * cell, 0, 0]), origin + np.array([i * cell, side, 0]))
              for i in range(1, heads)],
            *[Line(origin + np.array([0, j * cell, 0]), origin + np.array([side, j * cell, 0]))
              for j in range(1, layers)],
        ).set_stroke(color=BACKGROUND, width=HAIRLINE)
        axis_l = text("layers →", SMALL_SIZE, MUTED).rotate(np.pi / 2)
        axis_l.next_to(full, RIGHT, buff=0.08).align_to(full, DOWN)
        self.play(Transform(one, full), FadeIn(seams), FadeIn(axis_l), run_time=T_MOVE * 1.2)
        self.wait(T_READ * 0.5)
        self.caption(f"{num(heads)} heads × {num(layers)} layers = {num(nums['matrices'])} score matrices for every "
                     "sequence the model reads.", title=f"{num(nums['matrices'])} matrices")
        self._count(nums, info, origin, side)
        self.wait(T_READ)
        self._full_context(nums, info, axis_h)

    def _count(self, nums: dict[str, Any], info: VGroup, origin: np.ndarray, side: float) -> None:
        """× heads × layers = matrices: under the first lines in landscape, beside the mosaic in portrait."""
        beside = origin[0] + side + 0.5 if self.portrait else None
        if beside is not None:
            self.info_top = origin[1] + side
        t3 = self._info_line(VGroup() if beside is not None else info, f"× {num(nums['heads'])} heads", MUTED,
                             x=beside)
        if beside is not None:
            info.add(t3)
        t4 = self._info_line(info, f"× {num(nums['layers'])} layers", MUTED, x=beside)
        if beside is None:
            t5 = self._info_line(info, f"= {num(nums['matrices'])} matrices", PINK, HEAD_SIZE, bold=True)
        else:  # a narrow column beside the mosaic: the number over its noun
            t5 = VGroup(self._info_line(info, f"= {num(nums['matrices'])}", PINK, HEAD_SIZE, bold=True, x=beside),
                        self._info_line(info, "matrices", PINK, HEAD_SIZE, bold=True, x=beside, gap=0.1))
        self.play(FadeIn(t3), run_time=T_FAST)
        self.play(FadeIn(t4), run_time=T_FAST)
        self.play(FadeIn(t5, scale=1.1), run_time=T_FAST * 1.5)

    def _full_context(self, nums: dict[str, Any], info: VGroup, under: Text) -> None:
        ctx = num(nums["context"])
        if self.portrait:  # full width, under the mosaic
            self.info_x = self.layout.left_x
            info = VGroup(under)
        t6 = self._info_line(info, f"each up to {ctx} × {ctx} = {num(nums['per_matrix'])} scores", MUTED, LABEL_SIZE,
                             gap=0.3)
        t7 = self._info_line(info, f"= {num(nums['per_sequence'])} scores per sequence", INK, BODY_SIZE, bold=True,
                             gap=0.15)
        tail = " (fewer: half its layers use banded attention)" if nums["banded"] else ""
        self.caption(f"At its full {ctx}-token context that is up to {num(nums['per_sequence'])} "
                     f"scores{tail}.", title="At full context")
        self.play(FadeIn(t6), FadeIn(t7), run_time=T_FAST * 2)
        self.wait(T_READ)


__all__ = ["TheWall", "wall_numbers"]
