"""The render pool's progress (generator/render/pool.py): what a person watching a build sees.

On a terminal, a live display (rich): renders done out of the total with the time left, and for each scene being
drawn its frames out of the frames it will have, with the time left. Elsewhere (CI, a pipe, a log file), plain
lines: each render as it starts (``[ 8/13] the_wall.landscape-1920x1080-60 rendering (scene, 2,505 frames)...``, the
count being the renders started so far), a scene's frames every tenth of the way with the time left, and each
render as it ends (the count being the renders done).

A scene's frame count is its length times the render's frame rate, and every render of one scene shares one
timeline (the landscape and portrait renders record the same cues at the same times). ``expected_frames`` reads
the length recorded for the scene's timeline key (its cache key without the render spec: the same for every frame
and quality) by an earlier render of this version of the scene or by `make check`'s dry run of it
(.cache/timelines/<key>.json); with none, ``Timelines`` plays
the scene once (``timeline_seconds``: without drawing its frames, generator/render/layout_check.py, seconds) while
its renders start, and the display learns their totals when that ends.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from generator.render.cache import FigureCache
from generator.util.fs import atomic_write

log = logging.getLogger("render")


def _timeline_file(cache: FigureCache, timeline: str) -> Path:
    return cache.root / "timelines" / f"{timeline}.json"


def recorded_seconds(path: Path) -> float | None:
    """A length in seconds from a JSON file's "duration" (a render's metadata, a timeline record); None if the file
    is missing or unreadable or the length is not positive."""
    try:
        seconds = float(json.loads(path.read_text("utf-8"))["duration"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return seconds if seconds > 0 else None


def expected_frames(cache: FigureCache, timeline: str, fps: int) -> int | None:
    """The frames a render of a scene at ``fps`` will draw, from the length recorded for its timeline key
    (generator/render/keys.py ``timeline_key``: the scene's key without the render spec) by an earlier render of it
    in any frame or by `make check`'s dry run; None when no render of this version of the scene has been timed (a
    length from another version would be wrong: a step added or cut changes it)."""
    seconds = recorded_seconds(_timeline_file(cache, timeline))
    return round(seconds * fps) if seconds is not None else None


def remember_length(cache: FigureCache, timeline: str, seconds: float | None) -> None:
    """Record a scene's length under its timeline key for the next render's progress (a file per key: renders and
    dry runs in parallel threads never write the same file; `make clean` removes them with the cache)."""
    if not timeline or not seconds or seconds <= 0:
        return
    try:
        atomic_write(_timeline_file(cache, timeline), json.dumps({"duration": seconds}) + "\n")
    except OSError:
        pass  # a read-only cache: the next render times the scene again


def timeline_seconds(fig_id: str, data_file: Path, root: Path, env: dict) -> float | None:
    """The length of a scene found by playing it without drawing (``python -m generator.render.layout_check`` with
    a ``timeline`` job, in the project folder like a render, in the small draft frame: the timeline is the same in
    every frame); None when that fails (the render reports why)."""
    with tempfile.TemporaryDirectory(prefix=f"rts-timeline-{fig_id}-") as tmp:
        job = Path(tmp) / "job.json"
        spec = {"kind": "timeline", "id": fig_id, "data": str(data_file), "work": tmp}
        job.write_text(json.dumps(spec), "utf-8")
        proc = subprocess.run(
            [sys.executable, "-m", "generator.render.layout_check", str(job)],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
        )
    try:
        seconds = float(json.loads(proc.stdout.strip().splitlines()[-1])["duration"])
    except (IndexError, ValueError, KeyError, TypeError):
        return None
    return seconds if proc.returncode == 0 and seconds > 0 else None


class Timelines:
    """The scenes whose length the cache does not know, each played once (``timeline_seconds``) however many of its
    renders run: every render of a scene that subscribes learns its frame count when the one dry run ends."""

    def __init__(self, display: Display, root: Path, env: dict[str, str]) -> None:
        self.display, self.root, self.env = display, root, env
        self.lock = threading.Lock()
        self.seconds: dict[str, float | None] = {}  # fig_id -> length (None: still playing, or unknown)
        self.waiting: dict[str, list[tuple[Any, int]]] = {}  # fig_id -> (display task, fps) to tell

    def subscribe(self, fig_id: str, data_file: Path, fps: int, task: Any) -> None:
        with self.lock:
            known = self.seconds.get(fig_id)
            if known is not None:
                self.display.set_total(task, round(known * fps))
                return
            self.waiting.setdefault(fig_id, []).append((task, fps))
            if fig_id in self.seconds:  # its dry run is under way
                return
            self.seconds[fig_id] = None
        threading.Thread(target=self._play, args=(fig_id, data_file), daemon=True).start()

    def _play(self, fig_id: str, data_file: Path) -> None:
        seconds = timeline_seconds(fig_id, data_file, self.root, self.env)
        with self.lock:
            self.seconds[fig_id] = seconds
            waiting = self.waiting.pop(fig_id, [])
        if not seconds:
            return  # the render itself will say what is wrong with the scene
        for task, fps in waiting:
            self.display.set_total(task, round(seconds * fps))


def _left(done: int, total: int, seconds: float) -> str:
    """ "about 1m20s left" at the pace so far."""
    if done <= 0 or total <= done:
        return "finishing"
    left = round(seconds * (total - done) / done)
    return f"about {left // 60}m{left % 60:02d}s left" if left >= 60 else f"about {left}s left"


class _Plain:
    """A render's progress as log lines (off a terminal)."""

    def __init__(self, entry: str, total: int | None) -> None:
        self.entry, self.total, self.t0, self.shown = entry, total, time.monotonic(), 0

    def frames(self, n: int) -> None:
        """A line each tenth of the way (and never two within a twentieth)."""
        if (
            not self.total
            or n * 10 // self.total <= self.shown * 10 // self.total
            or (n - self.shown) * 20 < self.total
        ):
            return
        self.shown = n
        left = _left(n, self.total, time.monotonic() - self.t0)
        log.info("        %-40s %s/%s frames, %s", self.entry, f"{n:,}", f"{self.total:,}", left)


