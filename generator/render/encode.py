"""The project's encoders: frames (numpy RGBA arrays) in, files with fixed settings out, so the same frames always
give the same bytes. Used by a scene render's frame sink (generator/render/sink.py) and by nothing that re-encodes
a finished video (the media kit's step clips are cut by stream copy, generator/media/steps.py).

- ``H264``: H.264 High yuv420p in MP4, BT.709 matrix and tags, limited range, fast start, no wall clock; a frame
  added with ``key=True`` is coded as an IDR frame (a chapter start, where a step clip can be cut without encoding);
- ``ProRes``: ProRes 4444 with straight alpha in MOV (``straight_alpha_lut`` undoes Manim's composite);
- ``encode_webp``: the looping animated WebP; ``web_poster``: the page's WebP poster.

Each video encoder runs in a thread of its own, so encoding runs beside Manim's drawing (PyAV lets go of the GIL
while it converts and encodes); frames are encoded strictly in order, so the output does not depend on timing.
"""

from __future__ import annotations

import queue
import threading
import zlib
from fractions import Fraction
from pathlib import Path
from typing import Any

from generator.render.specs import PRORES, PRORES_QUANT, WEB_POSTER_WIDTH

#: Container options of every MP4/MOV we write: the index before the data (plays while downloading), no clock.
MP4_OPTIONS = {"movflags": "+faststart", "fflags": "+bitexact"}


class MediaRenderError(RuntimeError):
    """A media render failed or produced something unusable; the message says which and why."""


class Encoder:
    """One encoder in a thread of its own: ``add`` queues a frame (how many times it is shown, and whether its
    first showing must be a keyframe) and returns. An error is raised by the next ``add`` or ``close``."""

    # Set by each subclass before it calls ``super().__init__()``: the PyAV output stream and container.
    stream: Any
    container: Any
    path: Path
    n: int

    def __init__(self) -> None:
        self.error: BaseException | None = None
        self.queue: queue.Queue = queue.Queue(maxsize=4)
        self.thread = threading.Thread(target=self._run, name=type(self).__name__, daemon=True)
        self.thread.start()

    def add(self, pixels, count: int, key: bool = False) -> None:
        self._check()
        self.queue.put((pixels, count, key))

    def _check(self) -> None:
        if self.error is not None:
            raise MediaRenderError(f"{type(self).__name__} encoder failed: {self.error!r}") from self.error

    def _run(self) -> None:
        try:
            while (item := self.queue.get()) is not None:
                self._encode(*item)
        except BaseException as exc:  # noqa: BLE001 - reported by add()/close() in the render thread
            self.error = exc
            while self.queue.get() is not None:  # keep the producer from blocking on a full queue
                pass

    def _encode(self, pixels, count: int, key: bool) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        """Stop the thread after a failed render (the file is thrown away with the work folder)."""
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join(timeout=120)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        self._check()
        for packet in self.stream.encode():
            self.container.mux(packet)
        self.container.close()


class H264(Encoder):
    """RGB(A) frames -> H.264 High yuv420p in MP4: BT.709 matrix and tags, limited range, fast start, no wall clock.
    ``options`` are the x264 settings (generator/render/specs.py); forced keyframes are IDR frames."""

    def __init__(self, path: Path, width: int, height: int, fps: int, options: dict[str, str]) -> None:
        import av

        self.path, self.fps = path, fps
        self.container = av.open(str(path), "w", format="mp4", options=dict(MP4_OPTIONS))
        s = self.container.add_stream("libx264", rate=fps, options={**options, "forced-idr": "1"})
        s.width, s.height, s.pix_fmt = width, height, "yuv420p"
        cc = s.codec_context
        cc.color_primaries, cc.color_trc, cc.colorspace, cc.color_range = 1, 1, 1, 1  # BT.709 x3, MPEG range
        self.stream = s
        self.n = 0
        super().__init__()

    def _encode(self, pixels, count: int, key: bool) -> None:
        import av
        from av.video.frame import PictureType

        fmt = "rgba" if pixels.shape[-1] == 4 else "rgb24"
        frame = av.VideoFrame.from_ndarray(pixels, format=fmt)
        yuv = frame.reformat(format="yuv420p", dst_colorspace="ITU709", dst_color_range="MPEG")
        yuv.color_primaries, yuv.color_trc = 1, 1
        yuv.time_base = Fraction(1, self.fps)
        for i in range(count):
            yuv.pts = self.n
            yuv.pict_type = PictureType.I if key and i == 0 else PictureType.NONE
            for packet in self.stream.encode(yuv):
                self.container.mux(packet)
            self.n += 1


class ProRes(Encoder):
    """RGBA frames -> ProRes 4444 (yuva444p10le, BT.709, straight alpha) in MOV.

    ProRes is intra-only and deterministic, so a frame Manim holds (a wait: one frame repeated) is encoded once and
    its packet muxed again for each repeat: the same bytes as encoding it every time, in a fraction of the time."""

    def __init__(self, path: Path, width: int, height: int, fps: int, to_straight) -> None:
        import av

        self.path, self.fps = path, fps
        self.to_straight = to_straight
        self.container = av.open(str(path), "w", format="mov", options=dict(MP4_OPTIONS))
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

    def _encode(self, pixels, count: int, key: bool) -> None:
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
            self._repeat(packets[0], count - 1)
        else:
            for _ in range(count - 1):
                yuva.pts = self.n
                for packet in self.stream.encode(yuva):
                    self.container.mux(packet)
                self.n += 1

    def _repeat(self, first, times: int) -> None:
        import av

        data, tb, key = bytes(first), first.time_base, first.is_keyframe
        for _ in range(times):
            again = av.Packet(data)
            again.pts = again.dts = self.n
            again.duration = 1
            again.time_base = tb
            again.is_keyframe = key
            again.stream = self.stream
            self.container.mux(again)
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


def web_poster(img, webp: Path, width: int = WEB_POSTER_WIDTH) -> None:
    """A light poster for the page: WebP at most ``width`` wide (the PNG stays for reuse). Deterministic bytes."""
    from PIL import Image

    im = img.convert("RGB")
    if im.width > width:
        im = im.resize((width, round(im.height * width / im.width)), Image.Resampling.LANCZOS)
    im.save(webp, "WEBP", quality=82, method=6, exif=b"")


def webp_frames(path: Path) -> tuple[int, int]:
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


def encode_webp(
    path: Path, frames: list[bytes], size: tuple[int, int], out_size: tuple[int, int], fps: Fraction, quality: int
) -> None:
    """An animated WebP that loops forever from ``frames`` (zlib-compressed RGB of ``size``), scaled to
    ``out_size``, at ``fps`` and lossy ``quality``."""
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
