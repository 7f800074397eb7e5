"""The command line (generator/cli.py): a bad catalog exits 2 with one line and changes nothing."""

from __future__ import annotations

import subprocess
import sys

from tests.support import ROOT, line_of, mutate


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
