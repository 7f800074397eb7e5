"""The Makefile passes paths with spaces through to the command line (CATALOG=, PREFIX=)."""

from __future__ import annotations

import shutil
import subprocess

from tests.support import ROOT


def test_catalog_path_with_spaces_in_the_makefile(tmp_path):
    folder = tmp_path / "my catalogs"
    folder.mkdir()
    shutil.copyfile(ROOT / "catalog.yaml", folder / "the catalog.yaml")
    proc = subprocess.run(["make", "-s", "check", f"CATALOG={folder / 'the catalog.yaml'}"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "the catalog.yaml: OK" in proc.stdout
    dry = subprocess.run(["make", "-n", "site", "serve", f"CATALOG={folder / 'x y.yaml'}", "PREFIX=/a b/"],
                         cwd=ROOT, capture_output=True, text=True)
    assert dry.stdout.count(f'--catalog "{folder / "x y.yaml"}"') == 2 and '--prefix "/a b/"' in dry.stdout
