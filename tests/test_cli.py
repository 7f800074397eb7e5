"""The command line (generator/cli.py): a bad catalog exits 2 with one line and changes nothing; a page's mistake is
one line (--verbose adds where it was raised), a bug of ours prints its traceback."""

from __future__ import annotations

import subprocess
import sys

from tests.support import CATALOG, ROOT, line_of, mutate, one_error_line, run_cli


def test_cli_rejects_and_changes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(mutate("    layers: 96\n", "    layers: -1\n"), "utf-8")
    site = tmp_path / "site"
    cache = tmp_path / "cache"
    (site / "sub").mkdir(parents=True)
    (site / "index.html").write_text("previous site")
    cache.mkdir()
    (cache / "manifest.json").write_text('{"figures": {}}')
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    proc = subprocess.run([sys.executable, "-m", "generator", "build", "--catalog", str(bad), "--site", str(site),
                           "--cache", str(cache), "--quality", "draft"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2
    assert f"{bad}:{line_of(bad.read_text(), 'layers: -1')}:" in proc.stderr
    assert "models.gpt-3-175b.layers" in proc.stderr
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert before == after


def _page(project, line: str) -> None:
    (project / "docs" / "index.md").write_text(f"---\ntitle: T\n---\n# T\n\n{line}\n", "utf-8")


def test_a_page_mistake_is_one_line_and_verbose_shows_where(project, capsys):
    _page(project, "{{ num(m['%s'].layers / 0) }}" % _layered())
    rc, lines = run_cli(capsys, "check", "--root", str(project))
    assert rc == 1 and "index.md:6:" in one_error_line(lines) and "division by zero" in lines[-1]
    rc, lines = run_cli(capsys, "--verbose", "check", "--root", str(project))
    assert rc == 1 and lines[0].startswith("Traceback") and lines[-1].startswith("error: ")


def test_a_bug_of_ours_prints_its_traceback(project, capsys, monkeypatch):
    from generator.site.article import provenance

    def broken(node):
        raise KeyError("owner")

    monkeypatch.setattr(provenance, "formula", broken)
    _page(project, "{{ num(m['%s'].layers * 2) }}" % _layered())
    rc, lines = run_cli(capsys, "check", "--root", str(project))
    assert rc == 1 and lines[0].startswith("Traceback") and any("in broken" in ln for ln in lines)
    assert lines[-1].startswith("error: ") and "index.md:6:" in lines[-1] and "bug in generator/" in lines[-1]


def _layered() -> str:
    return next(k for k, m in CATALOG.models.items() if "layers" in m)
