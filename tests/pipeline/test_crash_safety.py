"""A build killed at a random point (while a figure renders, while MkDocs runs, while files are swapped) leaves the
previous site/ and the cache valid, and the next build completes."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import time

import pytest

from tests.support import ROOT, build_cmd, run_build
from tests.tinyproject import CHART, SCENE, copy_project, tree_digest


def _rendered(output: str) -> list[str]:
    return re.findall(r"\]\s+(\S+)\s+rendered in", output)


@pytest.mark.slow
def test_killed_builds_leave_site_and_cache_valid(tmp_path, tiny_build):
    seed = int(os.environ.get("RTS_CRASH_SEED", time.time_ns() % 10_000))
    rng = random.Random(seed)
    root = copy_project(tiny_build[0], tmp_path / "p")  # the session's tiny build: its site and cache are the start
    first = run_build(root)
    assert first.returncode == 0, first.stderr
    site = root / "site"
    catalog = root / "catalog.yaml"
    page = root / "docs" / "index.md"
    base_catalog = catalog.read_text("utf-8")
    base_page = page.read_text("utf-8")
    # (what to change, how long to let the build run before SIGKILL): early, mid-render, around MkDocs and the swap.
    plans = [("chart", rng.uniform(0.05, 0.6)), ("scene", rng.uniform(1.0, 6.0)), ("page", rng.uniform(0.3, 2.5)),
             ("chart", rng.uniform(0.8, 3.0))]
    for i, (what, delay) in enumerate(plans, 1):
        before = tree_digest(site)
        if what == "chart":
            catalog.write_text(base_catalog.replace("    params: 117.0e6\n", f"    params: {117 + i}.0e6\n", 1))
        elif what == "scene":
            catalog.write_text(base_catalog.replace("    training_tokens: 300.0e9\n",
                                                    f"    training_tokens: {300 + i}.0e9\n", 1))
        else:
            page.write_text(base_page + f"\nEdit number {{{{ num({i}) }}}}.\n", "utf-8")
        proc = subprocess.Popen(build_cmd(root), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                start_new_session=True)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        msg = f"seed {seed}, kill {i} ({what}, after {delay:.2f}s)"
        # The site is the previous complete one, or (if the kill came after the swap) the new complete one.
        mid = tree_digest(site) if site.exists() else None
        json.loads((root / ".cache" / "manifest.json").read_text("utf-8"))  # the manifest always parses
        done = run_build(root)
        assert done.returncode == 0, f"{msg}: {done.stderr}"
        after = tree_digest(site)
        after_html = (site / "index.html").read_text("utf-8")
        if mid is not None and mid not in (before, after):
            def diff(a: dict, b: dict) -> list[str]:
                return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            pytest.fail(f"{msg}: site after the kill is neither the previous nor the next complete site; "
                        f"differs from previous in {diff(mid, before)}, from next in {diff(mid, after)}; "
                        f"killed build printed: {proc.stdout.read().decode(errors='replace')[-2000:] if proc.stdout else ''}")
        assert (site / "index.html").read_text("utf-8").rstrip().endswith("</html>"), msg
        # The cache is consistent: another build renders nothing.
        again = run_build(root)
        assert again.returncode == 0 and _rendered(again.stderr + again.stdout) == [], msg
        if tree_digest(site) != after:
            import difflib

            now_html = (site / "index.html").read_text("utf-8")
            delta = "\n".join(list(difflib.unified_diff(after_html.splitlines(), now_html.splitlines(), lineterm=""))[:40])
            pytest.fail(f"{msg}: a no-change rebuild changed the site.\nbuild output: {again.stderr[-1500:]}\n{delta}")
    from generator.render.plan import scene_entry
    from generator.render.specs import site_spec
    entries = {CHART, scene_entry(SCENE, site_spec("draft"))}  # a scene's entry is its render: <id>.<spec label>
    assert entries <= set(json.loads((root / ".cache" / "manifest.json").read_text())["figures"])
