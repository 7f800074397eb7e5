"""The interactive widgets' HTML: a container, the catalog data it needs, and a static fallback table.

``render_widget(name, catalog)`` is what the page macro ``{{ widget('memory') }}`` calls. It returns:

* ``<div class="rs-widget" data-rs-widget="NAME">``, which the ES modules in docs/assets/js/widgets/ find on every
  page load and after Material's instant navigation, build the controls into, and mark ``rs-ready``;
* ``<template class="rs-data" data-search-exclude>``: exactly the catalog data that widget reads, as JSON with
  ``<``, ``>`` and ``&`` written as ``\\u003c``, ``\\u003e`` and ``\\u0026``, so no catalog string can close the
  element, open a tag or start an entity. Not a ``<script type="application/json">``: Material's instant
  navigation re-creates every inline script of the new page as a plain JavaScript <script>, dropping its type and
  class, so a JSON island would run as code (a SyntaxError) and lose its data. A <template> is inert, parsed as
  text, never executed, and data-search-exclude keeps it out of the search index;
* ``<div class="rs-fallback">``: the same information as static tables computed here with generator.derive, shown
  when JavaScript is off or fails (CSS hides it inside ``.rs-ready``).

The browser does the arithmetic with docs/assets/js/derive.js, a line-for-line mirror of generator/derive.py
(tests/docs/test_js_parity.py keeps the two equal), and formats numbers with generator/format.py, as the pages do.
Every catalog string placed in HTML goes through generator.escape.html, the data island through escape.json_html.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from generator import derive
from generator.catalog.model import Catalog
from generator.catalog.selection import has_selection, resolve
from generator.errors import BuildError
from generator.escape import html, json_html
from generator.format import gb, nbytes, num, params, precision_groups, precision_menu, precision_name, times

#: Model fields the derive functions read (kept in this order in the data island).
_MODEL_FIELDS = (
    "name",
    "params",
    "layers",
    "heads",
    "kv_heads",
    "head_dim",
    "attention",
    "attention_layers",
    "window",
    "window_layers",
    "context",
)

#: The model each widget starts on, by role, is data: catalog.yaml ``widgets.<name>.defaults.<role>``; without one
#: (or when it does not fit the role) the first model of the right shape is used.
DEFAULT_WINDOW = 4096

MEMORY_CONTEXT = 8192
MAMBA_LENGTH = 131072
EXPLORER_LENGTH = 8192

FALLBACK_LENGTHS_MAMBA = (1, 64, 1024, 8192, 131072, 1048576)
FALLBACK_LENGTHS_SCORES = (6, 1000, 4096, 32768, 131072, 1048576)

ASSUMPTIONS = (
    "GB = 10\u2079 bytes. Weights and KV cache only: no activations, runtime overhead or quantisation "
    "scales. Mixture-of-experts models keep every expert in memory."
)


# --------------------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------------------


def _e(value: Any) -> str:
    return str(html(value))


def json_island(data: Any) -> str:
    """``data`` as JSON that is safe as the text of any HTML element: no '<', '>' or '&' characters."""
    return json_html(data, separators=(",", ":"))


def model_data(model_id: str, model: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of one model the widgets read (undisclosed models: id, name and the flag only)."""
    if not derive.disclosed(model):
        return {"id": model_id, "name": model["name"], "disclosed": False}
    out: dict[str, Any] = {"id": model_id}
    out.update({k: model[k] for k in _MODEL_FIELDS if k in model})
    if model.get("mla"):
        out["mla"] = {"kv_lora_rank": model["mla"]["kv_lora_rank"], "rope_dim": model["mla"]["rope_dim"]}
    if model.get("ssm"):
        keys = ("kind", "layers", "heads", "head_dim", "state", "groups", "conv_kernel", "cache_dtype")
        out["ssm"] = {k: model["ssm"][k] for k in keys if k in model["ssm"]}
    if model.get("moe"):
        out["moe"] = {"active_params": model["moe"]["active_params"]}
    return out


def _preferred(catalog: Catalog, widget: str, role: str) -> str:
    """catalog.yaml ``widgets.<widget>.defaults.<role>``, or '' when the catalog names none."""
    return str(catalog.data.get("widgets", {}).get(widget, {}).get("defaults", {}).get(role, ""))


