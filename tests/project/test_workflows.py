"""The GitHub workflows are valid (vendored GitHub workflow schema, offline) and build with the Makefile."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from tests.support import ROOT

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
    caches = [s for s in steps if s.get("uses", "").split("@")[0] in ("actions/cache", "actions/cache/restore")]
    figure_caches = [s for s in caches if s["with"]["path"] == ".cache"]
    assert figure_caches and all("hashFiles(" in s["with"]["key"] for s in figure_caches)


def _pages_jobs() -> dict:
    return yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text())["jobs"]


def _runs(job: dict) -> str:
    return "\n".join(s.get("run", "") for s in job["steps"])


def test_pages_workflow_is_a_render_farm():
    """plan -> render (a matrix over the plan, skipped when empty) -> site (--no-render) -> deploy."""
    doc = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text())
    jobs = doc["jobs"]
    flags = doc["env"]["FARM_FLAGS"]
    assert "--quality publish" in flags and "--media" in flags  # what `make site` and `make media` build by default

    plan = jobs["plan"]
    assert "generator plan $FARM_FLAGS" in _runs(plan)
    assert set(plan["outputs"]) == {"matrix", "count"}
    restore = next(s for s in plan["steps"] if s.get("uses", "").startswith("actions/cache/restore@"))
    assert restore["with"]["path"] == ".cache"  # the plan reads the figure cache; it does not save it

    render = jobs["render"]
    assert render["needs"] == "plan" and render["if"] == "needs.plan.outputs.count != '0'"
    assert render["strategy"]["matrix"]["include"] == "${{ fromJSON(needs.plan.outputs.matrix) }}"
    assert render["strategy"]["fail-fast"] is False
    cache = next(s for s in render["steps"] if s.get("uses", "").startswith("actions/cache@"))
    assert "${{ matrix.key }}" in cache["with"]["key"] and "${{ matrix.key }}" in cache["with"]["path"]
    upload = next(s for s in render["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == cache["with"]["path"] and "${{ matrix.key }}" in upload["with"]["name"]
    assert upload["with"]["if-no-files-found"] == "error"
    script = _runs(render)
    assert 'generator render "${{ matrix.entry }}" $FARM_FLAGS' in script
    assert 'generator pack "${{ matrix.entry }}" $FARM_FLAGS' in script

    site = jobs["site"]
    assert set(site["needs"]) == {"plan", "render"} and "!failure()" in site["if"]  # runs when render is skipped
    download = next(s for s in site["steps"] if s.get("uses", "").startswith("actions/download-artifact@"))
    assert download["with"]["pattern"].rstrip("*") == upload["with"]["name"].split("$")[0]
    script = _runs(site)
    assert "generator unpack" in script
    assert "make site SITE_ARGS=--no-render" in script and "--no-render" in script.split("make media", 1)[1]
    assert jobs["deploy"]["needs"] == "site"


def test_pages_workflow_can_publish_either_builder():
    """A manual run's `builder` input, else the repository variable SITE_BUILDER, else mkdocs, reaches make site."""
    from generator.site.assembly.builders import BUILDERS, DEFAULT_BUILDER

    doc = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text())
    builder = doc[True]["workflow_dispatch"]["inputs"]["builder"]  # PyYAML reads the key 'on' as True
    assert builder["required"] is False and builder["default"] == ""
    assert all(name in builder["description"] for name in BUILDERS)
    build = next(s for s in _pages_jobs()["site"]["steps"] if "make site" in s.get("run", ""))
    assert build["env"]["BUILDER"] == f"${{{{ inputs.builder || vars.SITE_BUILDER || '{DEFAULT_BUILDER}' }}}}"
    assert 'BUILDER="$BUILDER"' in build["run"]


def test_the_matrix_reads_only_what_the_plan_gives(tmp_path):
    """Every ``matrix.X`` the workflow uses is a field of the plan's rows (here: the real catalog, empty cache)."""
    import json
    import re

    text = (ROOT / ".github" / "workflows" / "pages.yml").read_text()
    used = set(re.findall(r"matrix\.([A-Za-z_]+)", text))
    proc = subprocess.run([sys.executable, "-m", "generator", "plan", "--quality", "draft", "--cache",
                           str(tmp_path / "empty")], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert rows and used and all(used <= set(r) for r in rows)
    assert len(rows) <= 256  # GitHub's matrix limit per workflow run


def test_pr_workflow_runs_make_test():
    doc = yaml.safe_load((ROOT / ".github" / "workflows" / "test.yml").read_text())
    assert "pull_request" in doc[True]  # PyYAML reads the key 'on' as True
    assert "make test" in " ".join(s.get("run", "") for s in _steps("test.yml"))
