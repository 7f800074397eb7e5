"""Citing the article (generator/site/extras/citation.py): CITATION.cff parses and matches the latest release."""

from __future__ import annotations

import re

import yaml

from generator.site.extras import changelog, citation
from tests.support import ROOT


def test_citation_cff_parses_and_matches_the_latest_release(catalog):
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text("utf-8"))
    for key in ("cff-version", "message", "title", "authors"):
        assert cff.get(key), key  # required by the Citation File Format 1.2.0 schema
    assert cff["cff-version"] == "1.2.0"
    assert all(isinstance(a, dict) and (a.get("name") or a.get("family-names")) for a in cff["authors"])
    history = changelog.load_history(ROOT)
    assert cff["version"] == history.releases[-1].version
    assert str(cff["date-released"]) == history.releases[-1].date
    assert cff["title"] == catalog.data["meta"]["title"]
    expected = citation.citation(catalog.data["meta"], history, cff["url"]).cff()
    assert (ROOT / "CITATION.cff").read_text("utf-8") == expected, "CITATION.cff is stale: run make release"


def test_bibtex_cannot_be_forged_and_the_cite_block_conforms():
    """Braces, backslashes and LaTeX specials in the catalog cannot add a BibTeX field; the <pre> blocks carry no
    aria-labelledby (not allowed on <pre>), their labels are the paragraphs before them."""
    c = citation.Citation(
        title="T}, note = {forged",
        description="d",
        authors=["A} and {B", "C\\input{x}"],
        version="1.0",
        published="2026-01-01",
        updated="2026-01-02",
        url="https://x.org/a/",
        licence="CC BY 4.0 % #",
    )
    bib = c.bibtex()
    assert re.findall(r"^  (\w+) = ", bib, re.M) == ["title", "author", "year", "version", "url", "date", "note"]
    assert bib.count("{") == bib.count("}") and "note = {forged" not in bib and "\\input{x}" not in bib
    assert "title = {T\\textbraceright{}, note = \\textbraceleft{}forged}" in bib
    block = str(citation.cite_block(c))
    assert "aria-labelledby" not in block and block.count('<p class="rs-cite-label">') == 2


def test_the_pdf_link_and_citation_pdf_url_only_when_the_site_carries_the_pdf(catalog):
    """Scholar's citation_pdf_url and the header's PDF link name the PDF the build publishes (--pdf), never one the
    site does not carry."""
    from generator.site.extras.export import catalog_export
    from generator.site.extras.versions import site_extras
    from generator.util.project import PDF_NAME

    export = catalog_export(catalog)
    for pdf in (False, True):
        extras = site_extras(ROOT, catalog.data, export, pdf=pdf)
        urls = [m["content"] for m in extras.head["rts_meta"] if m["key"] == "citation_pdf_url"]
        assert urls == ([extras.citation.url + PDF_NAME] if pdf else [])
        page = extras.finish('---\npart: 1\n---\n# Part\n\n<div class="rs-cite-this"></div>\n')
        assert (f"pdf: {PDF_NAME}" in page) is pdf, page[:400]
