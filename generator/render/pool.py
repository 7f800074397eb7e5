"""The one stale-work pool: every render the site or the media kit needs, each in its own worker process, run in
parallel, committed to the cache one by one as they succeed.

A render whose cache entry is fresh (same key, outputs intact) is not run. The others start heaviest first (scenes
by pixels per second, then charts and tables) so the pool stays busy. A failed render keeps the previous outputs
and is reported with the tail of its log; the rest still run and commit.

Progress (generator/render/progress.py): on a terminal, a live display (rich) with renders done out of total and,
for each scene being drawn, its frames out of the frames it will have (its length times the frame rate) with the
time left. Elsewhere (CI, a pipe), a line per render as it starts and ends, and a scene's frames every tenth.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from generator.catalog.model import canonical_json
from generator.errors import BuildError
from generator.render.cache import FigureCache
from generator.render.progress import Display, Timelines, expected_frames, recorded_seconds, remember_length
from generator.render.reads import GUARD_KEY
from generator.render.specs import RenderSpec
from generator.render.worker import PARENT_ENV

log = logging.getLogger("render")


@dataclass
class Job:
    """One render: a chart or table (entry = id) or one scene render (entry = ``<id>.<spec label>``)."""

    entry: str
    key: str
    kind: str
    fig_id: str
    source: str  # the figure's file, for messages
    data: dict[str, Any]
    title: str = ""
    alt: str = ""
    spec: RenderSpec | None = None
    guard: dict[str, Any] | None = None  # what a chart or table declared it reads (render/reads.py; not in the key)
    timeline: str = ""  # a scene's key without its spec (render/keys.py timeline_key): its length is recorded under it

    @property
    def weight(self) -> float:
        if self.spec is not None:
            return -float(self.spec.width * self.spec.height * self.spec.fps)
        return 0.0


@dataclass
class PoolReport:
    rendered: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def _expected(job: Job, cache: FigureCache) -> int | None:
    if job.spec is None:
        return None
    return expected_frames(cache, job.timeline, job.spec.fps)


def _run(
    job: Job, cache: FigureCache, root: Path, env: dict[str, str], display: Display, timelines: Timelines
) -> tuple[Job, float, bool, str, Path]:
    work = cache.new_work_dir(job.entry)
    data = {**job.data, GUARD_KEY: job.guard} if job.guard else job.data
    (work / "data.json").write_text(canonical_json(data), "utf-8")
    spec = asdict(job.spec) if job.spec is not None else None
    job_file = work / "job.json"
    job_file.write_text(
        json.dumps(
            {
                "kind": job.kind,
                "id": job.fig_id,
                "data": str(work / "data.json"),
                "out": str(work / "out"),
                "work": str(work),
                "title": job.title,
                "alt": job.alt,
                "spec": spec,
            }
        ),
        "utf-8",
    )
    expected = _expected(job, cache)
    task = display.start(job.entry, job.kind, expected)
    if expected is None and job.spec is not None:  # the scene's length, from one dry run of it
        timelines.subscribe(job.fig_id, work / "data.json", job.spec.fps, task)
    t0 = time.perf_counter()
    code, refusal = _worker(job_file, work, root, env, display, task)
    secs = time.perf_counter() - t0
    out = work / "out"
    ok = code == 0 and out.is_dir() and any(out.iterdir())
    display.end(task, job.entry, secs, ok)
    if ok:
        tail = ""
    elif refusal:  # the worker's one-line refusal (a LayoutError...): no traceback to show
        tail = "@error " + refusal
    else:
        tail = "\n".join((work / "log.txt").read_text("utf-8", "replace").strip().splitlines()[-15:])
    return job, secs, ok, tail, out


def _worker(
    job_file: Path, work: Path, root: Path, env: dict[str, str], display: Display, task: Any
) -> tuple[int, str]:
    """Run the render worker on ``job_file``; its exit status and its one-line refusal, if it printed one."""
    with open(work / "log.txt", "w", encoding="utf-8") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator.render.worker", str(job_file)],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
        assert proc.stdout is not None
        refusal = ""
        for line in proc.stdout:
            if line.startswith("@frames "):
                display.frames(task, int(line.split()[1]))
            elif line.startswith("@error "):
                refusal = line[len("@error ") :].strip()
        return proc.wait(), refusal


def heaviest_first(jobs: list[Job]) -> list[Job]:
    """Scenes by pixels per second, then charts and tables: the order the pool (and a render farm's matrix, which
    starts its jobs in order) should start them in, so the longest render is not the last to begin."""
    return sorted(jobs, key=lambda j: (j.weight, j.kind != "scene", j.entry))


def render_stale(
    jobs: list[Job], cache: FigureCache, root: Path, workers: int | None = None, no_render: bool = False
) -> PoolReport:
    """Render every job whose cache entry is not fresh, ``workers`` at a time (default: one per CPU; each x264
    encoder uses two threads, fixed for reproducible bytes); commit each success to ``cache``.
    Raises BuildError listing every failure (after the others have finished and been committed).
    With ``no_render`` nothing renders: BuildError listing every entry that is neither fresh nor recalled
    from the cache's earlier versions, before the build writes anything."""
    workers = workers or os.cpu_count() or 2
    report = PoolReport()
    # An entry whose current render is stale may have the wanted one among its earlier versions (a value changed
    # and changed back): recalled by renames, no render.
    stale = [j for j in jobs if not (cache.is_fresh(j.entry, j.key) or cache.recall(j.entry, j.key))]
    if no_render and stale:
        lines = [
            f"{j.entry} ({j.source}): {cache.status(j.entry, j.key)}" for j in sorted(stale, key=lambda j: j.entry)
        ]
        raise BuildError(
            f"--no-render: {len(stale)} of {len(jobs)} renders are missing or stale in {cache.root} (render them "
            "with `python -m generator render ENTRY...`, or unpack them, or build without --no-render):\n  "
            + "\n  ".join(lines)
        )
    stale_entries = {j.entry for j in stale}
    for j in jobs:
        if j.entry not in stale_entries:
            report.cached.append(j.entry)
            log.info("[%2d/%d] %-40s cached", len(report.cached), len(jobs), j.entry)
    if not stale:
        return report
    stale = heaviest_first(stale)
    # Each worker dies with this process (generator/render/worker.py, die_with_parent): a killed build leaves none.
    env = dict(os.environ, PYTHONHASHSEED="0", **{PARENT_ENV: str(os.getpid())})
    env.setdefault("MPLBACKEND", "Agg")
    display = Display(len(jobs), len(report.cached), live=sys.stderr.isatty() and not os.environ.get("CI"))
    failures: list[str] = []
    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            timelines = Timelines(display, root, env)
            futures = [pool.submit(_run, j, cache, root, env, display, timelines) for j in stale]
            for fut in as_completed(futures):
                job, secs, ok, tail, out = fut.result()
                if not ok:
                    if tail and not tail.startswith("@error "):
                        log.error("%s", tail)
                    last = tail.splitlines()[-1].removeprefix("@error ") if tail else "no output"
                    failures.append(f"{job.entry} ({job.source}): {last}")
                else:
                    if job.spec is not None:  # the scene's length, for the next render's progress
                        meta = out / f"{job.fig_id}.{job.spec.variant}.json"
                        remember_length(cache, job.timeline, recorded_seconds(meta))
                    cache.commit(job.entry, job.key, out)
                    report.rendered.append(job.entry)
                    report.seconds[job.entry] = round(secs, 1)
                shutil.rmtree(out.parent, ignore_errors=True)
    finally:
        display.close()
    if failures:
        raise BuildError("renders failed (previous outputs kept):\n  " + "\n  ".join(failures))
    return report
