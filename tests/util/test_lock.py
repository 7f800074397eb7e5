"""One build at a time (generator/util/lock.py): builds started together are serialised, --no-wait names the
holder, a waiting build says who holds the lock, a killed build's lock is taken over."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from generator.site.assembly.build import build
from generator.util.lock import build_lock, read_holder
from generator.util.project import BuildPaths
from tests.support import ROOT, build_cmd


@pytest.mark.slow
def test_two_builds_started_together_are_serialised(project):
    (project / "docs" / "index.md").write_text(
        (project / "docs" / "index.md").read_text("utf-8") + "\nA change.\n", "utf-8"
    )
    procs = [subprocess.Popen(build_cmd(project), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True) for _ in range(2)]
    outs = [p.communicate(timeout=600)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    waited = [o for o in outs if "waiting for pid" in o]
    assert len(waited) == 1, outs
    holder = [p.pid for p, o in zip(procs, outs, strict=True) if o not in waited][0]
    assert f"waiting for pid {holder} (" in waited[0]
    html = (project / "site" / "index.html").read_text("utf-8")
    assert "A change." in html and html.rstrip().endswith("</html>")
    assert not list(project.glob(".site.new-*")) and not (project / "site.old").exists()
    again = subprocess.run(build_cmd(project), cwd=ROOT, capture_output=True, text=True)
    said = again.stderr + again.stdout
    # Nothing changed: either the no-change path stops at once, or (when the last build's record was taken within
    # 2 s of a save, so it is not trusted: a fast machine) the full build finds nothing to do and skips MkDocs.
    assert again.returncode == 0 and ("mkdocs skipped" in said or "is up to date: nothing it is built from" in said)


def test_second_build_with_no_wait_names_the_holder(project):
    with build_lock(project / ".cache"):
        proc = subprocess.run(build_cmd(project, "--no-wait"), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error: ")]
    assert len(errors) == 1 and f"pid {os.getpid()}" in errors[0], proc.stderr


def test_waiting_build_says_who_holds_the_lock_and_then_runs(project):
    with build_lock(project / ".cache"):
        proc = subprocess.Popen(build_cmd(project), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True)
        assert proc.stdout is not None
        first = proc.stdout.readline()  # its first words: it waits (however slowly the machine starts it)
        assert f"waiting for pid {os.getpid()} (" in first, first
        time.sleep(1)
        assert proc.poll() is None  # still waiting
    out = proc.communicate(timeout=300)[0]
    assert proc.returncode == 0, out
    assert "built " in out


def test_stale_lock_of_a_killed_build_is_taken_over(project, caplog):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock = project / ".cache" / "build.lock"
    lock.write_text(json.dumps({"pid": dead.pid, "command": "python -m generator build", "since": 0}), "utf-8")
    caplog.set_level("INFO")
    build(BuildPaths(root=project), quality="draft", wait=False)
    assert f"took over the build lock left by pid {dead.pid}" in caplog.text
    assert read_holder(lock) == {}  # released
