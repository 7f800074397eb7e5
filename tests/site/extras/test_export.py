"""The data export (generator/site/extras/export.py): data/catalog.json carries the catalog and, for every model, the
values derive computes from it (their published values are tests/test_derive.py's goldens)."""

from __future__ import annotations

import json

import pytest

from generator import derive
from generator.site.extras.export import catalog_export


def test_catalog_export_has_derived_values(catalog):
    doc = json.loads(catalog_export(catalog))
    assert doc["catalog"]["models"] == json.loads(json.dumps(catalog.models)), "the catalog as it is"
    assert set(doc["derived"]) == set(catalog.models)
    for mid, m in catalog.models.items():
        got = doc["derived"][mid]
        if m.get("disclosed", True) is False:
            assert got == {"disclosed": False}, mid
            continue
        assert got["attention_matrices"] == derive.attention_matrices(m)
        assert got["weight_bytes"]["int4"] == derive.weight_bytes(m["params"], "int4")
        if m.get("cache_unmodelled"):  # no cache number the formula cannot compute
            assert got["kv_cache"] == "not modelled" and "kv_bytes_per_token_bf16" not in got, mid
        else:
            assert got["kv_bytes_per_token_bf16"] == derive.kv_bytes_per_token(m, "bf16")
            kv = derive.kv_bytes_per_sequence(m, m["context"], "bf16")
            assert got["kv_bytes_per_sequence_bf16_at_context"] == kv
        if m.get("window") and not m.get("window_layers"):
            assert got["receptive_field"] == derive.receptive_field(m["window"], m["layers"])
        else:
            assert "receptive_field" not in got
        if m.get("ssm"):
            assert got["ssm_state_bytes"] == derive.ssm_state_bytes(m, "bf16")
        try:
            estimate = derive.param_estimate(m)
        except derive.NotApplicable:
            assert "param_estimate" not in got
        else:
            assert got["param_estimate"] == pytest.approx(estimate)
