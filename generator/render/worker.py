"""Render one figure in a fresh process: ``python -m generator.render.worker JOB.json``.

The render pool (generator/render/pool.py) writes the job file and runs this, one process per figure or scene
render, so parallel renders never share interpreter state, matplotlib figures or Manim's text cache, and a crash is
contained to one render. The process starts in the project folder, so ``figures`` is that project's figures
package (Python puts the current folder first on the import path for ``-m``).

Job: {"kind": chart|table|scene, "id", "data": path of the catalog slice as JSON, "out": folder to fill,
"work": scratch folder, "title", "alt", "spec": RenderSpec fields (scenes)}.
Standard output carries progress for the pool, one line each: ``@frames N`` while a scene draws, and a refusal the
reader can act on (a BuildError such as a LayoutError: text that collides) as one line ``@error MESSAGE``, which the
build reports as it is, without a traceback. Logs go to stderr.

A worker dies with the build that started it (``die_with_parent``): the pool passes its pid in ``RTS_RENDER_PARENT``
and the worker asks Linux for SIGKILL when that process ends (prctl PR_SET_PDEATHSIG), so a killed build leaves no
render running beside the build that takes over its lock.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import logging
import os
import signal
import sys
from pathlib import Path

#: The environment variable holding the pid of the build a worker belongs to (set by generator/render/pool.py).
PARENT_ENV = "RTS_RENDER_PARENT"
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Be killed (SIGKILL) when the process ``parent`` ends; exit at once if it already has. Linux only (elsewhere
    nothing happens: prctl is missing)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return
    prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it ended before the request: nobody would tell us
        os._exit(1)


def _progress(frames: int) -> None:
    print(f"@frames {frames}", flush=True)


def run(job: dict) -> None:
    kind, fig_id, out = job["kind"], job["id"], Path(job["out"])
    data = json.loads(Path(job["data"]).read_text("utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    if kind == "chart":
        from generator.render.charts import render_chart

        render_chart(fig_id, data, out, title=job.get("title"), desc=job.get("alt"))
    elif kind == "table":
        from generator.render.tables import render_table

        render_table(fig_id, data, out, title=job.get("title"))
    elif kind == "scene":
        from generator.render.specs import spec_from_dict
        from generator.render.video import render_media

        render_media(fig_id, data, spec_from_dict(job["spec"]), out, Path(job["work"]), progress=_progress)
    else:
        raise ValueError(f"unknown figure kind {kind!r}")


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    logging.getLogger("manim").setLevel(logging.WARNING)
    logging.getLogger("matplotlib").setLevel(logging.WARNING)
    if len(argv) != 1:
        print("usage: python -m generator.render.worker JOB.json", file=sys.stderr)
        return 2
    if os.environ.get(PARENT_ENV, "").isdigit():
        die_with_parent(int(os.environ[PARENT_ENV]))
    from generator.errors import BuildError

    try:
        run(json.loads(Path(argv[0]).read_text("utf-8")))
    except BuildError as exc:
        print("@error " + " ".join(str(exc).split()), flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
