"""The one stale-work pool: every render the site or the media kit needs, each in its own worker process, run in
parallel, committed to the cache one by one as they succeed.

A render whose cache entry is fresh (same key, outputs intact) is not run. The others start heaviest first (scenes
by pixels per second, then charts and tables) so the pool stays busy. A failed render keeps the previous outputs
and is reported with the tail of its log; the rest still run and commit.

Progress: on a terminal, a live display (rich) with renders done out of total and, for each scene being drawn, its
frames and an estimate of the time left (from the frame count of that render's previous version, when the cache
has one). Elsewhere (CI, a pipe), one line per render when it starts and when it ends.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from generator.catalog.model import canonical_json
from generator.errors import BuildError
from generator.render.cache import FigureCache
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


def _previous_frames(cache: FigureCache, job: Job) -> int | None:
    """Frames of this entry's last render (for the time estimate), if the cache still has its metadata."""
    if job.spec is None:
        return None
    meta = cache.out_dir(job.entry) / f"{job.fig_id}.{job.spec.variant}.json"
    try:
        return int(json.loads(meta.read_text("utf-8"))["frames"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


class _Display:
    """Progress for people: rich's live display on a terminal, plain log lines otherwise."""

    def __init__(self, total: int, done: int, live: bool) -> None:
        self.total, self.done, self.live = total, done, live
        self.lock = threading.Lock()  # renders end in the pool's threads
        self.progress: Any = None
        if live:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            # Log lines go through the live display's console, above the bars (not through a stale stderr).
            self.progress = Progress(
                TextColumn("{task.description:<44}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                transient=True,
                console=Console(stderr=True),
            )
            self.progress.start()
            self.overall = self.progress.add_task("renders", total=total, completed=done)

    def start(self, job: Job, expected: int | None) -> Any:
        if not self.live:
            log.info("[%2s/%d] %-40s rendering (%s)...", "..", self.total, job.entry, job.kind)
            return None
        return self.progress.add_task(f"  {job.entry}", total=expected)

    def frames(self, task: Any, n: int) -> None:
        if task is not None:
            self.progress.update(task, completed=n)

    def end(self, task: Any, job: Job, secs: float, ok: bool) -> None:
        with self.lock:
            self.done += 1
            done = self.done
        if task is not None:
            self.progress.remove_task(task)
            self.progress.advance(self.overall)
        line = "[%2d/%d] %-40s rendered in %.1fs" if ok else "[%2d/%d] %-40s FAILED after %.1fs"
        if self.live:
            self.progress.console.print(line % (done, self.total, job.entry, secs), highlight=False)
        else:
            (log.info if ok else log.error)(line, done, self.total, job.entry, secs)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _run(
    job: Job, cache: FigureCache, root: Path, env: dict[str, str], display: _Display, expected: int | None
) -> tuple[Job, float, bool, str, Path]:
    work = cache.new_work_dir(job.entry)
    (work / "data.json").write_text(canonical_json(job.data), "utf-8")
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
    task = display.start(job, expected)
    t0 = time.perf_counter()
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
        code = proc.wait()
    secs = time.perf_counter() - t0
    out = work / "out"
    ok = code == 0 and out.is_dir() and any(out.iterdir())
    display.end(task, job, secs, ok)
    if ok:
        tail = ""
    elif refusal:  # the worker's one-line refusal (a LayoutError...): no traceback to show
        tail = "@error " + refusal
    else:
        tail = "\n".join((work / "log.txt").read_text("utf-8", "replace").strip().splitlines()[-15:])
    return job, secs, ok, tail, out


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
    display = _Display(len(jobs), len(report.cached), live=sys.stderr.isatty() and not os.environ.get("CI"))
    failures: list[str] = []
    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = [pool.submit(_run, j, cache, root, env, display, _previous_frames(cache, j)) for j in stale]
            for fut in as_completed(futures):
                job, secs, ok, tail, out = fut.result()
                if not ok:
                    if tail and not tail.startswith("@error "):
                        log.error("%s", tail)
                    last = tail.splitlines()[-1].removeprefix("@error ") if tail else "no output"
                    failures.append(f"{job.entry} ({job.source}): {last}")
                else:
                    cache.commit(job.entry, job.key, out)
                    report.rendered.append(job.entry)
                    report.seconds[job.entry] = round(secs, 1)
                shutil.rmtree(out.parent, ignore_errors=True)
    finally:
        display.close()
    if failures:
        raise BuildError("renders failed (previous outputs kept):\n  " + "\n  ".join(failures))
    return report
