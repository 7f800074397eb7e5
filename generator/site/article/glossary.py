"""The glossary: terms defined once in the catalog (``glossary:``), explained on their first use in each section of
a page and listed at the end (``{{ glossary() }}``).

``mark_terms`` runs on a page's rendered Markdown: in every ``##`` section, the first occurrence of each term's
``match`` phrases in running text (not in headings, raw HTML blocks, tags, links or code) becomes a focusable
``<span class="rs-term">`` described by the term's card (generator/site/article/provenance.py draws it; cards.js shows it).
"""

from __future__ import annotations

import re
from typing import Any

from generator.escape import Html
from generator.site.article.context import PageContext

#: Sections whose own text is not marked (the glossary itself, the reference list, the citation block...).
SKIP_SECTIONS = ("Glossary", "References", "Cite this article", "Updates and corrections")

_VOID = {"br", "img", "hr", "input", "source", "track", "wbr", "meta", "link"}
_TAG = re.compile(r"(<[^>]+>)")
_MASK = re.compile(r"\[[^\]]*\]\([^)]*\)|`[^`]*`")  # Markdown links and inline code


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    alts = []
    for p in sorted(phrases, key=len, reverse=True):
        esc = re.escape(p)
        if p.islower():  # ordinary words: also capitalised at the start of a sentence, and plural
            esc = f"[{re.escape(p[0].upper())}{re.escape(p[0])}]{re.escape(p[1:])}s?"
        alts.append(esc)
    return re.compile(r"(?<![\w-])(" + "|".join(alts) + r")(?![\w-])")


def _front_matter_end(text: str) -> int:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return end + 5
    return 0


def mark_terms(text: str, ctx: PageContext) -> str:
    """``text`` with each glossary term marked at its first use in every section."""
    text = str(text)  # plain text: a Html here would escape what is joined to it
    glossary = ctx.catalog.data.get("glossary") or {}
    if not glossary:
        return text
    patterns = {tid: _pattern(list(entry["match"])) for tid, entry in glossary.items()}
    start = _front_matter_end(text)
    head, body = text[:start], text[start:]
    out_lines: list[str] = []
    seen: set[str] = set()
    skipping = False
    in_fence = False
    for line in body.split("\n"):
        if line.startswith("```"):
            in_fence = not in_fence
        if line.startswith("## ") or line.startswith("# "):
            seen = set()
            title = line.lstrip("#").strip()
            skipping = any(title.startswith(s) for s in SKIP_SECTIONS)
            out_lines.append(line)
            continue
        if skipping or in_fence or line.startswith(("#", "<", "    ", "{", "|")) or not line.strip():
            out_lines.append(line)
            continue
        out_lines.append(_mark_line(line, patterns, glossary, seen, ctx))
    return head + "\n".join(out_lines)


def _mark_line(
    line: str, patterns: dict[str, re.Pattern[str]], glossary: dict[str, Any], seen: set[str], ctx: PageContext
) -> str:
    parts = _TAG.split(line)
    depth = 0
    for i, part in enumerate(parts):
        if i % 2 == 1:  # a tag
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", part)
            if name and name.group(1).lower() not in _VOID and not part.endswith("/>"):
                depth += -1 if part.startswith("</") else 1
            continue
        if depth > 0 or not part:
            continue
        parts[i] = _mark_text(part, patterns, glossary, seen, ctx)
    return "".join(parts)


def _mark_text(
    text: str, patterns: dict[str, re.Pattern[str]], glossary: dict[str, Any], seen: set[str], ctx: PageContext
) -> str:
    masked = _MASK.sub(lambda m: "\0" * len(m.group(0)), text)
    hits: list[tuple[int, int, str]] = []
    for tid, pat in patterns.items():
        if tid in seen:
            continue
        m = pat.search(masked)
        if m and not any(s < m.end() and m.start() < e for s, e, _ in hits):
            hits.append((m.start(), m.end(), tid))
    for s, e, tid in sorted(hits, reverse=True):
        seen.add(tid)
        card = ctx.cards.term(tid, glossary[tid])
        span = Html('<span class="rs-term" tabindex="0" data-rs-card="{card}" title="{d}">{t}</span>').format(
            card=card, d=glossary[tid]["definition"], t=text[s:e]
        )
        text = text[:s] + str(span) + text[e:]
    return text


def glossary_list(catalog_data: dict[str, Any]) -> Html:
    """Every term with its definition, alphabetically, as a definition list (ids glossary-<term id>)."""
    glossary = catalog_data.get("glossary") or {}
    items = []
    for tid, entry in sorted(glossary.items(), key=lambda kv: kv[1]["term"].lower()):
        items.append(
            Html('<dt id="glossary-{id}">{term}</dt><dd>{definition}</dd>').format(
                id=tid, term=entry["term"], definition=entry["definition"]
            )
        )
    return Html('\n<dl class="rs-glossary">{}</dl>\n').format(Html("").join(items))


__all__ = ["mark_terms", "glossary_list"]
