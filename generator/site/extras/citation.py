"""Citing the article: its address, the "Cite this article" block (text and BibTeX), the head's citation metadata
(Highwire ``citation_*``, JSON-LD Article, Open Graph text tags) and CITATION.cff, from catalog.yaml ``meta`` and the
history (generator/site/extras/changelog.py)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from markupsafe import Markup

from generator.site.extras.changelog import History


def site_url(root: Path) -> str:
    """The published address: $SITE_URL, else mkdocs.yml's default (one home: mkdocs.yml)."""
    env = os.environ.get("SITE_URL")
    if env:
        return env if env.endswith("/") else env + "/"
    text = (root / "mkdocs.yml").read_text("utf-8") if (root / "mkdocs.yml").exists() else ""
    m = re.search(r'site_url:\s*!ENV\s*\[SITE_URL,\s*"([^"]+)"\]', text) or re.search(r"site_url:\s*(\S+)", text)
    url = m.group(1) if m else "https://example.invalid/"
    return url if url.endswith("/") else url + "/"


@dataclass
class Citation:
    title: str
    description: str
    authors: list[str]
    version: str
    published: str | None
    updated: str | None
    url: str
    licence: str

    @property
    def year(self) -> str:
        return (self.updated or self.published or dt.date.today().isoformat())[:4]

    def text(self) -> str:
        authors = ", ".join(self.authors)
        return f"{authors} ({self.year}). {self.title} (version {self.version}). {self.url}" + (
            f" (updated {self.updated})." if self.updated else "."
        )

    def bibtex(self) -> str:
        key = re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-") + f"-{self.year}"
        fields = [
            ("title", "{" + _bib(self.title) + "}"),
            ("author", "{" + " and ".join("{" + _bib(a) + "}" for a in self.authors) + "}"),
            ("year", "{" + self.year + "}"),
            ("version", "{" + _bib(self.version) + "}"),
            ("url", "{" + self.url + "}"),
        ]
        if self.updated:
            fields.append(("date", "{" + self.updated + "}"))
        fields.append(("note", "{Licence: " + _bib(self.licence) + "}"))
        body = ",\n".join(f"  {k} = {v}" for k, v in fields)
        return f"@online{{{key},\n{body}\n}}\n"

    def head_meta(self) -> list[dict[str, str]]:
        """Highwire Press tags (Google Scholar, Zotero) and Open Graph text tags; og:image is issue 17's."""
        tags = [{"attr": "name", "key": "citation_title", "content": self.title}]
        tags += [{"attr": "name", "key": "citation_author", "content": a} for a in self.authors]
        if self.published:
            tags.append(
                {"attr": "name", "key": "citation_publication_date", "content": self.published.replace("-", "/")}
            )
            tags.append(
                {
                    "attr": "name",
                    "key": "citation_online_date",
                    "content": (self.updated or self.published).replace("-", "/"),
                }
            )
        tags += [
            {"attr": "name", "key": "citation_public_url", "content": self.url},
            {"attr": "name", "key": "citation_language", "content": "en"},
            {"attr": "property", "key": "og:title", "content": self.title},
            {"attr": "property", "key": "og:description", "content": self.description},
            {"attr": "property", "key": "og:type", "content": "article"},
            {"attr": "property", "key": "og:url", "content": self.url},
        ]
        return tags

    def jsonld(self) -> str:
        doc: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": self.title,
            "description": self.description,
            "author": [{"@type": "Organization" if "contributors" in a else "Person", "name": a} for a in self.authors],
            "url": self.url,
            "mainEntityOfPage": self.url,
            "version": self.version,
            "license": _LICENCE_URLS.get(self.licence, self.licence),
            "inLanguage": "en",
        }
        if self.published:
            doc["datePublished"] = self.published
        if self.updated:
            doc["dateModified"] = self.updated
        # Safe inside <script>: no "</" or "<!--" can appear once "<" is escaped.
        return json.dumps(doc, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")

    def cff(self) -> str:
        """CITATION.cff (Citation File Format 1.2.0) for this version."""
        doc: dict[str, Any] = {
            "cff-version": "1.2.0",
            "message": "If you use or cite this article, please cite it as below.",
            "type": "software",
            "title": self.title,
            "abstract": self.description,
            "authors": [{"name": a} for a in self.authors],
            "version": self.version,
            "url": self.url,
            "license": ["MIT", "CC-BY-4.0"],
        }
        if self.releases_date:
            doc["date-released"] = self.releases_date
        header = (
            "# Generated by `make release` (generator/site/extras/release.py) from catalog.yaml meta and releases/.\n"
        )
        return header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=200)

    releases_date: str | None = None


_LICENCE_URLS = {"CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/"}


def _bib(text: str) -> str:
    return re.sub(r"([&%$#_])", r"\\\1", text)


def citation(meta: dict[str, Any], history: History, url: str) -> Citation:
    c = Citation(
        title=str(meta["title"]),
        description=str(meta["description"]),
        authors=[str(a) for a in meta.get("authors") or ["The Race to Scale contributors"]],
        version=history.version,
        published=history.published,
        updated=history.updated,
        url=url,
        licence=str(meta.get("licence_media", "CC BY 4.0")),
    )
    c.releases_date = history.releases[-1].date if history.releases else None
    return c


def cite_block(c: Citation) -> Markup:
    """The "Cite this article" block: plain text and BibTeX, each in a <pre> with a copy button (copy.js)."""
    return Markup(
        '<div class="rs-cite-this">'
        '<p class="rs-cite-label" id="rs-cite-text-label">Plain text</p>'
        '<pre class="rs-cite-text" aria-labelledby="rs-cite-text-label"><code>{text}</code></pre>'
        '<button type="button" class="md-button rs-copy" data-rs-copy-from=".rs-cite-text" data-rs-copy-what="Citation" hidden>Copy citation</button>'
        '<p class="rs-cite-label" id="rs-cite-bib-label">BibTeX</p>'
        '<pre class="rs-cite-bib" aria-labelledby="rs-cite-bib-label"><code>{bib}</code></pre>'
        '<button type="button" class="md-button rs-copy" data-rs-copy-from=".rs-cite-bib" data-rs-copy-what="BibTeX" hidden>Copy BibTeX</button>'
        '<span class="rs-copy-status" role="status"></span>'
        "</div>"
    ).format(text=c.text(), bib=c.bibtex().rstrip())


def inject_front_matter(text: str, values: dict[str, Any]) -> str:
    """Add ``values`` to a page's YAML front matter (creating one if the page has none)."""
    dumped = yaml.safe_dump(values, sort_keys=True, allow_unicode=True, width=10_000)
    if text.startswith("---\n"):
        return "---\n" + dumped + text[4:]
    return "---\n" + dumped + "---\n" + text
