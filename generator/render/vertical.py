"""The media kit's 9:16 social video, composed from the portrait draw while it encodes (no second draw).

Each portrait frame (4:5, the scene's own title at its top) is placed ``VerticalSpec.top`` px below the top of a
9:16 canvas of the house background, and the current step's caption is burned in under it: centred, up to four
lines, in the shipped Inter (Pillow's FreeType), at a size that reads on a phone (at least the legibility rule's
11 CSS px where the video is shown 360 px wide: figures/legibility.py). At each step start the old caption
fades out, then the new one in (``FADE``), over the still frame the scene holds there (RaceScene.caption()).

``Vertical.write`` takes the frames as the sink gets them (a frame and how many times it is shown) and encodes runs
of identical composites once each, with a keyframe at every step start.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from figures.legibility import MIN_TEXT_PX, PORTRAIT_SHOWN_PX, hex_rgb
from generator.render.encode import H264
from generator.render.specs import RenderSpec

#: Seconds of the caption change at a step start: the old one fades out, then the new one in.
FADE_OUT, FADE_IN = 0.18, 0.22
#: Caption font size as a fraction of the frame width (46 px at 1080: 15 CSS px on a 360-px phone), and the least
#: it may shrink to for a long caption (the legibility rule, with a little room).
CAPTION_EM = 0.0426
MOST_LINES = 4


def min_caption_em() -> float:
    """The smallest caption font size (fraction of the width) that meets the legibility rule on a phone."""
    return (MIN_TEXT_PX + 0.5) / PORTRAIT_SHOWN_PX


@dataclass
class _Cue:
    frame: int  # the first frame of the step
    text: str


class Vertical:
    """Composes and encodes the 9:16 video of one portrait render (``spec.vertical`` must be set)."""

    def __init__(self, spec: RenderSpec, path: Path, background: str, font: Path) -> None:
        assert spec.vertical is not None and spec.x264 is not None
        self.spec, self.v = spec, spec.vertical
        self.bg = hex_rgb(background)
        self.font = font
        self.cues: list[_Cue] = []
        self.images: dict[str, Any] = {}  # caption text -> (RGBA array, x, y)
        self.h264 = H264(path, self.v.width, self.v.height, spec.fps, spec.x264)

    # -- steps and captions --------------------------------------------------------------------------------------
    def step(self, frame: int, text: str) -> None:
        """The step whose caption is ``text`` starts at ``frame``."""
        self.cues.append(_Cue(frame, text))

    def _state(self, i: int) -> tuple[str, int]:
        """(caption text, opacity 0..255) shown at frame ``i``."""
        fps = self.spec.fps
        k = max((n for n, c in enumerate(self.cues) if c.frame <= i), default=-1)
        if k < 0:
            return "", 0
        t = (i - self.cues[k].frame) / fps
        if k > 0 and t < FADE_OUT:
            return self.cues[k - 1].text, round(255 * (1 - t / FADE_OUT))
        fade = t - (FADE_OUT if k > 0 else 0.0)
        return self.cues[k].text, round(255 * min(1.0, max(0.0, fade / FADE_IN)))

    def caption_image(self, text: str):
        """The caption as an RGBA array (white text, alpha coverage) and where it goes on the canvas."""
        if text not in self.images:
            self.images[text] = _render_caption(text, self.v.width, self._caption_box(), self.font)
        return self.images[text]

    def _caption_box(self) -> tuple[int, int]:
        """(top, bottom) of the caption area: under the portrait frame, above the bottom fifth of the canvas
        (where phone apps draw their controls)."""
        top = self.v.top + self.spec.height + round(0.03 * self.v.width)
        return top, max(top + 1, round(self.v.height * 0.9))

    # -- frames -------------------------------------------------------------------------------------------------
    def compose(self, pixels, i: int):
        """The 9:16 frame for portrait frame ``pixels`` shown as frame ``i``."""
        import numpy as np

        canvas = np.empty((self.v.height, self.v.width, 3), np.uint8)
        canvas[:] = self.bg
        canvas[self.v.top : self.v.top + self.spec.height] = pixels[..., :3]
        text, alpha = self._state(i)
        if text and alpha:
            img, x, y = self.caption_image(text)
            h, w = img.shape[:2]
            a = img[..., 3:4].astype(np.float32) * (alpha / 255.0 / 255.0)
            region = canvas[y : y + h, x : x + w].astype(np.float32)
            canvas[y : y + h, x : x + w] = np.rint(region * (1 - a) + img[..., :3] * a).astype(np.uint8)
        return canvas

    def write(self, pixels, first: int, repeat: int) -> None:
        """Frames ``first`` .. ``first + repeat - 1`` show ``pixels``: encode each run of equal composites once."""
        starts = {c.frame for c in self.cues}
        i, end = first, first + repeat
        while i < end:
            state = self._state(i)
            j = i + 1
            while j < end and j not in starts and self._state(j) == state:
                j += 1
            self.h264.add(self.compose(pixels, i), j - i, key=i in starts)
            i = j

    def close(self) -> None:
        self.h264.close()

    def abort(self) -> None:
        self.h264.abort()


def _render_caption(text: str, width: int, box: tuple[int, int], font_path: Path):
    """``text`` wrapped (balanced lines, at most MOST_LINES; shrunk towards the legibility minimum when needed),
    centred, as a white-on-transparent RGBA array, with its top-left (x, y) on the canvas."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    from figures.style import INK, break_lines

    max_w = width * 0.88
    size = round(CAPTION_EM * width)
    least = max(1, round(min_caption_em() * width))
    while True:
        font = ImageFont.truetype(str(font_path), size)
        words = [w for w in text.split(" ") if w]
        widths = [font.getlength(w) for w in words]
        lines = break_lines(widths, font.getlength(" "), max_w)
        if len(lines) <= MOST_LINES or size <= least:
            break
        size -= 1
    line_h = round(size * 1.3)
    out = Image.new("RGBA", (width, line_h * len(lines)), (0, 0, 0, 0))
    draw = ImageDraw.Draw(out)
    for n, line in enumerate(lines):
        s = " ".join(words[i] for i in line)
        draw.text((width / 2, n * line_h + line_h / 2), s, font=font, fill=(*hex_rgb(INK), 255), anchor="mm")
    top, bottom = box
    y = top + max(0, (bottom - top - out.height) // 2)
    return np.asarray(out), 0, y
