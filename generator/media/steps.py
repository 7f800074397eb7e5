"""One MP4 per step of a scene, for slide software: cut from the kit's landscape render, one file per chapter.

A step is a caption cue (a chapter: generator/render/captions.py ``chapter_spans``). The cut is frame-accurate:
the landscape MP4 is decoded once and the frames of each chapter, [round(start*fps), round(end*fps)), are encoded
again with the render's own x264 settings (a cut at a chapter boundary that is not a keyframe needs a re-encode;
every step file starts on a keyframe of its own). Nothing renders again: the source is the cached landscape file.

The steps of a render are kept in ``<cache>/steps/<render entry>/`` with ``steps.json`` recording the source MP4's
SHA-256 and the chapters; a kit run reuses them while both match, and cuts again when either changes.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from generator.util.fs import replace_dir, sha256_file

log = logging.getLogger("media")

#: Bump when the way steps are cut changes, so cached steps are cut again.
STEPS_VERSION = 1


def step_name(fig_id: str, index: int, height: int, fps: int) -> str:
    """``<id>-step-03-1080p60.mp4`` (``index`` counts from 1)."""
    return f"{fig_id}-step-{index:02d}-{height}p{fps}.mp4"


def cut_steps(fig_id: str, mp4: Path, meta: dict[str, Any], out: Path) -> dict[str, dict[str, Any]]:
    """Make ``out`` hold one MP4 per chapter of ``meta`` (the landscape render's ``<id>.landscape.json``) cut from
    ``mp4``; returns {file name: manifest details}. Reuses ``out`` when it was cut from the same bytes."""
    spec = meta["spec"]
    fps, width, height = spec["fps"], spec["width"], spec["height"]
    chapters = [(c["start"], c["end"]) for c in meta["chapters"]]
    stamp = {"version": STEPS_VERSION, "source_sha256": sha256_file(mp4), "chapters": chapters, "x264": spec["x264"]}
    stamp = json.loads(json.dumps(stamp))  # as steps.json holds it (tuples become lists), so the two compare equal
    stamp_path = out / "steps.json"
    try:
        old = json.loads(stamp_path.read_text("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        old = {}
    if old.get("stamp") == stamp and all((out / n).is_file() for n in old.get("files", {})):
        return old["files"]
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}-"))
    try:
        files = _cut(fig_id, mp4, meta, chapters, fps, width, height, work)
        (work / "steps.json").write_text(json.dumps({"stamp": stamp, "files": files}, indent=1) + "\n", "utf-8")
        replace_dir(work, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return files


def _cut(fig_id, mp4, meta, chapters, fps, width, height, work: Path) -> dict[str, dict[str, Any]]:
    import av

    from generator.render.video import _H264

    bounds = [(int(round(s * fps)), int(round(e * fps))) for s, e in chapters]
    files: dict[str, dict[str, Any]] = {}
    enc = None
    k = -1
    with av.open(str(mp4)) as src:
        for n, frame in enumerate(src.decode(video=0)):
            while k + 1 < len(bounds) and n >= bounds[k + 1][0]:
                if enc is not None:
                    enc.close()
                k += 1
                name = step_name(fig_id, k + 1, height, fps)
                enc = _H264(work / name, width, height, fps, meta["spec"]["x264"])
                cue = meta["cues"][k]
                files[name] = {
                    "step": k + 1,
                    "title": cue.get("title") or cue["text"],
                    "text": cue["text"],
                    "start": chapters[k][0],
                    "end": chapters[k][1],
                }
            if enc is not None and n < bounds[k][1]:
                enc.add(frame.to_ndarray(format="rgba"), 1)
    if enc is not None:
        enc.close()
    for name, info in files.items():
        info["frames"] = _frames(work / name)
        info["duration"] = round(info["frames"] / fps, 3)
    log.info("%s: cut %d steps from %s", fig_id, len(files), mp4.name)
    return files


def _frames(path: Path) -> int:
    import av

    with av.open(str(path)) as c:
        return sum(1 for _ in c.decode(video=0))
