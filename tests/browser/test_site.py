"""Site checks on the built (draft) site served from a subpath by the Range-capable server: links, anchors and assets
resolve; no request leaves the local server; no console error; every video loads its metadata and seeks; axe-core
finds no violation in the light or the dark theme; budgets hold."""

from __future__ import annotations

import json
import re
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

from generator.site.assembly.budgets import check_budgets, load_budgets
from tests.support import SITE_PREFIX

pytestmark = [pytest.mark.browser, pytest.mark.slow]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src", "poster", "data-poster", "data-rs-cards"):
            if a.get(key) and not (tag == "link" and a.get("rel") in ("canonical",)):
                self.urls.append(a[key])


def _card_links(page: Path, links: _Links) -> list[str]:
    """The links inside the page's cards (a JSON file the page names in data-rs-cards, fetched on first use): they
    are the page's links too, relative to it."""
    out = []
    for url in links.urls:
        if url.endswith(".json") and "assets/cards/" in url:
            cards = json.loads((page.parent / unquote(url)).read_text("utf-8"))
            out += [p["href"] for c in cards.values() for _, parts in c["lines"] for p in parts
                    if isinstance(p, dict) and "href" in p]
    return out


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def _parse(path: Path) -> _Links:
    p = _Links()
    p.feed(path.read_text("utf-8"))
    return p


def test_no_broken_internal_link_anchor_or_asset(draft_build):
    """Every link of every page, its cards' links included, on the site as published: with the media kit listed
    (the draft build has a kit manifest: conftest.draft_build), so the Media page's links are checked too."""
    site = draft_build.site
    parsed = {p: _parse(p) for p in _pages(site)}
    assert (site / "media" / "manifest.json").is_file()  # the kit is there
    broken = []
    for page, links in parsed.items():
        rel_page = page.relative_to(site).as_posix()
        # The site is built for its served URL (a subpath), so absolute links start with the prefix.
        base = "https://x.test" + SITE_PREFIX + rel_page
        for url in links.urls + _card_links(page, links):
            if url.startswith(("mailto:", "data:", "javascript:")):
                continue
            u = urlparse(urljoin(base, url))
            if u.netloc != "x.test":
                continue  # external links are references to papers; never loaded by the page itself
            path = unquote(u.path[len(SITE_PREFIX):]) if u.path.startswith(SITE_PREFIX) else None
            if path is None:
                broken.append(f"{rel_page}: {url} leaves the site root")
                continue
            target = site / path
            if target.is_dir() or path.endswith("/") or path == "":
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{rel_page}: {url} -> missing {path}")
                continue
            if u.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if unquote(u.fragment) not in ids:
                    broken.append(f"{rel_page}: {url} -> no anchor #{u.fragment}")
    assert not broken, "\n".join(broken)


def test_range_requests_are_honoured(site_url, draft_build):
    video = next((draft_build.site / "figures").glob("*.mp4"))
    req = urllib.request.Request(site_url + f"figures/{video.name}", headers={"Range": "bytes=100-199"})
    with urllib.request.urlopen(req) as resp:
        assert resp.status == 206
        assert resp.headers["Content-Range"] == f"bytes 100-199/{video.stat().st_size}"
        assert resp.read() == video.read_bytes()[100:200]


def _page_paths(draft_build) -> list[str]:
    out = []
    for p in _pages(draft_build.site):
        rel = p.relative_to(draft_build.site).as_posix()
        if rel == "404.html":
            continue
        out.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return out


def _open(browser, url: str, width: int = 1280):
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    page = ctx.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.goto(url, wait_until="networkidle")
    return ctx, page, requests, errors


def test_only_local_requests_and_no_console_errors(browser, site_url, draft_build):
    host = urlparse(site_url).netloc
    for rel in _page_paths(draft_build):
        ctx, page, requests, errors = _open(browser, site_url + rel)
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_timeout(500)
        foreign = [u for u in requests if urlparse(u).scheme in ("http", "https") and urlparse(u).netloc != host]
        assert not foreign, f"{rel}: requests to other hosts: {foreign}"
        assert not errors, f"{rel}: {errors}"
        ctx.close()


def test_every_video_loads_metadata_and_seeks(browser, site_url):
    ctx, page, _, errors = _open(browser, site_url)
    results = page.evaluate("""async () => {
      const out = [];
      for (const v of document.querySelectorAll('video')) {
        v.preload = 'auto';
        if (v.readyState < 1) {
          await new Promise((res, rej) => { v.addEventListener('loadedmetadata', res, {once: true});
                                            v.addEventListener('error', () => rej(v.error), {once: true}); v.load(); });
        }
        const target = v.duration / 2;
        await new Promise(res => { v.addEventListener('seeked', res, {once: true}); v.currentTime = target; });
        out.push({src: v.currentSrc, duration: v.duration, time: v.currentTime, w: v.videoWidth, h: v.videoHeight,
                  tracks: v.textTracks.length});
      }
      return out;
    }""")
    assert len(results) >= 1
    for r in results:
        assert r["duration"] > 3, r
        assert abs(r["time"] - r["duration"] / 2) < 0.5, r
        assert r["w"] > 0 and r["h"] > 0 and r["tracks"] >= 1, r
    assert not errors
    ctx.close()


