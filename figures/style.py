"""House style for every Manim scene: palette, type scale, timing, layout bands, the shipped font and captions.

A scene derives from :class:`RaceScene` and composes the helpers below; it never picks its own colours, sizes or
font. Layout is three bands on the 16:9 frame (Manim units, 14.2 x 8):

    title band    y in [TITLE_BOTTOM, 4]        the scene title, top left
    content band  y in [CAPTION_TOP, TITLE_BOTTOM]  everything the scene draws
    caption band  y in [-4, CAPTION_TOP]         the narration line(s), also written as WebVTT cues

The media kit (generator/media/) also renders every scene for a vertical 9:16 frame (8 x 14.2 units, the same
pixels per unit, so the type scale holds). ``self.layout`` (a :class:`Layout`) gives the bands of whichever frame is
being rendered and ``self.portrait`` says which: a scene reads its geometry from them and stacks vertically what
sits side by side in landscape. The module constants below describe the landscape frame only; ``LANDSCAPE`` is the
same bands as a Layout, so the landscape output does not change.

The video background is one dark neutral (BACKGROUND) so the same file sits well in both site themes: on a white
page it reads as a framed dark card, on the near-black page as a slightly lighter panel. Every colour below is
chosen for contrast against BACKGROUND only (the page colour never shows through the video).

Captions: ``self.caption(text, title=...)`` records the line as a WebVTT cue from now until the next caption or
the end of the scene, and each cue is one *step* of the scene (a chapter, with the short ``title``). The vertical
video (made to play alone on phones) burns the line into the caption band; the landscape render (the site's video
and the kit's landscape file) does not draw it (the page's control bar would hide it): its captions travel as
WebVTT/SRT and as the page's step text. Both take the same time, so every orientation keeps the same timeline.
``generator/render/video.py`` writes the cues to WebVTT, SRT and a chapters track and joins them into the text
description in ``<id>.json``. Keep captions to two lines (about 190 characters).

Pacing: a cue must stay up for at least ``CUE_MIN_SECONDS`` and at most ``CUE_MAX_CPS`` characters per second
(``cue_seconds``). ``caption()`` waits, before it replaces a cue, until that cue has been readable for long enough
(the hold falls at the end of the step, where the page's player pauses); the last cue is the scene's to hold (end
with a wait). The render refuses a scene with a cue too fast to read (generator/render/captions.py).

Layout is checked while rendering: after every play/wait, text that leaves the frame's safe area, strays out of
its band or overlaps other text is recorded in ``self.layout_issues`` (the tests require it to be empty). Text
running over shapes is not detected: look at stills.

The scene's data comes from the JSON file named by the environment variable RACE_FIGURE_DATA (the catalog slice
the figure's ``reads:`` names, written by ``generator/render/scenes.py``). Without it, for quick ``manim`` previews, the
slice is taken from ``catalog.yaml`` directly.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import manimpango
import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    FadeIn,
    FadeOut,
    Line,
    Mobject,
    Rectangle,
    RoundedRectangle,
    Scene,
    Text,
    VGroup,
    VMobject,
    config,
)

from figures.typeface import FAMILY, FILES, FONT_DIR  # noqa: E402

log = logging.getLogger(__name__)

FONT_FILES = tuple(FILES.values())
FONT = FAMILY
DATA_ENV = "RACE_FIGURE_DATA"

# ---------------------------------------------------------------------------------------------------------------
# Palette (contrast against BACKGROUND: INK 15:1, MUTED 7:1, every accent >= 4.5:1)
# ---------------------------------------------------------------------------------------------------------------
BACKGROUND = "#14161b"
PANEL = "#1f232b"       # filled regions that sit behind content
GRID = "#3a404c"        # hairlines, empty cells, outlines of inactive things
INK = "#eef0f4"         # primary text
MUTED = "#a4acb9"       # secondary text, units, notes
BLUE = "#5aa9ff"        # queries, the primary series
ORANGE = "#ffaf5a"      # keys / HBM / costs
GREEN = "#5fd38d"       # values / SRAM / savings
PINK = "#ff7a9c"        # the expensive thing: n x n, the growing cache
PURPLE = "#b79cff"      # latents, state, the fourth series
YELLOW = "#f2d45c"      # the highlight: the token being followed, the current tile
SERIES = (BLUE, ORANGE, GREEN, PURPLE, PINK, YELLOW)

# ---------------------------------------------------------------------------------------------------------------
# Type scale (Manim font_size; the cap height is about 0.0101 x font_size units, so SMALL = 11 px at 480p and
# 25 px at 1080p). Nothing on screen is smaller than SMALL.
# ---------------------------------------------------------------------------------------------------------------
TITLE_SIZE = 32
HEAD_SIZE = 26
BODY_SIZE = 22
LABEL_SIZE = 20
SMALL_SIZE = 18
CAPTION_SIZE = 22

# ---------------------------------------------------------------------------------------------------------------
# Timing (seconds)
# ---------------------------------------------------------------------------------------------------------------
T_FAST = 0.4     # fades of labels and captions
T_MOVE = 1.0     # a shape moving or growing
T_READ = 1.6     # a pause to read a new label
T_HOLD = 2.5     # the final hold, so the poster frame and the last caption can be read

#: Held on top of the bare reading time (``cue_seconds``: the rule lives in generator/render/captions.py) when
#: caption() pads a cue: frame rounding, and a breath at the end of the step before the next one.
CUE_PAD = 0.3

# ---------------------------------------------------------------------------------------------------------------
# Layout bands (Manim units; the frame is config.frame_width x config.frame_height, 14.22 x 8)
# ---------------------------------------------------------------------------------------------------------------
MARGIN = 0.35
FRAME_W = 14.0 + 2 / 9          # config.frame_width for 16:9
FRAME_H = 8.0
LEFT_X = -FRAME_W / 2 + MARGIN
RIGHT_X = FRAME_W / 2 - MARGIN
TOP_Y = FRAME_H / 2 - MARGIN
BOTTOM_Y = -FRAME_H / 2 + MARGIN
TITLE_BOTTOM = 3.05
CAPTION_TOP = -2.95
CONTENT_W = RIGHT_X - LEFT_X
CONTENT_H = TITLE_BOTTOM - CAPTION_TOP - 0.2
CONTENT_CENTER = np.array([0.0, (TITLE_BOTTOM + CAPTION_TOP) / 2, 0.0])

#: The short side of every frame is FRAME_H units, so one unit is the same number of pixels in both orientations
#: (135 px at 1080p) and the type scale above reads the same in a vertical video as in the landscape one.
SHORT_SIDE = FRAME_H


@dataclass(frozen=True)
class Layout:
    """The bands of one frame (Manim units). ``LANDSCAPE`` is the 16:9 frame the module constants describe;
    ``Layout.for_frame`` gives the bands of any other frame (the vertical 9:16 media-kit video).

    Portrait: the title may take two lines and the caption up to four, and the caption band sits a little above
    the bottom edge (phone apps draw their controls over the lowest part of a vertical video).
    """

    frame_w: float
    frame_h: float
    margin: float
    title_bottom: float
    caption_top: float
    caption_bottom: float       # the lowest a caption line may reach
    title_lines: int
    caption_lines: int

    @property
    def portrait(self) -> bool:
        return self.frame_h > self.frame_w

    @property
    def left_x(self) -> float:
        return -self.frame_w / 2 + self.margin

    @property
    def right_x(self) -> float:
        return self.frame_w / 2 - self.margin

    @property
    def top_y(self) -> float:
        return self.frame_h / 2 - self.margin

    @property
    def bottom_y(self) -> float:
        return -self.frame_h / 2 + self.margin

    @property
    def content_w(self) -> float:
        return self.right_x - self.left_x

    @property
    def content_h(self) -> float:
        return self.title_bottom - self.caption_top - 0.2

    @property
    def content_center(self) -> np.ndarray:
        return np.array([0.0, (self.title_bottom + self.caption_top) / 2, 0.0])

    @classmethod
    def for_frame(cls, frame_w: float, frame_h: float) -> Layout:
        if frame_w >= frame_h:
            # Every landscape frame uses the 16:9 bands, exactly as the scenes always have (854 x 480 is a hair
            # wider than 16:9; its frame is 14.23 units, the bands stay where they were).
            return LANDSCAPE
        half = frame_h / 2
        caption_bottom = -half + 0.95
        return cls(frame_w, frame_h, MARGIN, title_bottom=half - MARGIN - 1.3, caption_top=caption_bottom + 1.95,
                   caption_bottom=caption_bottom, title_lines=2, caption_lines=4)


LANDSCAPE = Layout(FRAME_W, FRAME_H, MARGIN, TITLE_BOTTOM, CAPTION_TOP, -FRAME_H / 2 + 0.15, 1, 2)


def current_layout() -> Layout:
    """The bands of the frame Manim is configured for now (``config.frame_width`` x ``config.frame_height``)."""
    return Layout.for_frame(float(config.frame_width), float(config.frame_height))

_fonts_registered = False


def register_fonts() -> None:
    """Register the shipped Inter files with Pango, so every machine renders the same glyphs."""
    global _fonts_registered
    if _fonts_registered:
        return
    for name in FONT_FILES:
        path = FONT_DIR / name
        if not path.is_file():
            raise FileNotFoundError(f"shipped font {path} is missing; copy it from the fonts-inter package")
        if not manimpango.register_font(str(path)):
            raise RuntimeError(f"Pango refused to register {path}")
    _fonts_registered = True


# ---------------------------------------------------------------------------------------------------------------
# Number formatting (numbers always come from the catalog or generator.derive; these only format them)
# ---------------------------------------------------------------------------------------------------------------

# The formatters live in generator/format.py (one home for every number format); the scenes use these four.
from generator.format import bytes_label, params_label, power_of_ten  # noqa: E402,F401
from generator.format import decimals as num  # noqa: E402,F401
from generator.render.captions import CUE_MAX_CPS, CUE_MIN_SECONDS, cue_seconds  # noqa: E402,F401

# ---------------------------------------------------------------------------------------------------------------
# Text and shape helpers
# ---------------------------------------------------------------------------------------------------------------

def text(s: str, size: int = BODY_SIZE, color: str = INK, bold: bool = False, **kw: Any) -> Text:
    """A Pango Text in the house font. ``bold`` uses the shipped SemiBold."""
    register_fonts()
    return Text(s, font=FONT, font_size=size, color=color, weight="SEMIBOLD" if bold else "NORMAL", **kw)


def wrap(s: str, max_width: float, size: int = CAPTION_SIZE, balance: bool = True, **kw: Any) -> list[str]:
    """Word-wrap ``s`` into lines no wider than ``max_width`` units at ``size``.

    Word widths are measured with Pango (not guessed from character counts). With ``balance`` the lines are made
    about equally long (no single orphan word on the last line) while keeping the fewest lines.
    """
    words = [w for w in s.split(" ") if w]   # split on plain spaces only: a no-break space (nb()) holds
    if not words:
        return []
    widths = [text(w, size, **kw).width for w in words]
    space = text("x x", size, **kw).width - text("xx", size, **kw).width

    def greedy(limit: float) -> list[list[int]]:
        lines: list[list[int]] = [[]]
        cur = 0.0
        for i, w in enumerate(widths):
            extra = w if not lines[-1] else cur + space + w
            if lines[-1] and extra > limit:
                lines.append([i])
                cur = w
            else:
                lines[-1].append(i)
                cur = extra
        return lines

    lines = greedy(max_width)
    if balance and len(lines) > 1:
        lo, hi = max(widths), max_width
        for _ in range(14):
            mid = (lo + hi) / 2
            if len(greedy(mid)) <= len(lines):
                hi = mid
            else:
                lo = mid
        lines = greedy(hi)
    return [" ".join(words[i] for i in line) for line in lines]


def nb(s: str) -> str:
    """Join ``s`` with no-break spaces so wrapping never splits it (model names like 'Llama 3.1 70B')."""
    return s.replace(" ", "\u00a0")


def paragraph(s: str, max_width: float, size: int = BODY_SIZE, color: str = INK, bold: bool = False,
              align: str = "left", line_gap: float = 0.12) -> VGroup:
    """Several Text lines wrapped to ``max_width`` and stacked, aligned left or centred."""
    lines = [text(line, size, color, bold) for line in wrap(s, max_width, size)]
    group = VGroup(*lines).arrange(DOWN, buff=line_gap, aligned_edge=LEFT if align == "left" else ORIGIN)
    return group


def box(width: float, height: float, color: str = GRID, fill: str | None = None, fill_opacity: float = 1.0,
        stroke_width: float = 2.0, corner: float = 0.06) -> VMobject:
    """A rounded rectangle in the house stroke."""
    r = RoundedRectangle(width=width, height=height, corner_radius=min(corner, width / 3, height / 3),
                         stroke_color=color, stroke_width=stroke_width)
    if fill:
        r.set_fill(fill, opacity=fill_opacity)
    return r


def labelled_box(label: str, width: float, height: float, color: str = BLUE, fill_opacity: float = 0.18,
                 size: int = LABEL_SIZE, text_color: str = INK) -> VGroup:
    """A box filled with a tint of ``color`` with ``label`` centred inside (scaled down if it would not fit)."""
    r = box(width, height, color=color, fill=color, fill_opacity=fill_opacity)
    t = text(label, size, text_color)
    fit_inside(t, width - 0.16, height - 0.08)
    t.move_to(r.get_center())
    return VGroup(r, t)


def fit_inside(m: Mobject, max_width: float, max_height: float) -> Mobject:
    """Scale ``m`` down (never up) to fit ``max_width`` x ``max_height``."""
    factor = min(1.0, max_width / max(m.width, 1e-9), max_height / max(m.height, 1e-9))
    if factor < 1.0:
        m.scale(factor)
    return m


def fit_content(m: Mobject, width: float = CONTENT_W, height: float = CONTENT_H) -> Mobject:
    """Scale ``m`` to fit the content band and centre it there."""
    fit_inside(m, width, height)
    m.move_to(CONTENT_CENTER)
    return m


def value_label(value: str, caption: str, color: str = INK, size: int = HEAD_SIZE) -> VGroup:
    """A big number over a small muted caption, e.g. '131,072' over 'tokens (theoretical span)'."""
    v = text(value, size, color, bold=True)
    c = text(caption, SMALL_SIZE, MUTED)
    return VGroup(v, c).arrange(DOWN, buff=0.1)


def legend(entries: Iterable[tuple[str, str]], size: int = SMALL_SIZE, swatch: float = 0.22) -> VGroup:
    """A horizontal legend: (colour, label) pairs, each a filled square and its text."""
    items = []
    for color, label in entries:
        sq = box(swatch, swatch, color=color, fill=color, fill_opacity=0.85, stroke_width=0)
        items.append(VGroup(sq, text(label, size, MUTED)).arrange(RIGHT, buff=0.12))
    return VGroup(*items).arrange(RIGHT, buff=0.45)


def short_title(s: str, most: int = 32) -> str:
    """A chapter title from a caption when the scene gives none: its first clause (up to ``most`` characters)."""
    s = " ".join(s.replace("\u00a0", " ").split())
    head = re.split(r"(?<=[.:;!?])\s|,\s|\s\(", s, maxsplit=1)[0].rstrip(".:;,")
    if len(head) <= most:
        return head
    cut = head[: most - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "\u2026"


def camel_to_snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _load_data(fig_id: str) -> dict[str, Any]:
    path = os.environ.get(DATA_ENV)
    if path:
        return json.loads(Path(path).read_text("utf-8"))
    # Preview fallback (plain `manim figures/scenes/<id>.py`): the slice the catalog registers for this figure.
    from generator.catalog import load_catalog
    from generator.util.project import ROOT

    cat = load_catalog(ROOT / "catalog.yaml")
    log.warning("%s not set: reading the %s slice from catalog.yaml", DATA_ENV, fig_id)
    return cat.slice(list(cat.figures[fig_id]["reads"]))


# ---------------------------------------------------------------------------------------------------------------
# The base scene
# ---------------------------------------------------------------------------------------------------------------

class RaceScene(Scene):
    """Base of every scene: data, font, background, title, captions (WebVTT cues) and a layout checker.

    After ``render()``: ``self.cues`` is a list of (start, end, text) in seconds; ``self.layout_issues`` lists
    every time text left the frame, entered another band or overlapped other text (checked after each play/wait).
    """

    fig_id: str = ""

    def setup(self) -> None:
        register_fonts()
        self.camera.background_color = BACKGROUND
        self.fig_id = self.fig_id or camel_to_snake(type(self).__name__)
        self.data: dict[str, Any] = _load_data(self.fig_id)
        self.cues: list[tuple[float, float, str]] = []
        #: The short title of each cue in ``self.cues`` (same order): the chapter names of the scene's steps.
        self.cue_titles: list[str] = []
        self._title_open = ""
        self.layout_issues: list[str] = []
        self._cue_open: tuple[float, str] | None = None
        self._caption_mob: Mobject | None = None
        self._title_mob: Mobject | None = None
        #: The bands of the frame being rendered; ``self.portrait`` is True for the vertical (9:16) media-kit video,
        #: where scenes stack what sits side by side in landscape.
        self.layout: Layout = current_layout()
        self.portrait: bool = self.layout.portrait
        #: Captions are drawn into the frame only in the vertical video (see the module docstring).
        self.burn_captions: bool = self.portrait

    # -- time ---------------------------------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return float(self.renderer.time)

    # -- title and captions ---------------------------------------------------------------------------------------
    def title(self, s: str, animate: bool = True) -> Mobject:
        """The scene title in the title band, top left, with a hairline under it."""
        lay = self.layout
        if lay.title_lines > 1:
            lines = [text(line, TITLE_SIZE, INK, bold=True) for line in wrap(s, lay.content_w, TITLE_SIZE, bold=True)]
            t = VGroup(*lines).arrange(DOWN, buff=0.12, aligned_edge=LEFT)
            texts = list(lines)
        else:
            t = text(s, TITLE_SIZE, INK, bold=True)
            texts = [t]
        fit_inside(t, lay.content_w, lay.top_y - lay.title_bottom - 0.2)
        t.to_edge(LEFT, buff=lay.margin).align_to(np.array([0, lay.top_y, 0]), UP)
        rule = Line(np.array([lay.left_x, lay.title_bottom + 0.05, 0]),
                    np.array([lay.right_x, lay.title_bottom + 0.05, 0]), stroke_color=GRID, stroke_width=1.5)
        for line in texts:
            line._race_role = "title"  # type: ignore[attr-defined]
        group = VGroup(t, rule)
        if animate:
            self.play(FadeIn(group, shift=0.1 * DOWN), run_time=T_FAST * 1.5)
        else:
            self.add(group)
        self._title_mob = group
        return group

    def caption_mobject(self, s: str) -> VGroup:
        """The caption band's text: up to two centred lines (four in portrait), shrunk to fit the band if needed."""
        lay = self.layout
        max_w = lay.content_w - 0.4
        most = lay.caption_lines
        lines = wrap(s, max_w, CAPTION_SIZE)
        size = CAPTION_SIZE
        while len(lines) > most and size > SMALL_SIZE:
            size -= 1
            lines = wrap(s, max_w, size)
        if len(lines) > most:
            log.warning("caption needs %d lines at the smallest size: %r", len(lines), s)
        g = VGroup(*[text(line, size, INK) for line in lines]).arrange(DOWN, buff=0.12)
        bottom = lay.caption_bottom
        fit_inside(g, max_w, lay.caption_top - bottom - 0.1)
        g.move_to(np.array([0, (lay.caption_top + bottom) / 2, 0]))
        for t in g:
            t._race_role = "caption"
        return g

    def caption(self, s: str, run_time: float = T_FAST, title: str | None = None) -> None:
        """Start a new step: ``s`` is its caption, recorded as a WebVTT cue from now until the next caption (or the
        end of the scene), and ``title`` its short chapter name (a few words; derived from ``s`` when omitted).

        First the current cue is held until it is readable (``hold_caption``). Takes ``run_time`` seconds (in the
        vertical video the old caption fades out, then the new one in; the landscape render only waits, so both
        orientations share one timeline)."""
        self.hold_caption()
        self._close_cue()
        self._cue_open = (self.now, s.replace("\u00a0", " "))
        self._title_open = (title or short_title(s)).replace("\u00a0", " ")
        if not self.burn_captions:
            self.wait(run_time)
            return
        new = self.caption_mobject(s)
        if self._caption_mob is None:
            self.play(FadeIn(new), run_time=run_time)
        else:
            # Out, then in: two captions never share the band, so no frame shows lines on top of each other.
            self.play(FadeOut(self._caption_mob), run_time=run_time * 0.45)
            self.play(FadeIn(new), run_time=run_time * 0.55)
        self._caption_mob = new

    def hold_caption(self, extra: float = 0.0) -> None:
        """Wait until the current cue has been up for its reading time (``cue_seconds`` + ``CUE_PAD``), then
        ``extra`` seconds more. caption() calls it before the next cue; a scene calls it to end a step on a hold."""
        if self._cue_open is None:
            return
        start, s = self._cue_open
        left = start + cue_seconds(s) + CUE_PAD - self.now
        if left + extra > 0.01:
            self.wait(max(0.0, left) + extra)

    def _close_cue(self) -> None:
        if self._cue_open is not None:
            start, s = self._cue_open
            end = self.now
            if end > start:
                self.cues.append((round(start, 3), round(end, 3), s))
                self.cue_titles.append(self._title_open)
            self._cue_open = None

    def tear_down(self) -> None:
        self._close_cue()
        super().tear_down()

    # -- layout checking ------------------------------------------------------------------------------------------
    def play(self, *args: Any, **kwargs: Any) -> None:  # noqa: D401 - same contract as Scene.play
        super().play(*args, **kwargs)
        self.check_layout()

    def wait(self, *args: Any, **kwargs: Any) -> None:
        super().wait(*args, **kwargs)
        self.check_layout()

    def _visible_texts(self) -> list[Text]:
        out = []
        for m in self.mobjects:
            for f in m.get_family():
                if isinstance(f, Text) and f.get_fill_opacity() > 0.05 and len(f.submobjects) > 0:
                    out.append(f)
        return out

    def check_layout(self) -> None:
        """Record text outside the frame, in the wrong band, or overlapping other text (bounding boxes)."""
        texts = self._visible_texts()
        lay = self.layout
        half_w, half_h = config.frame_width / 2, config.frame_height / 2
        boxes = []
        for t in texts:
            lo, hi = t.get_corner(DOWN + LEFT), t.get_corner(UP + RIGHT)
            role = getattr(t, "_race_role", "content")
            name = t.text if hasattr(t, "text") else "?"
            where = f"t={self.now:.2f}s {name!r}"
            safe = 0.12  # title-safe inset from the frame edge
            if lo[0] < -half_w + safe or hi[0] > half_w - safe or lo[1] < -half_h + safe or hi[1] > half_h - safe:
                self._issue(f"{where} leaves the frame (or its safe margin)")
            if role == "content" and (lo[1] < lay.caption_top - 0.02 or hi[1] > lay.title_bottom + 0.02):
                self._issue(f"{where} leaves the content band (y {lo[1]:.2f}..{hi[1]:.2f})")
            boxes.append((lo, hi, where))
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                (alo, ahi, aw), (blo, bhi, bw) = boxes[i], boxes[j]
                ox = min(ahi[0], bhi[0]) - max(alo[0], blo[0])
                oy = min(ahi[1], bhi[1]) - max(alo[1], blo[1])
                if ox > 0.02 and oy > 0.02:
                    self._issue(f"{aw} overlaps {bw.split(' ', 1)[1]}")

    def _issue(self, msg: str) -> None:
        if msg not in self.layout_issues:
            self.layout_issues.append(msg)
            log.warning("layout: %s", msg)


__all__ = [
    "BACKGROUND", "PANEL", "GRID", "INK", "MUTED", "BLUE", "ORANGE", "GREEN", "PINK", "PURPLE", "YELLOW", "SERIES",
    "TITLE_SIZE", "HEAD_SIZE", "BODY_SIZE", "LABEL_SIZE", "SMALL_SIZE", "CAPTION_SIZE",
    "T_FAST", "T_MOVE", "T_READ", "T_HOLD", "CUE_MIN_SECONDS", "CUE_MAX_CPS", "CUE_PAD", "cue_seconds", "short_title",
    "MARGIN", "LEFT_X", "RIGHT_X", "TOP_Y", "BOTTOM_Y", "TITLE_BOTTOM", "CAPTION_TOP", "CONTENT_W", "CONTENT_H",
    "CONTENT_CENTER", "Layout", "LANDSCAPE", "current_layout", "RaceScene", "register_fonts", "num", "params_label", "bytes_label", "power_of_ten", "text",
    "wrap", "nb", "paragraph", "box", "labelled_box", "fit_inside", "fit_content", "value_label", "legend", "Rectangle",
]
