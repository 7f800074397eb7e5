"""Render one Manim scene into web-ready files: ``<id>.mp4``, ``<id>.poster.png``, ``<id>.vtt`` and ``<id>.json``.

``python -m generator.scenes <id> <data.json> <out_dir> <draft|publish> [work_dir]``

Why it is shaped this way:
- Each render gets its own Manim media folder under ``work_dir``: two renders sharing one race on Manim's text
  cache and partial-movie folder.
- Manim's MP4 has its index (moov) at the end, so browsers must download it all before playing. We remux it (copy
  the H.264 packets, no re-encode) with ``movflags=+faststart`` and ``fflags=+bitexact`` so the file carries no
  creation time or muxer version, and two renders of the same inputs are byte-identical. The encoder's thread
  count is fixed so x264's output does not depend on how many cores the machine has.
- Nothing is written to ``out_dir`` unless every step succeeded; each file is written to a temporary name in the
  same folder and renamed into place, and a file whose bytes did not change is left untouched.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)

#: (width, height, fps, x264 options) per quality. Options are fixed (threads too) so renders are reproducible.
#: The colour tags say what the frames really are: sRGB (BT.709 primaries and transfer) converted to YUV with the
#: BT.601 matrix (what Manim's RGBA -> yuv420p conversion uses); untagged, browsers guess and shift the palette.
COLOUR_TAGS = "colorprim=bt709:transfer=bt709:colormatrix=smpte170m"
QUALITIES: dict[str, tuple[int, int, int, dict[str, str]]] = {
    "draft": (854, 480, 15, {"crf": "23", "preset": "veryfast", "tune": "animation", "threads": "2",
                             "x264-params": COLOUR_TAGS}),
    "publish": (1920, 1080, 60, {"crf": "18", "preset": "medium", "tune": "animation", "threads": "2",
                                 "x264-params": COLOUR_TAGS}),
}
POSTER_FROM_END = 1.0   # seconds before the end: the final composition, after every element has arrived


class SceneRenderError(RuntimeError):
    """A scene failed to render or produced an unusable video; the message says which and why."""


def class_name(fig_id: str) -> str:
    """``tower_growth`` -> ``TowerGrowth``: the scene class each figure file must define."""
    return "".join(part.capitalize() for part in fig_id.split("_"))


def load_scene_class(fig_id: str) -> type:
    """Import ``figures.scenes.<fig_id>`` (re-import if already loaded) and return its scene class.

    ``figures`` is whatever the import path finds first (the build puts the project root first), falling back to
    this repository's own figures folder.
    """
    if not re.fullmatch(r"[a-z][a-z0-9_]*", fig_id):
        raise SceneRenderError(f"figure id {fig_id!r}: expected snake_case (lowercase letters, digits, underscores)")
    if importlib.util.find_spec("figures") is None:
        sys.path.append(str(ROOT))
    name = f"figures.scenes.{fig_id}"
    try:
        module = importlib.reload(sys.modules[name]) if name in sys.modules else importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name in (name, "figures.scenes", "figures"):
            raise SceneRenderError(f"no scene file figures/scenes/{fig_id}.py for figure {fig_id!r}") from None
        raise
    cls_name = class_name(fig_id)
    cls = getattr(module, cls_name, None)
    if cls is None:
        raise SceneRenderError(f"figures/scenes/{fig_id}.py defines no class {cls_name} (the CamelCase of the id)")
    from figures.style import RaceScene
    if not (isinstance(cls, type) and issubclass(cls, RaceScene)):
        raise SceneRenderError(f"{cls_name} in figures/scenes/{fig_id}.py must derive from figures.style.RaceScene")
    return cls


# ---------------------------------------------------------------------------------------------------------------
# Manim
# ---------------------------------------------------------------------------------------------------------------

def frame_size(width: int, height: int) -> tuple[float, float]:
    """Manim's frame (units) for a ``width`` x ``height`` pixel video: the short side is 8 units (Manim's default
    height), so a unit is as many pixels in a vertical video as in a landscape one and the type scale holds."""
    from figures.style import SHORT_SIDE
    if width >= height:
        return SHORT_SIDE * width / height, SHORT_SIDE
    return SHORT_SIDE, SHORT_SIDE * height / width


@contextmanager
def manim_session(data: dict[str, Any], media_dir: Path, width: int, height: int, fps: int,
                  **settings: Any) -> Iterator[Any]:
    """Manim configured for one render, restored afterwards: pixel size, frame (see ``frame_size``), rate, a private
    media folder (Manim's text cache and partial movies), no caching, the house background, and the scene's data
    slice (written to ``media_dir/data.json`` and named by RACE_FIGURE_DATA). ``settings`` override or add
    config keys (``format``, ``background_opacity``, ``video_encoder_options``...)."""
    from manim import config, tempconfig

    from figures.style import BACKGROUND, DATA_ENV

    media_dir = Path(media_dir)
    media_dir.mkdir(parents=True, exist_ok=True)
    data_file = media_dir / "data.json"
    data_file.write_text(json.dumps(data, sort_keys=True), "utf-8")
    base: dict[str, Any] = {
        "pixel_width": width,
        "pixel_height": height,
        "frame_rate": fps,
        "media_dir": str(media_dir),
        "disable_caching": True,
        "preview": False,
        "background_color": BACKGROUND,
        "verbosity": "WARNING",
        "progress_bar": "none",
    }
    base.update(settings)
    old_env = os.environ.get(DATA_ENV)
    os.environ[DATA_ENV] = str(data_file)
    try:
        with tempconfig(base):
            frame_w, frame_h = frame_size(width, height)
            config.frame_height = frame_h
            config.frame_width = frame_w
            yield config
    finally:
        if old_env is None:
            os.environ.pop(DATA_ENV, None)
        else:
            os.environ[DATA_ENV] = old_env


def _run_manim(fig_id: str, data: dict[str, Any], quality: str, media_dir: Path) -> tuple[Path, Any]:
    """Render the scene into ``media_dir``; return the raw MP4 path and the scene object (cues, layout issues)."""
    width, height, fps, x264 = QUALITIES[quality]
    cls = load_scene_class(fig_id)
    with manim_session(data, media_dir, width, height, fps, format="mp4", output_file=fig_id,
                       video_encoder_options=x264):
        scene = cls()
        scene.render()
        movie = Path(scene.renderer.file_writer.movie_file_path)
    if not movie.is_file():
        raise SceneRenderError(f"Manim finished {fig_id} without writing {movie}")
    return movie, scene


# ---------------------------------------------------------------------------------------------------------------
# Video post-processing (PyAV)
# ---------------------------------------------------------------------------------------------------------------

def probe(path: Path) -> dict[str, Any]:
    """Codec, pixel format, size, frame rate, frame count and duration of the first video stream."""
    import av
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        fps = Fraction(s.average_rate) if s.average_rate else Fraction(s.guessed_rate)
        frames = s.frames or sum(1 for _ in c.demux(s) if _.size)
        return {"codec": s.codec_context.name, "pix_fmt": s.codec_context.pix_fmt, "width": s.codec_context.width,
                "height": s.codec_context.height, "fps": fps, "frames": frames,
                "duration": round(float(frames / fps), 3) if fps else 0.0}


def remux_faststart(src: Path, dst: Path, fps: int) -> None:
    """Copy the H.264 packets of ``src`` into ``dst`` with the index first and no wall-clock metadata.

    Manim joins its per-animation segments with the concat demuxer, which can leave a timestamp a few ticks off a
    frame boundary (then players and probes see a rate like 7096320/473083). Every timestamp is snapped back to
    the constant frame grid of ``fps``.
    """
    import av
    info = probe(src)
    if info["codec"] != "h264" or info["pix_fmt"] != "yuv420p" or info["width"] % 2 or info["height"] % 2:
        reencode(src, dst, info, fps)
        return
    options = {"movflags": "+faststart", "fflags": "+bitexact"}
    with av.open(str(src)) as inp, av.open(str(dst), "w", format="mp4", options=options) as out:
        s_in = inp.streams.video[0]
        s_out = out.add_stream_from_template(s_in)
        tb = s_in.time_base
        tick = 1 / (fps * tb)          # time-base units per frame
        for packet in inp.demux(s_in):
            if packet.dts is None:
                continue
            packet.pts = int(round(packet.pts / tick) * tick)
            packet.dts = int(round(packet.dts / tick) * tick)
            packet.duration = int(tick)
            packet.time_base = tb
            packet.stream = s_out
            out.mux(packet)


def reencode(src: Path, dst: Path, info: dict[str, Any], fps: int) -> None:
    """Fallback when Manim's output is not already web-safe H.264/yuv420p with even dimensions."""
    import av
    log.info("re-encoding %s (%s, %s, %dx%d)", src.name, info["codec"], info["pix_fmt"], info["width"],
             info["height"])
    w, h = info["width"] - info["width"] % 2, info["height"] - info["height"] % 2
    options = {"movflags": "+faststart", "fflags": "+bitexact"}
    with av.open(str(src)) as inp, av.open(str(dst), "w", format="mp4", options=options) as out:
        s = out.add_stream("libx264", rate=fps, options={"crf": "18", "preset": "medium", "threads": "2",
                                                         "x264-params": COLOUR_TAGS})
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        for i, frame in enumerate(inp.decode(video=0)):
            img = frame.reformat(width=w, height=h, format="yuv420p")
            img.pts = i
            img.time_base = Fraction(1, fps)
            for p in s.encode(img):
                out.mux(p)
        for p in s.encode():
            out.mux(p)


def extract_frame(path: Path, t: float):
    """The decoded frame at (or just after) ``t`` seconds, as a PIL image."""
    import av
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        last = None
        for frame in c.decode(s):
            last = frame
            if frame.time is not None and frame.time >= t - 1e-6:
                break
        if last is None:
            raise SceneRenderError(f"{path} has no decodable frame")
        return last.to_image()


def _ts(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def webvtt(cues: list[tuple[float, float, str]]) -> str:
    """A WebVTT file: numbered cues, text with ``-->`` and blank lines made harmless."""
    lines = ["WEBVTT", ""]
    for i, (start, end, s) in enumerate(cues, 1):
        body = " ".join(s.split()).replace("-->", "\u2192").replace("&", "&amp;").replace("<", "&lt;")
        lines += [str(i), f"{_ts(start)} --> {_ts(end)}", body, ""]
    return "\n".join(lines)


def srt(cues: list[tuple[float, float, str]]) -> str:
    """The same cues as SubRip (.srt), for editors and players that do not read WebVTT."""
    blocks = []
    for i, (start, end, s) in enumerate(cues, 1):
        body = " ".join(s.split()).replace("-->", "\u2192")
        blocks.append(f"{i}\n{_ts(start).replace('.', ',')} --> {_ts(end).replace('.', ',')}\n{body}\n")
    return "\n".join(blocks)


def description(cues: list[tuple[float, float, str]]) -> str:
    """The scene as one paragraph: its captions in order (for the page's text alternative)."""
    parts = []
    for _, _, s in cues:
        s = " ".join(s.split())
        parts.append(s if s.endswith((".", "!", "?", ":")) else s + ".")
    return " ".join(parts)


def _write_if_changed(path: Path, payload: bytes) -> None:
    if path.is_file() and path.read_bytes() == payload:
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(payload)
    os.replace(tmp, path)


# ---------------------------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------------------------

def render_scene(fig_id: str, data: dict[str, Any], quality: str, out_dir: Path, work_dir: Path) -> dict[str, Any]:
    """Render ``fig_id`` at ``quality`` from ``data`` (its catalog slice) into ``out_dir``.

    Returns the metadata written to ``<id>.json`` plus ``layout_issues`` (text outside its band or overlapping
    other text; empty when the scene is clean) and ``render_seconds``.
    """
    if quality not in QUALITIES:
        raise SceneRenderError(f"unknown quality {quality!r}; expected one of {sorted(QUALITIES)}")
    out_dir, work_dir = Path(out_dir), Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    media_dir = Path(tempfile.mkdtemp(prefix=f"{fig_id}-{quality}-", dir=work_dir))
    try:
        raw, scene = _run_manim(fig_id, data, quality, media_dir)
        width, height, fps, _ = QUALITIES[quality]
        staged = media_dir / "out"
        staged.mkdir()
        mp4 = staged / f"{fig_id}.mp4"
        remux_faststart(raw, mp4, fps)
        info = probe(mp4)
        if (info["width"], info["height"]) != (width, height) or info["fps"] != fps:
            raise SceneRenderError(f"{fig_id}: expected {width}x{height}@{fps}, got "
                                   f"{info['width']}x{info['height']}@{info['fps']}")
        duration = info["duration"]
        cues = [(s, min(e, duration), t) for s, e, t in scene.cues if s < duration]
        if not cues:
            raise SceneRenderError(f"{fig_id}: the scene recorded no captions (call self.caption())")
        poster = extract_frame(mp4, max(0.0, duration - POSTER_FROM_END))
        poster_path = staged / f"{fig_id}.poster.png"
        poster.save(poster_path, format="PNG", optimize=False)
        meta = {
            "duration": duration,
            "width": info["width"],
            "height": info["height"],
            "fps": int(info["fps"]) if Fraction(info["fps"]).denominator == 1 else float(info["fps"]),
            "cues": [{"start": float(s), "end": float(e), "text": t} for s, e, t in cues],
            "description": description(cues),
        }
        files = {
            mp4.name: mp4.read_bytes(),
            poster_path.name: poster_path.read_bytes(),
            f"{fig_id}.vtt": webvtt(cues).encode("utf-8"),
            f"{fig_id}.json": (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
        }
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, payload in files.items():
            _write_if_changed(out_dir / name, payload)
    finally:
        if os.environ.get("RACE_KEEP_WORK"):
            log.info("keeping the work folder %s (RACE_KEEP_WORK is set)", media_dir)
        else:
            shutil.rmtree(media_dir, ignore_errors=True)
    seconds = round(time.perf_counter() - t0, 2)
    issues = list(scene.layout_issues)
    log.info("rendered %s (%s) in %.1f s: %.1f s of video, %d cues, %d layout issues", fig_id, quality, seconds,
             duration, len(cues), len(issues))
    return {**meta, "layout_issues": issues, "render_seconds": seconds}


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if len(argv) not in (4, 5):
        log.error("usage: python -m generator.scenes <id> <data.json> <out_dir> <draft|publish> [work_dir]")
        return 2
    fig_id, data_json, out_dir, quality = argv[:4]
    work_dir = Path(argv[4]) if len(argv) == 5 else ROOT / ".cache" / "scenes-work"
    data = json.loads(Path(data_json).read_text("utf-8"))
    try:
        result = render_scene(fig_id, data, quality, Path(out_dir), work_dir)
    except SceneRenderError as e:
        log.error("%s", e)
        return 1
    for issue in result["layout_issues"]:
        log.warning("layout: %s", issue)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
