"""KV sharing: how many keys and values each token leaves in the cache, from MHA to GQA, MQA and MLA.

Llama 3.1 70B (64 query heads, 80 layers) is drawn as it is (GQA, 8 KV heads) and as it would be with one KV head per
query head (MHA) or a single one (MQA): those two are hypothetical copies of the catalog entry with only kv_heads
changed. DeepSeek-V3 shows MLA: it caches a 512-number latent plus a 64-number RoPE key per token per layer, against
its own MHA equivalent. Every byte count is generator.derive.kv_bytes_per_token in BF16.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Circle, FadeIn, FadeOut, GrowFromEdge, Line, Rectangle, Transform, VGroup

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
    RaceScene,
    nb,
    num,
    paragraph,
    text,
)
from generator import derive
from generator.catalog.selection import shown
from generator.format import times

PRECISION = "bf16"

def kv_numbers(data: dict[str, Any]) -> dict[str, Any]:
    """Per-token KV cache (bytes, BF16, all layers, one sequence) for each step, and what the screen says."""
    # The entry's `models:` (catalog.yaml): its first grouped-query model and its first latent-attention model.
    m = next(m for _, m, _ in shown(data) if m.get("attention") == "gqa")
    ds = next(m for _, m, _ in shown(data) if m.get("attention") == "mla")
    as_mha = {**m, "attention": "mha", "kv_heads": m["heads"]}
    as_mqa = {**m, "attention": "mqa", "kv_heads": 1}
    # The same model with plain multi-head attention: without its `mla` block, which derive counts wherever it is
    # (a hybrid's MLA layers), the "as MHA" cache would be the latent one again.
    ds_mha = {**{k: v for k, v in ds.items() if k != "mla"}, "attention": "mha", "kv_heads": ds["heads"]}
    out = {
        "precision": PRECISION.upper(),
        "bytes_per_value": derive.bytes_per_value(PRECISION),
        "llama": m["name"], "heads": m["heads"], "kv_heads": m["kv_heads"], "layers": m["layers"],
        "group": m["heads"] // m["kv_heads"],
        "mha": derive.kv_bytes_per_token(as_mha, PRECISION),
        "gqa": derive.kv_bytes_per_token(m, PRECISION),
        "mqa": derive.kv_bytes_per_token(as_mqa, PRECISION),
        "deepseek": ds["name"], "ds_heads": ds["heads"], "ds_layers": ds["layers"],
        "latent": ds["mla"]["kv_lora_rank"], "rope": ds["mla"]["rope_dim"],
        "mla_values": derive.kv_values_per_token_per_layer(ds),
        "ds_mha_values": derive.mha_values_per_token_per_layer(ds),
        "ds_mha": derive.kv_bytes_per_token(ds_mha, PRECISION),
        "mla": derive.kv_bytes_per_token(ds, PRECISION),
    }
    out["gqa_x"] = out["mha"] / out["gqa"]
    out["mqa_x"] = out["mha"] / out["mqa"]
    out["mla_x"] = out["ds_mha"] / out["mla"]
    return out


class KvSharing(RaceScene):
    def _geometry(self) -> None:
        """Heads on top, the bars of bytes per token below, filling the content band. Landscape: each bar's label
        to its left; portrait: the label on its own line above the bar, the header on two lines."""
        lay = self.layout
        self.size = SMALL_SIZE if self.portrait else LABEL_SIZE  # the bars' labels and values
        self.row_x0, self.row_x1 = lay.left_x + 0.3, lay.right_x - 0.3
        self.q_y = lay.title_bottom - (0.75 if self.portrait else 0.65)
        self.kv_y = self.q_y - (1.2 if self.portrait else 1.55)
        if self.portrait:
            self.bar_x0, self.bar_max = lay.left_x, lay.content_w - 1.9
            self.bar_step, self.bar_h = 0.8, 0.3
            self.bars_top = lay.bottom_y + 0.15 + self.bar_h / 2 + 4 * self.bar_step + 0.12
            self.kv_min_w, self.latent_x = 0.07, self.row_x0 + 1.6
        else:
            self.bar_x0, self.bar_max = -2.3, lay.right_x - 2.6 - (-2.3)
            self.bar_step, self.bar_h = 0.62, 0.36
            self.bars_top = lay.bottom_y + 0.25 + 4 * self.bar_step + 0.15
            self.kv_min_w, self.latent_x = 0.13, 0.0

    def construct(self) -> None:
        self._geometry()
        n = kv_numbers(self.data)
        self._pending: list = []
        self.title("Sharing keys and values: MHA, GQA, MQA, MLA")

        heads = n["heads"]
        queries = self._queries(heads)
        q_label = text(f"{n['llama']}: {num(heads)} query heads", self.size, BLUE)
        q_label.next_to(queries, UP, buff=0.12).align_to(queries, LEFT)
        kv, kv_label = self._kv(heads, heads, f"{num(heads)} key/value heads")
        links = self._links(queries, kv, heads)
        head_text = (f"KV cache per token, all layers, {n['precision']} ({num(n['bytes_per_value'])} bytes per value);"
                     " \u201cas\u201d = a hypothetical variant")
        header = paragraph(head_text, self.layout.content_w, SMALL_SIZE, MUTED, line_gap=0.08)
        header.next_to(np.array([0, self.bars_top + (0.62 if self.portrait else 0.38), 0]), UP, buff=0) \
            .align_to(np.array([self.layout.left_x, 0, 0]), LEFT)

        self.caption("While generating, a model caches a key and a value for every token in every layer: the KV "
                     "cache.", title="The KV cache")
        self.play(FadeIn(queries), FadeIn(q_label), run_time=T_MOVE * 0.8)
        self.play(FadeIn(kv), FadeIn(kv_label), FadeIn(links), FadeIn(header), run_time=T_MOVE)
        self.caption(f"MHA: every query head has its own keys and values. {nb(n['llama'])} built this way would "
                     f"cache {num(n['mha'])} bytes per token.", title="MHA")
        self._bar(0, f"{n['llama']} as MHA", n["mha"], n, PINK)
        self.wait(T_READ)

        # GQA, then MQA: fewer key/value heads under the same query heads
        kv_label = self._regroup(queries, kv, links, kv_label, n["kv_heads"], heads,
                                 f"{num(n['kv_heads'])} key/value heads, one per group of {num(n['group'])}",
                                 f"GQA, what {nb(n['llama'])} really uses: {num(n['kv_heads'])} KV heads, each "
                                 f"shared by {num(n['group'])} query heads. {times(n['gqa_x'], 0)} smaller.", "GQA")
        self._bar(1, f"{n['llama']}, GQA (real)", n["gqa"], n, BLUE, times(n["gqa_x"], 0) + " smaller")
        self.wait(T_READ)

        kv_label = self._regroup(queries, kv, links, kv_label, 1, heads, f"1 key/value head for all {num(heads)}",
                                 f"MQA: one K and one V for all {num(heads)} query heads. {times(n['mqa_x'], 0)} "
                                 "smaller, at some cost in quality.", "MQA")
        self._bar(2, f"{n['llama']} as MQA", n["mqa"], n, ORANGE, times(n["mqa_x"], 0) + " smaller")
        self.wait(T_READ)

        self._mla(n, queries, kv, links, VGroup(q_label, kv_label))
        self.hold_caption(T_HOLD)

    def _mla(self, n: dict[str, Any], queries: VGroup, kv: VGroup, links: VGroup, labels: VGroup) -> None:
        """DeepSeek-V3's 128 query heads over one latent; its MHA equivalent's bar, then its own."""
        dsh = n["ds_heads"]
        queries4 = self._queries(dsh)
        q4_label = text(f"{n['deepseek']}: {num(dsh)} query heads", self.size, BLUE)
        q4_label.next_to(queries4, UP, buff=0.12).align_to(queries4, LEFT)
        latent = self._latent(n)
        links4 = VGroup(*[Line(q.get_bottom(), latent[0].get_top(), stroke_color=PURPLE, stroke_width=HAIRLINE,
                               stroke_opacity=0.45) for q in queries4])
        self.caption(f"MLA ({n['deepseek']}): cache one compressed latent of {num(n['latent'])} numbers plus a "
                     f"{num(n['rope'])}-number RoPE key; each head rebuilds its keys and values from it.",
                     title="MLA: one latent")
        self._bar(3, f"{n['deepseek']} as MHA", n["ds_mha"], n, PINK, animate=False, play=False)
        self.play(FadeOut(labels), run_time=T_FAST * 0.5)
        self.play(Transform(queries, queries4), FadeIn(q4_label), Transform(kv, latent),
                  Transform(links, links4), *self._pending, run_time=T_MOVE * 1.4)
        self._pending = []
        self.wait(T_READ * 0.6)
        self.caption(f"{num(n['mla_values'])} numbers per token per layer instead of {num(n['ds_mha_values'])}: "
                     f"{num(n['mla'])} bytes per token, {times(n['mla_x'], 0)} smaller than MHA.",
                     title="MLA: bytes per token")
        self._bar(4, f"{n['deepseek']}, MLA (real)", n["mla"], n, PURPLE, times(n["mla_x"], 0) + " smaller")

    # -- pieces ----------------------------------------------------------------------------------------------------
    def _regroup(self, queries: VGroup, kv: VGroup, links: VGroup, kv_label, count: int, heads: int, label: str,
                 caption: str, title: str):
        """Morph the key/value heads (and their links to the queries) into ``count`` heads; returns the new label."""
        new_kv, new_label = self._kv(count, heads, label)
        new_links = self._links(queries, new_kv, heads)
        self.caption(caption, title=title)
        self.play(FadeOut(kv_label), run_time=T_FAST * 0.5)
        self.play(Transform(kv, new_kv), FadeIn(new_label), Transform(links, new_links), run_time=T_MOVE * 1.2)
        return new_label

    def _queries(self, count: int) -> VGroup:
        step = (self.row_x1 - self.row_x0) / count
        r = min(0.075, step * 0.36)
        return VGroup(*[Circle(radius=r, stroke_width=0).set_fill(BLUE, opacity=0.95)
                        .move_to(np.array([self.row_x0 + step * (i + 0.5), self.q_y, 0])) for i in range(count)])

    def _kv(self, count: int, q_count: int, label: str) -> tuple[VGroup, VGroup]:
        """``count`` K/V pairs, each centred under the query heads it serves."""
        step = (self.row_x1 - self.row_x0) / q_count
        group = q_count // count
        w = min(0.9, max(self.kv_min_w, step * group * 0.6))
        pairs = VGroup()
        for g in range(count):
            x = self.row_x0 + step * group * (g + 0.5)
            k = Rectangle(width=w, height=0.16, stroke_width=0).set_fill(ORANGE, opacity=0.95)
            v = Rectangle(width=w, height=0.16, stroke_width=0).set_fill(GREEN, opacity=0.95)
            k.move_to(np.array([x, self.kv_y + 0.09, 0]))
            v.move_to(np.array([x, self.kv_y - 0.09, 0]))
            pairs.add(VGroup(k, v))
        t = VGroup(text(label, self.size, INK), text("K", self.size, ORANGE, bold=True),
                   text("V", self.size, GREEN, bold=True))
        t[1].next_to(t[0], RIGHT, buff=0.3)
        t[2].next_to(t[1], RIGHT, buff=0.12)
        t.next_to(pairs, DOWN, buff=0.12).align_to(np.array([self.row_x0, 0, 0]), LEFT)
        return pairs, t

    def _links(self, queries: VGroup, kv: VGroup, q_count: int) -> VGroup:
        group = q_count // len(kv)
        return VGroup(*[Line(q.get_bottom(), kv[i // group].get_top(), stroke_color=GRID, stroke_width=HAIRLINE)
                        for i, q in enumerate(queries)])

    def _latent(self, n: dict[str, Any]) -> VGroup:
        lat = Rectangle(width=3.2, height=0.34, stroke_width=0).set_fill(PURPLE, opacity=0.95)
        rope = Rectangle(width=3.2 * n["rope"] / n["latent"], height=0.34, stroke_width=0)
        rope.set_fill(ORANGE, opacity=0.95)
        lat.move_to(np.array([self.latent_x, self.kv_y, 0]))
        rope.next_to(lat, RIGHT, buff=0.05)
        t1 = text(f"latent: {num(n['latent'])}", self.size, INK).move_to(lat)
        t2 = text(f"+ RoPE key: {num(n['rope'])}", self.size, ORANGE).next_to(rope, RIGHT, buff=0.12)
        t3 = text(f"= {num(n['mla_values'])} numbers per token per layer", self.size, INK)
        t3.next_to(lat, DOWN, buff=0.12).align_to(lat, LEFT)
        return VGroup(lat, rope, t1, t2, t3)

    def _bar(self, row: int, label: str, value: float, n: dict[str, Any], color: str, note: str = "",
             animate: bool = True, play: bool = True) -> None:
        biggest = max(n["mha"], n["ds_mha"])
        y = self.bars_top - self.bar_step * row - (0.12 if row >= 3 else 0.0)
        length = max(0.04, self.bar_max * value / biggest)
        bar = Rectangle(width=length, height=self.bar_h, stroke_width=0).set_fill(color, opacity=0.9)
        bar.move_to(np.array([self.bar_x0 + length / 2, y, 0]))
        if self.portrait:   # the label on its own line, above the bar
            lab = text(label, self.size, INK).next_to(bar, UP, buff=0.08).align_to(bar, LEFT)
        else:
            lab = text(label, self.size, INK).move_to(np.array([0, y, 0])) \
                .align_to(np.array([self.bar_x0 - 0.15, 0, 0]), RIGHT)
        val = text(f"{num(value)} B" + (f"  ·  {note}" if note else ""), self.size, color)
        val.next_to(bar, RIGHT, buff=0.12)
        anims = [GrowFromEdge(bar, LEFT), FadeIn(lab), FadeIn(val)]
        if play:
            self.play(*anims, run_time=T_MOVE * 0.8)
        else:
            self._pending = anims


__all__ = ["KvSharing", "kv_numbers"]
