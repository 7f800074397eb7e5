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
    models = catalog.models
    gqa = next(k for k, x in models.items() if x.get("attention") == "gqa" and not x.get("window"))
    value = d.kv_bytes_per_token(m[gqa], "bf16")
    assert value == d.kv_bytes_per_token(models[gqa], "bf16"), "a traced number is the number"
    g = models[gqa]
    assert formula(node_of(value)) == (f"{g['layers']} layers × 2 × {g['kv_heads']} KV heads × {g['head_dim']} head dim"
                                       " × 2")
    windowed = next(k for k, x in models.items() if x.get("window") and x["context"] > x["window"])
    seq = d.kv_bytes_per_sequence(m[windowed], models[windowed]["context"])  # min(context, window): the window's leaf
    assert f"{models[windowed]['window']:,} window tokens" in formula(node_of(seq))
    hybrid = next(k for k, x in models.items() if x.get("ssm"))
    state = d.ssm_state_bytes(m[hybrid])
    assert formula(node_of(state)).startswith(f"{models[hybrid]['ssm']['layers']} SSM layers × (")
    assert formula(node_of(state)).endswith(" × 4")  # FP32 state: 4 bytes per value (the config's cache dtype)


def test_one_card_per_formula_and_bare_values_get_cards(tmp_path, catalog):
    out = _render(tmp_path, catalog, "{{ num(m['gpt-3-175b'].layers) }} and {{ num(m['gpt-3-175b'].layers) }}; "
                                     "{{ m['gpt-3-175b'].heads }} heads; {{ num(96) }} plain")
    body, _, cards = out.partition('<div class="rs-cards"')
    assert body.count('class="rs-num"') == 3  # two layers (one card), one bare heads
    assert cards.count('role="tooltip"') == 2
    assert "96 plain" in body and ">96</span> plain" not in body  # a typed literal has no provenance
