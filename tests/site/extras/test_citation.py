"""Citing the article (generator/site/extras/citation.py): CITATION.cff parses and matches the latest release."""

from __future__ import annotations

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
