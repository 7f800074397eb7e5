"""A scene's captions as files and text: WebVTT (the page's track), SubRip (editors), one paragraph (the page's
text alternative), and its steps as chapters (a WebVTT chapters track and a "0:00 Title" list as video platforms
take in a description). Cues are (start seconds, end seconds, text); each cue is one step of the scene.

The reading-pace rule is house style (figures/pacing.py: every cue stays up at least CUE_MIN_SECONDS and shows at most
CUE_MAX_CPS characters a second); figures/style.py pads cues to it while a scene plays, and ``check_pacing`` here lets
the render refuse a scene that still breaks it (generator/render/video.py), before anything is cached."""

from __future__ import annotations

from figures.pacing import CUE_MAX_CPS, CUE_MIN_SECONDS, cue_chars, cue_seconds
from generator.escape import vtt


class CaptionPaceError(ValueError):
    """A caption cue goes by faster than it can be read; the message names the scene file and the cue."""


def check_pacing(source: str, cues: list[tuple[float, float, str]]) -> None:
    """Raise CaptionPaceError for the first cue of ``source`` (the scene file, for the message) that is shorter
    than CUE_MIN_SECONDS or faster than CUE_MAX_CPS characters a second."""
    for i, (start, end, s) in enumerate(cues, 1):
        seconds, chars = end - start, cue_chars(s)
        # 1 ms of slack: cue times are rounded to milliseconds.
        if seconds + 0.001 < CUE_MIN_SECONDS or chars > CUE_MAX_CPS * (seconds + 0.001):
            raise CaptionPaceError(
                f"{source}: caption cue {i} at {start:.2f} s is too fast to read: {chars} characters in "
                f"{seconds:.2f} s ({chars / max(seconds, 1e-3):.1f}/s; the rule is at most {CUE_MAX_CPS:g} "
                f"characters a second and at least {CUE_MIN_SECONDS:g} s, so it needs {cue_seconds(s):.2f} s): "
                f"{' '.join(s.split())!r}; hold the step longer (self.wait, self.hold_caption) or shorten the text"
            )


def pacing_numbers(cues: list[tuple[float, float, str]]) -> dict[str, float]:
    """Cue count, shortest cue (seconds) and fastest cue (characters a second): what the pacing rule bounds."""
    return {
        "cues": len(cues),
        "min_seconds": round(min((e - s for s, e, _ in cues), default=0.0), 3),
        "max_cps": round(max((cue_chars(t) / max(e - s, 1e-3) for s, e, t in cues), default=0.0), 2),
    }


def chapter_spans(cues: list[tuple[float, float, str]], duration: float) -> list[tuple[float, float]]:
    """Each step's (start, end) as a chapter: the first from 0, each until the next begins, the last to the end, so
    the chapters tile the video and a chapter holds its cue."""
    spans = []
    for i, (start, _, _) in enumerate(cues):
        begin = 0.0 if i == 0 else start
        end = cues[i + 1][0] if i + 1 < len(cues) else duration
        spans.append((round(begin, 3), round(max(end, begin), 3)))
    return spans


def chapters_webvtt(cues: list[tuple[float, float, str]], titles: list[str], duration: float) -> str:
    """The steps as a WebVTT chapters track (``<track kind="chapters">``): one chapter per cue, named by its title."""
    return webvtt([(s, e, t) for (s, e), t in zip(chapter_spans(cues, duration), titles, strict=True)])


def clock(seconds: float) -> str:
    """A chapter time as video platforms write it: 0:00, 1:05, 1:02:03 (whole seconds, rounded down)."""
    total = int(seconds)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def chapters_text(cues: list[tuple[float, float, str]], titles: list[str], duration: float) -> str:
    """The steps as a "0:00 Title" list, one per line (the chapter list a video platform reads in a description)."""
    spans = chapter_spans(cues, duration)
    return "".join(f"{clock(s)} {' '.join(t.split())}\n" for (s, _), t in zip(spans, titles, strict=True))


def _ts(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def webvtt(cues: list[tuple[float, float, str]]) -> str:
    """A WebVTT file: numbered cues, text with ``-->`` and blank lines made harmless."""
    lines = ["WEBVTT", ""]
    for i, (start, end, s) in enumerate(cues, 1):
        lines += [str(i), f"{_ts(start)} --> {_ts(end)}", vtt(s), ""]
    return "\n".join(lines)


def srt(cues: list[tuple[float, float, str]]) -> str:
    """The same cues as SubRip (.srt), for editors and players that do not read WebVTT."""
    blocks = []
    for i, (start, end, s) in enumerate(cues, 1):
        body = " ".join(s.split()).replace("-->", "\u2192")
        blocks.append(f"{i}\n{_ts(start).replace('.', ',')} --> {_ts(end).replace('.', ',')}\n{body}\n")
    return "\n".join(blocks)


def description(cues: list[tuple[float, float, str]]) -> str:
    """The scene as one paragraph: its captions in order (for the page's text alternative)."""
    parts = []
    for _, _, s in cues:
        s = " ".join(s.split())
        parts.append(s if s.endswith((".", "!", "?", ":")) else s + ".")
    return " ".join(parts)
