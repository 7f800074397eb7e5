"""A chart or table reads only what its reads: declares (generator/render/reads.py, with plan.guard_spec): a field
left out of reads: is refused in one line naming the figure, the field and the catalog line to add it at, in
`make check` (the layout check draws each chart with the guard) and in `make site` (the render worker), instead
of "ValueError: min() arg is an empty sequence" far away."""

from __future__ import annotations

import logging
import re

import pytest

from generator import cli
from generator.errors import BuildError
from generator.render.keys import cache_key
from generator.render.plan import figure_job, guard_spec
from generator.render.reads import GUARD_KEY, UndeclaredRead, guarded
from generator.render.registry import registry
from generator.site.assembly.build import build
from generator.util.project import BuildPaths
from tests.support import ROOT
from tests.tinyproject import CHART, make_tiny_project

SPEC = {
    "figure": "figures/charts/x.py",
    "file": "catalog.yaml",
    "line": 12,
    "sections": {"models": {"fields": ["name", "params"], "entries": {"b": None, "c": ["layers"]}}},
    "catalog_sections": ["models", "hardware"],
}
DATA = {
    "models": {"a": {"name": "A", "params": 1.0}, "b": {"name": "B", "layers": 2}, "c": {"name": "C", "layers": 3}},
    "show": {"models": ["a", "b", "c"]},
}


def test_declared_fields_read_as_usual_and_missing_ones_are_missing() -> None:
    data = guarded({**DATA, GUARD_KEY: SPEC})
    assert GUARD_KEY not in data and data["show"] == DATA["show"]
    a = data["models"]["a"]
    assert a["params"] == 1.0 and a.get("name") == "A" and "params" in a
    assert data["models"]["b"].get("params") is None and "params" not in data["models"]["b"]  # declared, absent
    assert data["models"]["b"]["layers"] == 2  # read whole: models.b
    assert data["models"]["c"]["layers"] == 3  # its own field: models.c.layers
    assert data.get("hardware") is None  # probing for a section is no read


@pytest.mark.parametrize("read", [
    lambda d: d["models"]["a"]["released"],
    lambda d: d["models"]["a"].get("released"),
    lambda d: "released" in d["models"]["a"],
    lambda d: min(m["released"] for m in d["models"].values() if m.get("released")),
])
def test_an_undeclared_field_is_one_line_naming_figure_field_and_catalog_line(read) -> None:
    with pytest.raises(UndeclaredRead) as info:
        read(guarded({**DATA, GUARD_KEY: SPEC}))
    assert str(info.value) == (
        "figures/charts/x.py reads models.a.released, which its reads: does not list: add 'models.*.released' to "
        "reads: in catalog.yaml (line 12)"
    )
    assert isinstance(info.value, BuildError)


def test_an_undeclared_section_is_refused() -> None:
    with pytest.raises(UndeclaredRead, match=r"reads hardware, which its reads: does not list: add 'hardware'"):
        guarded({**DATA, GUARD_KEY: SPEC})["hardware"]


def test_without_a_declaration_the_data_is_plain() -> None:
    data = guarded(DATA)
    assert data == DATA and type(data["models"]["a"]) is dict


def test_the_guard_is_passed_beside_the_slice_not_in_the_key(catalog) -> None:
    figs = registry(catalog)
    fig = next(f for f in figs.values() if f.kind == "chart" and any(".*." in r for r in f.reads))
    job = figure_job(fig, catalog, ROOT, "alt")
    assert job.guard == guard_spec(fig, catalog, ROOT) and GUARD_KEY not in job.data
    assert job.key == cache_key(fig, catalog, ROOT, alt="alt")
    line = catalog.marks[("figures", fig.id, "reads")][0]
    assert job.guard["line"] == line and job.guard["file"] == "catalog.yaml"
    fields = {r.partition(".*.")[2].split(".")[0] for r in fig.reads if r.startswith("models.*.")}
    assert set(job.guard["sections"]["models"]["fields"]) == fields


def _undeclared(tmp_path):
    """The tiny project with a field the chart reads taken out of its reads: (as an author forgets one)."""
    root = make_tiny_project(tmp_path / "p", figures=(CHART,))
    (root / "docs" / "index.md").write_text("# T\n\n{{ figure('%s') }}\n" % CHART, "utf-8")
    cat = root / "catalog.yaml"
    text, n = re.subn(r"\n    - models\.\*\.released\n", "\n", cat.read_text("utf-8"), count=1)
    assert n == 1
    cat.write_text(text, "utf-8")
    return root


def test_check_names_the_field_missing_from_reads(tmp_path, capsys) -> None:
    root = _undeclared(tmp_path)
    assert cli.main(["check", "--root", str(root)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert re.fullmatch(
        rf"error: figures/charts/{CHART}\.py reads models\.[\w.-]+\.released, which its reads: does not list: "
        r"add 'models\.\*\.released' to reads: in catalog\.yaml \(line \d+\)", err[0]), err


@pytest.mark.slow
def test_the_build_names_the_field_missing_from_reads(tmp_path, caplog) -> None:
    root = _undeclared(tmp_path)
    caplog.set_level(logging.INFO)
    with pytest.raises(BuildError) as info:
        build(BuildPaths(root=root), quality="draft")
    assert "add 'models.*.released' to reads: in catalog.yaml (line" in str(info.value)
    assert "min() arg" not in str(info.value)
    assert not any("Traceback" in r.getMessage() for r in caplog.records)
