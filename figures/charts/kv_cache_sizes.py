"""KV cache one sequence needs, for the models the catalog selects, at one stated context, as horizontal bars (log
scale). A model whose cache derive cannot compute (``cache_unmodelled``) is left out; the catalog's caption says so.

All values come from derive.kv_bytes_per_sequence: BF16, batch 1, GB = 10^9 bytes. A sliding-window model's
rolling buffer stops at its window; a hybrid's fixed SSM state is included. A model whose own context is shorter
than CONTEXT gets a hollow bar (what its cache *would* be, marked with an asterisk) with a filled part at its own
maximum context, and both values are written out. An undisclosed architecture gets a row that says so.

Narrow layout: each row's name and what it caches on a line above its bar, so the bars take the width the labels
took; the legend in three columns.
"""

from __future__ import annotations

from typing import Any

import matplotlib.ticker as mticker
from matplotlib.patches import Patch

from figures import chart_style as cs
from generator import derive
from generator.catalog.selection import shown

CONTEXT = 131_072     # tokens: the context the long-context models in the catalog share (128K)
PRECISION = "bf16"

#: (label, colour) per attention kind; "window" is GQA with windowed layers (a rolling buffer in every layer, or
#: local layers interleaved with global ones: the row's detail says which), "hybrid" a fixed-state stack (Mamba or a
#: linear attention) with a few attention layers.
KINDS = {
    "mha": ("MHA", cs.RED),
    "mqa": ("MQA", cs.ORANGE),
    "gqa": ("GQA", cs.BLUE),
    "window": ("GQA + window", cs.GREEN),
    "mla": ("MLA", cs.PURPLE),
    "hybrid": ("Hybrid", cs.GOLD),
}
#: What a hybrid's fixed-state layers are called in a row's detail (catalog ssm.kind; default Mamba-2).
STATE_WORDS = {"mamba2": "Mamba", "gated_deltanet": "DeltaNet", "lightning": "linear", "kda": "linear"}
SHORT_STATE_WORDS = {"mamba2": "SSM", "gated_deltanet": "lin.", "lightning": "lin.", "kda": "lin."}
BAR_HEIGHT = 0.62          # of the 1.0 row pitch
NARROW_BAR_HEIGHT = 0.36   # narrow: the bar sits in the lower part of the row, under its label line
NARROW_DROP = 0.16         # narrow: how far the bar's centre sits below the row's centre


def kind(m: dict[str, Any]) -> str:
    return "window" if m.get("window") else m["attention"]


def detail(m: dict[str, Any], short: bool = False) -> str:
    """The second line of a row label: what the model caches (``short``: "attn." for the narrow layout, where it
    shares a line with the name and the value)."""
    a = m["attention"]
    if a == "mla":
        return f"MLA latent {m['mla']['kv_lora_rank']} + {m['mla']['rope_dim']}"
    if a == "hybrid":
        state = (SHORT_STATE_WORDS if short else STATE_WORDS)[m["ssm"].get("kind", "mamba2")]
        if short:
            return f"{m['attention_layers']} {'MLA' if m.get('mla') else 'attn.'} + {state}"
        return f"{m['attention_layers']} {'MLA' if m.get('mla') else 'attention'} layers + {state}"
    text = f"{a.upper()}, {m['kv_heads']} KV heads"
    if m.get("window_layers"):
        text += f", {m['window_layers']} local ({m['window']:,})"
    elif m.get("window"):
        text += f", window {m['window']:,}"
    return text


def rows(data: dict[str, Any], short: bool = False) -> list[dict[str, Any]]:
    """One dict per model shown, oldest first: label, detail, kind, bytes at CONTEXT, and own-context bytes if
    shorter."""
    out = []
    for model_id, m, label in sorted(shown(data), key=lambda r: (r[1]["released"], r[1].get("params", 0), r[0])):
        row: dict[str, Any] = {"id": model_id, "label": label}
        if not derive.disclosed(m):
            row.update(kind=None, detail="", value=None)
        else:
            row.update(kind=kind(m), detail=detail(m, short), value=derive.kv_bytes_per_sequence(m, CONTEXT, PRECISION))
            if m["context"] < CONTEXT and m.get("window") and not m.get("window_layers"):
                row["window_context"] = m["context"]  # beyond its context too, but its rolling buffer is full
            elif m["context"] < CONTEXT:
                row["own_context"] = m["context"]
                row["own_value"] = derive.kv_bytes_per_sequence(m, m["context"], PRECISION)
        out.append(row)
    return out


def draw(data: dict[str, Any], layout: str = "wide"):
    lay = cs.get_layout(layout)
    table = rows(data, short=lay.narrow)
    if lay.narrow:
        fig, ax = cs.figure(height=0.42 * len(table) + 3.3, layout=layout)
    else:
        fig, ax = cs.figure(height=0.43 * len(table) + 2.3)
    cs.subtitle(fig, f"At {CONTEXT:,} tokens, BF16 (2 bytes per number), one sequence; "
                     "GB\u00a0=\u00a010⁹\u00a0bytes. "
                     "Log scale.")
    values = [r["value"] for r in table if r["value"]] + [r["own_value"] for r in table if "own_value" in r]
    x0 = 10 ** (int(f"{min(values) / 1e9:e}".split("e")[1]))  # the power of ten below the smallest value
    x_max = 10 ** (int(f"{max(values) / 1e9:e}".split("e")[1]) + 1)
    ys = list(range(len(table)))[::-1]
    for y, r in zip(ys, table):
        _bar(ax, lay, y, r, x0)
    _axes(ax, lay, len(table), x0, x_max)
    for y, r in zip(ys, table):
        _row_label(ax, lay, y, r)
    ax.grid(axis="y", visible=False)
    ax.spines["left"].set_visible(False)
    _legend_and_notes(fig, ax, table)
    return fig


