"""The packages' imports follow the layout (ARCHITECTURE.md, "The package"): the media kit, the render plan and the
render farm import nothing from the site, whose three rooms need no lazy import to dodge a cycle."""

from __future__ import annotations

import ast

import pytest

from generator.render.keys import project_files
from tests.support import ROOT

SITE = ROOT / "generator" / "site"


def _reached(start: str) -> list[str]:
    """Every project file ``start`` imports, directly or not (lazy imports in functions included)."""
    return [p.relative_to(ROOT).as_posix() for p in project_files([ROOT / start], (ROOT,))]


@pytest.mark.parametrize("start", [
    *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "generator" / "media").glob("*.py")),
    "generator/render/plan.py", "generator/farm.py", "generator/catalog/text.py",
])
def test_the_kit_and_the_farm_import_nothing_from_the_site(start):
    assert [f for f in _reached(start) if f.startswith("generator/site/")] == []


def test_the_follower_sees_the_site_where_it_is_imported():
    """The check above could pass by not following imports at all: the build reaches all three rooms."""
    rooms = {f.split("/")[2] for f in _reached("generator/site/assembly/build.py") if f.startswith("generator/site/")}
    assert {"article", "extras", "assembly"} <= rooms


@pytest.mark.parametrize("path", sorted(p.relative_to(ROOT).as_posix() for p in SITE.glob("article/*.py")))
def test_the_article_imports_at_the_top(path):
    """No function of the article's modules imports a generator module: there is no cycle left to dodge."""
    tree = ast.parse((ROOT / path).read_text("utf-8"))
    lazy = [
        f"{path}:{node.lineno}"
        for fn in ast.walk(tree) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
        for node in ast.walk(fn)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator")
    ]
    assert lazy == []


@pytest.mark.parametrize("room, below", [("article", ("extras", "assembly")), ("extras", ("assembly",))])
def test_a_room_imports_only_the_rooms_above_it(room, below):
    """article <- extras <- assembly: the article's templating knows nothing of what is published beside it or of
    the build that assembles it."""
    reached = {f for p in sorted(SITE.glob(f"{room}/*.py")) for f in _reached(p.relative_to(ROOT).as_posix())}
    assert sorted(f for f in reached if f.split("/")[2:3] and f.split("/")[2] in below) == []


#: What a module of figures/ may import from the pipeline: the numbers (derive, format, errors), which models a
#: figure shows (catalog.selection, with its empty package file) and the escapers (escape.py, for a table's HTML).
#: Never the render, the site, the media kit or the catalog's loader: figures sit below all of them, and what they
#: import is in every render's cache key.
FIGURES_MAY_REACH = {"generator/__init__.py", "generator/derive.py", "generator/format.py", "generator/errors.py",
                     "generator/catalog/__init__.py", "generator/catalog/selection.py", "generator/escape.py"}


@pytest.mark.parametrize("start", sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "figures").rglob("*.py")))
def test_figures_reach_nothing_above_them(start):
    reached = {f for f in _reached(start) if f.startswith("generator/")}
    assert reached <= FIGURES_MAY_REACH, sorted(reached - FIGURES_MAY_REACH)
