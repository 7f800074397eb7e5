"""Flash Attention: tiles of Q, K and V move from HBM into on-chip SRAM; the n x n matrix never goes back to HBM.

Standard attention first: the full n x n score matrix is written to HBM and read back for the softmax. Then Flash
Attention: one block of Q sits in SRAM while blocks of K and V stream through; each tile's scores are computed in
SRAM and folded into a running max, a running sum and the output (online softmax); the output block is written to
HBM once. Memory sizes and bandwidths are the A100's, from the catalog.
"""

from __future__ import annotations

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
BLOCK_H = 0.78
COL_W = 0.5
COL_GAP = 0.22

HBM_BOX = (-6.75, -2.75, 7.6, 5.45)    # x, y of the bottom-left corner, width, height
SRAM_BOX = (2.35, -1.3, 4.4, 2.75)


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
    def _boxes(self) -> tuple[tuple[float, float, float, float], tuple[float, float, float, float]]:
        """HBM and SRAM regions for this frame. Portrait: HBM across the top, SRAM under it, the GPU's name beside
        SRAM."""
        if not self.portrait:
            return HBM_BOX, SRAM_BOX
        lay = self.layout
        return (lay.left_x, 0.2, lay.content_w, 5.0), (lay.left_x, -3.64, 4.4, 2.75)

    def construct(self) -> None:
        n = flash_numbers(self.data)
        self.title("Flash Attention: tiles between HBM and SRAM")
        hbm_box, sram_box = self._boxes()

        hbm = _region(hbm_box, ORANGE)
        sram = _region(sram_box, GREEN)
        hbm_t = VGroup(text("HBM · GPU main memory", LABEL_SIZE, ORANGE, bold=True),
                       text(f"{num(n['hbm_gb'])} GB · {num(n['hbm_tbps'])} TB/s · large, slow", SMALL_SIZE, MUTED)) \
            .arrange(DOWN, buff=0.06, aligned_edge=LEFT)
        hbm_t.next_to(hbm.get_corner(UP + LEFT), DOWN + RIGHT, buff=0.15)
        sram_t = VGroup(text("SRAM · on chip", LABEL_SIZE, GREEN, bold=True),
                        text(f"{num(n['sram_kb_per_sm'])} KB × {num(n['sms'])} SMs ≈ {num(n['sram_fact'])} "
                             f"{n['sram_fact_unit']}", SMALL_SIZE, MUTED),
                        text(f"{num(n['sram_tbps'])} TB/s · small, fast", SMALL_SIZE, MUTED)) \
            .arrange(DOWN, buff=0.06, aligned_edge=LEFT)
        sram_t.next_to(sram, UP, buff=0.12).align_to(sram, LEFT)
        gpu = VGroup(text(n["name"], SMALL_SIZE, MUTED), text("boxes not to scale", SMALL_SIZE, MUTED)) \
            .arrange(DOWN, buff=0.06, aligned_edge=LEFT)
        if self.portrait:
            gpu.next_to(sram, RIGHT, buff=0.2).align_to(sram, DOWN)
        else:
            gpu.next_to(sram, DOWN, buff=0.15).align_to(sram, LEFT)
        self.play(FadeIn(hbm), FadeIn(hbm_t), FadeIn(sram), FadeIn(sram_t), FadeIn(gpu), run_time=T_MOVE)

        # Q, K, V, O columns in HBM
        base = np.array([hbm_box[0] + 0.4, hbm_box[1] + 0.3, 0])
        mats: dict[str, VGroup] = {}
        labels = VGroup()
        for c, (name, color) in enumerate((("Q", BLUE), ("K", ORANGE), ("V", GREEN), ("O", PURPLE))):
            col = VGroup()
            for b in range(BLOCKS):
                r = Rectangle(width=COL_W, height=BLOCK_H * 0.9, stroke_color=color, stroke_width=1.5)
                r.set_fill(color, opacity=0.0 if name == "O" else 0.55)
                r.move_to(base + np.array([c * (COL_W + COL_GAP) + COL_W / 2, (BLOCKS - b - 0.5) * BLOCK_H, 0]))
                col.add(r)
            mats[name] = col
            labels.add(text(name, LABEL_SIZE, color, bold=True).next_to(col, UP, buff=0.1))
        self.caption("Attention needs Q, K and V, which live in HBM, the GPU's large but slow main memory.",
                     title="Q, K and V in HBM")
        self.play(LaggedStart(*[FadeIn(m) for m in mats.values()], lag_ratio=0.2), FadeIn(labels), run_time=T_MOVE)
        self.wait(T_READ * 0.5)

        # -- standard attention: the n x n matrix goes to HBM ----------------------------------------------------
        side = BLOCK_H * BLOCKS
        s_x = base[0] + 4 * (COL_W + COL_GAP) + 0.3
        cell = side / BLOCKS
        big = VGroup(*[Square(cell * 0.94, stroke_width=0).set_fill(PINK, opacity=0.75)
                       .move_to(np.array([s_x + cell * (j + 0.5), base[1] + cell * (BLOCKS - i - 0.5), 0]))
                       for i in range(BLOCKS) for j in range(BLOCKS)])
        big_t = text("n × n scores", SMALL_SIZE, PINK, bold=True).next_to(big, UP, buff=0.1)
        self.caption("Standard attention writes the whole n × n score matrix to HBM, then reads it back for the "
                     "softmax.", title="Standard attention")
        self.play(LaggedStart(*[FadeIn(b, scale=0.6) for b in big], lag_ratio=0.08), FadeIn(big_t),
                  run_time=T_MOVE * 1.5)
        self.play(Indicate(big, color=YELLOW, scale_factor=1.04), run_time=T_MOVE)
        self.wait(T_READ * 0.5)
        self.caption("Flash Attention never stores that matrix: it works in tiles small enough for on-chip SRAM.",
                     title="Flash Attention: tiles")
        cross = VGroup(*[Line(big.get_corner(a), big.get_corner(b), stroke_color=PINK, stroke_width=5)
                         for a, b in ((UP + LEFT, DOWN + RIGHT), (DOWN + LEFT, UP + RIGHT))])
        self.play(FadeIn(cross), run_time=T_FAST)
        self.play(FadeOut(big), FadeOut(cross), FadeOut(big_t), run_time=T_FAST * 1.5)

        # -- Flash: tiles through SRAM ------------------------------------------------------------------------------
        slot = lambda dx, dy: np.array([sram_box[0] + dx, sram_box[1] + dy, 0])  # noqa: E731
        acc_labels = VGroup(
            text("m  running max", SMALL_SIZE, MUTED), text("ℓ  running sum", SMALL_SIZE, MUTED),
        ).arrange(DOWN, buff=0.1, aligned_edge=LEFT)
        acc_labels.move_to(slot(2.05 + 0.12 + 0.3 + acc_labels.width / 2, 0.7))
        m_box = box(0.3, 0.3, color=YELLOW, fill=YELLOW, fill_opacity=0.2).next_to(acc_labels[0], LEFT, buff=0.12)
        l_box = box(0.3, 0.3, color=YELLOW, fill=YELLOW, fill_opacity=0.2).next_to(acc_labels[1], LEFT, buff=0.12)
        self.caption("One block of Q moves into SRAM. Blocks of K and V stream past it, one tile at a time.",
                     title="A block of Q in SRAM")
        for qi in range(BLOCKS):
            fast = qi > 0
            rt = 0.22 if fast else 1.0
            q = mats["Q"][qi].copy()
            o_acc = mats["O"][qi].copy().set_fill(PURPLE, opacity=0.1)
            self.play(q.animate.move_to(slot(0.5, 1.85)), o_acc.animate.move_to(slot(0.5, 0.7)),
                      *([] if fast else [FadeIn(acc_labels), FadeIn(m_box), FadeIn(l_box)]),
                      run_time=T_MOVE * rt)
            if qi == 0:
                q_t = text("Qᵢ", SMALL_SIZE, BLUE).next_to(q, UP, buff=0.06)
                o_t = text("Oᵢ", SMALL_SIZE, PURPLE).next_to(o_acc, UP, buff=0.06)
                self.play(FadeIn(q_t), FadeIn(o_t), run_time=T_FAST)
            for kj in range(BLOCKS):
                k = mats["K"][kj].copy()
                v = mats["V"][kj].copy()
                tile = Square(0.62, stroke_width=0).set_fill(PINK, opacity=0.8).move_to(slot(2.35, 1.85))
                self.play(k.animate.move_to(slot(1.25, 1.85)), v.animate.move_to(slot(1.25, 0.7)),
                          run_time=T_MOVE * rt * (0.8 if kj == 0 else 0.55))
                if qi == 0 and kj == 0:
                    self.caption("Each tile's scores are computed in SRAM. A running max and a running sum rescale "
                                 "the output as tiles arrive: the online softmax.", title="The online softmax")
                    tile_t = text("tile of scores", SMALL_SIZE, PINK).next_to(tile, UP, buff=0.06)
                    self.play(FadeIn(tile, scale=0.5), FadeIn(tile_t), run_time=T_MOVE * 0.6)
                else:
                    self.play(FadeIn(tile, scale=0.5), run_time=T_FAST * rt)
                self.play(Indicate(m_box, color=YELLOW), Indicate(l_box, color=YELLOW),
                          o_acc.animate.set_fill(PURPLE, opacity=0.1 + 0.2 * (kj + 1)),
                          FadeOut(tile), FadeOut(k), FadeOut(v),
                          *([FadeOut(tile_t)] if qi == 0 and kj == BLOCKS - 1 else []),
                          run_time=T_MOVE * rt * 0.6)
            if qi == 0:
                self.caption("When every tile has passed, the output block is written to HBM, once.",
                             title="One write of the output")
            target = mats["O"][qi]
            self.play(o_acc.animate.move_to(target.get_center()).set_fill(PURPLE, opacity=0.85), FadeOut(q),
                      run_time=T_MOVE * rt)
            self.add(target.set_fill(PURPLE, opacity=0.85))
            self.remove(o_acc)
            if qi == 0:
                self.wait(T_READ * 0.5)
                self.caption("Then the next block of Q, and so on.", title="The next block")
        summary = VGroup(
            text("standard: n × n scores in HBM", SMALL_SIZE, PINK, bold=True),
            text("memory grows with n²", SMALL_SIZE, MUTED),
            text("Flash: tiles in SRAM", SMALL_SIZE, GREEN, bold=True),
            text("O written to HBM once", SMALL_SIZE, MUTED),
            text("memory grows with n", SMALL_SIZE, MUTED),
        ).arrange(DOWN, buff=0.08, aligned_edge=LEFT)
        for line in summary[2:]:
            line.shift(0.2 * DOWN)
        # Portrait: centred in the room right of the O column (the HBM box is narrower there).
        sum_x = (mats["O"].get_right()[0] + hbm_box[0] + hbm_box[2] - summary.width) / 2 if self.portrait else s_x
        summary.move_to(np.array([sum_x + summary.width / 2, base[1] + side / 2, 0]))
        assert summary.get_right()[0] < hbm_box[0] + hbm_box[2] - 0.1, "summary leaves the HBM box"
        self.caption("Same exact result, but the n × n matrix never touches HBM: memory grows with n, not n² "
                     "(the arithmetic still grows with n²).", title="Memory grows with n")
        self.play(FadeIn(summary), FadeOut(q_t), FadeOut(o_t), run_time=T_MOVE)
        self.hold_caption(T_HOLD)


__all__ = ["FlashTiling", "flash_numbers"]
