"""Versions, corrections and citation: the article's version and dates, its "Updates and corrections" section, the
numbers changed since the last release, the Atom feed of releases, the "Cite this article" block, the head's
citation metadata (Highwire ``citation_*``, JSON-LD Article, Open Graph text tags) and CITATION.cff.

Where each fact lives:
- ``CHANGELOG.yaml`` (repository root): the corrections and updates, each ``date``, ``what``, ``why``.
- ``releases/<version>/release.json`` + ``releases/<version>/catalog.json``: written by ``make release VERSION=x.y``
  (``python -m generator release x.y``): the date and the published data (data/catalog.json) of that version.
- ``catalog.yaml`` ``meta``: title, description, authors, licences.
The article's version is the latest release; it was published on the first release's date and updated on the
latest date of a release or a changelog entry. Every build compares the current numbers with the latest release.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.errors import BuildError
from generator.escape import Html, bibtex, bibtex_url, json_html, xml
from generator.format import curly_quotes, long_date, num
from generator.site.article.provenance import LABELS
from generator.site.extras.byline import part_header
from generator.util.project import site_url

CHANGELOG = "CHANGELOG.yaml"
RELEASES = "releases"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")
_VERSION = re.compile(r"^\d+\.\d+(\.\d+)?\Z")


@dataclass
class Release:
    version: str
    date: str
    notes: str
    catalog: Path


@dataclass
class Change:
    """One number that differs from the last release: ``old`` or ``new`` is None when it was added or removed."""

    path: str
    label: str
    old: Any
    new: Any


@dataclass
class History:
    entries: list[dict[str, str]] = field(default_factory=list)
    releases: list[Release] = field(default_factory=list)

    @property
    def version(self) -> str:
        return self.releases[-1].version if self.releases else "unreleased"

    @property
    def published(self) -> str | None:
        return self.releases[0].date if self.releases else None

    @property
    def updated(self) -> str | None:
        dates = [r.date for r in self.releases] + [e["date"] for e in self.entries]
        return max(dates) if dates else None

    def unreleased(self) -> list[dict[str, str]]:
        last = self.releases[-1].date if self.releases else ""
        return [e for e in self.entries if e["date"] > last]


def _parse_date(value: Any, where: str) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and _DATE.match(value):
        return value
    raise BuildError(f"{where}: date: expected YYYY-MM-DD, found {value!r}")


def load_changelog(root: Path) -> list[dict[str, str]]:
    """CHANGELOG.yaml as a list of {date, what, why}, newest first; missing file: no entries."""
    path = root / CHANGELOG
    if not path.exists():
        return []
    text = path.read_text("utf-8")
    data = yaml.safe_load(text) or []
    if not isinstance(data, list):
        raise BuildError(f"{path}:1: expected a list of entries (date, what, why), found {type(data).__name__}")
    out = []
    starts = [i + 1 for i, line in enumerate(text.splitlines()) if line.startswith("- ")]
    for n, item in enumerate(data):
        line = starts[n] if n < len(starts) else "?"
        where = f"{path}:{line}: entry {n + 1}"
        if not isinstance(item, dict):
            raise BuildError(f"{where}: expected a mapping with date, what, why")
        for key in ("what", "why"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise BuildError(f"{where}: {key}: expected a non-empty sentence, found {item.get(key)!r}")
        out.append(
            {"date": _parse_date(item.get("date"), where), "what": item["what"].strip(), "why": item["why"].strip()}
        )
    return sorted(out, key=lambda e: e["date"], reverse=True)


def load_releases(root: Path) -> list[Release]:
    """releases/<version>/ in version order (oldest first)."""
    folder = root / RELEASES
    out = []
    if folder.is_dir():
        for d in folder.iterdir():
            meta = d / "release.json"
            if not d.is_dir() or not meta.exists():
                continue
            info = json.loads(meta.read_text("utf-8"))
            out.append(
                Release(
                    str(info["version"]),
                    _parse_date(info["date"], str(meta)),
                    str(info.get("notes", "")),
                    d / "catalog.json",
                )
            )
    return sorted(out, key=lambda r: tuple(int(p) for p in r.version.split(".")))


def load_history(root: Path) -> History:
    return History(load_changelog(root), load_releases(root))


# ---------------------------------------------------------------------------------------------------------------
# Numbers changed since the last release
# ---------------------------------------------------------------------------------------------------------------


def _numbers(node: Any, path: tuple[str, ...], out: dict[tuple[str, ...], Any]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            _numbers(v, (*path, str(k)), out)
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        out[path] = node


#: Field names whose formula label is a bare unit read better with the quantity named.
_UPDATE_LABELS = {
    "memory_gb": "memory (GB)",
    "bandwidth_tbps": "bandwidth (TB/s)",
    "sram_bandwidth_tbps": "SRAM bandwidth (TB/s)",
}


def _label(catalog: dict[str, Any], path: tuple[str, ...]) -> str:
    section = path[0] if path else ""
    if section in ("models", "hardware", "formats") and len(path) >= 3:
        entry = catalog.get(section, {}).get(path[1], {})
        owner = entry.get("name", path[1]) if isinstance(entry, dict) else path[1]
        fields = " ".join(_UPDATE_LABELS.get(p) or LABELS.get(p, p.replace("_", " ")) for p in path[2:])
        return f"{owner}: {fields}"
    if section == "facts" and len(path) >= 2:
        fact = catalog.get("facts", {}).get(path[1], {})
        return str(fact.get("text", path[1])) if isinstance(fact, dict) else path[1]
    return ".".join(path)


def number_changes(old_export: dict[str, Any], new_export: dict[str, Any]) -> list[Change]:
    """Every number of the published data (catalog and derived values) that differs between two exports."""
    old: dict[tuple[str, ...], Any] = {}
    new: dict[tuple[str, ...], Any] = {}
    for key in ("catalog", "derived"):
        _numbers(old_export.get(key, {}), (key,), old)
        _numbers(new_export.get(key, {}), (key,), new)
    changes = []
    for path in sorted(set(old) | set(new)):
        if path[:2] in (("catalog", "figures"), ("catalog", "references"), ("catalog", "meta")):
            continue  # not numbers the article shows (reference years, figure registry)
        a, b = old.get(path), new.get(path)
        if a == b:
            continue
        if path[0] == "catalog":
            label = _label(new_export["catalog"] if b is not None else old_export["catalog"], path[1:])
        else:  # derived.<model>.<quantity>...
            models = (new_export if b is not None else old_export)["catalog"].get("models", {})
            owner = models.get(path[1], {}).get("name", path[1])
            label = f"{owner}: {' '.join(p.replace('_', ' ') for p in path[2:])} (derived)"
        changes.append(Change(".".join(path), label, a, b))
    return changes


def changes_since_release(history: History, current_export: str) -> list[Change]:
    if not history.releases:
        return []
    last = history.releases[-1]
    old = json.loads(last.catalog.read_text("utf-8"))
    return number_changes(old, json.loads(current_export))


# ---------------------------------------------------------------------------------------------------------------
# What the page shows
# ---------------------------------------------------------------------------------------------------------------


def _value(x: Any) -> str:
    return "(none)" if x is None else num(x)


def _change_row(c: Change) -> Html:
    """One changed number: old → new; a number new in this version, or gone from it, says so."""
    if c.old is None:
        body = Html('new: <span class="rs-new">{}</span>').format(_value(c.new))
    elif c.new is None:
        body = Html('<span class="rs-old">{}</span> (removed)').format(_value(c.old))
    else:
        body = Html('<span class="rs-old">{}</span> → <span class="rs-new">{}</span>').format(
            _value(c.old), _value(c.new)
        )
    return Html('<li data-rs-path="{p}">{label}: {body}</li>').format(p=c.path, label=c.label, body=body)


def updates_section(history: History, changes: list[Change]) -> Html:
    """The "Updates and corrections" body: version and dates, the changelog, and the numbers changed."""
    parts = [
        Html(
            '<p class="rs-version">Version {v}. Published {p}; last updated {u}. '
            '<a href="{feed}">Releases feed (Atom)</a>.</p>'
        ).format(v=history.version, p=long_date(history.published), u=long_date(history.updated), feed="feed.xml")
    ]
    if history.entries:
        items = [
            Html('<li><time datetime="{d}">{h}</time>: {what} <em>Why:</em> {why}</li>').format(
                d=e["date"], h=long_date(e["date"]), what=curly_quotes(e["what"]), why=curly_quotes(e["why"])
            )
            for e in history.entries
        ]
        parts.append(Html('<ul class="rs-changelog">{}</ul>').format(Html("").join(items)))
    if history.releases:
        last = history.releases[-1]
        if changes:
            rows = [_change_row(c) for c in changes]
            parts.append(
                Html(
                    "<p>Numbers changed since version {v} ({d}), old → new:</p>"
                    '<ul class="rs-number-changes">{rows}</ul>'
                ).format(v=last.version, d=long_date(last.date), rows=Html("").join(rows))
            )
        else:
            parts.append(Html("<p>No number has changed since version {v}.</p>").format(v=last.version))
    return Html('<div class="rs-updates">{}</div>').format(Html("").join(parts))


# ---------------------------------------------------------------------------------------------------------------
# Citation: text, BibTeX, head metadata, CITATION.cff
# ---------------------------------------------------------------------------------------------------------------


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
            "# Generated by `make release` (generator/site/extras/versions.py) from catalog.yaml meta and releases/.\n"
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
        authors=[str(a) for a in meta.get("authors") or []],
        group=str(meta["group"]) if meta.get("group") else None,
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


# ---------------------------------------------------------------------------------------------------------------
# Atom feed of releases
# ---------------------------------------------------------------------------------------------------------------


def atom_feed(c: Citation, history: History) -> str:
    """feed.xml: one entry per release (newest first), with the corrections dated up to it."""
    feed_url = c.url + "feed.xml"
    updated = (history.updated or "1970-01-01") + "T00:00:00Z"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{xml(c.title)}: releases</title>",
        f"  <subtitle>{xml(c.description)}</subtitle>",
        f'  <link rel="self" type="application/atom+xml" href="{xml(feed_url)}"/>',
        f'  <link rel="alternate" type="text/html" href="{xml(c.url)}"/>',
        f"  <id>{xml(c.url)}</id>",
        f"  <updated>{updated}</updated>",
        "  <author><name>" + xml(", ".join(c.byline)) + "</name></author>",
    ]
    previous = ""
    blocks = []
    for r in history.releases:
        fixes = [e for e in history.entries if previous < e["date"] <= r.date]
        body = xml(r.notes or f"Version {r.version}.")
        if fixes:
            body += " Changes: " + " ".join(xml(f"{e['date']}: {e['what']}") for e in fixes)
        blocks.append(
            [
                "  <entry>",
                f"    <title>Version {xml(r.version)}</title>",
                f"    <id>{xml(c.url)}#version-{xml(r.version)}</id>",
                f'    <link rel="alternate" type="text/html" href="{xml(c.url)}#updates-and-corrections"/>',
                f"    <updated>{r.date}T00:00:00Z</updated>",
                f"    <summary>{body}</summary>",
                "  </entry>",
            ]
        )
        previous = r.date
    for b in reversed(blocks):
        lines += b
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# make release VERSION=x.y
# ---------------------------------------------------------------------------------------------------------------


def make_release(root: Path, version: str, notes: str = "", today: str | None = None) -> Path:
    """Keep this version's published data in the repository: releases/<version>/{catalog.json, release.json}, and
    rewrite CITATION.cff for it. Refuses an existing or malformed version."""
    from generator.catalog import load_catalog
    from generator.site.extras.export import catalog_export
    from generator.util.fs import atomic_write

    if not _VERSION.match(version):
        raise BuildError(f"release: VERSION: expected MAJOR.MINOR such as 1.1, found {version!r}")
    folder = root / RELEASES / version
    if folder.exists():
        raise BuildError(f"release: {folder} already exists; releases are kept as published")
    history = load_history(root)
    if history.releases:
        newest = tuple(int(p) for p in history.releases[-1].version.split("."))
        if tuple(int(p) for p in version.split(".")) <= newest:
            raise BuildError(f"release: VERSION {version} is not newer than {history.releases[-1].version}")
    catalog = load_catalog(root / "catalog.yaml")
    date = today or dt.date.today().isoformat()
    atomic_write(folder / "catalog.json", catalog_export(catalog))
    atomic_write(
        folder / "release.json",
        json.dumps({"version": version, "date": date, "notes": notes or f"Version {version}."}, indent=1) + "\n",
    )
    history = load_history(root)
    c = citation(catalog.data["meta"], history, site_url(root))
    atomic_write(root / "CITATION.cff", c.cff())
    return folder


# ---------------------------------------------------------------------------------------------------------------
# The build's hook
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class SiteExtras:
    """What the build adds: page macros, the feed file, the head metadata of the page holding the cite block and
    the header of every part (generator/site/extras/byline.py)."""

    context: dict[str, Any]
    files: dict[str, bytes]
    citation: Citation
    history: History
    #: The catalog's one-line description: the dek of the article's first part.
    description: str

    @property
    def head(self) -> dict[str, Any]:
        return {"rts_meta": self.citation.head_meta(), "rts_jsonld": self.citation.jsonld()}

    def finish(self, text: str) -> str:
        values = dict(self.head) if 'class="rs-cite-this"' in text else {}
        header = part_header(self.citation, self.history, text, self.description)
        if header:
            values["rts_header"] = header
        return inject_front_matter(text, values) if values else text


def site_extras(root: Path, catalog_data: dict[str, Any], export: str) -> SiteExtras:
    """Macros ``updates()``, ``cite_this()``, ``version``; feed.xml; head tags (rts_meta, rts_jsonld); headers."""
    history = load_history(root)
    changes = changes_since_release(history, export)
    c = citation(catalog_data["meta"], history, site_url(root))
    context = {
        "updates": lambda: updates_section(history, changes),
        "cite_this": lambda: cite_block(c),
        "version": history.version,
        "published": long_date(history.published),
        "updated": long_date(history.updated),
    }
    files = {"feed.xml": atom_feed(c, history).encode("utf-8")}
    return SiteExtras(context, files, c, history, str(catalog_data["meta"]["description"]))
