"""The render pool's workers die with the build that started them (issue 22, item 11): a build killed mid-render
(SIGKILL, no chance to clean up) leaves no render worker running beside the build that takes over its lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.tinyproject import CHART, make_tiny_project

pytestmark = pytest.mark.slow


def _workers_of(parent: int) -> list[int]:
    """Live processes whose parent is ``parent`` and that run generator.render.worker."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            cmd = (d / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == parent and b"generator.render.worker" in cmd:
            out.append(int(d.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended (its new parent may be slow to reap it)


def _wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_killed_build_leaves_no_render_worker(tmp_path):
    root = make_tiny_project(tmp_path / "p", figures=(CHART,))
    # A chart that hangs (at most two minutes, in case this test fails) and prints nothing: only the kernel can
    # tell its worker that the build is gone.
    (root / "figures" / "charts" / f"{CHART}.py").write_text(
        "import time\n\n\ndef draw(data, layout='wide'):\n    time.sleep(120)\n", "utf-8"
    )
    build = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--root", str(root), "--quality", "draft", "--jobs", "1"],
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    try:
        workers = _wait_for(lambda: _workers_of(build.pid), 120, "the chart's render worker to start")
        os.kill(build.pid, signal.SIGKILL)  # no handler runs: only the kernel can end the worker now
        build.wait()
        _wait_for(lambda: not any(_alive(w) for w in workers), 20, f"worker(s) {workers} to end with the build")
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
        for w in workers:  # only when the test failed: the hanging chart's worker
            if _alive(w):
                os.kill(w, signal.SIGKILL)
