"""The site's own link check, run on the built site by every build, whichever builder made it (MkDocs' strict mode
checks the links of Markdown only; Zensical's misses images). Every link, image, script, stylesheet, frame, video,
poster and track of every HTML page, and every link inside the cards a page loads on first use (its
``data-rs-cards`` JSON: generator/site/article/provenance.py), must reach a file of the site, and a fragment pointing into an HTML page must
name an element id (or ``<a name>``) of that page. A problem is one line naming the page (its name in the staging
tree, as MkDocs names it) and the link; links to other hosts are references and are not followed."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from generator.errors import BuildError

#: Where the pages are taken to live when the site has no address of its own.
_NO_ADDRESS = "https://site.invalid/"
#: Attributes that load or link to something.
_URL_ATTRS = ("href", "src", "poster", "data-poster", "data-rs-cards")
_NOT_FOLLOWED = ("mailto:", "data:", "javascript:", "tel:", "blob:")


class PageLinks(HTMLParser):
    """The URLs a page links to or loads, and the ids it defines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "a" and a.get("name"):
            self.ids.add(str(a["name"]))
        if tag == "link" and a.get("rel") == "canonical":
            return  # the page's own public address, not a link inside the site
        self.urls += [str(a[key]) for key in _URL_ATTRS if a.get(key)]


def parse_page(path: Path) -> PageLinks:
    parser = PageLinks()
    parser.feed(path.read_text("utf-8", errors="replace"))
    parser.close()
    return parser


def card_links(page: Path, urls: list[str]) -> list[str]:
    """The links inside the cards of ``page``: each card file it names (``data-rs-cards``, a JSON file of the site)
    holds, per card, lines of text parts, a part with an ``href`` being a link relative to the page."""
    out: list[str] = []
    for url in urls:
        path = urlsplit(url).path
        if not path.endswith(".json") or "/cards/" not in "/" + path or urlsplit(url).netloc:
            continue
        file = page.parent / unquote(path)
        if file.is_file():  # a missing file is reported as the page's broken link
            cards = json.loads(file.read_text("utf-8"))
            out += [
                part["href"]
                for card in cards.values()
                for _, parts in card["lines"]
                for part in parts
                if isinstance(part, dict) and "href" in part
            ]
    return out


def _source(rel: str, staging: Path | None) -> str:
    """The page's name in the staging tree (``index.md``, ``figures/x/index.md``, ``talk/index.html``)."""
    stem = rel[: -len("index.html")] if rel.endswith("index.html") else ""
    candidates = [f"{stem}index.md", f"{stem.rstrip('/')}.md"] if rel.endswith("index.html") else []
    for name in (*candidates, rel):
        if staging is not None and name and (staging / name).is_file():
            return name
    return rel


def _target(site: Path, path: str) -> Path:
    target = site / path
    return target / "index.html" if path in ("", ".") or path.endswith("/") or target.is_dir() else target


def link_problems(site: Path, site_url: str | None = None, staging: Path | None = None) -> list[str]:
    """Every broken link of the built ``site`` (served at ``site_url``), one line each."""
    base = site_url or _NO_ADDRESS
    base = base if base.endswith("/") else base + "/"
    host, prefix = urlsplit(base).netloc, urlsplit(base).path
    pages = {p: parse_page(p) for p in sorted(site.rglob("*.html"))}
    problems = []
    for page, links in pages.items():
        rel = page.relative_to(site).as_posix()
        here = urljoin(base, rel)
        for url in links.urls + card_links(page, links.urls):
            if url.startswith(_NOT_FOLLOWED) or url == "#":
                continue
            parts = urlsplit(urljoin(here, url))
            written = urlsplit(url)
            if parts.netloc != host:
                continue
            if (written.scheme or written.netloc) and not unquote(parts.path).startswith(unquote(prefix)):
                continue  # an address written in full, elsewhere on this host (another project's site): a reference
            what = _what_is_wrong(site, pages, parts.path, parts.fragment, prefix, base)
            if what:
                problems.append(f"{_source(rel, staging)}: a link to {url!r} {what}")
    return problems


def _what_is_wrong(site: Path, pages: dict[Path, PageLinks], path: str, fragment: str, prefix: str, base: str) -> str:
    path, prefix = unquote(path), unquote(prefix)  # as a browser compares them: `"` and `%22` are one character
    if not path.startswith(prefix):
        return f"leaves the site ({base}): use a link relative to the page"
    inside = path[len(prefix) :]
    if ".." in inside.split("/"):  # percent-encoded dots, which urljoin does not resolve
        return f"leaves the site ({base}): use a link relative to the page"
    target = _target(site, inside)
    if not target.is_file():
        return f"goes nowhere: {target.relative_to(site).as_posix()} is not in the built site"
    if fragment and target.suffix == ".html":
        ids = pages[target].ids if target in pages else parse_page(target).ids
        if unquote(fragment) not in ids:
            return f"goes nowhere: {target.relative_to(site).as_posix()} has no id {unquote(fragment)!r}"
    return ""


def check_site_links(site: Path, site_url: str | None = None, staging: Path | None = None) -> None:
    """Raise a one-line BuildError for the first broken link of ``site`` (and how many more there are)."""
    problems = link_problems(site, site_url, staging)
    if problems:
        more = f" (and {len(problems) - 1} more broken links)" if len(problems) > 1 else ""
        raise BuildError(f"{problems[0]}{more}; the previous site/ is kept")
