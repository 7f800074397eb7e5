"""The frame sink of a scene render: every frame Manim draws goes to every file of that render.

``FrameSink.write(pixels, repeat)`` gets each frame (top-left RGBA, uint8) and how many times it is shown, and feeds
the render's H.264 video (generator/render/encode.py), its ProRes (the alpha render), the frames of its looping WebP
(kept scaled down and compressed until the end), and the portrait render's 9:16 social video
(generator/render/vertical.py). ``step(seconds, text)`` is called by the scene at each step start (RaceScene.on_step):
that frame becomes a keyframe of every H.264 output, so the media kit cuts step clips without encoding
(generator/media/steps.py), and the vertical video burns that step's caption in from there. ``finish`` closes the
encoders and writes the WebP (under its size cap) and the posters.
"""

from __future__ import annotations

import logging
import time
import zlib
from fractions import Fraction
from pathlib import Path
from typing import Any

from figures.legibility import hex_rgb
from generator.render.encode import (
    H264,
    MediaRenderError,
    ProRes,
    encode_webp,
    straight_alpha_lut,
    web_poster,
    webp_frames,
)
from generator.render.probe import extract_frame
from generator.render.specs import POSTER_FROM_END, POSTER_ROLES, RenderSpec, main_role
from generator.render.vertical import Vertical

log = logging.getLogger("render")


class StopRender(Exception):
    """Raised from the frame sink once ``max_seconds`` of video are written (the scene is cut short)."""