def _shown(catalog: Catalog, widget: str) -> dict[str, Any]:
    """The models a widget lists: ``widgets.<widget>.models`` or ``select`` (generator/catalog/selection.py), in
    that order; every model without either."""
    entry = catalog.data.get("widgets", {}).get(widget, {})
    if not has_selection(entry):
        return dict(catalog.models)
    return {k: catalog.models[k] for k in resolve(entry, catalog.data)["models"]}


def _pick(models: Mapping[str, Any], preferred: str, ok: Callable[[Mapping[str, Any]], bool]) -> str:
    if preferred in models and ok(models[preferred]):
        return preferred
    for model_id, model in models.items():
        if ok(model):
            return model_id
    raise BuildError(f"widgets: the catalog has no model usable here (wanted {preferred!r} or one like it)")


def _table(caption: str, head: Iterable[str], rows: Iterable[Iterable[str]], row_headers: bool = True) -> str:
    """An accessible table; ``caption`` and cells are already-escaped HTML.

    Wide tables scroll sideways inside their own box on a phone, so the visible caption sits above that box (a
    <caption> would scroll away with the table); the real <caption> stays for screen readers, and the box is a
    focusable, labelled region so a keyboard can scroll it.
    """
    out = [
        f'<p class="rs-caption" aria-hidden="true">{caption}</p>'
        f'<div class="rs-scroll" role="region" tabindex="0" aria-label="{caption}">'
        f'<table class="rs-table"><caption class="rs-visually-hidden">{caption}</caption><thead><tr>'
    ]
    out += [f'<th scope="col">{h}</th>' for h in head]
    out.append("</tr></thead><tbody>")
    for row in rows:
        cells = list(row)
        out.append("<tr>")
        if row_headers:
            out.append(f'<th scope="row">{cells[0]}</th>')
            cells = cells[1:]
        out += [f"<td>{c}</td>" for c in cells]
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _container(name: str, title: str, data: Mapping[str, Any], fallback: str) -> str:
    return (
        f'<div class="rs-widget rs-widget--{_e(name)}" id="widget-{_e(name)}" data-rs-widget="{_e(name)}" role="group" '
        f'aria-label="{_e(title)}">\n'
        f'<p class="rs-widget__title">{_e(title)}</p>\n'
        f'<template class="rs-data" data-search-exclude>{json_island(data)}</template>\n'
        f'<div class="rs-fallback">\n{fallback}\n</div>\n'
        f"</div>\n"
    )


# --------------------------------------------------------------------------------------------------------------
# Memory calculator
# --------------------------------------------------------------------------------------------------------------


def _cache_models(catalog: Catalog, widget: str) -> dict[str, Any]:
    """The models a widget that computes caches lists: those derive can compute a cache for (a model with
    ``cache_unmodelled`` is left out rather than shown with a wrong number)."""
    return {k: m for k, m in _shown(catalog, widget).items() if not m.get("cache_unmodelled")}


def memory_data(catalog: Catalog) -> dict[str, Any]:
    models = _cache_models(catalog, "memory")
    return {
        "models": [model_data(mid, m) for mid, m in models.items()],
        "hardware": [
            {"id": hid, "name": h["name"], "memory_gb": h["memory_gb"], "kind": h["kind"]}
            for hid, h in catalog.hardware.items()
        ],
        "precisions": [{"id": pid, "label": label} for pid, label in precision_menu(catalog.formats)],
        "defaults": {
            "model": _pick(models, _preferred(catalog, "memory", "model"), derive.disclosed),
            "weights": "bf16",
            "kv": "bf16",
            "context": MEMORY_CONTEXT,
            "batch": 1,
        },
    }


def memory_fallback(catalog: Catalog) -> str:
    precision_cols = [(p, label) for _, p, label in precision_groups(catalog.formats)]
    rows = []
    for model in _cache_models(catalog, "memory").values():
        if not derive.disclosed(model):
            continue
        weights = [_e(gb(derive.weight_bytes(model["params"], p))) for p, _ in precision_cols]
        kv = derive.kv_bytes_per_sequence(model, model["context"], "bf16")
        rows.append(
            [_e(model["name"]), _e(params(model["params"], most=2))]
            + weights
            + [f"{_e(nbytes(kv, 1))} at {_e(num(model['context']))} tokens"]
        )
    models_table = _table(
        "Weights at each precision, and the BF16 KV cache of one sequence at the model\u2019s full context",
        ["Model", "Parameters"] + [_e(label) for _, label in precision_cols] + ["KV cache (BF16)"],
        rows,
    )
    hw_rows = [[_e(h["name"]), _e(f"{num(h['memory_gb'])}\u00a0GB")] for h in catalog.hardware.values()]
    hw_table = _table("Memory of each device", ["Device", "Memory"], hw_rows)
    note = f'<p class="rs-note">{_e(ASSUMPTIONS)} A device holds a model when weights plus cache fit its memory.</p>'
    return models_table + "\n" + hw_table + "\n" + note


