"""Provenance, glossary, versions and citation without a browser: formulas with their inputs, one card per formula,
no cards in alt text, glossary terms marked once per section, the changelog's errors, number changes between
releases, `make release`, and CITATION.cff (parsed, required keys, in step with the latest release)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from generator.catalog.text import alt_text
from generator.errors import BuildError
from generator.site.article.pages import render_pages
from generator.site.article.provenance import formula, node_of, wrap_catalog
from generator.site.extras import versions

ROOT = Path(__file__).resolve().parent.parent


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


def test_alt_text_has_no_cards(catalog):
    text = alt_text(catalog, "kv_cache_sizes")
    assert "<span" not in text and "GB" in text


def test_glossary_marks_first_use_in_each_section(tmp_path, catalog):
    page = ("---\ntitle: T\ndescription: tokens everywhere\n---\n# T\n\n## One\n\nA token, another token, "
            "[a token link](x.md), `token`.\n\n### Sub\n\nMore tokens.\n\n## Two\n\nTokens again.\n\n"
            "## Glossary\n\n{{ glossary() }}\n")
    out = _render(tmp_path, catalog, page)
    marked = re.findall(r'<span class="rs-term"[^>]*>([^<]*)</span>', out)
    assert marked == ["token", "Tokens"]  # once in "One" (not in the sub-section, link or code), once in "Two"
    assert "description: tokens everywhere" in out  # front matter untouched
    assert '<dt id="glossary-kv-cache">KV cache</dt>' in out


def _root(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    shutil.copyfile(ROOT / "catalog.yaml", root / "catalog.yaml")
    shutil.copyfile(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


def test_changelog_errors_name_file_line_and_field(tmp_path):
    root = _root(tmp_path)
    (root / "CHANGELOG.yaml").write_text("# notes\n- date: 2026-12-01\n  what: ok\n  why: ok\n"
                                         "- date: yesterday\n  what: ok\n  why: ok\n", "utf-8")
    with pytest.raises(BuildError, match=r"CHANGELOG.yaml:5: entry 2: date: expected YYYY-MM-DD, found 'yesterday'"):
        versions.load_changelog(root)
    (root / "CHANGELOG.yaml").write_text("- date: 2026-12-01\n  what: ''\n  why: ok\n", "utf-8")
    with pytest.raises(BuildError, match=r"CHANGELOG.yaml:1: entry 1: what: expected a non-empty sentence"):
        versions.load_changelog(root)


def test_release_keeps_the_data_and_lists_changes(tmp_path):
    root = _root(tmp_path)
    folder = versions.make_release(root, "1.0", "First.", today="2026-11-27")
    assert json.loads((folder / "release.json").read_text("utf-8"))["date"] == "2026-11-27"
    with pytest.raises(BuildError, match="already exists"):
        versions.make_release(root, "1.0")
    with pytest.raises(BuildError, match="expected MAJOR.MINOR"):
        versions.make_release(root, "one")
    text = (root / "catalog.yaml").read_text("utf-8")
    (root / "catalog.yaml").write_text(text.replace("    window: 4096\n", "    window: 2048\n", 1), "utf-8")
    from generator.catalog import load_catalog
    from generator.site.extras.export import catalog_export

    history = versions.load_history(root)
    changes = versions.changes_since_release(history, catalog_export(load_catalog(root / "catalog.yaml")))
    by_path = {c.path: c for c in changes}
    window = by_path["catalog.models.mistral-7b.window"]
    assert (window.old, window.new) == (4096, 2048)
    assert window.label == "Mistral 7B v0.1: window tokens"
    assert "derived.mistral-7b.receptive_field" in by_path  # derived numbers follow
    with pytest.raises(BuildError, match="not newer"):
        versions.make_release(root, "0.9")
    versions.make_release(root, "1.1", today="2026-12-02")
    cff = yaml.safe_load((root / "CITATION.cff").read_text("utf-8"))
    assert cff["version"] == "1.1" and cff["date-released"] == "2026-12-02"


def test_citation_cff_parses_and_matches_the_latest_release(catalog):
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text("utf-8"))
    for key in ("cff-version", "message", "title", "authors"):
        assert cff.get(key), key  # required by the Citation File Format 1.2.0 schema
    assert cff["cff-version"] == "1.2.0"
    assert all(isinstance(a, dict) and (a.get("name") or a.get("family-names")) for a in cff["authors"])
    history = versions.load_history(ROOT)
    assert cff["version"] == history.releases[-1].version
    assert str(cff["date-released"]) == history.releases[-1].date
    assert cff["title"] == catalog.data["meta"]["title"]
    expected = versions.citation(catalog.data["meta"], history, cff["url"]).cff()
    assert (ROOT / "CITATION.cff").read_text("utf-8") == expected, "CITATION.cff is stale: run make release"