class Display:
    """Progress for people: rich's live display on a terminal, plain log lines otherwise."""

    def __init__(self, total: int, done: int, live: bool) -> None:
        self.total, self.done, self.started, self.live = total, done, done, live
        self.lock = threading.Lock()  # renders start and end in the pool's threads
        self.ended: set[Any] = set()  # the tasks (rich task ids, plain ones) whose render has ended
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

    def start(self, entry: str, kind: str, expected: int | None) -> Any:
        with self.lock:
            self.started += 1
            started = self.started
        if self.live:
            return self.progress.add_task(f"  {entry}", total=expected)
        frames = f", {expected:,} frames" if expected else ""
        log.info("[%2d/%d] %-40s rendering (%s%s)...", started, self.total, entry, kind, frames)
        return _Plain(entry, expected)

    def frames(self, task: Any, n: int) -> None:
        if isinstance(task, _Plain):
            task.frames(n)
        elif task is not None:
            self.progress.update(task, completed=n)

    def set_total(self, task: Any, total: int) -> None:
        """The frames a scene will have, learnt while it renders (``timeline_seconds``); nothing once it ended."""
        with self.lock:
            if task is None or task in self.ended:
                return
            if isinstance(task, _Plain):
                task.total = total
                log.info("        %-40s %s frames to draw", task.entry, f"{total:,}")
            else:
                self.progress.update(task, total=total)

    def end(self, task: Any, entry: str, secs: float, ok: bool) -> None:
        with self.lock:
            self.done += 1
            done = self.done
            self.ended.add(task)
        line = "[%2d/%d] %-40s rendered in %.1fs" if ok else "[%2d/%d] %-40s FAILED after %.1fs"
        if self.live:
            self.progress.remove_task(task)
            self.progress.advance(self.overall)
            self.progress.console.print(line % (done, self.total, entry, secs), highlight=False)
        else:
            (log.info if ok else log.error)(line, done, self.total, entry, secs)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


__all__ = ["Display", "Timelines", "expected_frames", "recorded_seconds", "remember_length", "timeline_seconds"]
