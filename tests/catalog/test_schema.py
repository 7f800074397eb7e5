"""The catalog's schema (generator/catalog/schema.py): patterns match the whole string (issue 22, item 11), so an id,
a date or a URL with a trailing newline is a catalog error at its line, not a value that passes; and, beside it, how
its fields read on the page (FIELD_LABELS, FIELD_NAMES)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from generator.catalog import schema
from generator.catalog.model import load_catalog
from generator.errors import BuildError, CatalogError
from generator.site.extras.release import make_release
from tests.support import ROOT


@pytest.mark.parametrize(
    "old,new,field",
    [
        ("\n  gpt-1:\n", '\n  "gpt-1\\n":\n', "models"),  # a model id
        ('    released: "2018-06"\n', '    released: "2018-06\\n"\n', "released"),
        ("    sources: [radford-2018, openai-gpt-config]\n", '    sources: ["radford-2018\\n", openai-gpt-config]\n',
         "sources"),
        (
            "    url: https://cdn.openai.com/research-covers/language-unsupervised/language_understanding_paper.pdf\n",
            '    url: "https://cdn.openai.com/x.pdf\\n"\n',
            "url",
        ),
        ("\n  params_over_time:\n", '\n  "params_over_time\\n":\n', "figures"),
    ],
)
def test_a_trailing_newline_does_not_pass_a_pattern(tmp_path, old, new, field):
    text = (ROOT / "catalog.yaml").read_text("utf-8")
    assert old in text, old
    p = tmp_path / "catalog.yaml"
    p.write_text(text.replace(old, new, 1), "utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(p)
    assert re.match(rf"{re.escape(str(p))}:\d+:\d+: ", str(info.value)) and field in str(info.value), info.value


def test_a_release_version_with_a_newline_is_refused(tmp_path):
    with pytest.raises(BuildError, match="VERSION: expected MAJOR.MINOR"):
        make_release(tmp_path, "1.1\n")


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
    fields |= schema.DERIVED_FIELDS
    assert set(schema.FIELD_LABELS) <= fields, sorted(set(schema.FIELD_LABELS) - fields)
    assert set(schema.FIELD_NAMES) <= fields, sorted(set(schema.FIELD_NAMES) - fields)


def test_labels_and_names():
    assert schema.field_label("kv_heads") == "KV heads" and schema.field_label("head_dim") == "head dim"
    assert schema.field_label("layers") == "layers", "unlisted: the name with spaces"
    assert schema.field_name("memory_gb") == "memory (GB)" and schema.field_label("memory_gb") == "GB"
    assert schema.field_name("kv_heads") == "KV heads", "a name falls back to the label"


LICENCE = "    licence: {name: Example Licence 1.0, url: 'https://example.org/licence'}\n"


def _with_licence(tmp_path, licence: str):
    """The real catalog with ``licence`` (YAML lines) added to the first model that has architecture fields."""
    text = (ROOT / "catalog.yaml").read_text("utf-8")
    cat = load_catalog(ROOT / "catalog.yaml")
    mid = next(k for k, m in cat.models.items() if "layers" in m)
    start = text.index(f"\n  {mid}:\n") + len(f"\n  {mid}:\n")
    p = tmp_path / "catalog.yaml"
    p.write_text(text[:start] + licence + text[start:], "utf-8")
    return p, mid, text[:start].count("\n") + 1


def test_a_model_may_name_its_licence(tmp_path):
    p, mid, _ = _with_licence(tmp_path, LICENCE)
    cat = load_catalog(p)
    assert cat.models[mid]["licence"] == {"name": "Example Licence 1.0", "url": "https://example.org/licence"}
    from generator.site.extras.export import catalog_export

    assert json.loads(catalog_export(cat))["catalog"]["models"][mid]["licence"]["name"] == "Example Licence 1.0"


@pytest.mark.parametrize("licence", [
    "    licence: Apache-2.0\n",  # a name alone: the address of its text is its source
    "    licence: {name: X, url: 'javascript:alert(1)'}\n",
    "    licence: {name: X, url: 'https://example.org', note: y}\n",
])
def test_a_bad_licence_is_a_catalog_error_at_its_line(tmp_path, licence):
    p, mid, line = _with_licence(tmp_path, licence)
    with pytest.raises(CatalogError) as info:
        load_catalog(p)
    assert f"models.{mid}.licence" in str(info.value) and f":{line}:" in str(info.value), str(info.value)
