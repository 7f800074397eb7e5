"""Every way the catalog's contents are rejected (generator/catalog/model.py and schema.py), each with
file:line:column, the field, what was expected and what was found."""

from __future__ import annotations

import re

import pytest

from generator.catalog.model import load_catalog
from generator.errors import CatalogError
from tests.support import GOOD, ROOT, line_of, mutate, reject


def test_the_real_catalog_loads(catalog):
    assert "gpt-3-175b" in catalog.models
    assert catalog.models["gpt-3-175b"]["params"] == 175e9  # '175.0e9' is a number, not a string
    assert catalog.models["gpt-1"]["verified"]["architecture"] == "yes"  # YAML 1.2: 'yes' stays a word


def test_duplicate_id(tmp_path):
    block = GOOD[GOOD.index("  gpt-1:\n"):GOOD.index("  gpt-2-xl:\n")]
    text = GOOD.replace("  gpt-2-xl:\n", block + "  gpt-2-xl:\n", 1)
    err = reject(tmp_path, text)
    assert err.field == "models.gpt-1"
    assert err.line == line_of(text, "  gpt-1:\n", nth=1)
    assert "ids are the keys" in err.hint


def test_unknown_reference_id(tmp_path):
    text = mutate("sources: [brown-2020]", "sources: [brown-2021]")
    err = reject(tmp_path, text)
    assert err.field == "models.gpt-3-175b.sources[0]"
    assert "brown-2021" in err.found
    assert err.hint == "did you mean 'brown-2020'?"
    assert err.line == line_of(text, "sources: [brown-2021]")


def test_unknown_figure_read(tmp_path):
    text = mutate("reads: [hardware, facts.flash-sram-mb,", "reads: [hardware, facts.flash-sram-mbb,")
    err = reject(tmp_path, text)
    assert err.field == "figures.flash_tiling.reads[1]"
    assert "facts.flash-sram-mb" in err.hint


def test_unknown_field_read(tmp_path):
    text = mutate("models.*.released, models.*.params,", "models.*.released, models.*.param,")
    err = reject(tmp_path, text)
    assert err.field == "figures.params_over_time.reads[3]" and "'param'" in err.found
    assert "did you mean 'params'?" in err.hint
    assert err.line == line_of(text, "models.*.param,")


def test_unknown_model_in_a_figure_list(tmp_path):
    text = mutate("    models: [mistral-7b]\n    hardware: [a100-80gb]\n",
                  "    models: [mistral-7bb]\n    hardware: [a100-80gb]\n")
    err = reject(tmp_path, text)
    assert err.field == "figures.attention_cost.models[0]" and "did you mean 'mistral-7b'?" in err.hint
    text = mutate("defaults: {model: llama-3.1-70b}", "defaults: {model: llama-3.1-70}")
    err = reject(tmp_path, text)
    assert err.field == "widgets.memory.defaults.model" and "llama-3.1-70b" in err.hint
    text = mutate("    select: dense\n", "    select: denser\n")
    err = reject(tmp_path, text)
    assert err.field == "figures.scaling_law.select" and "dense" in err.hint


def test_missing_required_field(tmp_path):
    text = mutate("    d_model: 768\n", "")
    err = reject(tmp_path, text)
    assert err.field == "models.gpt-1.d_model"
    assert err.found == "it missing"
    assert err.line == line_of(text, "  gpt-1:")


def test_wrong_type(tmp_path):
    text = mutate("    layers: 96\n", "    layers: ninety-six\n")
    err = reject(tmp_path, text)
    assert err.field == "models.gpt-3-175b.layers"
    assert "integer" in err.expected and "ninety-six" in err.found
    assert (err.line, err.column) == (line_of(text, "layers: ninety-six"), 13)


@pytest.mark.parametrize("old,new,field", [
    ("    layers: 96\n", "    layers: -96\n", "models.gpt-3-175b.layers"),
    ("    memory_gb: 16\n", "    memory_gb: 0\n", "hardware.rtx-4090-laptop.memory_gb"),
    ("    params: 175.0e9\n", "    params: .nan\n", "models.gpt-3-175b.params"),
    ("    params: 175.0e9\n", "    params: .inf\n", "models.gpt-3-175b.params"),
])
def test_impossible_values(tmp_path, old, new, field):
    err = reject(tmp_path, mutate(old, new))
    assert err.field == field
    assert err.line == line_of(mutate(old, new), new.strip())


@pytest.mark.parametrize("bad", ["The <b>Race</b> to Scale", 'The "Race" to Scale', "Race > Scale"])
def test_the_title_may_not_open_a_tag_or_close_an_attribute(tmp_path, bad):
    """The theme prints mkdocs.yml's site_name (which must be meta.title) unescaped: the catalog refuses the title's
    characters that would become markup, saying what to use instead; curly quotes and & stay allowed."""
    text = mutate("  title: The Race to Scale\n", f"  title: '{bad}'\n")
    err = reject(tmp_path, text)
    assert err.field == "meta.title" and "without <, > or" in err.expected and "“ ”" in err.expected
    assert err.line == line_of(text, bad)
    ok = tmp_path / "ok.yaml"
    ok.write_text(mutate("  title: The Race to Scale\n", "  title: The “Race” & Scale\n"), "utf-8")
    assert load_catalog(ok).data["meta"]["title"] == "The “Race” & Scale"


