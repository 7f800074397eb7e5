"""Hover cards, glossary, updates and citation on a tiny built site: a number's card shows its formula and sources,
a citation's card its reference; both open on keyboard focus and on a tap, close with Escape; the updates list shows
a catalog value changed since the last release; the head's citation tags, JSON-LD, BibTeX and the feed parse."""

from __future__ import annotations

import json
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.support import SITE_PREFIX, build_served_at, click_settled
from tests.tinyproject import CHART, make_tiny_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGE = """---
title: Cards
---
# Cards

## Memory

The KV cache of {{ m['llama-3.1-70b'].name }} takes {{ num(d.kv_bytes_per_token(m['llama-3.1-70b'], 'bf16')) }} bytes
per token in BF16.{{ cite('llama3-2024') }} Its weights take {{ gb(d.weight_bytes(m['llama-3.1-70b'].params, 'int4')) }}
at INT4.

## Glossary

{{ glossary() }}

## Updates and corrections

{{ updates() }}

## Cite this article

{{ cite_this() }}

## References

{{ references() }}
"""


def build_cards_site(dest: Path, site_url: str) -> Path:
    """A tiny project released as 1.0, then one catalog value changed (Llama 3.1 70B's parameter count)."""
    from generator.site.extras.release import make_release
    from generator.util.project import BuildPaths

    root = make_tiny_project(dest, figures=(CHART,))
    (root / "docs" / "index.md").write_text(PAGE, "utf-8")
    (root / "CHANGELOG.yaml").write_text(
        "- date: 2026-12-01\n  what: Llama 3.1 70B's parameter count corrected.\n  why: A test of the updates list.\n",
        "utf-8")
    make_release(root, "1.0", "First version.", today="2026-11-27")
    cat = root / "catalog.yaml"
    text = cat.read_text("utf-8")
    assert "    params: 70.55e9\n" in text
    cat.write_text(text.replace("    params: 70.55e9\n", "    params: 70.6e9\n", 1), "utf-8")
    build_served_at(BuildPaths(root=root), site_url)
    return root / "site"


