"""House style for every Manim scene: palette, type scale, timing, layout bands, the shipped font and captions.

A scene derives from :class:`RaceScene` and composes the helpers below; it never picks its own colours, sizes or
font. Every scene is drawn twice, once per orientation, with the same steps on the same timeline:

    landscape  16:9 (14.2 x 8 units)  the desktop column, the media kit's landscape files, talk mode
    portrait   4:5  (8 x 10 units)    phones (the page plays it below figures/legibility.py's
                                      PORTRAIT_BELOW_PX) and, with the captions burned in under it, the kit's
                                      9:16 social video (generator/render/vertical.py)

The short side is 8 units in both, so one unit is as many pixels and the type scale holds. ``self.layout`` (a
:class:`Layout`) gives the bands of the frame being drawn and ``self.portrait`` says which; a scene reads every
position from them (never from fixed landscape numbers) and lays out each orientation for its frame: in portrait,
panels stacked, fewer things side by side, labels on their own line. Two bands:

    title band    y in [layout.title_bottom, top]  the scene title, top left (portrait: up to two lines; the band
                                                   ends under the title actually drawn, so call self.title() first)
    content band  y in [layout.bottom_y, layout.title_bottom]  everything the scene draws, to the bottom margin

No frame has a caption band: the captions travel as WebVTT/SRT and as the page's step text (the page's player
replaces the native controls, which used to cover the bottom of the frame), and the vertical social video burns them
in below the portrait frame at encode time. The module constants below describe the landscape frame.

The video background is one dark neutral (BACKGROUND) so the same file sits well in both site themes: on a white
page it reads as a framed dark card, on the near-black page as a slightly lighter panel. Every colour below is
chosen for contrast against BACKGROUND only (the page colour never shows through the video).

Steps: ``self.caption(text, title=...)`` starts a step: it records the line as a WebVTT cue from now until the next
caption or the end of the scene, and the cue is one *step* of the scene (a chapter, with the short ``title``). The
page's player pauses on the last frame of each step, so a step ends on its point: whatever leaves the frame leaves
at the start of the next step (after its caption()), never at the end of its own. Keep captions to two lines
(about 190 characters).

Pacing: a cue must stay up for at least ``CUE_MIN_SECONDS`` and at most ``CUE_MAX_CPS`` characters per second
(``cue_seconds``). ``caption()`` waits, before it replaces a cue, until that cue has been readable for long enough
(the hold falls at the end of the step, where the page's player pauses); the last cue is the scene's to hold (end
with a wait). The rule is figures/pacing.py; the render refuses a scene with a cue too fast to read
(generator/render/captions.py).

Checked while the scene plays (after every play/wait; recorded in ``self.layout_issues``, which the render refuses
and a dry run reads without encoding): text that leaves the frame's safe area, strays out of its band or overlaps
other text; text smaller or strokes thinner than the legibility rule allows where the page shows this orientation
(figures/legibility.py: 11 CSS px text, 0.5 CSS px strokes); and at the end of every step, a frame whose
content band is (nearly) empty. Text running over shapes is not detected: look at stills.

The scene's data comes from the JSON file named by the environment variable RACE_FIGURE_DATA (the catalog slice
the figure's ``reads:`` names, written by ``generator/render/scenes.py``). A quick look outside a build goes through
``python -m generator preview <id>``, which writes that file and runs ``manim``: figures never load the catalog
themselves, so the catalog's loader is in no scene's cache key.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
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

from figures.legibility import (
    MIN_STEP_INK,
    MIN_STROKE_PX,
    MIN_TEXT_PX,
    X_HEIGHT_EM,
    hex_rgb,
    ink_fraction,
    shown_px,
)
from figures.typeface import FAMILY, FILES, FONT_DIR  # noqa: E402

log = logging.getLogger(__name__)

FONT_FILES = tuple(FILES.values())
FONT = FAMILY
DATA_ENV = "RACE_FIGURE_DATA"

# ---------------------------------------------------------------------------------------------------------------
# Palette: figures/palette.py SCENE_COLOURS (one home; the site's CSS gets the same colours from it)
# ---------------------------------------------------------------------------------------------------------------
from figures.palette import SCENE_COLOURS as _C  # noqa: E402

BACKGROUND, PANEL, GRID, INK, MUTED = _C["background"], _C["panel"], _C["grid"], _C["ink"], _C["muted"]
BLUE, ORANGE, GREEN, PINK, PURPLE, YELLOW = _C["blue"], _C["orange"], _C["green"], _C["pink"], _C["purple"], _C["yellow"]
SERIES = (BLUE, ORANGE, GREEN, PURPLE, PINK, YELLOW)

# ---------------------------------------------------------------------------------------------------------------
# Type scale (Manim font_size; one em is EM_PER_FONT_SIZE x font_size units, so SMALL is 0.25 units: 11.25 CSS px
# where the page shows the portrait frame at its narrowest, 11.8 px for the landscape frame). Nothing on screen is
# smaller than SMALL, and nothing may be scaled below it: the legibility rule refuses it.
# ---------------------------------------------------------------------------------------------------------------
TITLE_SIZE = 32
HEAD_SIZE = 26
BODY_SIZE = 22
LABEL_SIZE = 20
SMALL_SIZE = 18
CAPTION_SIZE = 22
#: Manim units per em per font_size point for the shipped Inter (measured: text("H", 100) is 1.0102 units tall and
#: Inter's cap height is 0.7275 em; tests/test_scenes.py measures it again).
EM_PER_FONT_SIZE = 0.013886
#: The house stroke for hairlines (rules, grids, links): the thinnest that stays visible where the page shows a frame.
HAIRLINE = 1.2

# ---------------------------------------------------------------------------------------------------------------
# Timing (seconds)
# ---------------------------------------------------------------------------------------------------------------
T_FAST = 0.4     # fades of labels and captions
T_MOVE = 1.0     # a shape moving or growing
T_READ = 1.6     # a pause to read a new label
T_HOLD = 2.5     # the final hold, so the poster frame and the last caption can be read

#: Held on top of the bare reading time (``cue_seconds``: the rule lives in figures/pacing.py) when
#: caption() pads a cue: frame rounding, and a breath at the end of the step before the next one.
CUE_PAD = 0.3

# ---------------------------------------------------------------------------------------------------------------
# Layout bands of the landscape frame (Manim units; config.frame_width x config.frame_height, 14.22 x 8)
# ---------------------------------------------------------------------------------------------------------------
MARGIN = 0.35
FRAME_W = 14.0 + 2 / 9          # config.frame_width for 16:9
FRAME_H = 8.0
LEFT_X = -FRAME_W / 2 + MARGIN
RIGHT_X = FRAME_W / 2 - MARGIN
TOP_Y = FRAME_H / 2 - MARGIN
BOTTOM_Y = -FRAME_H / 2 + MARGIN
TITLE_BOTTOM = 3.05
CONTENT_W = RIGHT_X - LEFT_X
CONTENT_H = TITLE_BOTTOM - BOTTOM_Y
CONTENT_CENTER = np.array([0.0, (TITLE_BOTTOM + BOTTOM_Y) / 2, 0.0])

#: The short side of every frame is FRAME_H units, so one unit is the same number of pixels in both orientations
#: (135 px at 1080 px) and the type scale above reads the same in the portrait frame as in the landscape one.
SHORT_SIDE = FRAME_H
#: The portrait frame's title band before the title is drawn: two lines at TITLE_SIZE (title() fits it to the title).
PORTRAIT_TITLE_H = 1.35


@dataclass(frozen=True)
class Layout:
    """The bands of one frame (Manim units) and the scale the page shows it at. ``LANDSCAPE`` is the 16:9 frame the
    module constants describe; ``Layout.for_frame`` gives the bands of any frame (the 4:5 portrait render)."""

    frame_w: float
    frame_h: float
    margin: float
    title_bottom: float
    title_lines: int
    #: The width (CSS px) at which the page shows this frame at its narrowest (figures/legibility.py).
    shown_px: float

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
        return self.title_bottom - self.bottom_y

    @property
    def content_center(self) -> np.ndarray:
        return np.array([0.0, (self.title_bottom + self.bottom_y) / 2, 0.0])

    @property
    def css_per_unit(self) -> float:
        """CSS px per Manim unit where the page shows this frame at its narrowest."""
        return self.shown_px / self.frame_w

    def text_px(self, font_size: float) -> float:
        """The CSS px height (font size) of text of ``font_size`` in this frame where the page shows it."""
        return font_size * EM_PER_FONT_SIZE * self.css_per_unit

    def stroke_px(self, stroke_width: float) -> float:
        """The CSS px width of a Manim stroke (``stroke_width`` x 0.01 units) where the page shows this frame."""
        return stroke_width * 0.01 * self.css_per_unit

    @classmethod
    def for_frame(cls, frame_w: float, frame_h: float) -> Layout:
        if frame_w >= frame_h:
            # Every landscape frame uses the 16:9 bands, exactly as the scenes always have (854 x 480 is a hair
            # wider than 16:9; its frame is 14.23 units, the bands stay where they were).
            return LANDSCAPE
        top = frame_h / 2 - MARGIN
        return cls(frame_w, frame_h, MARGIN, title_bottom=top - PORTRAIT_TITLE_H, title_lines=2,
                   shown_px=shown_px(portrait=True))


LANDSCAPE = Layout(FRAME_W, FRAME_H, MARGIN, TITLE_BOTTOM, 1, shown_px(portrait=False))


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
from figures.pacing import CUE_MAX_CPS, CUE_MIN_SECONDS, cue_seconds  # noqa: E402,F401
from generator.format import bytes_label, curly_quotes, params_label, power_of_ten  # noqa: E402,F401
from generator.format import decimals as num  # noqa: E402,F401

# ---------------------------------------------------------------------------------------------------------------
# Text and shape helpers
# ---------------------------------------------------------------------------------------------------------------

def text(s: str, size: int = BODY_SIZE, color: str = INK, bold: bool = False, **kw: Any) -> Text:
    """A Pango Text in the house font. ``bold`` uses the shipped SemiBold. It remembers its size and extent at
    creation, so the legibility check knows its font size after any scaling (``font_size_now``)."""
    register_fonts()
    t = Text(s, font=FONT, font_size=size, color=color, weight="SEMIBOLD" if bold else "NORMAL", **kw)
    t._race_made = (float(size), float(t.width), float(t.height))  # type: ignore[attr-defined]
    return t


def font_size_now(t: Text) -> float:
    """The font size ``t`` is drawn at now: its size at creation times how much it has been scaled since (from the
    area of its box, so a rotated label counts the same)."""
    made = getattr(t, "_race_made", None)
    if made is None:
        return float(t.font_size)
    size, w0, h0 = made
    return size * float(np.sqrt(max(t.width * t.height, 0.0) / max(w0 * h0, 1e-12)))


def break_lines(widths: list[float], space: float, max_width: float, balance: bool = True) -> list[list[int]]:
    """Break words of ``widths`` (with ``space`` between them) into lines no wider than ``max_width``: the indices
    of each line's words. With ``balance`` the lines are made about equally long (no single orphan word on the last
    line) while keeping the fewest lines. Units are the caller's (Manim units here, pixels in the vertical video's
    burned captions, generator/render/vertical.py)."""

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

    if not widths:
        return []
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
    return lines


def wrap(s: str, max_width: float, size: int = CAPTION_SIZE, balance: bool = True, **kw: Any) -> list[str]:
    """Word-wrap ``s`` into lines no wider than ``max_width`` units at ``size`` (word widths measured with Pango,
    not guessed from character counts; ``break_lines`` places the breaks)."""
    words = [w for w in s.split(" ") if w]   # split on plain spaces only: a no-break space (nb()) holds
    if not words:
        return []
    widths = [text(w, size, **kw).width for w in words]
    space = text("x x", size, **kw).width - text("xx", size, **kw).width
    return [" ".join(words[i] for i in line) for line in break_lines(widths, space, max_width, balance)]


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
    if not path:
        raise RuntimeError(f"{DATA_ENV} is not set: preview a scene with `python -m generator preview {fig_id}`")
    return json.loads(Path(path).read_text("utf-8"))


# ---------------------------------------------------------------------------------------------------------------
# The base scene
# ---------------------------------------------------------------------------------------------------------------

class RaceScene(Scene):
    """Base of every scene: data, font, background, title, steps (WebVTT cues) and the layout checker.

    After ``render()``: ``self.cues`` is a list of (start, end, text) in seconds; ``self.layout_issues`` lists
    every time text left the frame, entered another band, overlapped other text or broke the legibility rule, and
    every step whose last frame is empty (checked after each play/wait and at each step's end).

    ``on_step``, when the renderer sets it, is called as ``on_step(seconds, text)`` at the start of every step:
    the frame sink makes that frame a keyframe (step clips are cut there without encoding) and the vertical video
    burns the step's caption in from there (generator/render/sink.py).
    """

    fig_id: str = ""
    on_step: Callable[[float, str], None] | None = None

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
        self._title_mob: Mobject | None = None
        #: The bands of the frame being drawn; ``self.portrait`` is True for the 4:5 portrait render, where scenes
        #: stack what sits side by side in landscape. title() moves ``layout.title_bottom`` under the title drawn.
        self.layout: Layout = current_layout()
        self.portrait: bool = self.layout.portrait

    # -- time ---------------------------------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return float(self.renderer.time)

    # -- title and steps ----------------------------------------------------------------------------------------
    def title(self, s: str, animate: bool = True) -> Mobject:
        """The scene title in the title band, top left, with a hairline under it. In portrait it wraps onto up to
        two lines and the content band starts under it (``self.layout.title_bottom``)."""
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
        if lay.portrait:
            self.layout = lay = replace(lay, title_bottom=t.get_bottom()[1] - 0.22)
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

    def caption(self, s: str, run_time: float = T_FAST, title: str | None = None) -> None:
        """Start a new step: ``s`` is its caption, recorded as a WebVTT cue from now until the next caption (or the
        end of the scene), and ``title`` its short chapter name (a few words; derived from ``s`` when omitted).

        First the current cue is held until it is readable (``hold_caption``) and its last frame is checked; then
        ``run_time`` seconds pass with the frame still (the vertical video fades the caption in meanwhile), so every
        orientation keeps one timeline. Anything the previous step should lose leaves after this call."""
        self.hold_caption()
        self._close_cue()
        # The cue as the article sets text (curly quotes: format.curly_quotes), so every file made from it (the
        # site's tracks, the kit's captions and chapters, the vertical video's burned-in line) reads the same.
        text_ = curly_quotes(s.replace("\u00a0", " "))
        self._cue_open = (self.now, text_)
        self._title_open = curly_quotes((title or short_title(s)).replace("\u00a0", " "))
        if self.on_step is not None:
            self.on_step(self.now, text_)
        self.wait(run_time)

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
            self._check_step_end(len(self.cues) + 1)
            if end > start:
                self.cues.append((round(start, 3), round(end, 3), s))
                self.cue_titles.append(self._title_open)
            self._cue_open = None

    def tear_down(self) -> None:
        self._close_cue()
        super().tear_down()

    # -- checks -------------------------------------------------------------------------------------------------
    def play(self, *args: Any, **kwargs: Any) -> None:  # noqa: D401 - same contract as Scene.play
        super().play(*args, **kwargs)
        self.check_layout()

    def wait(self, *args: Any, **kwargs: Any) -> None:
        super().wait(*args, **kwargs)
        self.check_layout()

    def _visible(self) -> list[VMobject]:
        out = []
        for m in self.mobjects:
            for f in m.get_family():
                if isinstance(f, VMobject) and len(f.points) > 0:
                    out.append(f)
        return out

    def _visible_texts(self) -> list[Text]:
        out = []
        for m in self.mobjects:
            for f in m.get_family():
                if isinstance(f, Text) and f.get_fill_opacity() > 0.05 and len(f.submobjects) > 0:
                    out.append(f)
        return out

    def check_layout(self) -> None:
        """Record text outside the frame, in the wrong band, overlapping other text (bounding boxes) or smaller than
        the legibility rule, and strokes thinner than it."""
        texts = self._visible_texts()
        lay = self.layout
        half_w, half_h = config.frame_width / 2, config.frame_height / 2
        boxes = []
        for t in texts:
            lo, hi = t.get_corner(DOWN + LEFT), t.get_corner(UP + RIGHT)
            role = getattr(t, "_race_role", "content")
            where = f"t={self.now:.2f}s {_name(t)!r}"
            safe = 0.12  # title-safe inset from the frame edge
            if lo[0] < -half_w + safe or hi[0] > half_w - safe or lo[1] < -half_h + safe or hi[1] > half_h - safe:
                self._issue(f"{where} leaves the frame (or its safe margin)")
            if role == "content" and (lo[1] < lay.bottom_y - 0.02 or hi[1] > lay.title_bottom + 0.02):
                self._issue(f"{where} leaves the content band (y {lo[1]:.2f}..{hi[1]:.2f})")
            self._check_text_size(t, where)
            boxes.append((lo, hi, where))
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                (alo, ahi, aw), (blo, bhi, bw) = boxes[i], boxes[j]
                ox = min(ahi[0], bhi[0]) - max(alo[0], blo[0])
                oy = min(ahi[1], bhi[1]) - max(alo[1], blo[1])
                if ox > 0.02 and oy > 0.02:
                    self._issue(f"{aw} overlaps {bw.split(' ', 1)[1]}")
        self._check_strokes()

    def _check_text_size(self, t: Text, where: str) -> None:
        lay = self.layout
        px = lay.text_px(font_size_now(t))
        if px < MIN_TEXT_PX - 0.05:
            orient = "portrait" if lay.portrait else "landscape"
            self._issue(f"{where} is too small to read: {px:.1f} CSS px tall (x-height {px * X_HEIGHT_EM:.1f} px) "
                        f"where the page shows the {orient} frame {lay.shown_px:g} px wide; the rule is at least "
                        f"{MIN_TEXT_PX:g} px (font size {MIN_TEXT_PX / lay.text_px(1):.1f})")

    def _check_strokes(self) -> None:
        lay = self.layout
        for m in self._visible():
            if isinstance(m, Text) or any(isinstance(a, Text) for a in (m, *m.submobjects)):
                continue
            width = float(m.get_stroke_width())
            if width <= 0 or m.get_stroke_opacity() <= 0.05:
                continue
            if lay.stroke_px(width) < MIN_STROKE_PX - 1e-6:
                self._issue(f"{type(m).__name__} stroke {width:g} is too thin to see: {lay.stroke_px(width):.2f} CSS "
                            f"px where the page shows this frame; the rule is at least {MIN_STROKE_PX:g} px "
                            f"(stroke_width {MIN_STROKE_PX / lay.stroke_px(1):.2f})")

    def _check_step_end(self, number: int) -> None:
        """The frame the page's player pauses on, the last of step ``number``, must show something of the step."""
        lay = self.layout
        h = int(config.pixel_height)
        top = int(round((lay.frame_h / 2 - lay.title_bottom) / lay.frame_h * h))
        ink = ink_fraction(self._frame_now(), hex_rgb(BACKGROUND), top, h)
        if ink < MIN_STEP_INK:
            self._issue(f"step {number} {self._title_open!r} ends on an empty frame at t={self.now:.2f}s "
                        f"({ink:.2%} of the content band drawn; at least {MIN_STEP_INK:.0%}): the page's player "
                        "pauses there; exits belong at the start of the next step, after its caption()")

    def _frame_now(self):
        """The scene as it stands, drawn afresh (also when Manim skips animations: a dry run)."""
        r = self.renderer
        saved, r.static_image = r.static_image, None
        try:
            r.update_frame(self, ignore_skipping=True)
            return r.get_frame()
        finally:
            r.static_image = saved

    def _issue(self, msg: str) -> None:
        if msg not in self.layout_issues:
            self.layout_issues.append(msg)
            log.warning("layout: %s", msg)


def _name(t: Text) -> str:
    """The text as written (Manim's ``text`` attribute has its spaces removed)."""
    return str(getattr(t, "original_text", None) or getattr(t, "text", "?"))


__all__ = [
    "BACKGROUND", "PANEL", "GRID", "INK", "MUTED", "BLUE", "ORANGE", "GREEN", "PINK", "PURPLE", "YELLOW", "SERIES",
    "TITLE_SIZE", "HEAD_SIZE", "BODY_SIZE", "LABEL_SIZE", "SMALL_SIZE", "CAPTION_SIZE", "EM_PER_FONT_SIZE", "HAIRLINE",
    "T_FAST", "T_MOVE", "T_READ", "T_HOLD", "CUE_MIN_SECONDS", "CUE_MAX_CPS", "CUE_PAD", "cue_seconds", "short_title",
    "MARGIN", "LEFT_X", "RIGHT_X", "TOP_Y", "BOTTOM_Y", "TITLE_BOTTOM", "CONTENT_W", "CONTENT_H", "CONTENT_CENTER",
    "Layout", "LANDSCAPE", "current_layout", "RaceScene", "register_fonts", "num", "params_label", "bytes_label",
    "power_of_ten", "text", "font_size_now", "break_lines", "wrap", "nb", "paragraph", "box", "labelled_box",
    "fit_inside", "value_label", "legend", "Rectangle",
]
