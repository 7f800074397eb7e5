"""The article's prose keeps the authors' rules: the build's own rules (generator/site/article/prose.py and
series.check_placements, which `make check` and `make site` enforce) run over the real docs/ and catalog here, so a
failure names every offender at once. What each rule accepts and refuses is tested beside it, in
tests/site/article/test_prose.py and test_series.py."""

from __future__ import annotations

import re
from pathlib import Path

from generator.site.article.prose import allowed_names, numeric_literals, typed_comparisons
from generator.site.article.series import check_placements, placements
from tests.support import ROOT

DOCS = ROOT / "docs"


def pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def _rel(p: Path) -> str:
    return str(p.relative_to(DOCS.parent))


def test_there_are_pages() -> None:
    assert pages(), f"no markdown pages under {DOCS}"


def test_no_numeric_literals_in_prose(catalog) -> None:
    names = allowed_names(catalog.data)
    offenders = [o for p in pages() for o in numeric_literals(p.read_text(encoding="utf-8"), _rel(p), names)]
    assert not offenders, (
        "numbers typed into the prose; take each from the catalog or generator.derive through a macro "
        "({{ num(...) }}, {{ fact('...') }}...):\n" + "\n".join(map(str, offenders))
    )


def test_every_figure_placed_exactly_once(catalog) -> None:
    """The build's rule is "at most once, and a figure placed nowhere is a warning"; the article itself places
    every registered figure, once."""
    warnings = check_placements(DOCS, catalog.figures, catalog.where)
    assert warnings == [], warnings
    unknown = [f"{page}:{line}: figure({fig!r}) is not in catalog.yaml figures"
               for fig, places in placements(DOCS).items() if fig not in catalog.figures for page, line in places]
    assert not unknown, "\n".join(unknown)


_CITE_CALL = re.compile(r"""\bcite\(([^)]*)\)""")
_QUOTED = re.compile(r"""(['"])([^'"]*)\1""")


def test_every_citation_is_a_reference(catalog) -> None:
    problems = []
    for p in pages():
        text = p.read_text(encoding="utf-8")
        for mo in _CITE_CALL.finditer(text):
            where = f"{_rel(p)}:{text.count(chr(10), 0, mo.start()) + 1}"
            ids = [q.group(2) for q in _QUOTED.finditer(mo.group(1))]
            if not ids:
                problems.append(f"{where}: cite({mo.group(1)}) names no reference id")
            problems += [f"{where}: cite({ref!r}) is not in catalog.yaml references"
                         for ref in ids if ref not in catalog.references]
    assert not problems, "\n".join(problems)


def test_no_comparison_typed_next_to_a_macro_number(catalog) -> None:
    offenders = [o for p in pages() for o in typed_comparisons(p.read_text(encoding="utf-8"), _rel(p))]
    for fig_id, fig in catalog.figures.items():  # alt texts are prose too
        offenders += typed_comparisons(fig["alt"], f"catalog.yaml figures.{fig_id}.alt")
    assert not offenders, (
        "a comparison typed by hand next to a number from the catalog; write it with {{ than(a, b) }}, "
        "{{ fits(need, have) }}, {{ times_the(a, b) }} or {{ times_than(a, b) }} so it follows the numbers:\n"
        + "\n".join(map(str, offenders))
    )
