"""The scene worker: one Manim render of one scene, and every file encoded from its frames.

Run by the render pool (generator/render/pool.py) through ``python -m generator.render.worker JOB.json``, one
process per render, for the site and the media kit alike. Frames are taken from Manim's file writer (a
``SceneFileWriter`` whose ``write_frame`` feeds our encoders), so Manim writes no video of its own and every byte
of output comes from encoders with fixed settings (reproducible: the same inputs give the same bytes).

- H.264 High yuv420p MP4, BT.709 matrix and tags, fast start, no wall clock (every variant but "alpha");
- ProRes 4444 with straight alpha (the "alpha" variant, rendered over a transparent background: Cairo still
  composites over the house background in RGB and keeps coverage in alpha, so RGB minus the background divided by
  alpha gives the straight colour);
- the looping WebP (every n-th frame, scaled down), the PNG poster (and a WebP one for the page), WebVTT and SRT.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
import time
import zlib
from dataclasses import asdict
from fractions import Fraction
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
from generator.render.probe import extract_frame, probe
from generator.render.scenes import load_scene_class, manim_session
from generator.render.specs import (
    POSTER_FROM_END,
    PRORES,
    PRORES_QUANT,
    WEB_POSTER_WIDTH,
    RenderSpec,
    file_names,
    main_role,
)

log = logging.getLogger("render")


class MediaRenderError(RuntimeError):
    """A media render failed or produced something unusable; the message says which and why."""


class _StopRender(Exception):
    """Raised from the frame sink once ``max_seconds`` of video are written (the scene is cut short)."""


def _hex_rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


class _Encoder:
    """One encoder in a thread of its own: ``add`` queues a frame (and how many times it is shown) and returns, so
    encoding runs beside Manim's drawing (PyAV lets go of the GIL while it converts and encodes). Frames are encoded
    strictly in order, so the output does not depend on timing. An error is raised by the next ``add`` or ``close``."""

    # Set by each subclass before it calls ``super().__init__()``: the PyAV output stream and container.
    stream: Any
    container: Any

    def __init__(self) -> None:
        import queue

        self.error: BaseException | None = None
        self.queue: queue.Queue = queue.Queue(maxsize=4)
        self.thread = threading.Thread(target=self._run, name=type(self).__name__, daemon=True)
        self.thread.start()

    def add(self, pixels, count: int) -> None:
        self._check()
        self.queue.put((pixels, count))

    def _check(self) -> None:
        if self.error is not None:
            raise MediaRenderError(f"{type(self).__name__[1:]} encoder failed: {self.error!r}") from self.error

    def _run(self) -> None:
        try:
            while (item := self.queue.get()) is not None:
                self._encode(*item)
        except BaseException as exc:  # noqa: BLE001 - reported by add()/close() in the render thread
            self.error = exc
            while self.queue.get() is not None:  # keep the producer from blocking on a full queue
                pass

    def _encode(self, pixels, count: int) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        self._check()
        for packet in self.stream.encode():
            self.container.mux(packet)
        self.container.close()


class _H264(_Encoder):
    """RGB frames -> H.264 High yuv420p in MP4: BT.709 matrix and tags, limited range, fast start, no wall clock."""

    def __init__(self, path: Path, width: int, height: int, fps: int, options: dict[str, str]) -> None:
        import av

        self.path, self.fps = path, fps
        self.container = av.open(
            str(path), "w", format="mp4", options={"movflags": "+faststart", "fflags": "+bitexact"}
        )
        s = self.container.add_stream("libx264", rate=fps, options=dict(options))
        s.width, s.height, s.pix_fmt = width, height, "yuv420p"
        cc = s.codec_context
        cc.color_primaries, cc.color_trc, cc.colorspace, cc.color_range = 1, 1, 1, 1  # BT.709 x3, MPEG range
        self.stream = s
        self.n = 0
        super().__init__()

    def _encode(self, rgba, count: int) -> None:
        import av

        frame = av.VideoFrame.from_ndarray(rgba, format="rgba")
        yuv = frame.reformat(format="yuv420p", dst_colorspace="ITU709", dst_color_range="MPEG")
        yuv.color_primaries, yuv.color_trc = 1, 1
        for _ in range(count):
            yuv.pts = self.n
            yuv.time_base = Fraction(1, self.fps)
            for packet in self.stream.encode(yuv):
                self.container.mux(packet)
            self.n += 1


class _ProRes(_Encoder):
    """RGBA frames -> ProRes 4444 (yuva444p10le, BT.709, straight alpha) in MOV.

    ProRes is intra-only and deterministic, so a frame Manim holds (a wait: one frame repeated) is encoded once and
    its packet muxed again for each repeat: the same bytes as encoding it every time, in a fraction of the time."""

    def __init__(self, path: Path, width: int, height: int, fps: int, to_straight) -> None:
        import av

        self.path, self.fps = path, fps
        self.to_straight = to_straight
        self.container = av.open(
            str(path), "w", format="mov", options={"movflags": "+faststart", "fflags": "+bitexact"}
        )
        s = self.container.add_stream("prores_ks", rate=fps, options=dict(PRORES))
        s.width, s.height, s.pix_fmt = width, height, "yuva444p10le"
        cc = s.codec_context
        cc.color_primaries, cc.color_trc, cc.colorspace, cc.color_range = 1, 1, 1, 1
        cc.thread_count = 2
        # A fixed quantiser of 1, the finest: for these flat graphics it is what prores_ks's own rate control ends
        # up choosing (same size, largest error 3/255), without its per-slice search, six times faster.
        cc.qscale = True
        cc.global_quality = PRORES_QUANT
        self.stream = s
        self.n = 0
        super().__init__()

    def _encode(self, pixels, count: int) -> None:
        import av

        frame = av.VideoFrame.from_ndarray(self.to_straight(pixels), format="rgba")
        yuva = frame.reformat(format="yuva444p10le", dst_colorspace="ITU709", dst_color_range="MPEG")
        yuva.color_primaries, yuva.color_trc = 1, 1
        yuva.pts = self.n
        yuva.time_base = Fraction(1, self.fps)
        packets = self.stream.encode(yuva)
        for packet in packets:
            self.container.mux(packet)
        self.n += 1
        if count > 1 and len(packets) == 1 and packets[0].pts == self.n - 1:
            first = packets[0]
            data, tb, key = bytes(first), first.time_base, first.is_keyframe
            for _ in range(count - 1):
                again = av.Packet(data)
                again.pts = again.dts = self.n
                again.duration = 1
                again.time_base = tb
                again.is_keyframe = key
                again.stream = self.stream
                self.container.mux(again)
                self.n += 1
        else:
            for _ in range(count - 1):
                yuva.pts = self.n
                for packet in self.stream.encode(yuva):
                    self.container.mux(packet)
                self.n += 1


def straight_alpha_lut(background: tuple[int, int, int]):
    """Per channel, a 256 x 256 table (alpha, composited value) -> straight (unassociated) colour.

    Manim composites over the background even when the background is transparent: value = C·a + bg·(1 - a) with
    a = alpha/255. So C = (value - bg·(1 - a)) / a, clipped; fully transparent pixels get 0."""
    import numpy as np

    a = np.arange(256, dtype=np.float64)[:, None]
    v = np.arange(256, dtype=np.float64)[None, :]
    luts = []
    for bg in background:
        with np.errstate(divide="ignore", invalid="ignore"):
            c = (v - bg * (255.0 - a) / 255.0) * 255.0 / a
        c = np.where(a > 0, np.clip(np.rint(c), 0, 255), 0)
        luts.append(c.astype(np.uint8))
    return luts


class FrameSink:
    """Receives Manim's frames (top-left RGBA, uint8, each possibly repeated) and feeds every encoder of a render."""

    def __init__(self, spec: RenderSpec, names: dict[str, str], out: Path, background: str, progress=None) -> None:
        self.spec = spec
        self.progress = progress  # called as progress(frames written) about once a second
        self.names = names
        self.out = out
        self.index = 0  # frames written so far
        self.max_frames = int(round(spec.max_seconds * spec.fps)) if spec.max_seconds else None
        self.main_role = main_role(spec)
        self.h264 = (
            None
            if self.main_role is None
            else _H264(out / names[self.main_role], spec.width, spec.height, spec.fps, spec.x264 or {})
        )
        self.prores = None
        self.prores_step = 0
        self.lut = None
        if spec.prores_fps:
            if spec.fps % spec.prores_fps:
                raise MediaRenderError(f"ProRes rate {spec.prores_fps} must divide the render rate {spec.fps}")
            self.prores_step = spec.fps // spec.prores_fps
            self.lut = straight_alpha_lut(_hex_rgb(background))
            self.prores = _ProRes(out / names["prores"], spec.width, spec.height, spec.prores_fps, self._straight)
        self.webp_frames: list[bytes] = []  # zlib-compressed RGB, already scaled down
        self.webp_size: tuple[int, int] | None = None
        if spec.webp:
            w = spec.webp.width - spec.webp.width % 2
            h = int(round(w * spec.height / spec.width))
            self.webp_size = (w, h - h % 2)
        self.last: tuple[int, int, Any] | None = None  # (first index, count, pixels) of the last write
        self.alpha_min, self.alpha_max = 255, 0
        self.t0 = time.perf_counter()
        self._next_report = self.t0

    # -- frames ------------------------------------------------------------------------------------------------
    def write(self, pixels, repeat: int) -> None:
        if self.max_frames is not None:
            repeat = min(repeat, self.max_frames - self.index)
            if repeat <= 0:
                raise _StopRender()
        first = self.index
        if self.h264 is not None:
            self.h264.add(pixels, repeat)
        if self.prores is not None:
            hits = sum(1 for i in range(first, first + repeat) if i % self.prores_step == 0)
            if hits:
                self.prores.add(pixels, hits)
        if self.spec.webp:
            self._webp(pixels, first, repeat)
        self.last = (first, repeat, pixels)
        self.index += repeat
        now = time.perf_counter()
        if self.progress is not None and now >= self._next_report:
            self._next_report = now + 1.0
            self.progress(self.index)
        if self.max_frames is not None and self.index >= self.max_frames:
            raise _StopRender()

    def _straight(self, pixels):
        import numpy as np

        a = pixels[..., 3]
        self.alpha_min = min(self.alpha_min, int(a.min()))
        self.alpha_max = max(self.alpha_max, int(a.max()))
        out = np.empty_like(pixels)
        for c in range(3):
            out[..., c] = self.lut[c][a, pixels[..., c]]
        out[..., 3] = a
        return out

    def _webp(self, pixels, first: int, repeat: int) -> None:
        """Keep (scaled down) the source frames the WebP shows: output frame k shows source frame
        round(k * speed * fps / webp_fps)."""
        from PIL import Image

        spec = self.spec.webp
        assert spec is not None and self.webp_size is not None  # write() only calls this when spec.webp is set
        step = spec.speed * self.spec.fps / spec.fps
        small = None
        while int(round(len(self.webp_frames) * step)) < first + repeat:
            if small is None:
                img = Image.fromarray(pixels[..., :3].copy(), "RGB").resize(self.webp_size, Image.Resampling.LANCZOS)
                small = zlib.compress(img.tobytes(), 1)
            self.webp_frames.append(small)

    # -- finishing -------------------------------------------------------------------------------------------
    def abort(self) -> None:
        """Stop the encoder threads after a failed render (their files are thrown away with the work folder)."""
        for enc in (self.h264, self.prores):
            if enc is not None and enc.thread.is_alive():
                enc.queue.put(None)
                enc.thread.join(timeout=120)

    def finish(self, fig_id: str) -> dict[str, Any]:
        """Close the encoders; write the WebP (under its cap) and the poster. Returns per-file notes."""
        notes: dict[str, Any] = {}
        if self.h264 is not None:
            self.h264.close()
            log.info(
                "%s: wrote %s (%d frames, %.1f MB)",
                self.spec.label,
                self.h264.path.name,
                self.h264.n,
                self.h264.path.stat().st_size / 1e6,
            )
        if self.prores is not None:
            self.prores.close()
            log.info(
                "%s: wrote %s (%d frames, %.1f MB)",
                self.spec.label,
                self.prores.path.name,
                self.prores.n,
                self.prores.path.stat().st_size / 1e6,
            )
            notes["prores"] = {"alpha_min": self.alpha_min, "alpha_max": self.alpha_max}
        if self.spec.webp:
            notes["webp"] = self._write_webp(self.out / self.names["webp"])
            log.info("%s: wrote %s (%s)", self.spec.label, self.names["webp"], notes["webp"]["settings"])
        poster_role = {"landscape": "poster", "vertical": "poster-vertical"}.get(self.spec.variant)
        if self.spec.poster and poster_role:
            img = self._poster_image()
            img.save(self.out / self.names[poster_role], format="PNG", optimize=False)
            if "poster-web" in self.names:
                web_poster(img, self.out / self.names["poster-web"])
        return notes

    def _poster_image(self):
        """The frame POSTER_FROM_END seconds before the end (the final composition), as an RGB PIL image."""
        from PIL import Image

        target = max(0, self.index - int(round(POSTER_FROM_END * self.spec.fps)))
        if self.last is not None and self.last[0] <= target < self.last[0] + self.last[1]:
            return Image.fromarray(self.last[2][..., :3].copy(), "RGB")
        if self.h264 is None:
            raise MediaRenderError(f"{self.spec.label}: no video to take a poster from")
        # The scene did not end on a hold: take the frame from the encoded video.
        return extract_frame(self.h264.path, target / self.spec.fps).convert("RGB")

    def _write_webp(self, path: Path) -> dict[str, Any]:
        spec = self.spec.webp
        assert spec is not None and self.webp_size is not None
        attempts = [(spec.quality, 1, self.webp_size)]
        for q in (55, 40, 25):
            if q < spec.quality:
                attempts.append((q, 1, self.webp_size))
        attempts += [(25, 2, self.webp_size)]
        w, h = self.webp_size
        for scale in (0.75, 0.5):
            sw = int(w * scale) - int(w * scale) % 2
            attempts.append((25, 2, (sw, int(round(sw * h / w)) - int(round(sw * h / w)) % 2)))
        last: dict[str, Any] | None = None
        for quality, every, size in attempts:
            fps = spec.fps / every
            _encode_webp(path, self.webp_frames[::every], self.webp_size, size, Fraction(spec.fps, every), quality)
            n = path.stat().st_size
            shown, ms = _webp_frames(path)  # libwebp merges identical neighbours into one longer frame
            last = {
                "quality": quality,
                "fps": float(fps),
                "width": size[0],
                "height": size[1],
                "frames": shown,
                "duration": round(ms / 1000, 3),
                "speed": spec.speed,
                "bytes": n,
            }
            if n <= spec.cap_bytes:
                last["settings"] = (
                    f"{size[0]}x{size[1]}, {fps:g} fps, {spec.speed:g}x speed, quality {quality}, "
                    f"{n / 1e6:.2f} MB <= cap {spec.cap_bytes / 1e6:.2f} MB"
                )
                return last
            log.info(
                "%s: WebP at quality %d, %g fps, %dx%d is %.2f MB, over the %.2f MB cap; trying smaller",
                self.spec.label,
                quality,
                fps,
                size[0],
                size[1],
                n / 1e6,
                spec.cap_bytes / 1e6,
            )
        assert last is not None  # attempts is never empty
        raise MediaRenderError(
            f"{path.name}: {last['bytes']:,} bytes even at the smallest settings, over the cap "
            f"of {spec.cap_bytes:,} bytes"
        )