# --------------------------------------------------------------------------------------------------------------
# Attention | Mamba
# --------------------------------------------------------------------------------------------------------------


def _is_plain_attention(model: Mapping[str, Any]) -> bool:
    return derive.disclosed(model) and model.get("attention") in ("mha", "gqa", "mqa") and not model.get("window")


def _has_ssm(model: Mapping[str, Any]) -> bool:
    return derive.disclosed(model) and bool(model.get("ssm"))


def state_precision(model: Mapping[str, Any], formats: Mapping[str, Any]) -> str:
    """The precision a model's Mamba state is kept in, as the article names it (catalog ``ssm.cache_dtype``; without
    one, the BF16 of the KV cache): "FP32"."""
    return precision_name(str((model.get("ssm") or {}).get("cache_dtype") or "bf16"), formats)


def _with_names(text: str, models: Mapping[str, Mapping[str, Any]]) -> str:
    """``text`` with ``{role}`` replaced by the name of the model in that role (plain replacement: braces elsewhere
    in catalog text stay as they are)."""
    for role, model in models.items():
        text = text.replace("{" + role + "}", str(model.get("short_label") or model["name"]))
    return text


def crossover_tokens(att: Mapping[str, Any], hyb: Mapping[str, Any]) -> float:
    """The sequence length at which the attention model's KV cache reaches the size of the hybrid's Mamba state."""
    return derive.ssm_state_bytes(hyb) / derive.kv_bytes_per_token(att, "bf16")


def attention_mamba_data(catalog: Catalog) -> dict[str, Any]:
    """The two models the widget sets side by side, why (the catalog's ``widgets.attention-mamba.note``), the
    precisions, and the range of lengths: from one token, so the crossover (a few hundred tokens) is on the scale,
    to the hybrid's context."""
    models = _shown(catalog, "attention-mamba")
    att = _pick(models, _preferred(catalog, "attention-mamba", "attention"), _is_plain_attention)
    ssm = _pick(models, _preferred(catalog, "attention-mamba", "ssm"), _has_ssm)
    entry = catalog.data.get("widgets", {}).get("attention-mamba", {})
    return {
        "attention": model_data(att, models[att]),
        "ssm": model_data(ssm, models[ssm]),
        "precision": "bf16",
        "labels": {
            "kv": precision_name("bf16", catalog.formats),
            "state": state_precision(models[ssm], catalog.formats),
        },
        "note": _with_names(str(entry.get("note", "")), {"attention": models[att], "ssm": models[ssm]}),
        "range": [1, max(int(models[ssm]["context"]), int(models[att]["context"]), MAMBA_LENGTH)],
        "defaults": {"length": MAMBA_LENGTH},
    }


def attention_mamba_fallback(catalog: Catalog) -> str:
    data = attention_mamba_data(catalog)
    att, hyb = catalog.models[data["attention"]["id"]], catalog.models[data["ssm"]["id"]]
    state = derive.ssm_state_bytes(hyb)
    cross = crossover_tokens(att, hyb)
    lengths = sorted({*FALLBACK_LENGTHS_MAMBA, math.ceil(cross)})  # the first length at which the cache has passed
    rows = []
    for n in lengths:
        cache = derive.kv_bytes_per_sequence(att, n, "bf16")
        rows.append(
            [
                _e(num(n)),
                _e(nbytes(cache, 1)),
                _e(nbytes(state, 1)),
                _e(times(cache / state, None)),
                _e(nbytes(derive.kv_bytes_per_sequence(hyb, n, "bf16"), 1)),
            ]
        )
    label = data["labels"]
    table = _table(
        f"Memory one sequence keeps: the KV cache of {_e(att['name'])} ({label['kv']}) against the Mamba-2 state "
        f"of {_e(hyb['name'])} ({_e(label['state'])} for the recurrent part and BF16 for the convolution buffer, as "
        f"serving engines keep it); the cache passes the state at about {_e(num(cross, 0))} tokens",
        [
            "Tokens",
            f"{_e(att['name'])}: KV cache",
            f"{_e(hyb['name'])}: Mamba-2 state",
            "Cache ÷ state",
            f"{_e(hyb['name'])}: whole cache ({derive.attention_layer_count(hyb)} attention layers + state)",
        ],
        rows,
    )
    note = (
        f'<p class="rs-note">{_e(data["note"])} Attention keeps keys and values for every token, so its cache grows '
        f"with the sequence; a Mamba-2 layer folds the sequence into a state of fixed size "
        f"({_e(num(derive.ssm_state_values(hyb)))} numbers across {hyb['ssm']['layers']} layers, kept in "
        f"{_e(label['state'])}). GB = 10\u2079 bytes, MB = 10\u2076 bytes.</p>"
    )
    return table + "\n" + note


