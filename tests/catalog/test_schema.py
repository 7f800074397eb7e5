"""The catalog's schema and, beside it, how its fields read on the page (FIELD_LABELS, FIELD_NAMES)."""

from __future__ import annotations

from typing import Any

from generator.catalog import schema


def _properties(node: Any, out: set[str]) -> set[str]:
    """Every property name the schema defines, at any depth."""
    if isinstance(node, dict):
        out.update(node.get("properties", {}))
        for value in node.values():
            _properties(value, out)
    elif isinstance(node, list):
        for value in node:
            _properties(value, out)
    return out


def test_every_field_label_is_a_field_of_the_schema():
    fields = _properties(schema.CATALOG_SCHEMA, set())
    assert {"params", "memory_gb", "kv_lora_rank", "alpha_n"} <= fields, "the walk finds nested fields"
    assert set(schema.FIELD_LABELS) <= fields, sorted(set(schema.FIELD_LABELS) - fields)
    assert set(schema.FIELD_NAMES) <= fields, sorted(set(schema.FIELD_NAMES) - fields)


def test_labels_and_names():
    assert schema.field_label("kv_heads") == "KV heads" and schema.field_label("head_dim") == "head dim"
    assert schema.field_label("layers") == "layers", "unlisted: the name with spaces"
    assert schema.field_name("memory_gb") == "memory (GB)" and schema.field_label("memory_gb") == "GB"
    assert schema.field_name("kv_heads") == "KV heads", "a name falls back to the label"
