"""The GitHub workflows are valid (vendored GitHub workflow schema, offline) and build with the Makefile."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_workflows_match_the_schema(tmp_path):
    assert len(WORKFLOWS) >= 2
    exe = Path(sys.executable).with_name("check-jsonschema")
    proc = subprocess.run([str(exe), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # The check must be able to fail: a workflow with a misspelt key is rejected.
    bad = tmp_path / "bad.yml"
    bad.write_text("name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n")
    proc = subprocess.run([str(exe), "--builtin-schema", "vendor.github-workflows", str(bad)],
                          capture_output=True, text=True)
    assert proc.returncode != 0


def _steps(name: str) -> list[dict]:
    doc = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())
    return [s for job in doc["jobs"].values() for s in job.get("steps", [])]


def test_pages_workflow_builds_with_make_and_deploys():
    steps = _steps("pages.yml")
    uses = [s.get("uses", "") for s in steps]
    runs = " ".join(s.get("run", "") for s in steps)
    assert "make site" in runs
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == ".cache" and "hashFiles(" in cache["with"]["key"]


def test_pr_workflow_runs_make_test():
    doc = yaml.safe_load((ROOT / ".github" / "workflows" / "test.yml").read_text())
    assert "pull_request" in doc[True]  # PyYAML reads the key 'on' as True
    assert "make test" in " ".join(s.get("run", "") for s in _steps("test.yml"))
