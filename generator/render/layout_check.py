"""`make check`'s layout checks: every check the renders make that needs no video (issue 22, item 9).

A chart is drawn in each layout (wide, narrow) and ``chart_style.text_collisions`` runs on it, as the render does,
but nothing is saved. A scene is played with Manim skipping every animation to its end state and writing no video
(``video.check_layout``; only the frame at each step's end is drawn, for the empty-step rule), once for each frame the
site renders (landscape and portrait), and its ``RaceScene.layout_issues`` are collected: text out of place or too
small to read where the page shows that frame, strokes too thin, a step ending on an empty frame
(figures/legibility.py). Each figure is checked in its own process started in the project folder
(``python -m generator.render.layout_check JOB.json``, like a render worker: that project's ``figures`` package,
Manim's global configuration per process), several at a time. The first figure whose layout fails is one
LayoutError line naming the figure file, the layout and the labels.

A result is kept in ``.cache/layout-check/<id>.json`` under a key made of the figure's render key (its module, the
files it imports, its catalog slice, tool versions; for a scene, at the draft landscape spec) and this file: a
`make check` with nothing changed runs none of them again.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from generator.catalog.model import Catalog
from generator.errors import BuildError, LayoutError
from generator.render.cache import FigureCache
from generator.render.keys import cache_key, timeline_key
from generator.render.plan import guard_spec
from generator.render.progress import remember_length
from generator.render.reads import GUARD_KEY
from generator.render.registry import Figure
from generator.render.specs import site_spec, site_specs
from generator.render.worker import PARENT_ENV, die_with_parent
from generator.util.fs import atomic_write

#: The frames a scene's layout is checked in: the site's landscape and portrait renders (draft sizes: the layout is
#: in Manim units and the legibility rule in CSS px where the page shows the frame, so the pixel count changes
#: neither).
SCENE_FRAMES = {s.variant: (s.width, s.height) for s in site_specs("draft")}


def _chart_issues(fig_id: str, data: dict[str, Any]) -> list[str]:
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    from figures import chart_style
    from generator.render.charts import draw_chart
    from generator.render.svg import LAYOUTS

    issues = []
    for layout in LAYOUTS:
        with mpl.rc_context():
            chart_style.apply(fig_id, layout)
            fig = draw_chart(fig_id, data, layout=layout)
            try:
                found = chart_style.text_collisions(fig)
            finally:
                plt.close(fig)
        if found:
            issues.append(f"figures/charts/{fig_id}.py ({layout} layout): text collides: " + "; ".join(found))
    return issues


def _length(cues: list[Any]) -> float | None:
    """A scene's length: the end of its last cue (a scene ends holding its last caption, figures/style.py)."""
    return max((float(c[1]) for c in cues), default=None)


def _scene_issues(fig_id: str, data: dict[str, Any], work: Path) -> tuple[list[str], float | None]:
    from generator.render.video import check_layout

    issues, length = [], None
    for name, (w, h) in SCENE_FRAMES.items():
        played = check_layout(fig_id, data, w, h, work)
        length = _length(played["cues"])
        if played["layout_issues"]:
            issues.append(f"figures/scenes/{fig_id}.py ({name}): layout refused: " + "; ".join(played["layout_issues"]))
    return issues, length


def check_one(job: dict[str, Any]) -> dict[str, Any]:
    """One figure's layout issues, and a scene's length in seconds (for the render pool's progress), in this
    process (the worker's side). A ``timeline`` job plays a scene in the draft landscape frame for its length only."""
    data = json.loads(Path(job["data"]).read_text("utf-8"))
    if job["kind"] == "timeline":
        from generator.render.video import check_layout

        w, h = SCENE_FRAMES["landscape"]
        return {"issues": [], "duration": _length(check_layout(job["id"], data, w, h, Path(job["work"]))["cues"])}
    try:
        if job["kind"] == "chart":
            return {"issues": _chart_issues(job["id"], data), "duration": None}
        if job["kind"] == "scene":
            issues, length = _scene_issues(job["id"], data, Path(job["work"]))
            return {"issues": issues, "duration": length}
    except BuildError as exc:  # a refusal in the figure's own words (a field it did not declare, a layout)
        return {"issues": [" ".join(str(exc).split())], "duration": None}
    return {"issues": [], "duration": None}


