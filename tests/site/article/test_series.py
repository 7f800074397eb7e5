"""The series' placement rule (generator/site/article/series.py, check_placements): each figure is placed at most
once across all parts, its figure page links to that place, and a registered figure placed nowhere is a warning.
`make check` and `make site` both run it (render_pages, and the build before it renders)."""

from __future__ import annotations

import pytest

from generator import cli
from generator.errors import BuildError
from generator.site.article.pages import render_pages
from generator.site.article.series import check_placements, figure_pages, placements

ONE = "---\ntitle: One\ndescription: d\npart: 1\n---\n# One\n\n{{ figure('the_wall') }}\n"


def _docs(tmp_path, two: str):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(ONE, "utf-8")
    (docs / "two.md").write_text("---\ntitle: Two\ndescription: d\npart: 2\n---\n# Two\n\n" + two, "utf-8")
    return docs


def test_a_figure_placed_on_two_parts_is_refused_naming_both(tmp_path, catalog):
    docs = _docs(tmp_path, "text\n\n{{ figure('the_wall') }}\n")
    with pytest.raises(BuildError) as info:
        check_placements(docs, catalog.figures, catalog.where)
    msg = str(info.value)
    assert msg.startswith(f"{docs / 'two.md'}:10: figure('the_wall') is already placed at {docs / 'index.md'}:8;")
    assert "at most once across the series" in msg and "\n" not in msg
    with pytest.raises(BuildError, match="already placed"):  # the build's page rendering says it too
        render_pages(docs, catalog, {}, None)


def test_a_figure_in_a_jinja_comment_is_not_placed(tmp_path, catalog):
    docs = _docs(tmp_path, "{# not yet: {{ figure('the_wall') }} #}\n{{ figure('kv_sharing') }}\n")
    assert placements(docs) == {"the_wall": [("index.md", 8)], "kv_sharing": [("two.md", 9)]}
    assert figure_pages(docs) == {"the_wall": {"page": "index.md", "title": "One"},
                                  "kv_sharing": {"page": "two.md", "title": "Two"}}


def test_a_figure_placed_nowhere_is_a_warning_at_its_catalog_line(tmp_path, catalog):
    docs = _docs(tmp_path, "{{ figure('kv_sharing') }}\n")
    warnings = check_placements(docs, catalog.figures, catalog.where)
    unplaced = [f for f in catalog.figures if f not in ("the_wall", "kv_sharing")]
    assert len(warnings) == len(unplaced) > 0
    for fig, line in zip(unplaced, warnings, strict=True):
        assert line.startswith(f"{catalog.where(('figures', fig))}: figures.{fig} is placed on no page"), line
        assert "\n" not in line


def test_check_prints_the_warning_and_passes(tmp_path, capsys):
    from tests.tinyproject import CHART, make_tiny_project

    root = make_tiny_project(tmp_path / "p", figures=(CHART, "kv_cache_sizes"))
    (root / "docs" / "index.md").write_text("# T\n\n{{ figure('%s') }}\n" % CHART, "utf-8")
    assert cli.main(["check", "--root", str(root)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("warning: ") and "figures.kv_cache_sizes is placed on no page" in err[0]