def test_kv_heads_must_divide_heads(tmp_path):
    text = mutate("    heads: 64\n    kv_heads: 8\n", "    heads: 64\n    kv_heads: 6\n")
    err = reject(tmp_path, text)
    assert err.field == "models.llama-3.1-70b.kv_heads"
    assert "divisor of heads (64)" in err.expected


def test_unknown_key_suggests_nearest(tmp_path):
    text = mutate("    d_model: 768\n", "    d_modle: 768\n")
    err = reject(tmp_path, text)
    assert err.field == "models.gpt-1.d_modle"
    assert err.hint == "did you mean 'd_model'?"
    assert err.line == line_of(text, "d_modle")


def test_enum_suggests_nearest(tmp_path):
    text = mutate("    attention: mha\n", "    attention: mhaa\n")
    err = reject(tmp_path, text)
    assert err.hint == "did you mean 'mha'?"


def test_undisclosed_model_cannot_carry_architecture(tmp_path):
    text = mutate("    disclosed: false\n", "    disclosed: false\n    layers: 120\n")
    err = reject(tmp_path, text)
    assert err.field == "models.gpt-4"
    assert "undisclosed" in err.hint


def test_not_a_mapping(tmp_path):
    err = reject(tmp_path, "- just\n- a list\n")
    assert "mapping" in err.expected


def test_format_bits_must_add_up(tmp_path):
    text = mutate("    exponent: 8\n    mantissa: 7\n", "    exponent: 8\n    mantissa: 8\n")
    err = reject(tmp_path, text)
    assert err.field == "formats.bf16.bits"


@pytest.mark.parametrize("old,new,needle", [
    ("    name: GPT-1\n", "    name: \"GPT\\u202e1-TPG\"\n", "U+202E"),          # right-to-left override
    ("    name: GPT-1\n", "    name: \"GPT\\u200b-1\"\n", "U+200B"),             # zero-width space
    ("    org: OpenAI\n", "    org: \"Open\\x07AI\"\n", "U+0007"),              # control character
    ("    params: 175.0e9\n", "    params: 1e308\n", "sensible size"),         # absurdly large
    ("    layers: 96\n", "    layers: 99999999999999999999999\n", "sensible size"),
])
def test_unicode_tricks_and_huge_numbers_are_rejected(tmp_path, old, new, needle):
    root = ROOT
    text = (root / "catalog.yaml").read_text("utf-8")
    assert old in text
    p = tmp_path / "catalog.yaml"
    p.write_text(text.replace(old, new, 1), "utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(p)
    assert needle in str(info.value)
    assert re.match(rf"{re.escape(str(p))}:\d+:\d+: models\.", str(info.value))


def test_bad_figure_id_points_at_its_key(tmp_path):
    text = GOOD.replace("\n  attention_cost:\n", "\n  Attention-Cost:\n", 1)
    p = tmp_path / "catalog.yaml"
    p.write_text(text, "utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(p)
    assert info.value.line == line_of(text, "  Attention-Cost:") and info.value.field == "figures.Attention-Cost"


def test_catalog_text_is_read_with_the_articles_quotes(tmp_path):
    """model.typeset_quotes: every catalog string carries the article's quotes once it is loaded (each output made
    from it then reads like the prose); a glossary term's match phrases stay as written (they are found in the
    page's Markdown), and a template field stays a working template whose rendered text is set instead."""
    from generator.catalog.text import alt_text
    from tests.support import with_alt

    text = mutate("    match: [token]\n", "    match: [token, \"model's token\"]\n")
    old = "an integer naming one entry of its vocabulary"
    text = text.replace(old, 'an integer naming one of the model\'s "entries"', 1)
    text = with_alt(text, "scaling_law", "{{ m['gpt-1'].name }}'s point, the \"first\" GPT")
    path = tmp_path / "catalog.yaml"
    path.write_text(text, "utf-8")
    catalog = load_catalog(path)
    token = catalog.data["glossary"]["token"]
    assert "the model\u2019s \u201centries\u201d" in token["definition"] and "'" not in token["definition"]
    assert token["match"] == ["token", "model's token"]
    assert catalog.figures["scaling_law"]["title"] == "Kaplan\u2019s scaling law: loss against parameters"
    assert catalog.figures["scaling_law"]["alt"].startswith("{{ m['gpt-1'].name }}'s point")
    assert alt_text(catalog, "scaling_law") == "GPT-1\u2019s point, the \u201cfirst\u201d GPT"
