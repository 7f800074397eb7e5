"""One MP4 per step of a scene, for slide software: cut from the kit's landscape render, one file per chapter.

A step is a caption cue (a chapter: generator/render/captions.py ``chapter_spans``). The render puts a keyframe (an
IDR frame) at every chapter start (generator/render/sink.py), so a step is cut by stream copy: the landscape MP4's
own packets from the keyframe that starts the chapter up to the one that starts the next, re-timed to start at
zero, nothing decoded or encoded (frame-accurate, and the step's frames are the render's frames, bit for bit).
Nothing renders again: the source is the cached landscape file. A landscape MP4 without a keyframe at a chapter
start (a render from before this rule) is refused with a message saying to render it again.

The steps of a render are kept in ``<cache>/steps/<render entry>/`` with ``steps.json`` recording the source MP4's
SHA-256 and the chapters; a kit run reuses them while both match, and cuts again when either changes (a cut takes
well under a second per scene, so the record mostly spares the media folder's files their rewrite).
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

#: Bump when the way steps are cut changes, so cached steps are cut again (2: stream copy at the keyframes).
STEPS_VERSION = 2


class StepCutError(RuntimeError):
    """A step cannot be cut without encoding (no keyframe where its chapter starts); the message says what to do."""


def step_name(fig_id: str, index: int, height: int, fps: int) -> str:
    """``<id>-step-03-1080p60.mp4`` (``index`` counts from 1)."""
    return f"{fig_id}-step-{index:02d}-{height}p{fps}.mp4"


def cut_steps(fig_id: str, mp4: Path, meta: dict[str, Any], out: Path) -> dict[str, dict[str, Any]]:
    """Make ``out`` hold one MP4 per chapter of ``meta`` (the landscape render's ``<id>.landscape.json``) cut from
    ``mp4``; returns {file name: manifest details}. Reuses ``out`` when it was cut from the same bytes."""
    spec = meta["spec"]
    fps, height = spec["fps"], spec["height"]
    chapters = [(c["start"], c["end"]) for c in meta["chapters"]]
    stamp = {"version": STEPS_VERSION, "source_sha256": sha256_file(mp4), "chapters": chapters}
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
        files = _cut(fig_id, mp4, meta, chapters, fps, height, work)
        (work / "steps.json").write_text(json.dumps({"stamp": stamp, "files": files}, indent=1) + "\n", "utf-8")
        replace_dir(work, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return files


def _cut(fig_id, mp4, meta, chapters, fps, height, work: Path) -> dict[str, dict[str, Any]]:
    """Copy each chapter's packets of ``mp4`` into its own MP4 in ``work``; returns {file name: details}."""
    import av

    starts = [int(round(s * fps)) for s, _ in chapters]
    files: dict[str, dict[str, Any]] = {}
    with av.open(str(mp4)) as src:
        stream = src.streams.video[0]
        packets = [p for p in src.demux(stream) if p.size]
        per_frame = 1 / (stream.time_base * fps)  # packet time units per frame
        keys = {int(round(p.pts / per_frame)): i for i, p in enumerate(packets) if p.is_keyframe}
        missing = [k + 1 for k, f in enumerate(starts) if f not in keys]
        if missing:
            raise StepCutError(
                f"{mp4.name}: no keyframe where step(s) {', '.join(map(str, missing))} start; the steps are cut "
                f"without encoding at the keyframes the render puts at every step start: render {fig_id} again"
            )
        bounds = [keys[f] for f in starts] + [len(packets)]
        for k, cue in enumerate(meta["cues"][: len(starts)]):
            name = step_name(fig_id, k + 1, height, fps)
            frames = _copy(stream, packets[bounds[k] : bounds[k + 1]], work / name)
            files[name] = {
                "step": k + 1,
                "title": cue.get("title") or cue["text"],
                "text": cue["text"],
                "start": chapters[k][0],
                "end": chapters[k][1],
                "frames": frames,
                "duration": round(frames / fps, 3),
            }
    log.info("%s: cut %d steps from %s (stream copy)", fig_id, len(files), mp4.name)
    return files


def _copy(stream, packets: list, path: Path) -> int:
    """Mux ``packets`` (one chapter, starting on a keyframe) into ``path``, timed from zero: the frame count."""
    import av

    from generator.render.encode import MP4_OPTIONS

    shift = packets[0].pts
    with av.open(str(path), "w", format="mp4", options=dict(MP4_OPTIONS)) as out:
        copy = out.add_stream_from_template(stream)
        for p in packets:
            p.pts -= shift
            p.dts -= shift
            p.stream = copy
            out.mux(p)
    return len(packets)
