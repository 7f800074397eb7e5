"""Provenance (generator/site/article/provenance.py): formulas carry their catalog inputs, one card per formula,
and a bare catalog value gets its card."""

from __future__ import annotations

from pathlib import Path

from generator.site.article.pages import render_pages
from generator.site.article.provenance import formula, node_of, wrap_catalog


def _render(tmp_path: Path, catalog, text: str) -> str:
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "index.md").write_text(text, "utf-8")
    return render_pages(docs, catalog, {}, None)["index.md"]


def test_formula_carries_the_catalog_inputs(catalog):
    from generator import derive as d

    m = wrap_catalog(catalog.data)["models"]
    value = d.kv_bytes_per_token(m["llama-3.1-70b"], "bf16")
    assert value == 327_680
    assert formula(node_of(value)) == "80 layers × 2 × 8 KV heads × 128 head dim × 2"
    seq = d.kv_bytes_per_sequence(m["mistral-7b"], 8192)  # min(context, window) keeps the window's own leaf
    assert "4,096 window tokens" in formula(node_of(seq))
    state = d.ssm_state_bytes(m["nemotron-3-nano"])
    assert formula(node_of(state)).startswith("23 SSM layers × (64 SSM heads × 64 SSM head dim × 128 SSM state + ")
    assert formula(node_of(state)).endswith(" × 4")  # FP32 state: 4 bytes per value


def test_one_card_per_formula_and_bare_values_get_cards(tmp_path, catalog):
    out = _render(tmp_path, catalog, "{{ num(m['gpt-3-175b'].layers) }} and {{ num(m['gpt-3-175b'].layers) }}; "
                                     "{{ m['gpt-3-175b'].heads }} heads; {{ num(96) }} plain")
    body, _, cards = out.partition('<div class="rs-cards"')
    assert body.count('class="rs-num"') == 3  # two layers (one card), one bare heads
    assert cards.count('role="tooltip"') == 2
    assert "96 plain" in body and ">96</span> plain" not in body  # a typed literal has no provenance
