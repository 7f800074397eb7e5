"""The data export (generator/site/extras/export.py): data/catalog.json carries the derived values."""

from __future__ import annotations

import json

from generator.site.extras.export import catalog_export


def test_catalog_export_has_derived_values(catalog):
    doc = json.loads(catalog_export(catalog))
    assert doc["catalog"]["models"]["gpt-3-175b"]["layers"] == 96
    assert doc["derived"]["gpt-3-175b"]["attention_matrices"] == 9216
    assert doc["derived"]["llama-3.1-8b"]["kv_bytes_per_token_bf16"] == 131072
    assert doc["derived"]["mistral-7b"]["receptive_field"] == 131072
    assert doc["derived"]["gpt-4"] == {"disclosed": False}
