"""Versions (generator/site/extras/versions.py): CHANGELOG.yaml errors name file, line and field; `make release`
keeps the data and lists the changes; CITATION.cff parses and matches the latest release."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from generator.errors import BuildError
from generator.site.extras import versions
from tests.support import ROOT


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


def test_bibtex_cannot_be_forged_and_the_cite_block_conforms():
    """Issue 22, items 5 and 12: braces, backslashes and LaTeX specials in the catalog cannot add a BibTeX field; the
    <pre> blocks carry no aria-labelledby (not allowed on <pre>), their labels are the paragraphs before them."""
    c = versions.Citation(
        title="T}, note = {forged", description="d", authors=["A} and {B", "C\\input{x}"], version="1.0",
        published="2026-01-01", updated="2026-01-02", url="https://x.org/a/", licence="CC BY 4.0 % #",
    )
    bib = c.bibtex()
    assert re.findall(r"^  (\w+) = ", bib, re.M) == ["title", "author", "year", "version", "url", "date", "note"]
    assert bib.count("{") == bib.count("}") and "note = {forged" not in bib and "\\input{x}" not in bib
    assert "title = {T\\textbraceright{}, note = \\textbraceleft{}forged}" in bib
    block = str(versions.cite_block(c))
    assert "aria-labelledby" not in block and block.count('<p class="rs-cite-label">') == 2