# --------------------------------------------------------------------------------------------------------------
# Context explorer
# --------------------------------------------------------------------------------------------------------------


def context_data(catalog: Catalog) -> dict[str, Any]:
    models = _shown(catalog, "context")
    preferred = _preferred(catalog, "context", "window_model")
    window_model = next((mid for mid, m in models.items() if mid == preferred and m.get("window")), None)
    if window_model is None:
        window_model = next((mid for mid, m in models.items() if derive.disclosed(m) and m.get("window")), None)
    window = models[window_model]["window"] if window_model else DEFAULT_WINDOW
    return {
        "models": [model_data(mid, m) for mid, m in models.items() if derive.disclosed(m)],
        "defaults": {
            "model": _pick(models, _preferred(catalog, "context", "model"), derive.disclosed),
            "length": EXPLORER_LENGTH,
            "window": window,
            "window_model": window_model,
        },
    }


def context_fallback(catalog: Catalog) -> str:
    data = context_data(catalog)
    model = catalog.models[_pick(catalog.models, _preferred(catalog, "context", "table_model"), derive.disclosed)]
    w = data["defaults"]["window"]
    wm = data["defaults"]["window_model"]
    matrices = derive.attention_matrices(model)
    rows = []
    for n in FALLBACK_LENGTHS_SCORES:
        rows.append(
            [
                _e(num(n)),
                _e(num(derive.attention_scores(n, "full"))),
                _e(num(derive.attention_scores(n, "causal"))),
                _e(num(derive.attention_scores(n, "window", w))),
                _e(num(matrices * derive.attention_scores(n, "causal"))),
            ]
        )
    w_label = f"window of {num(w)}" + (f" ({catalog.models[wm]['name']})" if wm else "")
    table = _table(
        "Attention scores for a sequence of n tokens: one head in one layer, and a whole model",
        [
            "n tokens",
            "Full, n\u00b2",
            "Causal, n(n+1)/2",
            _e(f"Sliding {w_label}"),
            _e(f"{model['name']}: causal \u00d7 {num(matrices)} matrices"),
        ],
        rows,
    )
    note = (
        f'<p class="rs-note">{_e(model["name"])} computes one score matrix per head per attention layer: '
        f"{model['heads']} \u00d7 {derive.attention_layer_count(model)} = {_e(num(matrices))}. "
        f"A causal model fills only the lower triangle; a sliding window keeps each token to its last "
        f"{_e(num(w))} positions, so the count grows as n \u00d7 w instead of n\u00b2.</p>"
    )
    return table + "\n" + note


# --------------------------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------------------------

WIDGETS: dict[str, tuple[str, Callable[[Catalog], dict[str, Any]], Callable[[Catalog], str]]] = {
    "memory": ("Memory calculator: weights, KV cache and the hardware that holds them", memory_data, memory_fallback),
    "attention-mamba": (
        "Attention | Mamba: a growing cache against a fixed state",
        attention_mamba_data,
        attention_mamba_fallback,
    ),
    "context": ("Context explorer: how many attention scores a sequence costs", context_data, context_fallback),
}


def render_widget(name: str, catalog: Catalog) -> str:
    """The HTML for widget ``name`` (memory, attention-mamba or context): container, data island and fallback."""
    if name not in WIDGETS:
        raise BuildError(f"widget(): unknown widget {name!r}; known: {', '.join(WIDGETS)}")
    title, data_fn, fallback_fn = WIDGETS[name]
    return _container(name, title, data_fn(catalog), fallback_fn(catalog))


__all__ = ["render_widget", "json_island", "model_data", "WIDGETS"]
