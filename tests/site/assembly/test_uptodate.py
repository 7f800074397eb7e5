"""The no-change path (generator/site/assembly/uptodate.py): `python -m generator build` with nothing changed since
the last build says so without importing the pipeline, and any real change (a page, the catalog, a touched site
file, a damaged cache file, another $SITE_URL or flag) still builds. Run as the user runs it: a new process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.site.assembly import uptodate
from generator.util.project import BuildPaths

pytestmark = pytest.mark.slow
UP_TO_DATE = "is up to date: nothing it is built from changed"


def _age(root: Path, seconds: float = 30.0) -> None:
    """Date the project's sources back, as if they had been saved a while ago (a record taken just after a save is
    not trusted: see MTIME_SLACK_NS); the build's outputs (site/, .cache/, build/) keep their times."""
    past = time.time() - seconds
    for p in root.rglob("*"):
        if p.is_file() and not p.is_symlink() and p.relative_to(root).parts[0] not in ("site", ".cache", "build"):
            os.utime(p, (past, past))


def _build(root: Path, *flags: str, env: dict[str, str] | None = None, imports: bool = False) -> str:
    cmd = [sys.executable, *(["-X", "importtime"] if imports else []), "-m", "generator", "build", "--root",
           str(root), "--quality", "draft", *flags]
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stderr + proc.stdout


def _rebuilt(root: Path, *flags: str, env: dict[str, str] | None = None) -> str:
    """After a change: the next build is a real one, and the one after it has nothing to do."""
    _age(root)
    out = _build(root, *flags, env=env)
    assert UP_TO_DATE not in out, out[-2000:]
    assert UP_TO_DATE in _build(root, *flags, env=env), "and then it is up to date"
    return out


def test_nothing_changed_builds_nothing_and_imports_nothing_heavy(project):
    _age(project)
    _build(project)  # records this checkout's inputs (the copy's paths differ from the original's)
    out = _build(project, imports=True)
    assert UP_TO_DATE in out
    imported = {line.split("|")[-1].strip() for line in out.splitlines() if line.startswith("import time:")}
    assert "generator.site.assembly.uptodate" in imported
    heavy = {"generator.site.assembly.build", "matplotlib", "jinja2", "jsonschema", "generator.catalog.model"}
    assert not heavy & imported, sorted(heavy & imported)


def test_every_kind_of_change_still_builds(project):
    _age(project)
    _build(project)
    page = project / "docs" / "index.md"
    page.write_text(page.read_text("utf-8") + "\nA new sentence.\n", "utf-8")
    _rebuilt(project)
    assert "A new sentence." in (project / "site" / "index.html").read_text("utf-8")

    index = project / "site" / "index.html"
    index.write_text(index.read_text("utf-8") + "<!-- touched -->", "utf-8")
    _rebuilt(project)
    assert "<!-- touched -->" not in index.read_text("utf-8"), "a touched site file is built again"

    svg = next((project / ".cache").rglob("*.svg"))
    svg.write_bytes(b"<svg/>")
    assert "1 rendered" in _rebuilt(project), "a damaged cache file is rendered again"

    catalog = project / "catalog.yaml"
    catalog.write_text(catalog.read_text("utf-8").replace("layers: 12", "layers: 13", 1), "utf-8")
    _rebuilt(project)
    _rebuilt(project, env={"SITE_URL": "https://example.org/tiny/"})
    _rebuilt(project, "--no-render")


def test_a_record_taken_just_after_a_save_is_not_trusted(project):
    _age(project)
    _build(project)
    paths = BuildPaths(root=project)
    assert paths.cache is not None
    record = paths.cache / uptodate.RECORD
    doc = json.loads(record.read_text("utf-8"))
    assert uptodate.site_up_to_date(paths, "draft", False, "mkdocs") is not None
    assert uptodate.site_up_to_date(paths, "draft", False, "zensical") is None, "another builder, another site"
    doc["newest_ns"] = doc["taken_ns"] - uptodate.MTIME_SLACK_NS + 1  # saved in the last tick before it
    record.write_text(json.dumps(doc), "utf-8")
    assert uptodate.site_up_to_date(paths, "draft", False, "mkdocs") is None
    assert uptodate.site_up_to_date(paths, "publish", False, "mkdocs") is None
