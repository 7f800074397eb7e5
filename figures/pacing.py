"""The reading-pace rule of scene captions: every cue stays up at least CUE_MIN_SECONDS and shows at most CUE_MAX_CPS
characters a second.

It is house style, so it lives with the figures: figures/style.py pads cues to it while a scene plays, and the render
(generator/render/captions.py, ``check_pacing``) refuses a scene that still breaks it. A leaf module (no imports), so
a scene's cache key holds these few lines and not the render's caption writers.
"""

from __future__ import annotations

#: Reading pace of a caption cue: at least this long on screen, and at most this many characters a second.
CUE_MIN_SECONDS = 1.5
CUE_MAX_CPS = 20.0


def cue_chars(s: str) -> int:
    """The characters a reader reads in a cue (runs of white space count as one)."""
    return len(" ".join(s.split()))


def cue_seconds(s: str) -> float:
    """How long the caption ``s`` must stay up to be read: chars / CUE_MAX_CPS, never under CUE_MIN_SECONDS."""
    return max(CUE_MIN_SECONDS, cue_chars(s) / CUE_MAX_CPS)
