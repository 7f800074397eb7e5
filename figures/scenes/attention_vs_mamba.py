"""Attention against Mamba: a KV cache that grows with every token against a state that keeps its size.

Part one is a toy: tokens arrive one at a time; attention appends a key and a value to its cache, Mamba rewrites a
fixed grid. Then Nemotron 3 Nano's real numbers (BF16, one sequence): the bytes each token adds to the cache of its
attention layers, the cache at its longest context, and the fixed size of its Mamba-2 state, all from
generator.derive. Part two draws its 52-layer stack from the catalog's layer_pattern
(M = Mamba-2, E = MoE feed-forward, * = attention).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, GrowFromEdge, Indicate, LaggedStart, Rectangle, Square, VGroup

from figures.style import (
    BLUE,
    GREEN,
    INK,
    LABEL_SIZE,
    LEFT_X,
    MUTED,
    ORANGE,
    PANEL,
    PINK,
    RIGHT_X,
    SMALL_SIZE,
    T_FAST,
    T_HOLD,
    T_MOVE,
    T_READ,
    YELLOW,
    RaceScene,
    box,
    bytes_label,
    legend,
    nb,
    num,
    paragraph,
    text,
)
from generator import derive
from generator.catalog.selection import shown

PRECISION = "bf16"
TOY_TOKENS = 10
KINDS = {"M": ("Mamba-2", GREEN), "E": ("MoE feed-forward", BLUE), "*": ("attention", PINK)}

PANEL_Y0, PANEL_Y1 = -2.75, 2.85
GAP = 0.4


def mamba_numbers(data: dict[str, Any]) -> dict[str, Any]:
    """Every number on screen, from the catalog entry and generator.derive."""
    m = next(m for _, m, _ in shown(data) if m.get("ssm"))  # the entry's `models:` (catalog.yaml)
    pattern = m["layer_pattern"]
    counts = {k: pattern.count(k) for k in KINDS}
    per_token = derive.kv_bytes_per_token(m, PRECISION)
    state = derive.ssm_state_bytes(m, PRECISION)  # the state in its own cache precision (float32 per config)
    return {
        "name": m["name"], "pattern": pattern, "layers": m["layers"], "counts": counts,
        "attention_layers": derive.attention_layer_count(m), "ssm_layers": m["ssm"]["layers"],
        "kv_heads": m["kv_heads"], "context": m["context"], "precision": PRECISION.upper(),
        "kv_per_token": per_token, "kv_at_context": derive.kv_bytes_per_token(m, PRECISION) * m["context"],
        "state_bytes": state,
    }


class AttentionVsMamba(RaceScene):
    def construct(self) -> None:
        n = mamba_numbers(self.data)
        self.title("Attention against Mamba: a growing cache, a fixed state")
        if self.portrait:   # the two panels stacked: attention above, Mamba below
            lay = self.layout
            top, bottom, gap = lay.title_bottom - 0.15, lay.caption_top + 0.15, 0.3
            h = (top - bottom - gap) / 2
            left = box(lay.content_w, h, color=PINK, fill=PANEL, stroke_width=2, corner=0.12)
            left.move_to(np.array([0, top - h / 2, 0]))
            right = box(lay.content_w, h, color=GREEN, fill=PANEL, stroke_width=2, corner=0.12)
            right.move_to(np.array([0, bottom + h / 2, 0]))
            cache_y, grid_dy = left.get_center()[1] + 0.2, 0.3
        else:
            mid = 0.0
            left = box(mid - GAP / 2 - LEFT_X, PANEL_Y1 - PANEL_Y0, color=PINK, fill=PANEL, stroke_width=2,
                       corner=0.12)
            left.move_to(np.array([(LEFT_X + mid - GAP / 2) / 2, (PANEL_Y0 + PANEL_Y1) / 2, 0]))
            right = box(RIGHT_X - mid - GAP / 2, PANEL_Y1 - PANEL_Y0, color=GREEN, fill=PANEL, stroke_width=2,
                        corner=0.12)
            right.move_to(np.array([(RIGHT_X + mid + GAP / 2) / 2, (PANEL_Y0 + PANEL_Y1) / 2, 0]))
            cache_y, grid_dy = 0.25, 0.25
        lt = text("Attention: KV cache", LABEL_SIZE, PINK, bold=True)
        lt.next_to(left.get_corner(UP + LEFT), DOWN + RIGHT, buff=0.2)
        rt = text("Mamba: fixed-size state", LABEL_SIZE, GREEN, bold=True)
        rt.next_to(right.get_corner(UP + LEFT), DOWN + RIGHT, buff=0.2)
        self.play(FadeIn(left), FadeIn(right), FadeIn(lt), FadeIn(rt), run_time=T_MOVE * 0.8)
        self.caption("Attention keeps a key and a value for every token it has read. Mamba folds each token into a "
                     "state of fixed size.", title="A cache that grows, a state that doesn't")

        # toy: tokens arrive
        x0 = left.get_left()[0] + 0.65
        col_w = 0.26
        cache = VGroup()
        rng = np.random.default_rng(3)
        cells = VGroup()
        cell = 0.36
        grid_c = right.get_center() + np.array([0, grid_dy, 0])
        for r in range(6):
            for c in range(6):
                sq = Square(cell * 0.88, stroke_width=0).set_fill(GREEN, opacity=0.25 + 0.6 * rng.random())
                sq.move_to(grid_c + np.array([(c - 2.5) * cell, (2.5 - r) * cell, 0]))
                cells.add(sq)
        state_note = text("same size after every token", SMALL_SIZE, MUTED).next_to(cells, DOWN, buff=0.2)
        counter = text("tokens read: 0", SMALL_SIZE, MUTED).next_to(lt, DOWN, buff=0.15).align_to(lt, LEFT)
        self.play(FadeIn(cells), FadeIn(counter), run_time=T_FAST)
        for t in range(TOY_TOKENS):
            k = Rectangle(width=col_w * 0.85, height=0.5, stroke_width=0).set_fill(ORANGE, opacity=0.9)
            v = Rectangle(width=col_w * 0.85, height=0.5, stroke_width=0).set_fill(GREEN, opacity=0.9)
            col = VGroup(k, v).arrange(DOWN, buff=0.05).move_to(np.array([x0 + col_w * (t + 0.5), cache_y, 0]))
            new_counter = text(f"tokens read: {t + 1}", SMALL_SIZE, MUTED).move_to(counter).align_to(counter, LEFT)
            recolor = [c.animate.set_fill(GREEN, opacity=0.25 + 0.6 * rng.random()) for c in cells]
            self.play(FadeIn(col, shift=0.3 * RIGHT), *recolor, FadeOut(counter), FadeIn(new_counter),
                      *([FadeIn(state_note)] if t == 0 else []), run_time=0.45 if t < 3 else 0.3)
            counter = new_counter
            cache.add(col)
        kv_labels = VGroup(text("K", SMALL_SIZE, ORANGE, bold=True), text("V", SMALL_SIZE, GREEN, bold=True)) \
            .arrange(DOWN, buff=0.3).next_to(cache, LEFT, buff=0.08)
        self.play(FadeIn(kv_labels), run_time=T_FAST)
        self.wait(T_READ * 0.5)

        # real numbers
        name = n["name"]
        self.caption(f"{nb(name)}, {n['precision']}: each token adds {num(n['kv_per_token'])} bytes to the cache of "
                     f"its {n['attention_layers']} attention layers; its Mamba-2 state never grows.",
                     title="Bytes per token")
        inner_w = left.width - 1.0
        grown = Rectangle(width=inner_w, height=1.05, stroke_width=0).set_fill(PINK, opacity=0.55)
        grown.move_to(np.array([x0 + inner_w / 2, cache_y, 0]))
        l1 = text(f"+{num(n['kv_per_token'])} B per token", LABEL_SIZE, INK, bold=True)
        l2 = text(f"{bytes_label(n['kv_at_context'])} at {num(n['context'])} tokens", SMALL_SIZE, PINK)
        lg = VGroup(l1, l2).arrange(DOWN, buff=0.1, aligned_edge=LEFT)
        lg.next_to(grown, DOWN, buff=0.3).align_to(grown, LEFT)
        r1 = text(f"{bytes_label(n['state_bytes'])}, fixed", LABEL_SIZE, INK, bold=True)
        r2 = text(f"{n['ssm_layers']} Mamba-2 layers, at any length", SMALL_SIZE, GREEN)
        rg = VGroup(r1, r2).arrange(DOWN, buff=0.1).next_to(cells, DOWN, buff=0.3)
        self.play(FadeOut(cache), FadeOut(kv_labels), GrowFromEdge(grown, LEFT), FadeOut(counter), FadeOut(state_note),
                  run_time=T_MOVE)
        self.play(FadeIn(lg), FadeIn(rg), run_time=T_FAST * 1.5)
        self.wait(T_READ * 1.5)

        # hybrid stack
        self.play(*[FadeOut(m) for m in (left, right, lt, rt, cells, grown, lg, rg)], run_time=T_FAST * 1.5)
        self._stack(n)
        self.hold_caption(T_HOLD)

    def _stack(self, n: dict[str, Any]) -> None:
        pattern = n["pattern"]
        lay = self.layout
        width = lay.right_x - lay.left_x
        step = width / len(pattern)
        # Portrait: narrower blocks, so taller ones, and the legend as a list.
        tall, short, blocks_y, head_y = (3.0, 2.1, 1.6, 4.4) if self.portrait else (2.0, 1.4, 0.6, 2.4)
        blocks = VGroup()
        for i, ch in enumerate(pattern):
            color = KINDS[ch][1]
            b = Rectangle(width=step * 0.84, height=tall if ch == "*" else short, stroke_width=0)
            b.set_fill(color, opacity=0.9)
            b.move_to(np.array([lay.left_x + step * (i + 0.5), blocks_y, 0]))
            blocks.add(b)
        head_s = f"{n['name']}: {n['layers']} layers, from its layer pattern"
        if self.portrait:
            head = paragraph(head_s, lay.content_w - 0.4, LABEL_SIZE, INK, bold=True, line_gap=0.1)
        else:
            head = text(head_s, LABEL_SIZE, INK, bold=True)
        head.move_to(np.array([0, head_y, 0])).align_to(np.array([lay.left_x, 0, 0]), LEFT)
        arrow = text("input → output", SMALL_SIZE, MUTED).next_to(blocks, DOWN, buff=0.15).align_to(blocks, LEFT)
        self.caption(f"The hybrid: {nb(n['name'])} mixes Mamba-2 layers, mixture-of-experts feed-forward layers and "
                     "a few attention layers.", title="The hybrid stack")
        self.play(FadeIn(head), run_time=T_FAST)
        self.play(LaggedStart(*[GrowFromEdge(b, DOWN) for b in blocks], lag_ratio=0.08), FadeIn(arrow),
                  run_time=T_MOVE * 2.5)
        c = n["counts"]
        leg = legend([(GREEN, f"Mamba-2 × {c['M']}"), (BLUE, f"MoE feed-forward × {c['E']}"),
                      (PINK, f"attention × {c['*']} (GQA, {n['kv_heads']} KV heads)")], size=LABEL_SIZE)
        if self.portrait:
            leg.arrange(DOWN, buff=0.25, aligned_edge=LEFT)
        leg.next_to(arrow, DOWN, buff=0.45).align_to(blocks, LEFT)
        self.play(FadeIn(leg), run_time=T_FAST * 1.5)
        attn = VGroup(*[b for b, ch in zip(blocks, pattern) if ch == "*"])
        self.caption(f"Only {c['*']} of {n['layers']} layers keep a KV cache, each with just "
                     f"{nb(str(n['kv_heads']) + ' KV heads')}; "
                     f"the {c['M']} Mamba-2 layers carry a fixed state.", title="Where the cache lives")
        self.play(Indicate(attn, color=YELLOW, scale_factor=1.15), run_time=T_MOVE * 1.2)
        self.wait(T_READ)


__all__ = ["AttentionVsMamba", "mamba_numbers"]
