"""Small readers for the files we publish, shared by the media kit's verifier and the tests: MP4 top-level boxes
(is the index before the data?), WebVTT/SRT cues, an animated WebP's loop count."""

from __future__ import annotations

import os
import re
import struct
from fractions import Fraction
from pathlib import Path
from typing import Any

VTT_TIMING = re.compile(r"^(\d{2}):(\d{2}):(\d{2})\.(\d{3}) --> (\d{2}):(\d{2}):(\d{2})\.(\d{3})$")
SRT_TIMING = re.compile(r"^(\d{2}):(\d{2}):(\d{2}),(\d{3}) --> (\d{2}):(\d{2}):(\d{2}),(\d{3})$")


def top_level_boxes(path: Path) -> list[str]:
    """Types of the top-level ISO-BMFF boxes of an MP4 or MOV, in file order."""
    names = []
    with Path(path).open("rb") as f:
        while True:
            head = f.read(8)
            if len(head) < 8:
                break
            size, kind = struct.unpack(">I4s", head)
            header = 8
            if size == 1:
                size = struct.unpack(">Q", f.read(8))[0]
                header = 16
            names.append(kind.decode("latin-1"))
            if size == 0 or size < header:
                break
            f.seek(size - header, os.SEEK_CUR)
    return names


def parse_cues(text: str, pattern: re.Pattern[str]) -> list[tuple[float, float, str]]:
    """(start s, end s, first text line) of every cue; ``pattern`` is VTT_TIMING or SRT_TIMING."""
    lines = text.split("\n")
    cues = []
    for i, line in enumerate(lines):
        m = pattern.match(line)
        if m:
            g = [int(x) for x in m.groups()]
            cues.append(
                (
                    g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000,
                    g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000,
                    lines[i + 1] if i + 1 < len(lines) else "",
                )
            )
    return cues


def webp_loop_count(path: Path) -> int | None:
    """The loop count of an animated WebP (0 = forever), or None when the file has no ANIM chunk."""
    data = Path(path).read_bytes()
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    i = data.find(b"ANIM")
    if i < 0 or len(data) < i + 14:
        return None
    return struct.unpack("<H", data[i + 12 : i + 14])[0]


def probe(path: Path) -> dict[str, Any]:
    """Codec, pixel format, size, frame rate, frame count and duration of the first video stream."""
    import av

    with av.open(str(path)) as c:
        s = c.streams.video[0]
        rate = s.average_rate or s.guessed_rate
        assert rate is not None, f"{path}: the video stream has no frame rate"
        fps = Fraction(rate)
        frames = s.frames or sum(1 for _ in c.demux(s) if _.size)
        return {
            "codec": s.codec_context.name,
            "pix_fmt": s.codec_context.pix_fmt,
            "width": s.codec_context.width,
            "height": s.codec_context.height,
            "fps": fps,
            "frames": frames,
            "duration": round(float(frames / fps), 3) if fps else 0.0,
        }


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
            raise ValueError(f"{path} has no decodable frame")
        return last.to_image()
