"""The published data: the catalog plus the values derived from it, at data/catalog.json."""

from __future__ import annotations

import json
from typing import Any

from generator import derive
from generator.catalog.model import Catalog


def model_derived(model: dict[str, Any]) -> dict[str, Any]:
    """The values derived from one model's catalog entry, as published (data/catalog.json, figure downloads)."""
    if not derive.disclosed(model):
        return {"disclosed": False}
    entry: dict[str, Any] = {
        "attention_matrices": derive.attention_matrices(model),
        "ssm_state_values": derive.ssm_state_values(model),
        "weight_bytes": {p: derive.weight_bytes(model["params"], p) for p in derive.BYTES_PER_VALUE},
    }
    if model.get("cache_unmodelled"):  # the catalog says why (its note is published with the entry)
        entry["kv_cache"] = "not modelled"
    else:
        entry["kv_values_per_token_per_layer"] = derive.kv_values_per_token_per_layer(model)
        entry["kv_bytes_per_token_bf16"] = derive.kv_bytes_per_token(model, "bf16")
        entry["kv_bytes_per_sequence_bf16_at_context"] = derive.kv_bytes_per_sequence(model, model["context"], "bf16")
        if model.get("window_layers"):  # what still grows once the local layers' windows are full
            entry["kv_growth_bytes_per_token_bf16"] = derive.kv_growth_bytes_per_token(model, "bf16")
    try:
        entry["param_estimate"] = derive.param_estimate(model)
    except derive.NotApplicable:
        pass
    if model.get("ssm"):  # in the state's own cache precision (ssm.cache_dtype), else BF16
        entry["ssm_state_bytes"] = derive.ssm_state_bytes(model, "bf16")
    if model.get("window") and not model.get("window_layers"):  # a window in every layer
        entry["receptive_field"] = derive.receptive_field(model["window"], model["layers"])
    return entry


def catalog_export(catalog: Catalog) -> str:
    """The catalog plus derived values per model, as published at data/catalog.json."""
    derived = {model_id: model_derived(model) for model_id, model in catalog.models.items()}
    doc = {
        "units": {"GB": 10**9, "GiB": 2**30, "bytes": "per value: " + json.dumps(derive.BYTES_PER_VALUE)},
        "catalog": catalog.data,
        "derived": derived,
    }
    return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"
