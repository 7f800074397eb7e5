"""Citing the article: its address, the "Cite this article" block (text and BibTeX), the head's citation metadata
(Highwire ``citation_*``, JSON-LD Article, Open Graph text tags) and CITATION.cff, from catalog.yaml ``meta`` and the
history (generator/site/extras/changelog.py)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import yaml

from generator.catalog.schema import meta_group, meta_people
from generator.escape import Html, bibtex, bibtex_url, json_html
from generator.site.extras.changelog import History


@dataclass
class Citation:
    title: str
    description: str
    #: People, by name ("Ada Lovelace"): Scholar's citation_author, BibTeX's author, schema.org Person.
    authors: list[str]
    version: str
    published: str | None
    updated: str | None
    url: str
    licence: str
    #: The collective the article is credited to ("The Race to Scale contributors"): an organisation to BibTeX
    #: (braced), schema.org and CITATION.cff; never a citation_author, which Scholar reads as a person.
    group: str | None = None
    #: The article as a PDF published with the site (site-relative), when the build publishes one.
    pdf: str | None = None

    @property
    def byline(self) -> list[str]:
        """Who the article is by, as a reader sees it: the people, else the collective."""
        return self.authors or ([self.group] if self.group else [])

    @property
    def year(self) -> str:
        return (self.updated or self.published or dt.date.today().isoformat())[:4]

    def text(self) -> str:
        authors = ", ".join(self.byline)
        return f"{authors} ({self.year}). {self.title} (version {self.version}). {self.url}" + (
            f" (updated {self.updated})." if self.updated else "."
        )

    def bibtex(self) -> str:
        key = re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-") + f"-{self.year}"
        fields = [
            ("title", "{" + bibtex(self.title) + "}"),
            # People as BibTeX names ("Ada Lovelace and Alan Turing"); a group braced, a corporate author.
            (
                "author",
                "{" + (" and ".join(bibtex(a) for a in self.authors) or "{" + bibtex(self.group or "") + "}") + "}",
            ),
            ("year", "{" + bibtex(self.year) + "}"),
            ("version", "{" + bibtex(self.version) + "}"),
            ("url", "{" + bibtex_url(self.url) + "}"),
        ]
        if self.updated:
            fields.append(("date", "{" + bibtex(self.updated) + "}"))
        fields.append(("note", "{Licence: " + bibtex(self.licence) + "}"))
        body = ",\n".join(f"  {k} = {v}" for k, v in fields)
        return f"@online{{{key},\n{body}\n}}\n"

    def head_meta(self) -> list[dict[str, str]]:
        """Highwire Press tags (Google Scholar, Zotero) and Open Graph text tags; og:image is social.html's.

        citation_author names people only (Scholar takes each as a person; a collective would be listed as a person
        called "contributors, The Race to Scale"), so a work credited only to a group has none. Both dates are the
        first publication: an update does not move a work's online date. citation_pdf_url only when the site
        carries the PDF (the build publishes one printed from these very pages: generator/tools/pdf.py)."""
        tags = [{"attr": "name", "key": "citation_title", "content": self.title}]
        tags += [{"attr": "name", "key": "citation_author", "content": a} for a in self.authors]
        if self.published:
            date = self.published.replace("-", "/")
            tags.append({"attr": "name", "key": "citation_publication_date", "content": date})
            tags.append({"attr": "name", "key": "citation_online_date", "content": date})
        if self.pdf:
            tags.append({"attr": "name", "key": "citation_pdf_url", "content": self.url + self.pdf})
        tags += [
            {"attr": "name", "key": "citation_public_url", "content": self.url},
            {"attr": "name", "key": "citation_language", "content": "en"},
            {"attr": "property", "key": "og:title", "content": self.title},
            {"attr": "property", "key": "og:description", "content": self.description},
            {"attr": "property", "key": "og:type", "content": "article"},
            {"attr": "property", "key": "og:url", "content": self.url},
        ]
        if self.published:
            tags.append({"attr": "property", "key": "article:published_time", "content": self.published})
        if self.updated:
            tags.append({"attr": "property", "key": "article:modified_time", "content": self.updated})
        return tags

    def jsonld(self) -> str:
        doc: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": self.title,
            "description": self.description,
            "author": [{"@type": "Person", "name": a} for a in self.authors]
            + ([{"@type": "Organization", "name": self.group}] if self.group else []),
            "image": self.url + SOCIAL_CARD,
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
        return json_html(doc, sort_keys=True)  # inside <script type="application/ld+json">

    def cff(self) -> str:
        """CITATION.cff (Citation File Format 1.2.0) for this version."""
        doc: dict[str, Any] = {
            "cff-version": "1.2.0",
            "message": "If you use or cite this article, please cite it as below.",
            "type": "software",
            "title": self.title,
            "abstract": self.description,
            "authors": [_cff_person(a) for a in self.authors] + ([{"name": self.group}] if self.group else []),
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
#: The article's social card (generator/site/extras/figure_pages.py draws it; overrides/partials/rts/social.html
#: names it for Open Graph): also the JSON-LD Article's image.
SOCIAL_CARD = "assets/social/article.png"


def _cff_person(name: str) -> dict[str, str]:
    """A person in CITATION.cff: the last word as family name, the rest as given names."""
    given, _, family = name.rpartition(" ")
    return {"family-names": family, "given-names": given} if given else {"family-names": family}


def citation(meta: dict[str, Any], history: History, url: str) -> Citation:
    c = Citation(
        title=str(meta["title"]),
        description=str(meta["description"]),
        authors=meta_people(meta),
        group=meta_group(meta),
        version=history.version,
        published=history.published,
        updated=history.updated,
        url=url,
        licence=str(meta.get("licence_media", "CC BY 4.0")),
    )
    c.releases_date = history.releases[-1].date if history.releases else None
    return c


def cite_block(c: Citation) -> Html:
    """The "Cite this article" block: plain text and BibTeX, each in a <pre> with a copy button (copy.js)."""
    return Html(
        '<div class="rs-cite-this">'
        '<p class="rs-cite-label">Plain text</p>'
        '<pre class="rs-cite-text"><code>{text}</code></pre>'
        '<button type="button" class="md-button rs-copy" data-rs-copy-from=".rs-cite-text" data-rs-copy-what="Citation" hidden>Copy citation</button>'
        '<p class="rs-cite-label">BibTeX</p>'
        '<pre class="rs-cite-bib"><code>{bib}</code></pre>'
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
