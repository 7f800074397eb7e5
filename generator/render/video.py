"""The scene worker: one Manim draw of one scene, and every file encoded from its frames.

Run by the render pool (generator/render/pool.py) through ``python -m generator.render.worker JOB.json``, one
process per render, for the site and the media kit alike. Frames are taken from Manim's file writer (a
``SceneFileWriter`` whose ``write_frame`` feeds the frame sink, generator/render/sink.py), so Manim writes no video of
its own and every byte of output comes from the project's encoders with fixed settings (generator/render/encode.py:
the same inputs give the same bytes). ``render_media`` draws the scene for one RenderSpec and writes every file of
that render, its captions and ``<id>.<variant>.json`` (what each file is); it refuses a scene whose captions go too
fast (generator/render/captions.py) or whose layout checker found anything (figures/style.py: text out of place or
too small to read where the page shows the frame, strokes too thin, a step ending on an empty frame).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from generator.errors import LayoutError
from generator.render.captions import (
    chapter_spans,
    chapters_text,
    chapters_webvtt,
    check_pacing,
    description,
    srt,
    webvtt,
)
from generator.render.encode import MediaRenderError
from generator.render.probe import probe
from generator.render.scenes import load_scene_class, manim_session
from generator.render.sink import FrameSink, StopRender
from generator.render.specs import POSTER_FROM_END, RenderSpec, file_names

log = logging.getLogger("render")

__all__ = ["MediaRenderError", "check_layout", "render_media"]


def _sink_writer(sink_holder: list):
    """A Manim SceneFileWriter that hands every frame to ``sink_holder[0]`` and writes no video of its own."""
    from manim.scene.scene_file_writer import SceneFileWriter

    class SinkWriter(SceneFileWriter):
        def begin_animation(self, allow_write: bool = False, **kwargs: Any) -> None:
            pass

        def end_animation(self, allow_write: bool = False) -> None:
            pass

        def write_frame(self, pixels, *, repeat: int = 1) -> None:
            if sink_holder and sink_holder[0] is not None:
                sink_holder[0].write(pixels, repeat)

        def finish(self) -> None:
            pass

        def save_image(self, pixels) -> None:
            pass

    return SinkWriter


def _construct(
    fig_id: str,
    data: dict[str, Any],
    width: int,
    height: int,
    fps: int,
    media_dir: Path,
    sink: FrameSink | None,
    skip: bool = False,
    transparent: bool = False,
):
    """Run the scene under a Manim session for this frame; returns the scene (cues, layout issues) and whether it
    was cut short."""
    from manim.renderer.cairo_renderer import CairoRenderer

    cls = load_scene_class(fig_id)
    holder = [sink]
    cut = False
    with manim_session(
        data, media_dir, width, height, fps, format="mov", background_opacity=0.0 if transparent else 1.0
    ):
        scene = cls(renderer=CairoRenderer(file_writer_class=_sink_writer(holder), skip_animations=skip))
        if sink is not None:
            scene.on_step = sink.step
        try:
            scene.render()
        except StopRender:
            cut = True
            scene._close_cue()
    return scene, cut


def check_layout(fig_id: str, data: dict[str, Any], width: int, height: int, work_dir: Path) -> dict[str, Any]:
    """Play the scene for a ``width`` x ``height`` frame without encoding (Manim skips every animation to its end
    state; the frame at each step's end is still drawn, for the empty-step check) and return its layout issues and
    cues: a fast check of one orientation's layout."""
    work_dir.mkdir(parents=True, exist_ok=True)
    media_dir = Path(tempfile.mkdtemp(prefix=f"{fig_id}-layout-", dir=work_dir))
    try:
        scene, _ = _construct(fig_id, data, width, height, 15, media_dir, None, skip=True)
    finally:
        shutil.rmtree(media_dir, ignore_errors=True)
    return {"layout_issues": list(scene.layout_issues), "cues": list(scene.cues), "portrait": scene.portrait}


def render_media(
    fig_id: str, data: dict[str, Any], spec: RenderSpec, out_dir: Path, work_dir: Path, progress=None
) -> dict[str, Any]:
    """Render ``fig_id`` once for ``spec`` and write every file of that render plus ``<id>.<variant>.json`` (what
    each file is) into ``out_dir`` (created; must not exist or be empty). ``progress(frames)`` is called about once
    a second while frames are drawn."""
    load_scene_class(fig_id)  # a missing or broken scene file fails here, before any file is opened
    out_dir, work_dir = Path(out_dir), Path(work_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    work_dir.mkdir(parents=True, exist_ok=True)
    names = file_names(fig_id, spec)
    t0 = time.perf_counter()
    scene, cut, sink, notes = _draw(fig_id, data, spec, names, out_dir, work_dir, progress)
    if sink.main_role is not None:
        _check_size(fig_id, spec, out_dir / names[sink.main_role])
    duration = round(sink.index / spec.fps, 3)
    titled = [(s, min(e, duration), t, title) for (s, e, t), title in zip(scene.cues, scene.cue_titles, strict=True)]
    titled = [c for c in titled if c[0] < duration]
    cues = [(s, e, t) for s, e, t, _ in titled]
    if not cues:
        raise MediaRenderError(f"{fig_id}: the scene recorded no captions (call self.caption())")
    # The reading-pace rule, before any file of this render is written or cached (a render cut short by
    # max_seconds is checked up to the cue the cut ended).
    check_pacing(f"figures/scenes/{fig_id}.py", cues[:-1] if cut else cues)
    if spec.captions:
        _write_captions(out_dir, names, cues, [title for *_, title in titled], duration)
    meta = {
        "id": fig_id,
        "variant": spec.variant,
        "spec": asdict(spec),
        "duration": duration,
        "frames": sink.index,
        "cut_short": cut,
        "portrait": bool(scene.portrait),
        "cues": [{"start": float(s), "end": float(e), "text": t, "title": title} for s, e, t, title in titled],
        "chapters": [{"start": s, "end": e} for s, e in chapter_spans(cues, duration)],
        "description": description(cues),
        "layout_issues": list(scene.layout_issues),
        "files": _file_details(spec, names, out_dir, sink, notes, duration, len(cues)),
    }
    # The metadata file holds only what the inputs decide (no timings), so two renders write the same bytes.
    (out_dir / f"{fig_id}.{spec.variant}.json").write_text(
        json.dumps(meta, indent=1, ensure_ascii=False) + "\n", "utf-8"
    )
    meta["render_seconds"] = round(time.perf_counter() - t0, 2)
    if meta["layout_issues"]:
        # Text over text, out of its band, too small; strokes too thin; an empty step end: refused (the cache
        # keeps the previous render).
        raise LayoutError(
            f"figures/scenes/{fig_id}.py ({spec.variant}): layout refused: " + "; ".join(meta["layout_issues"])
        )
    log.info("%s %s: rendered in %.1f s (%.1f s of video)", fig_id, spec.label, meta["render_seconds"], duration)
    return meta


def _draw(fig_id, data, spec: RenderSpec, names, out_dir: Path, work_dir: Path, progress):
    """Draw the scene into a FrameSink for ``spec``: (scene, cut short?, sink, the sink's notes)."""
    from figures.style import BACKGROUND

    media_dir = Path(tempfile.mkdtemp(prefix=f"{fig_id}-{spec.variant}-", dir=work_dir))
    try:
        sink = FrameSink(spec, names, out_dir, BACKGROUND, progress)
        try:
            scene, cut = _construct(
                fig_id, data, spec.width, spec.height, spec.fps, media_dir, sink, transparent=spec.transparent
            )
        except BaseException:
            sink.abort()
            raise
        notes = sink.finish()
    finally:
        if os.environ.get("RACE_KEEP_WORK"):
            log.info("keeping the work folder %s (RACE_KEEP_WORK is set)", media_dir)
        else:
            shutil.rmtree(media_dir, ignore_errors=True)
    return scene, cut, sink, notes


def _check_size(fig_id: str, spec: RenderSpec, video: Path) -> None:
    info = probe(video)
    if (info["width"], info["height"]) != (spec.width, spec.height) or info["fps"] != spec.fps:
        raise MediaRenderError(
            f"{fig_id}: expected {spec.width}x{spec.height}@{spec.fps}, got {info['width']}x{info['height']}@{info['fps']}"
        )


def _write_captions(out_dir: Path, names: dict[str, str], cues, titles: list[str], duration: float) -> None:
    (out_dir / names["vtt"]).write_text(webvtt(cues), "utf-8")
    (out_dir / names["srt"]).write_text(srt(cues), "utf-8")
    (out_dir / names["chapters"]).write_text(chapters_webvtt(cues, titles, duration), "utf-8")
    (out_dir / names["chapters-txt"]).write_text(chapters_text(cues, titles, duration), "utf-8")


#: What every H.264 file of a render is (the manifest's details).
MP4_DETAILS = {
    "codec": "h264",
    "profile": "High",
    "pix_fmt": "yuv420p",
    "colour": "BT.709 (primaries, transfer, matrix), limited range",
    "alpha": False,
}
CAPTION_CODECS = {"vtt": "webvtt", "srt": "subrip", "chapters": "webvtt", "chapters-txt": "text"}


def _file_details(spec: RenderSpec, names, out_dir: Path, sink: FrameSink, notes, duration: float, cues: int):
    """{file name: what it is} for every file of the render (``<id>.<variant>.json``'s ``files``)."""
    files: dict[str, dict[str, Any]] = {}
    video = {**MP4_DETAILS, "duration": duration, "frames": sink.index}
    if sink.main_role is not None:
        files[sink.main_role] = {**video, "width": spec.width, "height": spec.height, "fps": spec.fps}
        # Keyframes at these frames (every step start): the media kit cuts step clips there by stream copy.
        files[sink.main_role]["step_keyframes"] = sorted(sink.keys)
    if spec.vertical and "mp4-vertical" in names:
        v = spec.vertical
        files["mp4-vertical"] = {**video, "width": v.width, "height": v.height, "fps": spec.fps}
    if "prores" in names:
        files["prores"] = _prores_details(spec, sink, notes)
    if "webp" in names:
        files["webp"] = _webp_details(spec, notes["webp"])
    at = round(max(0.0, duration - POSTER_FROM_END), 3)
    for role in ("poster", "poster-portrait", "poster-vertical"):
        if role in names and (out_dir / names[role]).exists():
            w, h = (
                (spec.vertical.width, spec.vertical.height)
                if role == "poster-vertical" and spec.vertical
                else (spec.width, spec.height)
            )
            files[role] = {
                "codec": "png",
                "pix_fmt": "rgb24",
                "alpha": False,
                "width": w,
                "height": h,
                "fps": None,
                "duration": None,
                "at": at,
            }
    for role, codec in CAPTION_CODECS.items():
        if role in names:
            files[role] = {
                "codec": codec,
                "alpha": False,
                "width": None,
                "height": None,
                "fps": None,
                "duration": duration,
                "cues": cues,
                "language": "en",
            }
    return {names[role]: {"role": role, **v} for role, v in files.items()}


def _prores_details(spec: RenderSpec, sink: FrameSink, notes) -> dict[str, Any]:
    assert sink.prores is not None and spec.prores_fps  # file_names() lists "prores" only when prores_fps is set
    return {
        "codec": "prores",
        "profile": "4444",
        "pix_fmt": "yuva444p10le",
        "alpha": True,
        "colour": "BT.709, straight (unassociated) alpha, transparent background",
        "width": spec.width,
        "height": spec.height,
        "fps": spec.prores_fps,
        "frames": sink.prores.n,
        "duration": round(sink.prores.n / spec.prores_fps, 3),
        **notes.get("prores", {}),
    }


def _webp_details(spec: RenderSpec, w: dict[str, Any]) -> dict[str, Any]:
    assert spec.webp is not None  # file_names() lists "webp" only when spec.webp is set
    keep = ("width", "height", "fps", "frames", "duration", "speed", "quality")
    return {
        "codec": "webp",
        "pix_fmt": "yuv420p",
        "alpha": False,
        **{k: w[k] for k in keep},
        "loop": 0,
        "cap_bytes": spec.webp.cap_bytes,
    }
