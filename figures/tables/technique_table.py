"""Which techniques each model stacks: an accessible HTML table, models by release date x techniques.

Marks come from models.*.techniques. Each cell carries a visible mark hidden from screen readers and a visually
hidden "yes"/"no" for them ("not stated" for a blank Flash cell: ABSENT_WORD). A model whose architecture is
undisclosed gets one cell spanning the technique columns that says so, never a guess. No inline styles: classes are prefixed ``rs-`` and styled by the page.
"""

from __future__ import annotations

from typing import Any

from generator.derive import disclosed
from generator.escape import html

#: (technique id in the catalog, column header, expansion for <abbr title>), in column order.
TECHNIQUES: list[tuple[str, str, str]] = [
    ("flash", "Flash", "a FlashAttention kernel, marked only where the model’s own paper or card says it uses one"),
    ("gqa", "GQA", "grouped-query attention"),
    ("mqa", "MQA", "multi-query attention"),
    ("mla", "MLA", "multi-head latent attention"),
    ("sparse", "Sparse", "sparse attention: each query attends only to the entries an indexer selects"),
    ("window", "Window", "a sliding or chunked window, in every layer or interleaved with global layers"),
    ("moe", "MoE", "mixture of experts"),
    ("ssm", "SSM", "state-space (Mamba) layers"),
    ("linear", "Linear", "linear-attention layers with a fixed state (Gated DeltaNet, lightning attention)"),
]
DEFAULT_CAPTION = "Which techniques each model stacks"
YES_MARK = "✓"
NO_MARK = "–"
#: What a blank says, where it is not "no": a FlashAttention kernel is marked only where the model's own paper or
#: card says so, so a blank there means the source does not say (the figure's caption says so to the eye).
ABSENT_WORD = {"flash": "not stated"}


def _header(tid: str, label: str, title: str) -> str:
    cell = label if label.lower() == title.lower() else f'<abbr title="{html(title)}">{html(label)}</abbr>'
    return f'<th scope="col" class="rs-tech rs-tech-{tid}">{cell}</th>'


def _mark(used: bool, absent: str = "no") -> str:
    mark, word, cls = (YES_MARK, "yes", "rs-yes") if used else (NO_MARK, absent, "rs-no")
    return (f'<td class="rs-mark {cls}"><span aria-hidden="true">{mark}</span>'
            f'<span class="rs-visually-hidden">{word}</span></td>')


def render(data: dict[str, Any], title: str | None = None) -> str:
    models = sorted(data["models"].items(), key=lambda kv: (kv[1]["released"], kv[1].get("params", 0), kv[0]))
    caption = html(title or DEFAULT_CAPTION)
    out = [
        '<div class="rs-table-scroll" role="region" aria-labelledby="rs-technique-table-caption" tabindex="0">',
        '<table class="rs-table rs-technique-table">',
        f'<caption id="rs-technique-table-caption">{caption}</caption>',
        "<thead>",
        "<tr>",
        '<th scope="col" class="rs-model">Model</th>',
        '<th scope="col" class="rs-released">Released</th>',
        *(_header(tid, label, full) for tid, label, full in TECHNIQUES),
        "</tr>",
        "</thead>",
        "<tbody>",
    ]
    for model_id, m in models:
        out.append(f'<tr data-model="{html(model_id)}">')
        out.append(f'<th scope="row" class="rs-model">{html(m["name"])}</th>')
        out.append(f'<td class="rs-released">{html(m["released"][:7])}</td>')
        if not disclosed(m):
            out.append(f'<td class="rs-undisclosed" colspan="{len(TECHNIQUES)}">undisclosed</td>')
        else:
            used = set(m.get("techniques", []))
            out.extend(_mark(tid in used, ABSENT_WORD.get(tid, "no")) for tid, _, _ in TECHNIQUES)
        out.append("</tr>")
    out += ["</tbody>", "</table>", "</div>"]
    return "\n".join(out) + "\n"