@pytest.mark.parametrize("width,height", [(412, 823), (1280, 900)])
def test_no_layout_shift_on_load(browser, site_url, width, height):
    """Cumulative layout shift 0 while the article loads (Lighthouse's target; content-visibility, lazy widgets and
    posters must not move what the reader sees)."""
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    page.add_init_script("""window.__shifts = [];
      new PerformanceObserver(l => { for (const e of l.getEntries()) if (!e.hadRecentInput)
        window.__shifts.push({value: e.value, nodes: e.sources.map(s => s.node ? s.node.nodeName + '.' +
                              (s.node.className || '') : '?')}); }).observe({type: 'layout-shift', buffered: true});""")
    page.goto(site_url, wait_until="networkidle")
    page.wait_for_timeout(1500)
    shifts = page.evaluate("window.__shifts")
    ctx.close()
    assert sum(s["value"] for s in shifts) == 0, shifts


def test_posters_load_when_near(browser, site_url):
    """Only the first video's poster is fetched at load; every other poster arrives as its video nears the viewport,
    and every poster URL resolves to an image."""
    ctx, page, requests, errors = _open(browser, site_url)
    page.wait_for_load_state("networkidle")
    posters = page.eval_on_selector_all("video.rs-video", "vs => vs.map(v => [v.getAttribute('poster'), "
                                        "v.dataset.poster || null, v.getBoundingClientRect().top])")
    assert len(posters) >= 2 and posters[0][0], posters
    far = [p for p in posters[1:] if p[2] > 3 * page.viewport_size["height"]]
    assert far and all(p[0] is None and p[1] for p in far), posters
    fetched = [u for u in requests if u.endswith(".poster.webp")]
    assert not any(u.endswith(p[1]) for p in far for u in fetched), fetched
    for i in range(len(posters)):
        page.eval_on_selector_all("video.rs-video", f"vs => vs[{i}].scrollIntoView()")
        page.wait_for_function(f"document.querySelectorAll('video.rs-video')[{i}].getAttribute('poster')")
    ok = page.evaluate("""async () => Promise.all([...document.querySelectorAll('video.rs-video')].map(v =>
        new Promise(res => { const im = new Image(); im.onload = () => res(im.naturalWidth > 0);
                             im.onerror = () => res(false); im.src = v.getAttribute('poster'); })))""")
    assert all(ok), ok
    assert not errors
    ctx.close()


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_axe_finds_no_violations(browser, site_url, draft_build, scheme):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for rel in _page_paths(draft_build):
        ctx, page, _, _ = _open(browser, site_url + rel)
        page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
        # Off-screen blocks skip rendering (content-visibility: auto), and axe's contrast check then reads the
        # background from whatever happens to be painted there: render everything so axe sees what a reader will.
        page.add_style_tag(content="* { content-visibility: visible !important; }")
        page.wait_for_timeout(200)
        results = axe.run(page)
        violations = results.response["violations"]
        summary = [f"{v['id']} ({v['impact']}): {v['help']} -> "
                   + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                               for n in v["nodes"][:5]) for v in violations]
        assert not violations, f"{rel} [{scheme}]:\n" + "\n".join(summary)
        ctx.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_in_the_article_on_a_phone(browser, site_url, scheme):
    """The article at 390 px with touch (its own header buttons, type scale, tables), every widget built."""
    from axe_playwright_python.sync_playwright import Axe

    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                              color_scheme=scheme)
    page = ctx.new_page()
    page.goto(site_url, wait_until="networkidle")
    page.wait_for_function("() => [...document.querySelectorAll('.rs-widget')].every(w => w.dataset.rsState)")
    page.add_style_tag(content="* { content-visibility: visible !important; }")
    violations = Axe().run(page).response["violations"]
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in violations]
    ctx.close()


def test_no_horizontal_overflow_on_phones(browser, site_url, draft_build):
    for rel in _page_paths(draft_build):
        ctx, page, _, _ = _open(browser, site_url + rel, width=390)
        over = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert over <= 0, f"{rel}: {over}px of horizontal overflow at 390 px"
        ctx.close()


def test_size_budgets(draft_build):
    over = check_budgets(draft_build.site, load_budgets("draft"))
    assert not over, "\n".join(over)
    tiny = {"site_bytes": 1000, "video_bytes": 10, "page_html_bytes": 10, "chart_svg_bytes": 10}
    assert len(check_budgets(draft_build.site, tiny)) >= 3  # the check can fail


def test_no_third_party_urls_in_output(draft_build):
    bad = re.compile(r"fonts\.googleapis|fonts\.gstatic|cdn\.jsdelivr|unpkg\.com|cdnjs")
    # Our HTML and our own CSS/JS. (Material's bundle names a CDN for Mermaid, fetched only if a page has a Mermaid
    # diagram; none does, and the request log test above proves nothing is fetched.)
    ours = list(draft_build.site.rglob("*.html")) + list((draft_build.site / "assets" / "css").glob("*.css")) + \
        list((draft_build.site / "assets" / "js").rglob("*.js"))
    for p in ours:
        assert not bad.search(p.read_text("utf-8", errors="replace")), p
