"""A scene on paper: one still per step (a step is a caption cue) with the step's text, for the print stylesheet.

The stills are frames of the site's own landscape MP4, taken at the end of each cue (the step fully drawn), in one
decoding pass (generator/render/probe.py), saved as WebP under ``figures/<id>/step-<n>.webp``. They are kept in
``build/stills/<id>-<key>/`` under a derived key (generator/render/keys.py): the MP4's bytes, the cue times, this
module (the frame-picking code) with its imports, and the versions of PyAV and Pillow; so a rebuild decodes nothing
unless the scene was rendered again or the way stills are picked changed. The page shows the storyboard only in print (docs/assets/css/print.css); on
screen it is display: none and its images are lazy, so a reader's browser fetches none of them.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

from generator.escape import Html
from generator.render.keys import derived_key
from generator.util.fs import atomic_write

STILL_WIDTH = 640
STILL_QUALITY = 80
#: The tools a still is decoded and encoded with (their versions are in its key).
STILL_TOOLS = ("av", "pillow")


def extract_frames(path: Path, times: list[float]) -> list:
    """The decoded frames at (or just after) each of ``times`` (seconds, any order), as PIL images, in one pass
    through the video; a time past the end gives the last frame. (generator/render/probe.py's extract_frame reads
    one frame; this reads many in one decode. It lives here because probe.py is part of every scene's cache key.)"""
    import av

    order = sorted(range(len(times)), key=lambda i: times[i])
    out: list = [None] * len(times)
    k = 0
    with av.open(str(path)) as c:
        last = None
        for frame in c.decode(c.streams.video[0]):
            last = frame
            while k < len(order) and frame.time is not None and frame.time >= times[order[k]] - 1e-6:
                out[order[k]] = frame.to_image()
                k += 1
            if k == len(order):
                break
        if last is None:
            raise ValueError(f"{path} has no decodable frame")
        for i in order[k:]:
            out[i] = last.to_image()
    return out


def still_name(n: int) -> str:
    return f"step-{n}.webp"


#: Where in each step the candidate stills are taken (fractions of the cue); the fullest one is kept.
SAMPLES = (0.35, 0.6, 0.8, 0.97)


def step_times(cues: list[dict[str, Any]], duration: float) -> list[list[float]]:
    """Candidate times for each step's still: late in its cue, when the step is drawn (a step may end by clearing
    the screen for the next one, so the very end is not always the best frame)."""
    out = []
    for c in cues:
        start, end = float(c["start"]), min(float(c["end"]), duration)
        out.append([start + f * max(0.0, end - start) for f in SAMPLES])
    return out


def _fullest(frames: list) -> Any:
    """The frame with the most drawn on it: the largest spread of grey levels (a cleared screen has none)."""
    from PIL import ImageStat

    spread = [ImageStat.Stat(im.convert("L")).stddev[0] for im in frames]
    return frames[max(range(len(frames)), key=lambda i: (spread[i], i))]


def stills(fig_id: str, mp4: Path, meta: dict[str, Any], work: Path) -> dict[str, Path]:
    """{site path: file} of the scene's step stills, extracted once per MP4 and cue list into ``work``."""
    cues = meta.get("cues") or []
    if not cues:
        return {}
    times = step_times(cues, float(meta.get("duration") or cues[-1]["end"]))
    key = derived_key([__name__], times, files=[mp4], tools=STILL_TOOLS)
    folder = work / f"{fig_id}-{key[:16]}"
    names = [still_name(i + 1) for i in range(len(times))]
    if not all((folder / n).is_file() for n in names):
        for old in work.glob(f"{fig_id}-*"):
            shutil.rmtree(old, ignore_errors=True)
        flat = [t for ts in times for t in ts]
        frames = extract_frames(mp4, flat)
        per_step = [frames[i * len(SAMPLES) : (i + 1) * len(SAMPLES)] for i in range(len(times))]
        for name, frame in zip(names, (_fullest(f) for f in per_step), strict=True):
            if frame.width > STILL_WIDTH:
                frame = frame.resize((STILL_WIDTH, round(frame.height * STILL_WIDTH / frame.width)))
            buf = io.BytesIO()
            frame.save(buf, format="WEBP", quality=STILL_QUALITY, method=6)
            atomic_write(folder / name, buf.getvalue())
    return {f"figures/{fig_id}/{n}": folder / n for n in names}


def storyboard_html(fig_id: str, meta: dict[str, Any], base: str) -> Html:
    """The print-only storyboard of a scene: an ordered list of its steps, each a still and the step's text."""
    cues = meta.get("cues") or []
    if not cues:
        return Html("")
    w, h = STILL_WIDTH, round(STILL_WIDTH * meta.get("height", 9) / max(1, meta.get("width", 16)))
    items = Html("").join(
        Html(
            '<li><img src="{base}figures/{id}/{name}" alt="" loading="lazy" decoding="async" width="{w}" height="{h}">'
            "<p>{text}</p></li>"
        ).format(base=base, id=fig_id, name=still_name(i + 1), w=w, h=h, text=c["text"])
        for i, c in enumerate(cues)
    )
    return Html('<ol class="rs-storyboard">{}</ol>').format(items)