def _bar(ax, lay: cs.Layout, y: float, r: dict[str, Any], x0: float) -> None:
    """Row ``r``'s bar (hatched beyond the model's own context) and its value(s) right of the axes."""
    bar_h = NARROW_BAR_HEIGHT if lay.narrow else BAR_HEIGHT
    drop = NARROW_DROP if lay.narrow else 0.0
    right = ax.get_yaxis_transform()  # x in axes fraction, y in data
    by = y - drop  # the bar's centre
    label_y = y + drop / 2 - 0.02  # narrow: the baseline band of the label line above the bar
    if r["value"] is None:
        ax.text(x0 * 1.15, by, "architecture undisclosed: no value", va="center", ha="left",
                fontsize=lay.source if lay.narrow else cs.NOTE_SIZE, color=cs.MUTED, fontstyle="italic")
        ax.text(1.02, by, "undisclosed", transform=right, va="center", ha="left",
                fontsize=lay.note, color=cs.MUTED)
        return
    colour = KINDS[r["kind"]][1]
    gb = r["value"] / 1e9
    if "own_value" not in r:
        ax.barh(by, gb - x0, left=x0, height=bar_h, color=colour, zorder=3)
        ax.text(1.02, by, cs.gb_label(r["value"]), transform=ax.get_yaxis_transform(), va="center",
                ha="left", fontsize=lay.note, color=cs.INK)
        return
    ax.barh(by, gb - x0, left=x0, height=bar_h, facecolor="none", edgecolor=colour, linewidth=1.4,
            hatch="///", zorder=2)
    ax.barh(by, r["own_value"] / 1e9 - x0, left=x0, height=bar_h, color=colour, zorder=3)
    if lay.narrow:  # the value on the label line, the own-context value beside the bar
        ax.text(1.02, label_y, f"{cs.gb_label(r['value'])}*", transform=right, va="bottom", ha="left",
                fontsize=lay.note, color=cs.INK)
        ax.text(1.02, by, f"{cs.gb_label(r['own_value'])} at {r['own_context']:,}", transform=right,
                va="center", ha="left", fontsize=lay.source, color=cs.MUTED)
        return
    ax.text(1.02, y + 0.21, f"{cs.gb_label(r['value'])}*", transform=ax.get_yaxis_transform(),
            va="center", ha="left", fontsize=cs.NOTE_SIZE, color=cs.INK)
    ax.text(1.02, y - 0.26, f"{cs.gb_label(r['own_value'])} at {r['own_context']:,}",
            transform=ax.get_yaxis_transform(), va="center", ha="left", fontsize=cs.SOURCE_SIZE,
            color=cs.MUTED)


def _axes(ax, lay: cs.Layout, n_rows: int, x0: float, x_max: float) -> None:
    ax.set_xscale("log")
    ax.set_xlim(x0, x_max)
    if lay.narrow:
        ax.set_ylim(-0.55, n_rows - 0.45)
    else:
        ax.set_ylim(-0.6, n_rows - 0.4)
    ax.xaxis.set_major_locator(mticker.LogLocator(base=10, numticks=10))
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:,g}"))
    ax.xaxis.set_minor_locator(mticker.NullLocator())
    ax.set_xlabel("KV cache per sequence (GB)" if lay.narrow else "KV cache per sequence (GB, log scale)")
    ax.set_yticks([])


def _row_label(ax, lay: cs.Layout, y: float, r: dict[str, Any]) -> None:
    """The model's name and what it caches: left of the bar (wide), on one line above it (narrow)."""
    left = ax.get_yaxis_transform()
    if lay.narrow:  # "Mistral 7B  GQA, 8 KV heads, window 4,096" on one line above the bar
        label_y = y + NARROW_DROP / 2 - 0.02
        ax.text(0.0, label_y, r["label"], transform=left, ha="left", va="bottom", fontsize=lay.label,
                color=cs.INK)
        if r["detail"]:
            ax.annotate(r["detail"], (0.0, label_y), xycoords=left,
                        xytext=(cs.text_width(r["label"], lay.label) + 5, 0), textcoords="offset points",
                        ha="left", va="bottom", fontsize=lay.source, color=cs.MUTED)
        return
    ax.text(-0.02, y + (0.215 if r["detail"] else 0), r["label"], transform=left, ha="right", va="center",
            fontsize=cs.LABEL_SIZE, color=cs.INK)
    ax.text(-0.02, y - 0.285, r["detail"], transform=left, ha="right", va="center", fontsize=cs.SOURCE_SIZE,
            color=cs.MUTED)


def _legend_and_notes(fig, ax, table: list[dict[str, Any]]) -> None:
    used = [k for k in KINDS if any(r["kind"] == k for r in table)]
    handles = [Patch(facecolor=KINDS[k][1], edgecolor="none", label=KINDS[k][0]) for k in used]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=3,
              handlelength=1.0, handletextpad=0.4, columnspacing=1.0, borderaxespad=0.2)
    short = [f"{r['label']} {r['own_context']:,}" for r in table if "own_context" in r]
    short += [f"{r['label']} {r['window_context']:,}" for r in table if "window_context" in r]
    cs.footnote(fig, f"* Beyond the model's own context ({', '.join(short)} tokens): the hatched bar is what its "
                     f"cache would be at {CONTEXT:,} tokens; the filled part and the small figure are at its own "
                     "maximum (a rolling buffer holds its window only).")
    cs.source_line(fig, "catalog architectures (layers, KV heads, head size, MLA latent, SSM state) from each "
                        "model's paper or config; rolling buffers hold their window only; fixed states included.")
