"""`make check` (generator/site/assembly/check.py): derive over every model, every alt text and every page without
renders; what derive needs, the schema requires."""

from __future__ import annotations

import re

import pytest

from generator import cli
from generator.errors import CatalogError
from generator.site.assembly.check import MODEL_FUNCTIONS, check_project
from tests.support import GOOD, ROOT, line_of, one_error_line, run_cli


def test_model_without_ffn_fails_check(tmp_path, capsys):
    text = GOOD.replace("    ffn: 3072\n", "", 1)
    assert text != GOOD
    p = tmp_path / "catalog.yaml"
    p.write_text(text, "utf-8")
    rc, lines = run_cli(capsys, "check", "--catalog", str(p))
    msg = one_error_line(lines)
    assert rc == 2
    assert msg.startswith(f"error: {p}:{line_of(text, '  gpt-1:')}:"), msg
    assert "models.gpt-1.ffn" in msg


def test_check_runs_derive_over_every_model(catalog, monkeypatch):
    monkeypatch.setitem(MODEL_FUNCTIONS, "needs_more", lambda m: m["rotary_base"])
    with pytest.raises(CatalogError) as info:
        check_project(ROOT)
    assert "models.gpt-1.rotary_base" in str(info.value) and "derive.needs_more" in str(info.value)
    assert info.value.line == catalog.marks[("models", "gpt-1")][0]


@pytest.mark.parametrize(
    "page,found",
    [
        ("Text {{ cite('no-such-paper') }}.\n", "no-such-paper"),
        ("{{ figure('no_such_figure') }}\n", "no_such_figure"),
        ("{{ fact('no-such-fact') }}\n", "no-such-fact"),
        ("{{ m['gpt-1'].no_field }}\n", "no_field"),
        ("{% include 'missing.md' %}\n", "missing.md"),
        ("{% include '../catalog.yaml' %}\n", "../catalog.yaml"),
        ("Value `{{ num(1) }}` in a code span.\n", "code span"),
        ("[paper]({{ refs['dao-2022'].url }})\n", "url filter"),
        ("[paper]({{ 'javascript:alert(1)' | url }})\n", "not a relative path"),
    ],
)
def test_check_renders_the_pages(project, page, found, capsys):
    (project / "docs" / "index.md").write_text("# Page\n\n" + page, "utf-8")
    rc, lines = run_cli(capsys, "check", "--root", str(project))
    msg = one_error_line(lines)
    assert rc == 1 and msg.startswith(f"error: {project / 'docs' / 'index.md'}:3"), msg
    assert found in msg


def test_check_passes_on_the_repository(capsys):
    assert cli.main(["check"]) == 0
    out = capsys.readouterr().out
    assert re.search(
        r"OK \(.*; \d+ derived values and \d+ pages rendered without figures; \d+ figure layouts checked\)", out
    ), out


def _dated(tmp_path, fact_id: str, stamp: str):
    """The repository's catalog with one fact's as_of moved to ``stamp``, written to tmp_path."""
    start = GOOD.index(f"\n  {fact_id}:\n")
    end = GOOD.index("as_of:", start)
    line_end = GOOD.index("\n", end)
    text = GOOD[:end] + f"as_of: '{stamp}'" + GOOD[line_end:]
    p = tmp_path / "catalog.yaml"
    p.write_text(text, "utf-8")
    return p, text


def test_stale_claims_lists_an_old_as_of(tmp_path):
    from datetime import date

    from generator.catalog.model import load_catalog
    from generator.site.assembly.check import stale_claims

    p, text = _dated(tmp_path, "largest-laptop-discrete-gpu-memory", "2024-11")
    stale = stale_claims(load_catalog(p), date(2026, 12, 6))
    assert len(stale) == 1, stale
    line = line_of(text, "as_of: '2024-11'")
    assert stale[0].startswith(f"{p}:{line}: facts.largest-laptop-discrete-gpu-memory: as of 2024-11 (25 months ago)")
    # The repository's own claims: fresh today, listed once they are more than twelve whole months old.
    cat = load_catalog(ROOT / "catalog.yaml")
    dated = [k for k, f in cat.data["facts"].items() if f.get("as_of")]
    assert dated and stale_claims(cat, date(2026, 12, 6)) == []
    assert stale_claims(cat, date(2027, 12, 6)) == [], "exactly twelve months is not more than twelve"
    assert all(cat.data["facts"][k]["as_of"] <= "2026-12-06" for k in dated)
    assert len(stale_claims(cat, date(2028, 1, 7))) == len(dated)


def test_strict_check_fails_on_a_stale_claim(tmp_path, capsys):
    p, _ = _dated(tmp_path, "largest-accelerator-memory", "2023-06-01")
    rc, lines = run_cli(capsys, "check", "--catalog", str(p), "--strict")
    assert rc == 1
    assert any(ln.startswith("warning: ") and "facts.largest-accelerator-memory: as of 2023-06-01" in ln for ln in lines)
    assert any(ln.startswith("error: 1 dated claim") for ln in lines), lines
