"""The legibility rule of every scene frame, and where the page shows each render (one home for both).

House style, so it lives with the figures and imports nothing (a scene's cache key holds these lines, not the
render's encoders); the render, the vertical video's captions and the page's player markup read it from here.

A reader sees a scene's frame scaled to the width the page gives its video: the landscape render in the article's
column (never narrower than ``LANDSCAPE_MIN_SHOWN_PX``: below ``PORTRAIT_BELOW_PX`` of viewport the page plays the
portrait render instead), the portrait render across a phone (``PORTRAIT_SHOWN_PX``: the video runs edge to edge on
narrow screens). At that scale every text a scene draws must be at least ``MIN_TEXT_PX`` CSS pixels tall (its font
size; Inter's x-height is then about 6 px) and every stroke at least ``MIN_STROKE_PX`` wide; and the frame where the
page's player pauses, the last of each step, must show the step (at least ``MIN_STEP_INK`` of its content band
drawn). figures/style.py (``RaceScene``) checks all three while a scene plays, from the mobjects' geometry and the
frame at each step's end, and records what fails in ``layout_issues``, which the render refuses
(generator/render/video.py) and a dry run can read without encoding anything.

The page side: docs/assets/css/site.css and embed.css switch at ``PORTRAIT_MEDIA`` (tests compare the strings), the
player's ``<source media>`` carries it (generator/site/templates/scene_player.html) and player.js reads it from
there.
"""

from __future__ import annotations

#: Below this viewport width (CSS px) the page plays a scene's portrait render; from it up, the landscape one.
PORTRAIT_BELOW_PX = 700
#: The media query of the portrait render (the <source media> attribute, site.css and embed.css).
PORTRAIT_MEDIA = f"(max-width: {PORTRAIT_BELOW_PX - 0.02:g}px)"
#: The narrowest the page shows the landscape render: its width in the article at a PORTRAIT_BELOW_PX viewport
#: (measured in Chromium, tests/browser: the column there is 668 px).
LANDSCAPE_MIN_SHOWN_PX = 668
#: The width the legibility rule assumes for the portrait render: a 360-px phone, the video edge to edge.
PORTRAIT_SHOWN_PX = 360

#: Every text a scene draws is at least this many CSS px tall (font size) where the page shows it.
MIN_TEXT_PX = 11.0
#: Inter's x-height as a fraction of the font size (1118 / 2048 units): 11 px text has a 6 px x-height.
X_HEIGHT_EM = 0.546
#: Every stroke is at least this many CSS px wide where the page shows it.
MIN_STROKE_PX = 0.5
#: The last frame of a step has at least this fraction of its content band drawn (a lone short label is ~0.3 %).
MIN_STEP_INK = 0.01
#: A pixel counts as drawn when a channel differs from the background by more than this (of 255).
INK_THRESHOLD = 40


def hex_rgb(color: str) -> tuple[int, int, int]:
    """``#rrggbb`` -> (r, g, b): the house background for the empty-frame check and the encoders' canvases."""
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def shown_px(portrait: bool) -> int:
    """The width (CSS px) at which the page shows a render of this orientation at its smallest."""
    return PORTRAIT_SHOWN_PX if portrait else LANDSCAPE_MIN_SHOWN_PX


def ink_fraction(pixels, background: tuple[int, int, int], top: int, bottom: int) -> float:
    """The fraction of the rows ``top``..``bottom`` of a frame (H x W x 3 or 4, uint8) drawn in something other
    than ``background``."""
    import numpy as np

    band = np.asarray(pixels)[max(0, top) : max(top + 1, bottom), :, :3].astype(np.int16)
    if band.size == 0:
        return 0.0
    diff = np.abs(band - np.array(background, dtype=np.int16)).max(axis=-1)
    return float((diff > INK_THRESHOLD).mean())