class FrameSink:
    """Receives Manim's frames (top-left RGBA, uint8, each possibly repeated) and feeds every output of a render."""

    def __init__(self, spec: RenderSpec, names: dict[str, str], out: Path, background: str, progress=None) -> None:
        from figures.style import FONT_DIR

        self.spec, self.names, self.out = spec, names, out
        self.progress = progress  # called as progress(frames written) about once a second
        self.index = 0  # frames written so far
        self.max_frames = int(round(spec.max_seconds * spec.fps)) if spec.max_seconds else None
        self.main_role = main_role(spec)
        self.keys: set[int] = set()  # frames that start a step
        self.h264 = (
            None if self.main_role is None else H264(out / names[self.main_role], *self._size(), spec.x264 or {})
        )
        self.vertical = (
            Vertical(spec, out / names["mp4-vertical"], background, FONT_DIR / "Inter-Regular.otf")
            if spec.vertical
            else None
        )
        self.prores, self.prores_step, self.lut = None, 0, None
        if spec.prores_fps:
            if spec.fps % spec.prores_fps:
                raise MediaRenderError(f"ProRes rate {spec.prores_fps} must divide the render rate {spec.fps}")
            self.prores_step = spec.fps // spec.prores_fps
            self.lut = straight_alpha_lut(hex_rgb(background))
            self.prores = ProRes(out / names["prores"], spec.width, spec.height, spec.prores_fps, self._straight)
        self.webp_frames: list[bytes] = []  # zlib-compressed RGB, already scaled down
        self.webp_size: tuple[int, int] | None = None
        if spec.webp:
            w = spec.webp.width - spec.webp.width % 2
            h = int(round(w * spec.height / spec.width))
            self.webp_size = (w, h - h % 2)
        self.last: tuple[int, int, Any] | None = None  # (first index, count, pixels) of the last write
        self.alpha_min, self.alpha_max = 255, 0
        self._next_report = time.perf_counter()

    def _size(self) -> tuple[int, int, int]:
        return self.spec.width, self.spec.height, self.spec.fps

    # -- frames ------------------------------------------------------------------------------------------------
    def step(self, seconds: float, text: str) -> None:
        """A step starts at ``seconds`` (the next frame written): a keyframe there, and the vertical's caption."""
        frame = int(round(seconds * self.spec.fps))
        self.keys.add(frame)
        if self.vertical is not None:
            self.vertical.step(frame, text)

    def write(self, pixels, repeat: int) -> None:
        if self.max_frames is not None:
            repeat = min(repeat, self.max_frames - self.index)
            if repeat <= 0:
                raise StopRender()
        first = self.index
        if self.h264 is not None:
            self.h264.add(pixels, repeat, key=first in self.keys)
        if self.vertical is not None:
            self.vertical.write(pixels, first, repeat)
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
            raise StopRender()

    def _straight(self, pixels):
        import numpy as np

        assert self.lut is not None  # set with the ProRes encoder
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
        for enc in (self.h264, self.prores, self.vertical):
            if enc is not None:
                enc.abort()

    def finish(self) -> dict[str, Any]:
        """Close the encoders; write the WebP (under its cap) and the posters. Returns per-file notes."""
        notes: dict[str, Any] = {}
        for enc in (self.h264, self.prores):
            if enc is not None:
                enc.close()
                log.info(
                    "%s: wrote %s (%d frames, %.1f MB)",
                    self.spec.label,
                    enc.path.name,
                    enc.n,
                    enc.path.stat().st_size / 1e6,
                )
        if self.prores is not None:
            notes["prores"] = {"alpha_min": self.alpha_min, "alpha_max": self.alpha_max}
        if self.vertical is not None:
            self.vertical.close()
        if self.spec.webp:
            notes["webp"] = self._write_webp(self.out / self.names["webp"])
            log.info("%s: wrote %s (%s)", self.spec.label, self.names["webp"], notes["webp"]["settings"])
        self._write_posters()
        return notes

    def poster_index(self) -> int:
        """The frame of the posters: POSTER_FROM_END seconds before the end (the final composition)."""
        return max(0, self.index - int(round(POSTER_FROM_END * self.spec.fps)))

    def _write_posters(self) -> None:
        role = POSTER_ROLES.get(self.spec.variant)
        if not (self.spec.poster and role):
            return
        img = self._poster_image()
        img.save(self.out / self.names[role], format="PNG", optimize=False)
        if f"{role}-web" in self.names:
            web_poster(img, self.out / self.names[f"{role}-web"])
        if self.vertical is not None and "poster-vertical" in self.names:
            import numpy as np
            from PIL import Image

            canvas = self.vertical.compose(np.asarray(img), self.poster_index())
            Image.fromarray(canvas, "RGB").save(self.out / self.names["poster-vertical"], format="PNG", optimize=False)

    def _poster_image(self):
        """The poster frame as an RGB PIL image."""
        from PIL import Image

        target = self.poster_index()
        if self.last is not None and self.last[0] <= target < self.last[0] + self.last[1]:
            return Image.fromarray(self.last[2][..., :3].copy(), "RGB")
        if self.h264 is None:
            raise MediaRenderError(f"{self.spec.label}: no video to take a poster from")
        # The scene did not end on a hold: take the frame from the encoded video.
        return extract_frame(self.h264.path, target / self.spec.fps).convert("RGB")

    def _write_webp(self, path: Path) -> dict[str, Any]:
        spec = self.spec.webp
        assert spec is not None and self.webp_size is not None
        last: dict[str, Any] | None = None
        for quality, every, size in self._webp_attempts():
            fps = spec.fps / every
            encode_webp(path, self.webp_frames[::every], self.webp_size, size, Fraction(spec.fps, every), quality)
            n = path.stat().st_size
            shown, ms = webp_frames(path)  # libwebp merges identical neighbours into one longer frame
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

    def _webp_attempts(self) -> list[tuple[int, int, tuple[int, int]]]:
        """(quality, keep every n-th frame, size) to try in turn until the WebP is under its cap."""
        spec = self.spec.webp
        assert spec is not None and self.webp_size is not None
        attempts = [(spec.quality, 1, self.webp_size)]
        attempts += [(q, 1, self.webp_size) for q in (55, 40, 25) if q < spec.quality]
        attempts.append((25, 2, self.webp_size))
        w, h = self.webp_size
        for scale in (0.75, 0.5):
            sw = int(w * scale) - int(w * scale) % 2
            sh = int(round(sw * h / w))
            attempts.append((25, 2, (sw, sh - sh % 2)))
        return attempts
