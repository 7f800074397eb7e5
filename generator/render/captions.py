"""A scene's captions as files and text: WebVTT (the page's track), SubRip (editors) and one paragraph (the page's
text alternative). Cues are (start seconds, end seconds, text)."""

from __future__ import annotations


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
        body = " ".join(s.split()).replace("-->", "\u2192").replace("&", "&amp;").replace("<", "&lt;")
        lines += [str(i), f"{_ts(start)} --> {_ts(end)}", body, ""]
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