def web_poster(img, webp: Path, width: int = WEB_POSTER_WIDTH) -> None:
    """A light poster for the page: WebP at most ``width`` wide (the PNG stays for reuse). Deterministic bytes."""
    from PIL import Image

    im = img.convert("RGB")
    if im.width > width:
        im = im.resize((width, round(im.height * width / im.width)), Image.Resampling.LANCZOS)
    im.save(webp, "WEBP", quality=82, method=6, exif=b"")


def _webp_frames(path: Path) -> tuple[int, int]:
    """(frames, total milliseconds) of an animated WebP, as a player sees it (Pillow decodes animated WebP;
    FFmpeg's WebP decoder does not)."""
    from PIL import Image

    with Image.open(path) as im:
        total = 0
        for i in range(getattr(im, "n_frames", 1)):
            im.seek(i)
            im.load()  # the frame's duration is known once it is decoded
            total += int(im.info.get("duration", 0))
        return getattr(im, "n_frames", 1), total


def _encode_webp(
    path: Path, frames: list[bytes], size: tuple[int, int], out_size: tuple[int, int], fps: Fraction, quality: int
) -> None:
    import av
    import numpy as np
    from PIL import Image

    w, h = size
    with av.open(str(path), "w", format="webp", options={"loop": "0", "fflags": "+bitexact"}) as c:
        s = c.add_stream(
            "libwebp_anim", rate=fps, options={"lossless": "0", "quality": str(quality), "preset": "drawing"}
        )
        s.width, s.height, s.pix_fmt = out_size[0], out_size[1], "yuv420p"
        for i, blob in enumerate(frames):
            rgb = np.frombuffer(zlib.decompress(blob), np.uint8).reshape(h, w, 3)
            if out_size != size:
                rgb = np.asarray(Image.fromarray(rgb, "RGB").resize(out_size, Image.Resampling.LANCZOS))
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            # Lossy WebP is VP8, whose YUV is BT.601: every decoder converts back with that matrix.
            frame = frame.reformat(format="yuv420p", dst_colorspace="ITU601", dst_color_range="MPEG")
            frame.pts = i
            frame.time_base = 1 / fps
            for p in s.encode(frame):
                c.mux(p)
        for p in s.encode():
            c.mux(p)


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
        try:
            scene.render()
        except _StopRender:
            cut = True
            scene._close_cue()
    return scene, cut


