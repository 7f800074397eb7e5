"""A series: several article pages ("parts"), each with its own title, description, citations, references list and
figures, joined by previous/next links and a contents list.

A page is a part when its front matter says ``part: N`` (1, 2, 3...; index.md is usually part 1):

    ---
    title: The memory wall
    description: Why the KV cache, not the weights, decides how long a context a GPU can hold.
    part: 2
    ---

The build then ends every part with a ``<nav class="rs-series">`` (previous and next part, and the contents page
when there is one: a page that calls ``{{ contents() }}``), plain links that work without JavaScript and wrap on a
phone. ``{{ contents() }}`` lists every part with its number, title and description. With a single part nothing is
added, so a one-page article looks as before. Citations, references() and figure numbering are per page already
(generator/site/article/pages.py keeps them in the page's own context).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from generator.errors import BuildError
from generator.escape import Html

_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_FIGURE_CALL = re.compile(r"""\bfigure\(\s*(['"])([a-z][a-z0-9_]*)\1\s*\)""")
_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
_CONTENTS_CALL = re.compile(r"\{\{-?\s*contents\(\s*\)\s*-?\}\}")
_GLOSSARY_CALL = re.compile(r"\{\{-?\s*glossary\(\s*\)\s*-?\}\}")


@dataclass(frozen=True)
class Part:
    number: int
    page: str  # path under docs/, e.g. "part-2.md"
    title: str
    description: str


def front_matter(text: str) -> dict[str, Any]:
    mo = _FRONT.match(text)
    if not mo:
        return {}
    data = yaml.safe_load(mo.group(1))
    return data if isinstance(data, dict) else {}


def _pages(docs_dir: Path) -> list[tuple[str, str]]:
    out = []
    for src in sorted(docs_dir.rglob("*.md")):
        rel = src.relative_to(docs_dir).as_posix()
        if not any(p.startswith(("_", ".")) for p in PurePosixPath(rel).parts):
            out.append((rel, src.read_text("utf-8")))
    return out


def read_parts(docs_dir: Path) -> list[Part]:
    """Every page with ``part:`` in its front matter, in part order. A part without a title or description, a
    number that is not a whole number from 1, or two pages with one number fail with the page named."""
    parts: dict[int, Part] = {}
    for rel, text in _pages(docs_dir):
        meta = front_matter(text)
        if "part" not in meta:
            continue
        number = meta["part"]
        where = f"{docs_dir / rel}:1"
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise BuildError(f"{where}: part: expected a whole number from 1, found {number!r}")
        for key in ("title", "description"):
            if not isinstance(meta.get(key), str) or not meta[key].strip():
                raise BuildError(f"{where}: a part needs a {key}: in its front matter")
        if number in parts:
            raise BuildError(f"{where}: part: {number} is also {parts[number].page}")
        parts[number] = Part(number, rel, meta["title"], meta["description"])
    ordered = [parts[n] for n in sorted(parts)]
    for i, part in enumerate(ordered, start=1):
        if part.number != i:
            raise BuildError(f"{docs_dir / part.page}:1: part: {part.number} leaves a gap (expected part {i})")
    return ordered


def contents_page(docs_dir: Path) -> str | None:
    """The page that calls ``{{ contents() }}``, if any."""
    return next((rel for rel, text in _pages(docs_dir) if _CONTENTS_CALL.search(text)), None)


def glossary_href(docs_dir: Path, page: str, base: str) -> str | None:
    """The link from ``page`` (its way back to the site root: ``base``) to the list of glossary terms: "#glossary"
    on the page that calls ``{{ glossary() }}``, that page's address + "#glossary" from any other, None when no
    page lists them (a term's card then has no link)."""
    target = next((rel for rel, text in _pages(docs_dir) if _GLOSSARY_CALL.search(text)), None)
    if target is None:
        return None
    return "#glossary" if target == page else page_href(base, target) + "#glossary"


def placements(docs_dir: Path) -> dict[str, list[tuple[str, int]]]:
    """{figure id: [(page, line), ...]}: every ``figure('<id>')`` the pages write (Jinja comments left out)."""
    out: dict[str, list[tuple[str, int]]] = {}
    for rel, text in _pages(docs_dir):
        code = _JINJA_COMMENT.sub(lambda mo: re.sub(r"[^\n]", " ", mo.group(0)), text)
        for mo in _FIGURE_CALL.finditer(code):
            out.setdefault(mo.group(2), []).append((rel, text.count("\n", 0, mo.start()) + 1))
    return out


def check_placements(docs_dir: Path, figures: dict[str, Any], where: Callable[[tuple[Any, ...]], str]) -> list[str]:
    """The series' placement rule: each figure is placed at most once across all pages (its figure page links
    there). A second placement is a BuildError naming both places; returns one warning line per registered figure
    of ``figures`` that no page places (``where`` names its catalog line)."""
    placed = placements(docs_dir)
    for fig_id, places in placed.items():
        if len(places) > 1:
            (page, line), (first, first_line) = places[1], places[0]
            raise BuildError(
                f"{docs_dir / page}:{line}: figure('{fig_id}') is already placed at {docs_dir / first}:{first_line}; "
                "a figure is placed at most once across the series (its figure page links to that place): "
                "remove one, or link to the other with [text](page.md#fig-" + fig_id + ")"
            )
    return [
        f"{where(('figures', fig_id))}: figures.{fig_id} is placed on no page: it gets its figure page, with no "
        f"link back to the article (place it with {{{{ figure('{fig_id}') }}}})"
        for fig_id in figures
        if fig_id not in placed
    ]


def figure_pages(docs_dir: Path) -> dict[str, dict[str, str]]:
    """{figure id: {"page": rel, "title": page title}} of the page that places each figure (for the Media page and
    the figure pages' link back to the article)."""
    titles = {rel: str(front_matter(text).get("title") or rel) for rel, text in _pages(docs_dir)}
    return {
        fig_id: {"page": places[0][0], "title": titles[places[0][0]]} for fig_id, places in placements(docs_dir).items()
    }


def page_href(base: str, page: str) -> str:
    """A link from a page at ``base`` (its way back to the site root) to ``page`` under use_directory_urls."""
    p = PurePosixPath(page)
    target = "" if p.name == "index.md" else f"{p.with_suffix('').as_posix()}/"
    if p.name == "index.md" and p.parent.as_posix() != ".":
        target = f"{p.parent.as_posix()}/"
    return base + target or "./"


def label(part: Part) -> str:
    return f"Part {part.number}: {part.title}"


class Series:
    """The parts of a site, as the pages' macros and the build see them."""

    def __init__(self, parts: list[Part], contents: str | None = None) -> None:
        self.parts = parts
        self.contents_page = contents

    @classmethod
    def read(cls, docs_dir: Path) -> Series:
        return cls(read_parts(docs_dir), contents_page(docs_dir))

    def part_of(self, page: str) -> Part | None:
        return next((p for p in self.parts if p.page == page), None)

    def nav(self, page: str, base: str) -> Html:
        """Previous / contents / next links at the end of a part (nothing for a one-part site or another page)."""
        part = self.part_of(page)
        if part is None or len(self.parts) < 2:
            return Html("")
        i = self.parts.index(part)
        links = []
        if i > 0:
            prev = self.parts[i - 1]
            links.append(
                Html('<a class="rs-series-prev" rel="prev" href="{h}"><span>Previous</span> {t}</a>').format(
                    h=page_href(base, prev.page), t=label(prev)
                )
            )
        if self.contents_page:
            links.append(
                Html('<a class="rs-series-contents" href="{h}">All parts</a>').format(
                    h=page_href(base, self.contents_page)
                )
            )
        if i + 1 < len(self.parts):
            nxt = self.parts[i + 1]
            links.append(
                Html('<a class="rs-series-next" rel="next" href="{h}"><span>Next</span> {t}</a>').format(
                    h=page_href(base, nxt.page), t=label(nxt)
                )
            )
        head = Html('<nav class="rs-series" aria-label="Parts of the series"><p>{t}</p>').format(
            t=f"Part {part.number} of {len(self.parts)}"
        )
        return Html("\n\n") + head + Html("").join(links) + Html("</nav>\n")

    def contents(self, base: str) -> Html:
        """The list of parts: number, linked title and description."""
        items = [
            Html('<li value="{n}"><a href="{h}">{t}</a><br>{d}</li>').format(
                n=p.number, h=page_href(base, p.page), t=label(p), d=p.description
            )
            for p in self.parts
        ]
        return Html("\n") + Html('<ol class="rs-contents">') + Html("").join(items) + Html("</ol>\n")


__all__ = ["Part", "Series", "check_placements", "figure_pages", "front_matter", "placements", "read_parts"]
