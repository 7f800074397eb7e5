"""The article's header (generator/site/extras/byline.py): the dek, the byline's dates and the reading time."""

from __future__ import annotations

from generator.site.extras import byline, versions
from generator.site.extras.changelog import History, Release


def _citation(history: History) -> versions.Citation:
    meta = {"title": "T", "description": "One line.", "group": "The Group"}
    return versions.citation(meta, history, "https://x.test/")


def test_reading_time_counts_prose_not_figures_or_reference_sections():
    words = " ".join(["word"] * 440)
    page = (f"---\ntitle: T\npart: 1\n---\n{words}\n\n<svg><text>{'x ' * 5000}</text></svg>\n\n"
            f"<table><tr><td>{'1 ' * 5000}</td></tr></table>\n\n## References\n\n{'ref ' * 5000}\n")
    assert byline.reading_minutes(page) == 2  # 440 words at 220 a minute


def test_part_header_dek_dates_and_byline(tmp_path):
    history = History([{"date": "2026-12-01", "what": "w", "why": "y"}],
                      [Release("1.0", "2026-11-27", "", tmp_path / "c.json")])
    c = _citation(history)
    first = byline.part_header(c, history, "---\ntitle: T\npart: 1\ndescription: Long.\n---\nText.\n", "One line.")
    assert first["dek"] == "One line."  # the catalog's one-line description on the first part
    assert first["by"] == ["The Group"]  # no person named: the group
    assert first["published"] == {"iso": "2026-11-27", "text": "27 November 2026"}
    assert first["updated"] == {"iso": "2026-12-01", "text": "1 December 2026"}
    assert first["version"] == "1.0" and first["minutes"] == 1
    second = byline.part_header(c, history, "---\ntitle: U\npart: 2\ndescription: Its own.\n---\nText.\n", "x")
    assert second["dek"] == "Its own."
    assert byline.part_header(c, history, "---\ntitle: Media\n---\nText.\n", "x") is None  # not a part


def test_people_are_scholar_authors_a_group_is_not(tmp_path):
    history = History([], [Release("1.0", "2026-11-27", "", tmp_path / "c.json")])
    group = _citation(history)
    assert [t for t in group.head_meta() if t["key"] == "citation_author"] == []
    assert "{{The Group}}" in group.bibtex()  # a corporate author, braced
    people = versions.citation({"title": "T", "description": "d", "group": "G", "authors": ["Ada Lovelace", "Alan Turing"]},
                               history, "https://x.test/")
    assert [t["content"] for t in people.head_meta() if t["key"] == "citation_author"] == ["Ada Lovelace", "Alan Turing"]
    assert "author = {Ada Lovelace and Alan Turing}" in people.bibtex()
    assert people.byline == ["Ada Lovelace", "Alan Turing"]