def check_layout(fig_id: str, data: dict[str, Any], width: int, height: int, work_dir: Path) -> dict[str, Any]:
    """Play the scene for a ``width`` x ``height`` frame without drawing a pixel (Manim skips every animation to its
    end state) and return its layout issues and cues: a fast check of the vertical layout."""
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
    from figures.style import BACKGROUND

    load_scene_class(fig_id)  # a missing or broken scene file fails here, before any file is opened
    out_dir, work_dir = Path(out_dir), Path(work_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    work_dir.mkdir(parents=True, exist_ok=True)
    names = file_names(fig_id, spec)
    t0 = time.perf_counter()
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
        notes = sink.finish(fig_id)
    finally:
        if os.environ.get("RACE_KEEP_WORK"):
            log.info("keeping the work folder %s (RACE_KEEP_WORK is set)", media_dir)
        else:
            shutil.rmtree(media_dir, ignore_errors=True)
    if sink.main_role is not None:
        info = probe(out_dir / names[sink.main_role])
        if (info["width"], info["height"]) != (spec.width, spec.height) or info["fps"] != spec.fps:
            raise MediaRenderError(
                f"{fig_id}: expected {spec.width}x{spec.height}@{spec.fps}, got "
                f"{info['width']}x{info['height']}@{info['fps']}"
            )
    duration = round(sink.index / spec.fps, 3)
    titled = [(s, min(e, duration), t, title) for (s, e, t), title in zip(scene.cues, scene.cue_titles, strict=True)]
    titled = [c for c in titled if c[0] < duration]
    cues = [(s, e, t) for s, e, t, _ in titled]
    titles = [title for *_, title in titled]
    if not cues:
        raise MediaRenderError(f"{fig_id}: the scene recorded no captions (call self.caption())")
    # The reading-pace rule, before any file of this render is written or cached (a render cut short by
    # max_seconds is checked up to the cue the cut ended).
    check_pacing(f"figures/scenes/{fig_id}.py", cues[:-1] if cut else cues)
    if spec.captions:
        (out_dir / names["vtt"]).write_text(webvtt(cues), "utf-8")
        (out_dir / names["srt"]).write_text(srt(cues), "utf-8")
        (out_dir / names["chapters"]).write_text(chapters_webvtt(cues, titles, duration), "utf-8")
        (out_dir / names["chapters-txt"]).write_text(chapters_text(cues, titles, duration), "utf-8")
    files: dict[str, dict[str, Any]] = {}
    mp4_common = {
        "codec": "h264",
        "profile": "High",
        "pix_fmt": "yuv420p",
        "colour": "BT.709 (primaries, transfer, matrix), limited range",
        "alpha": False,
        "duration": duration,
        "frames": sink.index,
    }
    if sink.main_role is not None:
        files[sink.main_role] = {**mp4_common, "width": spec.width, "height": spec.height, "fps": spec.fps}
    if "prores" in names:
        assert sink.prores is not None and spec.prores_fps  # file_names() lists "prores" only when prores_fps is set
        files["prores"] = {
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
    if "webp" in names:
        assert spec.webp is not None  # file_names() lists "webp" only when spec.webp is set
        w = notes["webp"]
        files["webp"] = {
            "codec": "webp",
            "pix_fmt": "yuv420p",
            "alpha": False,
            "width": w["width"],
            "height": w["height"],
            "fps": w["fps"],
            "frames": w["frames"],
            "duration": w["duration"],
            "speed": w["speed"],
            "quality": w["quality"],
            "loop": 0,
            "cap_bytes": spec.webp.cap_bytes,
        }
    for role in ("poster", "poster-vertical"):
        if role in names and (out_dir / names[role]).exists():
            files[role] = {
                "codec": "png",
                "pix_fmt": "rgb24",
                "alpha": False,
                "width": spec.width,
                "height": spec.height,
                "fps": None,
                "duration": None,
                "at": round(max(0.0, duration - POSTER_FROM_END), 3),
            }
    for role in ("vtt", "srt", "chapters", "chapters-txt"):
        if role in names:
            files[role] = {
                "codec": {"vtt": "webvtt", "srt": "subrip", "chapters": "webvtt", "chapters-txt": "text"}[role],
                "alpha": False,
                "width": None,
                "height": None,
                "fps": None,
                "duration": duration,
                "cues": len(cues),
                "language": "en",
            }
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
        "files": {names[role]: {"role": role, **v} for role, v in files.items()},
    }
    # The metadata file holds only what the inputs decide (no timings), so two renders write the same bytes.
    (out_dir / f"{fig_id}.{spec.variant}.json").write_text(
        json.dumps(meta, indent=1, ensure_ascii=False) + "\n", "utf-8"
    )
    meta["render_seconds"] = round(time.perf_counter() - t0, 2)
    if meta["layout_issues"]:
        # Text over text or out of its band: the render is refused (the cache keeps the previous one).
        raise LayoutError(
            f"figures/scenes/{fig_id}.py ({spec.variant}): text collides, refused: " + "; ".join(meta["layout_issues"])
        )
    log.info(
        "%s %s: rendered in %.1f s (%.1f s of video, %d layout issues)",
        fig_id,
        spec.label,
        meta["render_seconds"],
        duration,
        len(meta["layout_issues"]),
    )
    return meta
