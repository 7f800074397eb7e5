"""pyproject.toml's package metadata: the licence as an SPDX expression (PEP 639), with no setuptools deprecation
warning, and the CC BY 4.0 of the article's text, figures and media still said."""

from __future__ import annotations

import subprocess
import sys


def test_metadata_builds_without_a_warning_and_names_both_licences(tmp_path, root):
    proc = subprocess.run(
        [sys.executable, "-W", "always", "-c",
         "import sys, setuptools.build_meta as b; print(b.prepare_metadata_for_build_wheel(sys.argv[1]))",
         str(tmp_path)],
        cwd=root, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Warning" not in proc.stderr and "deprecated" not in proc.stderr.lower(), proc.stderr
    meta = (tmp_path / proc.stdout.strip().splitlines()[-1] / "METADATA").read_text("utf-8")
    assert "License-Expression: MIT\n" in meta and "License-File: LICENSE\n" in meta
    assert "CC BY 4.0" in meta, "the media licence is in the metadata's summary"
    assert "CC BY 4.0" in (root / "LICENSE").read_text("utf-8") and "CC BY 4.0" in (root / "README.md").read_text(
        "utf-8")