@pytest.fixture(scope="module")
def cards_site(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    from generator.site.assembly.serve import make_server

    dest = tmp_path_factory.mktemp("cards-site")
    server = make_server(dest / "site", prefix=SITE_PREFIX)
    host, port = server.server_address[:2]
    url = f"http://{host}:{port}{SITE_PREFIX}"
    site = build_cards_site(dest, url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url, site
    finally:
        server.shutdown()
        server.server_close()


def _open(browser, url: str, width: int = 1280, touch: bool = False, scheme: str = "light"):
    ctx = browser.new_context(viewport={"width": width, "height": 800}, has_touch=touch, is_mobile=touch,
                              color_scheme=scheme)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_function("() => window.RaceWidgets")  # the modules (cards.js among them) have run
    return ctx, page, errors


def _card_of(page, selector: str):
    """The card of the trigger ``selector``: built from the page's cards file the first time one opens."""
    card_id = page.locator(selector).first.get_attribute("data-rs-card")
    return page.locator(f"#{card_id}")


NUMBER = ".rs-num:has-text('327,680')"
CITE = "sup.rs-cite a"


def test_number_card_on_focus_shows_formula_and_sources_and_escape_closes(browser, cards_site):
    url, _ = cards_site
    ctx, page, errors = _open(browser, url)
    card = _card_of(page, NUMBER)
    assert card.count() == 0  # no card is in the page until one is asked for
    page.focus(NUMBER)
    card.wait_for(state="visible")
    text = card.inner_text()
    assert "80 layers × 2 × 8 KV heads × 128 head dim × 2 = 327,680" in text.replace("\u00a0", " ")
    assert "Checked against the source itself." in text and "The Llama 3 Herd of Models" in text
    assert card.locator("a[href='https://arxiv.org/abs/2407.21783']").count() == 1  # one source line per model
    assert "80 layers, 8 KV heads, 128 head dim: Llama 3.1 70B" in text
    # While it is open, the description a screen reader gets is the card.
    trigger = page.locator(NUMBER).first
    assert trigger.get_attribute("aria-describedby") == trigger.get_attribute("data-rs-card")
    page.keyboard.press("Escape")
    assert not card.is_visible()
    assert page.evaluate("() => document.activeElement.classList.contains('rs-num')")
    ctx.close()
    assert not errors


def test_card_stays_open_when_the_pointer_moves_into_it(browser, cards_site):
    url, _ = cards_site
    ctx, page, errors = _open(browser, url)
    page.hover(NUMBER)
    card = _card_of(page, NUMBER)
    card.wait_for(state="visible")
    box = card.bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + 10, steps=4)
    page.wait_for_timeout(500)
    assert card.is_visible()
    page.mouse.move(5, 5)
    page.wait_for_timeout(500)
    assert not card.is_visible()
    ctx.close()
    assert not errors


def test_citation_card_on_focus_and_escape(browser, cards_site):
    url, _ = cards_site
    ctx, page, errors = _open(browser, url)
    card = _card_of(page, CITE)
    page.focus(CITE)
    card.wait_for(state="visible")
    text = card.inner_text()
    assert "Llama Team, AI @ Meta (2024)" in text and "The Llama 3 Herd of Models" in text and "arXiv" in text
    page.keyboard.press("Escape")
    assert not card.is_visible()
    ctx.close()
    assert not errors


@pytest.mark.parametrize("selector", [NUMBER, CITE, ".rs-term"])
def test_tap_opens_the_card(browser, cards_site, selector):
    url, _ = cards_site
    ctx, page, errors = _open(browser, url, width=390, touch=True)
    card = _card_of(page, selector)
    page.locator(selector).first.tap()
    card.wait_for(state="visible")
    assert page.url == url  # a tapped citation shows its card instead of jumping away
    page.keyboard.press("Escape")
    assert not card.is_visible()
    ctx.close()
    assert not errors


def test_a_second_tap_on_a_citation_follows_it(browser, cards_site):
    url, _ = cards_site
    ctx, page, errors = _open(browser, url, width=390, touch=True)
    card = _card_of(page, CITE)
    page.locator(CITE).first.tap()
    card.wait_for(state="visible")
    assert card.locator("a[href='#ref-llama3-2024']").count() == 1  # the card links to the list
    page.locator(CITE).first.tap()
    page.wait_for_function("() => location.hash === '#ref-llama3-2024'")
    ctx.close()
    assert not errors


@pytest.mark.parametrize("width", [390, 1280])
def test_a_paragraph_is_one_tab_stop_and_the_arrows_walk_its_sources(browser, cards_site, width):
    """The paragraph's first number is its one stop; → and ← move through its numbers, terms and citations, each
    opening its card, and the paragraph stays one stop (Shift+Tab from the last goes back before it)."""
    url, _ = cards_site
    ctx, page, errors = _open(browser, url, width=width)
    triggers = page.locator("article p").first.locator("[data-rs-card]")
    n = triggers.count()
    assert n >= 3
    assert [triggers.nth(i).get_attribute("tabindex") for i in range(n)].count("-1") == n - 1
    triggers.first.focus()
    seen = [page.evaluate("document.activeElement.getAttribute('data-rs-card')")]
    for _ in range(n - 1):
        page.keyboard.press("ArrowRight")
        seen.append(page.evaluate("document.activeElement.getAttribute('data-rs-card')"))
        page.locator(f"#{seen[-1]}").wait_for(state="visible")
    assert seen == [triggers.nth(i).get_attribute("data-rs-card") for i in range(n)]
    page.keyboard.press("ArrowRight")  # past the last: stays
    assert page.evaluate("document.activeElement.getAttribute('data-rs-card')") == seen[-1]
    assert [triggers.nth(i).get_attribute("tabindex") for i in range(n)].count("0") == 1
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.getAttribute('data-rs-card')") == seen[-2]
    ctx.close()
    assert not errors


def test_updates_list_shows_the_changed_catalog_value(cards_site):
    _, site = cards_site
    html = (site / "index.html").read_text("utf-8")
    row = re.search(r'<li data-rs-path="catalog.models.llama-3.1-70b.params">(.*?)</li>', html)
    assert row, "the changed parameter count is not in the updates list"
    plain = re.sub(r"<[^>]+>", "", row.group(1))
    assert plain == "Llama 3.1 70B: parameters: 70,550,000,000 → 70,600,000,000"
    assert "new: " not in html  # added numbers are one sentence, the full list a data file it links
    published = json.loads((site / "data" / "changes.json").read_text("utf-8"))
    rows = {r["path"]: (r["old"], r["new"]) for r in published["changes"]}
    assert rows["catalog.models.llama-3.1-70b.params"] == (70_550_000_000, 70_600_000_000)
    added = sum(1 for old, _ in rows.values() if old is None)
    if added:
        assert re.search(rf'<p class="rs-added">{added:,} numbers? (was|were) added \(.*?<a href="data/changes.json">', html)
    assert "Version 1.0. Published 27 November 2026; last updated 1 December 2026." in html


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: list[dict[str, str | None]] = []
        self.jsonld: list[str] = []
        self._in_ld = False
        self.links: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta":
            self.meta.append(a)
        if tag == "link":
            self.links.append(a)
        self._in_ld = tag == "script" and a.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_ld:
            self.jsonld.append(data)

    def handle_endtag(self, tag):
        self._in_ld = False


def test_head_citation_metadata_and_jsonld_parse(cards_site):
    url, site = cards_site
    head = _Head()
    head.feed((site / "index.html").read_text("utf-8"))
    names = {}
    for m in head.meta:
        key = m.get("name") or m.get("property")
        names.setdefault(key, []).append(m.get("content"))
    assert names["citation_title"] == ["The Race to Scale"]
    assert "citation_author" not in names  # Scholar reads each as a person; the catalog names a group, no person
    assert names["citation_publication_date"] == ["2026/11/27"]
    assert names["citation_online_date"] == ["2026/11/27"]  # first published online, not the last update
    assert "citation_pdf_url" not in names  # no PDF was printed for this site
    assert names["citation_public_url"] == [url]
    assert names["og:type"] == ["article"] and names["og:title"] == ["The Race to Scale"]
    assert names["og:image"] == [url + "assets/social/article.png"]  # the article's social card (figure_pages.py)
    assert names["twitter:card"] == ["summary_large_image"]
    doc = json.loads("".join(head.jsonld))
    assert doc["@type"] == "Article" and doc["headline"] == "The Race to Scale"
    assert doc["datePublished"] == "2026-11-27" and doc["dateModified"] == "2026-12-01"
    assert doc["version"] == "1.0" and doc["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert doc["author"] == [{"@type": "Organization", "name": "The Race to Scale contributors"}]
    assert doc["image"] == url + "assets/social/article.png"
    assert any(link.get("type") == "application/atom+xml" for link in head.links)


def test_bibtex_block_parses(cards_site):
    _, site = cards_site
    html = (site / "index.html").read_text("utf-8")
    bib = re.search(r'<pre class="rs-cite-bib"[^>]*><code>(.*?)</code></pre>', html, re.S).group(1)
    import html as h

    bib = h.unescape(bib)
    m = re.fullmatch(r"@online\{([a-z0-9-]+),\n((?:  \w+ = \{.*\},?\n)+)\}", bib.strip() + "\n" if False else bib.strip())
    m = re.fullmatch(r"@online\{([a-z0-9-]+),\n(.*)\n\}", bib.strip(), re.S)
    assert m, bib
    fields = dict(re.findall(r"^  (\w+) = \{(.*)\},?$", m.group(2), re.M))
    assert set(fields) >= {"title", "author", "year", "url", "version"}
    assert fields["version"] == "1.0" and fields["year"] == "2026"
    assert bib.count("{") == bib.count("}")


def test_atom_feed_parses(cards_site):
    url, site = cards_site
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.parse(site / "feed.xml").getroot()
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    for tag in ("title", "id", "updated", "author/a:name"):
        assert root.find(f"a:{tag}", ns) is not None, tag
    entries = root.findall("a:entry", ns)
    assert [e.find("a:title", ns).text for e in entries] == ["Version 1.0"]
    for e in entries:
        assert e.find("a:id", ns).text and e.find("a:updated", ns).text.endswith("Z")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots_of_cards(browser, cards_site, scheme, width):
    """Screenshots for review (light and dark, phone and desktop), kept in /work/notes/shots-16 when it exists."""
    url, _ = cards_site
    ctx, page, errors = _open(browser, url, width=width, touch=width < 600, scheme=scheme)
    if scheme == "dark":
        page.evaluate("() => document.body.setAttribute('data-md-color-scheme', 'slate')")
    page.focus(NUMBER)
    card = _card_of(page, NUMBER)
    card.wait_for(state="visible")
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width  # the card stays on screen
    out = Path("/work/notes/shots-16")
    if out.is_dir():
        page.screenshot(path=str(out / f"number-card-{scheme}-{width}.png"))
        page.keyboard.press("Escape")
        page.focus(CITE)
        page.screenshot(path=str(out / f"cite-card-{scheme}-{width}.png"))
    ctx.close()
    assert not errors


def test_without_javascript_the_title_carries_the_provenance(browser, cards_site):
    url, _ = cards_site
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, java_script_enabled=False)
    page = ctx.new_page()
    page.goto(url)
    title = page.get_attribute(NUMBER, "title").replace("\u00a0", " ")
    assert title.startswith("80 layers × 2 × 8 KV heads × 128 head dim × 2 = 327,680.")
    assert "The Llama 3 Herd of Models" in title and "checked against the source itself" in title
    assert not page.locator(".rs-cards").is_visible()
    assert page.locator("button.rs-copy").first.is_hidden()  # copy buttons need JavaScript
    assert page.locator("pre.rs-cite-bib").is_visible()  # the citation itself does not
    ctx.close()


def test_copy_bibtex_button_copies_the_block(browser, cards_site):
    url, _ = cards_site
    origin = "/".join(url.split("/")[:3])
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page = ctx.new_page()
    page.goto(url)
    click_settled(page, "button[data-rs-copy-from='.rs-cite-bib']")
    page.wait_for_function("() => document.querySelector('.rs-copy-status').textContent.length > 0")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.inner_text("pre.rs-cite-bib") and copied.startswith("@online{")
    assert page.inner_text(".rs-copy-status") == "BibTeX copied."
    ctx.close()
