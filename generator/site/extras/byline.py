"""The article's header: its title, a one-line dek, and a byline with who wrote it, when it was first published and
last updated (each a ``<time datetime>``), its version and its reading time.

The build writes these into the front matter of every part of the article (a page whose front matter has
``part:``) as ``rts_header``; overrides/partials/rts/article-header.html shows them in place of the page's plain
H1 (overrides/partials/content.html). The dek of the first part is the catalog's one-line description
(``meta.description``); a later part's is its own front-matter ``description``. The dates and the version are the
article's history (generator/site/extras/changelog.py: the first release, the latest release or correction).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from generator.format import long_date
from generator.site.article.glossary import SKIP_SECTIONS
from generator.site.article.series import front_matter

if TYPE_CHECKING:
    from generator.site.extras.changelog import History
    from generator.site.extras.citation import Citation

#: An unhurried reading speed for explanatory prose with figures (words a minute).
WORDS_PER_MINUTE = 220

_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)  # to strip it; series.front_matter reads it
#: What a reader does not read as prose: figures' SVG and data islands, scripts, tables of numbers, tags.
_NOT_PROSE = re.compile(r"<(svg|template|script|style|table|ol class=\"rs-storyboard\")\b.*?</\1>", re.S)
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[^\W_]+(?:['’.,-][^\W_]+)*")


def reading_minutes(text: str) -> int:
    """Minutes to read a rendered page's prose at ``WORDS_PER_MINUTE``: the text of its sections, not its
    figures' markup, tables, or the reference sections (glossary, updates, citation, references)."""
    body = _FRONT.sub("", text, count=1)
    kept: list[str] = []
    skipping = False
    for line in body.split("\n"):
        if line.startswith("## "):
            skipping = line[3:].strip().startswith(SKIP_SECTIONS)
        if not skipping:
            kept.append(line)
    prose = _TAG.sub(" ", _NOT_PROSE.sub(" ", "\n".join(kept)))
    return max(1, round(len(_WORD.findall(prose)) / WORDS_PER_MINUTE))


def _date(iso: str | None) -> dict[str, str] | None:
    return {"iso": iso, "text": long_date(iso)} if iso else None


def header(citation: Citation, history: History, text: str, dek: str) -> dict[str, Any]:
    """The ``rts_header`` front matter of a part: dek, byline (people, else the collective), the first and the
    latest dates, version and reading time (page text already rendered)."""
    out: dict[str, Any] = {
        "dek": dek,
        "by": citation.byline,
        "published": _date(history.published),
        "version": history.version,
        "minutes": reading_minutes(text),
    }
    if history.updated and history.updated != history.published:
        out["updated"] = _date(history.updated)
    if citation.pdf:
        out["pdf"] = citation.pdf
    return out


def part_header(citation: Citation, history: History, text: str, site_description: str) -> dict[str, Any] | None:
    """``header`` for a part of the article (a page with ``part:`` in its front matter), else None."""
    meta = front_matter(text)
    part = meta.get("part")
    if not isinstance(part, int) or isinstance(part, bool):
        return None
    dek = site_description if part == 1 else str(meta.get("description") or site_description)
    return header(citation, history, text, dek)