def _key(fig: Figure, catalog: Catalog, root: Path) -> str:
    spec = site_spec("draft") if fig.kind == "scene" else None
    h = hashlib.sha256(cache_key(fig, catalog, root, spec=spec).encode())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()


def _kept(fig: Figure, catalog: Catalog, root: Path, tmp: Path, env: dict[str, str], key: str) -> list[str]:
    """The figure's issues from .cache/layout-check when its key is unchanged, else checked (and kept)."""
    path = root / ".cache" / "layout-check" / f"{fig.id}.json"
    try:
        kept = json.loads(path.read_text("utf-8"))
        if kept.get("key") == key:
            issues, duration = list(kept["issues"]), kept.get("duration")
        else:
            kept = None
    except (OSError, ValueError, AttributeError, KeyError):
        kept = None
    if kept is None:
        issues, duration = _run(fig, catalog, root, tmp, env)
        try:
            atomic_write(path, json.dumps({"key": key, "issues": issues, "duration": duration}) + "\n")
        except OSError:
            pass  # a read-only checkout checks again next time
    if fig.kind == "scene":  # its length, which the render pool's progress reads (generator/render/progress.py)
        remember_length(FigureCache(root / ".cache"), timeline_key(fig, catalog, root), duration)
    return issues


def _run(fig: Figure, catalog: Catalog, root: Path, tmp: Path, env: dict[str, str]) -> tuple[list[str], float | None]:
    work = tmp / fig.id
    work.mkdir()
    data = fig.data(catalog)
    if fig.kind == "chart":  # drawn with the render's guard: a field read but not declared fails here too
        data[GUARD_KEY] = guard_spec(fig, catalog, root)
    (work / "data.json").write_text(json.dumps(data, sort_keys=True), "utf-8")
    job = {"kind": fig.kind, "id": fig.id, "data": str(work / "data.json"), "work": str(work)}
    (work / "job.json").write_text(json.dumps(job), "utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "generator.render.layout_check", str(work / "job.json")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise BuildError(f"{fig.source}: the layout check failed: {last}")
    result = json.loads(lines[-1])
    return list(result["issues"]), result["duration"]


def check_layouts(figs: dict[str, Figure], catalog: Catalog, root: Path, workers: int | None = None) -> int:
    """Check every chart and scene of ``figs``; LayoutError (one line) at the first that fails. Returns how many
    figures were checked."""
    todo = [f for f in figs.values() if f.kind in ("chart", "scene")]
    env = dict(os.environ, PYTHONHASHSEED="0", **{PARENT_ENV: str(os.getpid())})  # a check dies with its parent
    env.setdefault("MPLBACKEND", "Agg")
    # The keys first, in this thread: CPython 3.11's ast.parse (keys.py reads imports) is not safe in threads
    # ("SystemError: AST constructor recursion depth mismatch"); the checks themselves run in processes.
    keys = {f.id: _key(f, catalog, root) for f in todo}
    with tempfile.TemporaryDirectory(prefix="rts-layout-") as tmp:
        with ThreadPoolExecutor(max_workers=max(1, workers or os.cpu_count() or 2)) as pool:
            results = list(pool.map(lambda f: _kept(f, catalog, root, Path(tmp), env, keys[f.id]), todo))
    for issues in results:
        if issues:
            raise LayoutError(issues[0] + (f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""))
    return len(todo)


def main(argv: list[str]) -> int:
    """``python -m generator.render.layout_check JOB.json``: prints the figure's issues and length as one JSON
    object (``check_one``)."""
    import logging

    if os.environ.get(PARENT_ENV, "").isdigit():
        die_with_parent(int(os.environ[PARENT_ENV]))
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    logging.getLogger("manim").setLevel(logging.WARNING)
    print(json.dumps(check_one(json.loads(Path(argv[0]).read_text("utf-8")))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
