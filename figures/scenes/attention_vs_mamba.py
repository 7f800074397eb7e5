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
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    GrowFromEdge,
    Indicate,
    LaggedStart,
    Mobject,
    Rectangle,
    Square,
    SurroundingRectangle,
    VGroup,
)

from figures.style import (
    BLUE,
    BODY_SIZE,
    GREEN,
    INK,
    LABEL_SIZE,
    MUTED,
    ORANGE,
    PANEL,
    PINK,
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
        left, right, lt, rt = self._panels()
        self.play(FadeIn(left), FadeIn(right), FadeIn(lt), FadeIn(rt), run_time=T_MOVE * 0.8)
        self.caption("Attention keeps a key and a value for every token it has read. Mamba folds each token into a "
                     "state of fixed size.", title="A cache that grows, a state that doesn't")
        cache, cells, counter, note = self._toy(left, right, lt)

        name = n["name"]
        self.caption(f"{nb(name)}, {n['precision']}: each token adds {num(n['kv_per_token'])} bytes to the cache of "
                     f"its {n['attention_layers']} attention layers; its Mamba-2 state never grows.",
                     title="Bytes per token")
        real = self._real(n, left, right, cells, leaving=VGroup(cache, counter, note))
        self.wait(T_READ * 1.5)

        # The hybrid stack: the panels leave as its step begins.
        self.caption(f"The hybrid: {nb(n['name'])} mixes Mamba-2 layers, mixture-of-experts feed-forward layers and "
                     "a few attention layers.", title="The hybrid stack")
        self.play(FadeOut(VGroup(left, right, lt, rt, cells, real)), run_time=T_FAST * 1.5)
        blocks = self._stack(n)
        c = n["counts"]
        self.caption(f"Only {c['*']} of {n['layers']} layers keep a KV cache, each with just "
                     f"{nb(str(n['kv_heads']) + ' KV heads')}; "
                     f"the {c['M']} Mamba-2 layers carry a fixed state.", title="Where the cache lives")
        self._where(blocks, n["pattern"])
        self.hold_caption(T_HOLD)

    # -- pieces ----------------------------------------------------------------------------------------------------
    def _panels(self) -> tuple[VGroup, VGroup, VGroup, VGroup]:
        """The two panels filling the content band: side by side in landscape, attention over Mamba in portrait."""
        lay = self.layout
        top, bottom = lay.title_bottom - 0.15, lay.bottom_y + 0.05
        if self.portrait:
            h = (top - bottom - GAP) / 2
            left = box(lay.content_w, h, color=PINK, fill=PANEL, stroke_width=2, corner=0.12)
            left.move_to(np.array([0, top - h / 2, 0]))
            right = box(lay.content_w, h, color=GREEN, fill=PANEL, stroke_width=2, corner=0.12)
            right.move_to(np.array([0, bottom + h / 2, 0]))
        else:
            w = (lay.content_w - GAP) / 2
            left = box(w, top - bottom, color=PINK, fill=PANEL, stroke_width=2, corner=0.12)
            left.move_to(np.array([lay.left_x + w / 2, (top + bottom) / 2, 0]))
            right = box(w, top - bottom, color=GREEN, fill=PANEL, stroke_width=2, corner=0.12)
            right.move_to(np.array([lay.right_x - w / 2, (top + bottom) / 2, 0]))
        lt = text("Attention: KV cache", BODY_SIZE, PINK, bold=True)
        lt.next_to(left.get_corner(UP + LEFT), DOWN + RIGHT, buff=0.22)
        rt = text("Mamba: fixed-size state", BODY_SIZE, GREEN, bold=True)
        rt.next_to(right.get_corner(UP + LEFT), DOWN + RIGHT, buff=0.22)
        return left, right, lt, rt

    def _toy(self, left, right, lt) -> tuple[VGroup, VGroup, Mobject, Mobject]:
        """Ten tokens arrive: the cache gains a key and a value each, the state is rewritten in place."""
        cell = 0.36 if self.portrait else 0.55
        self.cache_x0 = left.get_left()[0] + 0.75
        self.cache_y = left.get_center()[1] + (0.0 if self.portrait else 0.3)
        col_w = min(0.45, (left.width - 1.3) / TOY_TOKENS)
        rng = np.random.default_rng(3)
        cells = VGroup()
        # Portrait: the grid at the left of its panel, what it says to its right; landscape: the words under it.
        grid_c = (right.get_left() + np.array([0.55 + 3 * cell, -0.2, 0]) if self.portrait
                  else right.get_center() + np.array([0, 0.35, 0]))
        for r in range(6):
            for c in range(6):
                sq = Square(cell * 0.88, stroke_width=0).set_fill(GREEN, opacity=0.25 + 0.6 * rng.random())
                sq.move_to(grid_c + np.array([(c - 2.5) * cell, (2.5 - r) * cell, 0]))
                cells.add(sq)
        note = self._beside(cells, right, "same size after every token", LABEL_SIZE, MUTED)
        counter = text("tokens read: 0", LABEL_SIZE, MUTED).next_to(lt, DOWN, buff=0.15).align_to(lt, LEFT)
        self.play(FadeIn(cells), FadeIn(counter), run_time=T_FAST)
        cache = VGroup()
        kv_h = 0.55 if self.portrait else 0.8
        for t in range(TOY_TOKENS):
            k = Rectangle(width=col_w * 0.85, height=kv_h, stroke_width=0).set_fill(ORANGE, opacity=0.9)
            v = Rectangle(width=col_w * 0.85, height=kv_h, stroke_width=0).set_fill(GREEN, opacity=0.9)
            col = VGroup(k, v).arrange(DOWN, buff=0.06).move_to(
                np.array([self.cache_x0 + col_w * (t + 0.5), self.cache_y, 0]))
            new_counter = text(f"tokens read: {t + 1}", LABEL_SIZE, MUTED).move_to(counter).align_to(counter, LEFT)
            recolor = [c.animate.set_fill(GREEN, opacity=0.25 + 0.6 * rng.random()) for c in cells]
            self.play(FadeIn(col, shift=0.3 * RIGHT), *recolor, FadeOut(counter), FadeIn(new_counter),
                      *([FadeIn(note)] if t == 0 else []), run_time=0.45 if t < 3 else 0.3)
            counter = new_counter
            cache.add(col)
        kv_labels = VGroup(text("K", LABEL_SIZE, ORANGE, bold=True), text("V", LABEL_SIZE, GREEN, bold=True))
        kv_labels[0].next_to(cache[0][0], LEFT, buff=0.15)
        kv_labels[1].next_to(cache[0][1], LEFT, buff=0.15)
        cache.add(kv_labels)
        self.play(FadeIn(kv_labels), run_time=T_FAST)
        self.wait(T_READ * 0.5)
        return cache, cells, counter, note

    def _beside(self, cells: VGroup, panel, s: str, size: int, color: str) -> VGroup:
        """What the state grid says: under it in landscape; in portrait right of it, wrapped to the panel."""
        if not self.portrait:
            return VGroup(text(s, size, color)).next_to(cells, DOWN, buff=0.25)
        room = panel.get_right()[0] - cells.get_right()[0] - 0.75
        return paragraph(s, room, size, color, line_gap=0.08).next_to(cells, RIGHT, buff=0.45)

    def _real(self, n: dict[str, Any], left, right, cells: VGroup, leaving: VGroup) -> VGroup:
        """The model's real numbers: the cache as a bar that keeps growing, the state as the same grid."""
        inner_w = left.width - 1.1
        grown = Rectangle(width=inner_w, height=1.05 if self.portrait else 1.6, stroke_width=0)
        grown.set_fill(PINK, opacity=0.55).move_to(np.array([self.cache_x0 - 0.2 + inner_w / 2, self.cache_y, 0]))
        l1 = text(f"+{num(n['kv_per_token'])} B per token", BODY_SIZE, INK, bold=True)
        l2 = text(f"{bytes_label(n['kv_at_context'])} at {num(n['context'])} tokens", LABEL_SIZE, PINK)
        lg = VGroup(l1, l2).arrange(DOWN, buff=0.1, aligned_edge=LEFT)
        lg.next_to(grown, DOWN, buff=0.3).align_to(grown, LEFT)
        r1 = text(f"{bytes_label(n['state_bytes'])}, fixed", BODY_SIZE, INK, bold=True)
        r2 = self._beside(cells, right, f"{n['ssm_layers']} Mamba-2 layers, at any length", LABEL_SIZE, GREEN)
        rg = VGroup(r1, r2).arrange(DOWN, buff=0.1, aligned_edge=LEFT if self.portrait else ORIGIN)
        if self.portrait:
            rg.next_to(cells, RIGHT, buff=0.45)
        else:
            rg.next_to(cells, DOWN, buff=0.25)
        self.play(FadeOut(leaving), GrowFromEdge(grown, LEFT), run_time=T_MOVE)
        self.play(FadeIn(lg), FadeIn(rg), run_time=T_FAST * 1.5)
        return VGroup(grown, lg, rg)

    def _stack(self, n: dict[str, Any]) -> VGroup:
        """The model's layers in order, one block each (attention taller); portrait in two rows."""
        pattern, lay = n["pattern"], self.layout
        rows = 2 if self.portrait else 1
        per = -(-len(pattern) // rows)
        step = lay.content_w / per
        tall, short = (2.0, 1.4) if self.portrait else (3.9, 2.7)
        head_s = f"{n['name']}: {n['layers']} layers, from its layer pattern"
        head = paragraph(head_s, lay.content_w, BODY_SIZE, INK, bold=True, line_gap=0.1)
        head.align_to(np.array([lay.left_x, lay.title_bottom - 0.3, 0]), UP + LEFT)
        blocks = VGroup()
        row_y = [head.get_bottom()[1] - 0.35 - tall / 2 - r * (tall + 0.55) for r in range(rows)]
        for i, ch in enumerate(pattern):
            r, c = divmod(i, per)
            b = Rectangle(width=step * 0.8, height=tall if ch == "*" else short, stroke_width=0)
            b.set_fill(KINDS[ch][1], opacity=0.9)
            b.move_to(np.array([lay.left_x + step * (c + 0.5), row_y[r], 0]))
            blocks.add(b)
        arrow = text("input → output" if rows == 1 else "input at top left, output at bottom right", LABEL_SIZE, MUTED)
        arrow.next_to(blocks, DOWN, buff=0.2).align_to(blocks, LEFT)
        self.play(FadeIn(head), run_time=T_FAST)
        self.play(LaggedStart(*[GrowFromEdge(b, DOWN) for b in blocks], lag_ratio=0.08), FadeIn(arrow),
                  run_time=T_MOVE * 2.5)
        c = n["counts"]
        leg = legend([(GREEN, f"Mamba-2 × {c['M']}"), (BLUE, f"MoE feed-forward × {c['E']}"),
                      (PINK, f"attention × {c['*']} (GQA, {n['kv_heads']} KV heads)")], size=LABEL_SIZE if self.portrait else BODY_SIZE)
        if self.portrait:
            leg.arrange(DOWN, buff=0.25, aligned_edge=LEFT)
        leg.next_to(arrow, DOWN, buff=0.45).align_to(blocks, LEFT)
        self.play(FadeIn(leg), run_time=T_FAST * 1.5)
        return blocks

    def _where(self, blocks: VGroup, pattern: str) -> None:
        """The attention layers lit and outlined, the others dimmed: where the cache lives, held to the end."""
        attn = VGroup(*[b for b, ch in zip(blocks, pattern) if ch == "*"])
        rest = [b for b, ch in zip(blocks, pattern) if ch != "*"]
        marks = VGroup(*[SurroundingRectangle(b, color=YELLOW, buff=0.06, stroke_width=3) for b in attn])
        self.play(Indicate(attn, color=YELLOW, scale_factor=1.15), run_time=T_MOVE * 1.2)
        self.play(*[b.animate.set_fill(opacity=0.3) for b in rest], Create(marks), run_time=T_MOVE * 0.8)
        self.wait(T_READ)


__all__ = ["AttentionVsMamba", "mamba_numbers"]
