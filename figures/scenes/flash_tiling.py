"""Flash Attention: tiles of Q, K and V move from HBM into on-chip SRAM; the n x n matrix never goes back to HBM.

Standard attention first: the full n x n score matrix is written to HBM and read back for the softmax. Then Flash
Attention: one block of Q sits in SRAM while blocks of K and V stream through; each tile's scores are computed in
SRAM and folded into a running max, a running sum and the output (online softmax). The loops follow
FlashAttention-2 (Dao 2023), whose output block stays in SRAM until every tile has passed and is written to HBM
once; the 2022 algorithm wrote it back after every tile of K and V. Memory sizes and bandwidths are the A100's, from
the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    FadeIn,
    FadeOut,
    Indicate,
    LaggedStart,
    Line,
    Rectangle,
    Square,
    VGroup,
)

from figures.style import (
    BLUE,
    GREEN,
    HAIRLINE,
    LABEL_SIZE,
    MUTED,
    ORANGE,
    PANEL,
    PINK,
    PURPLE,
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
from generator.catalog.selection import shown_hardware

FACT = "flash-sram-mb"
BLOCKS = 4          # blocks per matrix in the drawing


@dataclass(frozen=True)
class Geometry:
    """Where everything sits in one orientation (Manim units)."""

    hbm: tuple[float, float, float, float]    # x, y of the bottom-left corner, width, height
    sram: tuple[float, float, float, float]
    block_h: float      # one block of Q, K, V, O (with its gap)
    col_w: float
    col_gap: float
    matrix: float       # side of the n x n score matrix drawn in HBM
    slots: dict[str, tuple[float, float]]  # where things sit in SRAM, from its bottom-left corner
    tile: float
    size: int           # labels' font size
    summary_lines: tuple[str, ...]


def flash_numbers(data: dict[str, Any]) -> dict[str, Any]:
    """Every number on screen: HBM size and bandwidth, SRAM per SM, SM count, their product, the rounded fact."""
    _, hw = shown_hardware(data)[0]  # the entry's `hardware:` (catalog.yaml)
    fact = data["facts"][FACT]
    return {
        "name": hw["name"], "hbm_gb": hw["memory_gb"], "hbm_type": hw.get("memory_type", "HBM"),
        "hbm_tbps": hw["bandwidth_tbps"], "sram_kb_per_sm": hw["sram_kb_per_sm"], "sms": hw["sms"],
        "sram_kb_total": hw["sram_kb_per_sm"] * hw["sms"], "sram_tbps": hw["sram_bandwidth_tbps"],
        "sram_fact": fact["value"], "sram_fact_unit": fact["unit"],
    }


def _region(spec: tuple[float, float, float, float], color: str) -> Rectangle:
    x, y, w, h = spec
    r = box(w, h, color=color, fill=PANEL, fill_opacity=1.0, stroke_width=2.5, corner=0.12)
    r.move_to(np.array([x + w / 2, y + h / 2, 0]))
    return r


class FlashTiling(RaceScene):
    def _geometry(self) -> Geometry:
        """Landscape: HBM on the left, as tall as the content band, holding Q, K, V, O and the n x n matrix; SRAM on
        the right under its label. Portrait: HBM across the top, SRAM under it with the GPU's name beside it."""
        lay = self.layout
        if not self.portrait:
            hbm = (lay.left_x, lay.bottom_y + 0.1, 8.2, lay.content_h - 0.25)
            x0 = hbm[0] + hbm[2] + 0.45
            sram = (x0, -1.75, lay.right_x - x0, 3.55)
            slots = {"q": (0.6, 2.55), "o": (0.6, 0.95), "k": (1.55, 2.55), "v": (1.55, 0.95), "tile": (2.8, 2.55),
                     "acc": (2.15, 0.95)}
            summary = ("standard: n × n scores in HBM", "memory grows with n²", "", "Flash: tiles in SRAM",
                       "O written once (FA-2)", "memory grows with n")
            return Geometry(hbm, sram, 1.15, 0.62, 0.3, 3.55, slots, 0.85, LABEL_SIZE, summary)
        top = lay.title_bottom - 0.15
        hbm = (lay.left_x, top - 4.1, lay.content_w, 4.1)
        sram = (lay.left_x, lay.bottom_y + 0.1, 4.75, 2.6)
        slots = {"q": (0.5, 1.9), "o": (0.5, 0.7), "k": (1.3, 1.9), "v": (1.3, 0.7), "tile": (2.3, 1.9),
                 "acc": (1.95, 0.7)}
        summary = ("standard:", "n × n scores in HBM", "memory grows with n²", "", "Flash: tiles in SRAM",
                   "O written once (FA-2)", "memory grows with n")
        return Geometry(hbm, sram, 0.64, 0.5, 0.22, 2.56, slots, 0.55, SMALL_SIZE, summary)

    def construct(self) -> None:
        n = flash_numbers(self.data)
        self.title("Flash Attention: tiles between HBM and SRAM")
        self.g = self._geometry()
        hbm, sram, texts = self._memories(n)
        self.play(FadeIn(hbm), FadeIn(sram), *[FadeIn(t) for t in texts], run_time=T_MOVE)
        mats, labels = self._columns()
        self.caption("Attention needs Q, K and V, which live in HBM, the GPU's large but slow main memory.",
                     title="Q, K and V in HBM")
        self.play(LaggedStart(*[FadeIn(m) for m in mats.values()], lag_ratio=0.2), FadeIn(labels), run_time=T_MOVE)
        self.wait(T_READ * 0.5)
        big = self._standard()
        self.caption("Flash Attention never stores that matrix: it works in tiles small enough for on-chip SRAM.",
                     title="Flash Attention: tiles")
        cross = VGroup(*[Line(big.get_corner(a), big.get_corner(b), stroke_color=PINK, stroke_width=6)
                         for a, b in ((UP + LEFT, DOWN + RIGHT), (DOWN + LEFT, UP + RIGHT))])
        self.play(FadeIn(cross), big[0].animate.set_opacity(0.35), run_time=T_MOVE * 0.6)
        self.wait(T_READ * 0.6)
        self._tiles(mats, leaving=VGroup(big, cross))
        self._summary(mats)
        self.hold_caption(T_HOLD)

    def _memories(self, n: dict[str, Any]) -> tuple[Rectangle, Rectangle, list[VGroup]]:
        g = self.g
        hbm, sram = _region(g.hbm, ORANGE), _region(g.sram, GREEN)
        hbm_t = VGroup(text("HBM · GPU main memory", g.size + 2, ORANGE, bold=True),
                       text(f"{num(n['hbm_gb'])} GB · {num(n['hbm_tbps'])} TB/s · large, slow", g.size, MUTED)) \
            .arrange(DOWN, buff=0.08, aligned_edge=LEFT)
        hbm_t.next_to(hbm.get_corner(UP + LEFT), DOWN + RIGHT, buff=0.18)
        sram_t = VGroup(text("SRAM · on chip", g.size + 2, GREEN, bold=True),
                        text(f"{num(n['sram_kb_per_sm'])} KB × {num(n['sms'])} SMs ≈ {num(n['sram_fact'])} "
                             f"{n['sram_fact_unit']}", g.size, MUTED),
                        text(f"{num(n['sram_tbps'])} TB/s · small, fast", g.size, MUTED)) \
            .arrange(DOWN, buff=0.08, aligned_edge=LEFT)
        sram_t.next_to(sram, UP, buff=0.15).align_to(sram, LEFT)
        gpu = VGroup(text(n["name"], SMALL_SIZE, MUTED), text("boxes not to scale", SMALL_SIZE, MUTED)) \
            .arrange(DOWN, buff=0.06, aligned_edge=LEFT)
        if self.portrait:
            gpu.next_to(sram, RIGHT, buff=0.25).align_to(sram, DOWN)
        else:
            gpu.next_to(sram, DOWN, buff=0.2).align_to(sram, LEFT)
        return hbm, sram, [hbm_t, sram_t, gpu]

    def _columns(self) -> tuple[dict[str, VGroup], VGroup]:
        """Q, K, V, O as columns of blocks at the bottom left of HBM."""
        g = self.g
        self.base = np.array([g.hbm[0] + 0.4, g.hbm[1] + 0.35, 0])
        mats: dict[str, VGroup] = {}
        labels = VGroup()
        for c, (name, color) in enumerate((("Q", BLUE), ("K", ORANGE), ("V", GREEN), ("O", PURPLE))):
            col = VGroup()
            for b in range(BLOCKS):
                r = Rectangle(width=g.col_w, height=g.block_h * 0.9, stroke_color=color, stroke_width=HAIRLINE + 0.3)
                r.set_fill(color, opacity=0.0 if name == "O" else 0.55)
                r.move_to(self.base + np.array([c * (g.col_w + g.col_gap) + g.col_w / 2,
                                                (BLOCKS - b - 0.5) * g.block_h, 0]))
                col.add(r)
            mats[name] = col
            labels.add(text(name, g.size + 2, color, bold=True).next_to(col, UP, buff=0.12))
        self.s_x = self.base[0] + 4 * (g.col_w + g.col_gap) + 0.3
        return mats, labels

    def _standard(self) -> VGroup:
        """Standard attention: the whole n x n matrix appears in HBM."""
        g = self.g
        cell = g.matrix / BLOCKS
        big = VGroup(*[Square(cell * 0.94, stroke_width=0).set_fill(PINK, opacity=0.75)
                       .move_to(np.array([self.s_x + cell * (j + 0.5), self.base[1] + cell * (BLOCKS - i - 0.5), 0]))
                       for i in range(BLOCKS) for j in range(BLOCKS)])
        big_t = text("n × n scores", g.size, PINK, bold=True).next_to(big, UP, buff=0.1)
        self.caption("Standard attention writes the whole n × n score matrix to HBM, then reads it back for the "
                     "softmax.", title="Standard attention")
        self.play(LaggedStart(*[FadeIn(b, scale=0.6) for b in big], lag_ratio=0.08), FadeIn(big_t),
                  run_time=T_MOVE * 1.5)
        self.play(Indicate(big, color=YELLOW, scale_factor=1.04), run_time=T_MOVE)
        self.wait(T_READ * 0.5)
        return VGroup(big, big_t)

    def slot(self, name: str, dy: float = 0.0) -> np.ndarray:
        dx, y = self.g.slots[name]
        return np.array([self.g.sram[0] + dx, self.g.sram[1] + y + dy, 0])

    def _tiles(self, mats: dict[str, VGroup], leaving: VGroup) -> None:
        """Flash: each block of Q sits in SRAM while the blocks of K and V stream past it; a tile of scores at a
        time is folded into the running max, the running sum and the output block, which FlashAttention-2 writes to HBM
        once (the 2022 algorithm rewrote it after every tile)."""
        g = self.g
        acc_labels = VGroup(text("m  running max", g.size, MUTED), text("ℓ  running sum", g.size, MUTED)) \
            .arrange(DOWN, buff=0.14, aligned_edge=LEFT)
        acc_labels.move_to(self.slot("acc") + np.array([0.45 + acc_labels.width / 2, 0, 0]))
        marks = VGroup(*[box(0.3, 0.3, color=YELLOW, fill=YELLOW, fill_opacity=0.2).next_to(t, LEFT, buff=0.14)
                         for t in acc_labels])
        self.caption("One block of Q moves into SRAM. Blocks of K and V stream past it, one tile at a time.",
                     title="A block of Q in SRAM")
        self.play(FadeOut(leaving), run_time=T_FAST)
        for qi in range(BLOCKS):
            rt = 0.22 if qi > 0 else 1.0
            q = mats["Q"][qi].copy()
            o_acc = mats["O"][qi].copy().set_fill(PURPLE, opacity=0.1)
            self.play(q.animate.move_to(self.slot("q")), o_acc.animate.move_to(self.slot("o")),
                      *([] if qi else [FadeIn(acc_labels), FadeIn(marks)]), run_time=T_MOVE * rt)
            if qi == 0:
                self.qo_labels = VGroup(text("Qᵢ", g.size, BLUE).next_to(q, UP, buff=0.08),
                                        text("Oᵢ", g.size, PURPLE).next_to(o_acc, UP, buff=0.08))
                self.play(FadeIn(self.qo_labels), run_time=T_FAST)
            for kj in range(BLOCKS):
                self._tile(mats, qi, kj, o_acc, marks, rt)
            if qi == 0:
                self.caption("FlashAttention-2 writes the output block to HBM once, when every tile has passed. "
                             "(The 2022 version rewrote it after each tile.)", title="One write of the output")
            target = mats["O"][qi]
            # The first write takes the slot labels with it: the reader knows the slots by then.
            self.play(o_acc.animate.move_to(target.get_center()).set_fill(PURPLE, opacity=0.85), FadeOut(q),
                      *([FadeOut(self.qo_labels)] if qi == 0 else []), run_time=T_MOVE * rt)
            self.add(target.set_fill(PURPLE, opacity=0.85))
            self.remove(o_acc)
            if qi == 0:
                self.wait(T_READ * 0.5)
                self.caption("Then the next block of Q, and so on.", title="The next block")

    def _tile(self, mats: dict[str, VGroup], qi: int, kj: int, o_acc, marks: VGroup, rt: float) -> None:
        """Blocks K_j and V_j enter SRAM; their tile of scores updates m, ℓ and the output block, then leaves."""
        k = mats["K"][kj].copy()
        v = mats["V"][kj].copy()
        tile = Square(self.g.tile, stroke_width=0).set_fill(PINK, opacity=0.8).move_to(self.slot("tile"))
        self.play(k.animate.move_to(self.slot("k")), v.animate.move_to(self.slot("v")),
                  run_time=T_MOVE * rt * (0.8 if kj == 0 else 0.55))
        first = qi == 0 and kj == 0
        if first:
            self.caption("Each tile's scores are computed in SRAM. A running max and a running sum rescale "
                         "the output as tiles arrive: the online softmax.", title="The online softmax")
            self.tile_t = text("tile of scores", self.g.size, PINK).next_to(tile, UP, buff=0.08)
            self.play(FadeIn(tile, scale=0.5), FadeIn(self.tile_t), run_time=T_MOVE * 0.6)
        else:
            self.play(FadeIn(tile, scale=0.5), run_time=T_FAST * rt)
        last_of_first = qi == 0 and kj == BLOCKS - 1
        self.play(Indicate(marks[0], color=YELLOW), Indicate(marks[1], color=YELLOW),
                  o_acc.animate.set_fill(PURPLE, opacity=0.1 + 0.2 * (kj + 1)),
                  FadeOut(tile), FadeOut(k), FadeOut(v), *([FadeOut(self.tile_t)] if last_of_first else []),
                  run_time=T_MOVE * rt * 0.6)

    def _summary(self, mats: dict[str, VGroup]) -> None:
        """What changed, where the n x n matrix stood."""
        g = self.g
        colors = [PINK, MUTED, MUTED, MUTED]
        lines, rows = [], VGroup()
        for s in g.summary_lines:
            if not s:
                colors = [GREEN, MUTED, MUTED]
                continue
            color = colors.pop(0) if colors else MUTED
            lines.append(text(s, g.size, color, bold=color in (PINK, GREEN)))
        rows = VGroup(*lines).arrange(DOWN, buff=0.1, aligned_edge=LEFT)
        split = g.summary_lines.index("")
        for line in rows[split:]:
            line.shift(0.22 * DOWN)
        hbm_right = g.hbm[0] + g.hbm[2]
        rows.move_to(np.array([(mats["O"].get_right()[0] + hbm_right) / 2, self.base[1] + BLOCKS * g.block_h / 2, 0]))
        assert rows.get_right()[0] < hbm_right - 0.1, "summary leaves the HBM box"
        self.caption("Same exact result, but the n × n matrix never touches HBM: memory grows with n, not n² "
                     "(the arithmetic still grows with n²).", title="Memory grows with n")
        self.play(FadeIn(rows), run_time=T_MOVE)


__all__ = ["FlashTiling", "flash_numbers"]
