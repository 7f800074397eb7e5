"""A checkout whose path holds quotes and apostrophes builds (every path reaches the tools as an argument, never
through a shell)."""

from __future__ import annotations

import subprocess

import pytest

from tests.support import ROOT, build_cmd
from tests.tinyproject import make_tiny_project


@pytest.mark.slow
def test_apostrophe_in_the_checkout_path(tmp_path):
    from tests.tinyproject import SCENE

    root = make_tiny_project(tmp_path / "it's a \"path\"" / "p", figures=(SCENE,))
    (root / "docs" / "index.md").write_text("# T\n\n{{ figure('%s') }}\n" % SCENE, "utf-8")
    proc = subprocess.run(build_cmd(root), cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (root / "site" / "figures" / f"{SCENE}.mp4").stat().st_size > 1000
