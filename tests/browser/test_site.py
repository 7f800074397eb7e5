"""Site checks on the built (draft) site served from a subpath by the Range-capable server, as each site builder built
it (MkDocs: every page; Zensical: one page of each kind, support.PAGE_KINDS): links, anchors and assets resolve; no
request leaves the local server; no console error; every video loads its metadata and seeks; axe-core finds no
violation in the light or the dark theme, nor with the search dialog open; budgets hold."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from figures.legibility import PORTRAIT_BELOW_PX
from generator.site.assembly.budgets import check_budgets, load_budgets
from generator.site.assembly.site_links import card_links, link_problems, parse_page
from tests.support import PAGE_KINDS, BuiltSite, click_settled, serve_in_pieces

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_no_broken_internal_link_anchor_or_asset(built_site):
    """The build's own link check (site_links.py, which fails the build) still finds nothing on the published site:
    with the media kit listed (the draft build has a kit manifest: conftest.draft_build), so the Media page's links
    are checked too, and every card's links (the JSON a page loads on first use)."""
    paths = built_site.paths
    assert len(_pages(paths.site)) >= len(PAGE_KINDS)
    assert (paths.site / "media" / "manifest.json").is_file()  # the kit is there
    cards = [u for u in parse_page(paths.site / "index.html").urls if "assets/cards/" in u]
    assert cards and card_links(paths.site / "index.html", cards)  # the cards' links are among those checked
    assert not link_problems(paths.site, built_site.url, paths.staging)


def test_range_requests_are_honoured(site_url, draft_build):
    video = next((draft_build.site / "figures").glob("*.mp4"))
    req = urllib.request.Request(site_url + f"figures/{video.name}", headers={"Range": "bytes=100-199"})
    with urllib.request.urlopen(req) as resp:
        assert resp.status == 206
        assert resp.headers["Content-Range"] == f"bytes 100-199/{video.stat().st_size}"
        assert resp.read() == video.read_bytes()[100:200]


def _page_paths(site: BuiltSite) -> list[str]:
    """Every page of the MkDocs site; one page of each kind of the other builders' sites."""
    out = []
    for p in _pages(site.paths.site):
        rel = p.relative_to(site.paths.site).as_posix()
        if rel == "404.html":
            continue
        out.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    if site.builder != "mkdocs":
        assert set(PAGE_KINDS.values()) <= set(out), sorted(set(PAGE_KINDS.values()) - set(out))
        return list(PAGE_KINDS.values())
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


def test_only_local_requests_and_no_console_errors(browser, built_site):
    host = urlparse(built_site.url).netloc
    for rel in _page_paths(built_site):
        ctx, page, requests, errors = _open(browser, built_site.url + rel)
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_timeout(500)
        foreign = [u for u in requests if urlparse(u).scheme in ("http", "https") and urlparse(u).netloc != host]
        assert not foreign, f"{rel}: requests to other hosts: {foreign}"
        assert not errors, f"{rel}: {errors}"
        ctx.close()


def test_every_video_loads_metadata_and_seeks(browser, built_site):
    ctx, page, _, errors = _open(browser, built_site.url)
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


#: Records every layout shift not caused by input, with the nodes that moved and where they were and went.
_SHIFTS = """window.__shifts = [];
  new PerformanceObserver(l => { for (const e of l.getEntries()) if (!e.hadRecentInput)
    window.__shifts.push({value: e.value, nodes: e.sources.map(s => (s.node ? s.node.nodeName + '.' +
      (s.node.className || '') : '?') + ' ' + [s.previousRect.y, s.currentRect.y, s.currentRect.height].join('/'))});
  }).observe({type: 'layout-shift', buffered: true});"""


def _shifts(browser, url: str, width: int, height: int) -> list[dict]:
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    page.add_init_script(_SHIFTS)
    page.goto(url, wait_until="networkidle", timeout=60_000)
    page.wait_for_timeout(1500)
    shifts = page.evaluate("window.__shifts")
    ctx.close()
    return shifts


@pytest.mark.parametrize("width,height", [(412, 823), (1280, 900)])
def test_no_layout_shift_on_load(browser, built_site, width, height):
    """Cumulative layout shift 0 while the article loads (Lighthouse's target; content-visibility, lazy widgets and
    posters must not move what the reader sees)."""
    shifts = _shifts(browser, built_site.url, width, height)
    assert sum(s["value"] for s in shifts) == 0, shifts


@pytest.mark.parametrize("width,height", [(412, 823), (1280, 900)])
def test_no_layout_shift_while_the_page_arrives_in_pieces(browser, built_site, width, height):
    """Nothing drawn moves as the rest of the page arrives. Over a slow network, or on a busy machine that parses
    the page in slices, the browser draws what it has parsed so far; the contents sidebar is parsed last and stands
    beside the first screen from 1220 px up. The page is served with a stop after every start tag of the sidebar
    and of the article's first 20 kB. (CI once measured a shift of 0.0001 at 1280 px: a nested list of contents
    drawn before its first link had arrived sat 8.75 px higher, until that link's top margin collapsed through it.)"""
    html = (built_site.paths.site / "index.html").read_bytes()
    article = html.index(b"<article")
    sidebar = html.index(b"md-sidebar--secondary")
    cuts = [at + m.end() for at, n in ((article, 20_000), (sidebar, len(html) - sidebar))
            for m in re.finditer(rb"<[a-z][^>]*>", html[at:at + n])]
    with serve_in_pieces(built_site.paths.site, cuts, stall=0.03) as url:
        shifts = _shifts(browser, url, width, height)
    assert sum(s["value"] for s in shifts) == 0, shifts


@pytest.mark.parametrize("width", [390, 1280])
def test_posters_load_when_near_one_per_layout(browser, built_site, width):
    """No poster far below the viewport is fetched at load; every poster arrives as its video nears the viewport,
    the one of the render shown: on a phone the portrait poster and never the landscape one of the same scene (a
    poster attribute is fetched as it is parsed), on a laptop the landscape one alone; every poster is an image."""
    ctx, page, requests, errors = _open(browser, built_site.url, width)
    posters = page.eval_on_selector_all(
        "video.rs-video",
        "vs => vs.map(v => [v.getAttribute('poster'), v.dataset.poster || null, v.getBoundingClientRect().top, "
        "v.getAttribute('data-portrait-poster')])",
    )
    assert len(posters) >= 2, posters
    far = [p for p in posters[1:] if p[2] > 3 * page.viewport_size["height"]]
    assert far and all(p[0] is None and p[1] for p in far), posters
    fetched = [u for u in requests if u.endswith(".poster.webp")]
    assert not any(u.endswith(name) for p in far for name in (p[1], p[3]) if name for u in fetched), fetched
    for i in range(len(posters)):
        page.eval_on_selector_all("video.rs-video", f"vs => vs[{i}].scrollIntoView()")
        page.wait_for_function(f"document.querySelectorAll('video.rs-video')[{i}].getAttribute('poster')")
    page.wait_for_load_state("networkidle")
    fetched = [u for u in requests if u.endswith(".poster.webp")]
    portrait = [p for p in posters if p[3]]
    assert portrait, posters  # the scenes have portrait renders
    for *_, tall in portrait:
        landscape = tall.replace(".portrait.poster.webp", ".poster.webp")  # data-poster follows the layout
        want, other = (tall, landscape) if width < PORTRAIT_BELOW_PX else (landscape, tall)
        assert any(u.endswith(want) for u in fetched) and not any(u.endswith(other) for u in fetched), fetched
    ok = page.evaluate("""async () => Promise.all([...document.querySelectorAll('video.rs-video')].map(v =>
        new Promise(res => { const im = new Image(); im.onload = () => res(im.naturalWidth > 0);
                             im.onerror = () => res(false); im.src = v.getAttribute('poster'); })))""")
    assert all(ok), ok
    assert not errors
    ctx.close()


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_axe_finds_no_violations(browser, built_site, scheme):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for rel in _page_paths(built_site):
        ctx, page, _, _ = _open(browser, built_site.url + rel)
        page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
        # Off-screen blocks skip rendering (content-visibility: auto), and axe's contrast check then reads the
        # background from whatever happens to be painted there: render everything so axe sees what a reader will.
        page.add_style_tag(content="* { content-visibility: visible !important; }")
        page.wait_for_timeout(200)
        violations = _axe_violations(axe, page)
        assert not violations, f"{rel} [{scheme}]:\n" + "\n".join(violations)
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


def _axe_violations(axe, page) -> list[str]:
    """axe-core's violations on ``page``, one line each (a target inside a shadow root is a list of selectors)."""
    violations = axe.run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                        for n in v["nodes"][:5]) for v in violations]


def _open_zensical_search(page) -> None:
    """Zensical's "/" opens its dialog once its script has bound the key, which on a loaded machine can come after
    the network is idle (a press before that is lost: the dialog never opened, a 30 s timeout). So wait for its
    shadow host, press again until the dialog is open, and leave its field empty."""
    opened = "[...document.body.children].some(e => e.shadowRoot && e.shadowRoot.querySelector('dialog[open]'))"
    page.wait_for_function("[...document.body.children].some(e => e.shadowRoot)", timeout=30_000)
    for _ in range(20):
        page.keyboard.press("/")
        try:
            page.wait_for_function(opened, timeout=1_500)
            break
        except PlaywrightTimeout:
            continue
    else:
        raise AssertionError("Zensical's search dialog did not open on /")
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_with_the_search_dialog_open(browser, built_site, scheme, width):
    """Each builder's own search dialog, opened with its key and showing results, in the reader's theme: Material's
    is restyled in site.css, Zensical's (in a shadow root) by overrides/partials/rts/zensical-search.html."""
    from axe_playwright_python.sync_playwright import Axe

    ctx = browser.new_context(viewport={"width": width, "height": 844}, color_scheme=scheme)
    page = ctx.new_page()
    page.goto(built_site.url, wait_until="networkidle")
    if built_site.builder == "mkdocs":
        if width < 960:  # the header's search button opens it on a phone; "/" focuses the wide header's field
            click_settled(page, ".md-header button[data-rs-for=__search]")  # the label made a button (keyboard.js)
        else:
            page.keyboard.press("/")
        page.wait_for_function("document.getElementById('__search').checked")
        page.focus("input.md-search__input")
        results = "document.querySelectorAll('.md-search-result__item').length > 1"
    else:
        _open_zensical_search(page)
        results = ("[...document.body.children].some(e => e.shadowRoot && "
                   "e.shadowRoot.querySelectorAll('[role=option]').length > 1)")
    page.keyboard.type("attention")  # typed: each builder's search listens to key events
    page.wait_for_function(results)
    # The results' entrance transitions over (shadow trees included), so axe reads their final colours.
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running' || "
                           "a.effect.getComputedTiming().iterations === Infinity)")
    theme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert theme == ("slate" if scheme == "dark" else "default"), theme
    violations = _axe_violations(Axe(), page)
    ctx.close()
    assert not violations, f"search dialog [{built_site.builder}, {scheme}, {width} px]:\n" + "\n".join(violations)


def test_no_horizontal_overflow_on_phones(browser, built_site):
    for rel in _page_paths(built_site):
        ctx, page, _, _ = _open(browser, built_site.url + rel, width=390)
        over = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert over <= 0, f"{rel}: {over}px of horizontal overflow at 390 px"
        ctx.close()


def test_size_budgets(built_site):
    over = check_budgets(built_site.paths.site, load_budgets("draft"))
    assert not over, "\n".join(over)
    tiny = {"site_bytes": 1000, "video_bytes": 10, "page_html_bytes": 10, "chart_svg_bytes": 10}
    assert len(check_budgets(built_site.paths.site, tiny)) >= 3  # the check can fail


def test_no_third_party_urls_in_output(built_site):
    bad = re.compile(r"fonts\.googleapis|fonts\.gstatic|cdn\.jsdelivr|unpkg\.com|cdnjs")
    # Our HTML and our own CSS/JS. (Material's bundle names a CDN for Mermaid, fetched only if a page has a Mermaid
    # diagram; none does, and the request log test above proves nothing is fetched.)
    site = built_site.paths.site
    ours = list(site.rglob("*.html")) + list((site / "assets" / "css").glob("*.css")) + \
        list((site / "assets" / "js").rglob("*.js"))
    for p in ours:
        assert not bad.search(p.read_text("utf-8", errors="replace")), p


def test_no_script_holds_the_parser_on_a_themed_page(built_site):
    """Every script a theme page loads (Material's bundle, the project's extra_javascript) is deferred or a module:
    at the end of <body> a plain script held the parser, and the bundle then forced a layout of half the text after
    the first paint (overrides/main.html, block scripts)."""
    blocking = []
    for page in _pages(built_site.paths.site):
        text = page.read_text("utf-8")
        if 'id="__config"' not in text:  # the talk page and embed views have templates of their own
            continue
        tags = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", text)
        assert any("bundle" in t for t in tags), page
        blocking += [f"{page.relative_to(built_site.paths.site)}: {t}" for t in tags
                     if not re.search(r"\sdefer\b|\sasync\b|type=\"module\"", t)]
    assert blocking == [], "\n".join(blocking[:10])


def test_every_page_has_the_sites_own_icon_manifest_and_social_text(draft_build, site_url):
    """The icon and manifest the build draws (icons.py), linked from every page; the Media page's own Open Graph
    text; talk mode with a description, a canonical address and social tags, and in the sitemap."""
    from generator.site.extras.icons import FAVICON, MANIFEST

    site, url = draft_build.site, site_url  # built for the address it is served at
    assert (site / FAVICON).is_file() and json.loads((site / MANIFEST).read_text("utf-8"))["icons"]
    for page in _pages(site):
        text = page.read_text("utf-8")
        if page.name == "index.html" and "embed" not in page.parts and "rs-talk" not in text:  # embeds are iframes
            assert re.search(r'<link rel="icon" href="[./]*assets/images/favicon.svg"', text), page
            assert re.search(r'<link rel="manifest" href="[./]*site.webmanifest"', text), page
    media = (site / "media" / "index.html").read_text("utf-8")
    for tag in ("og:title", "og:description", "og:url", "og:site_name", "og:image"):
        assert f'property="{tag}"' in media, tag
    talk = (site / "talk" / "index.html").read_text("utf-8")
    assert '<meta name="description" content="' in talk and f'<link rel="canonical" href="{url}talk/">' in talk
    assert f'<meta property="og:image" content="{url}assets/social/article.png">' in talk
    assert f"<loc>{url}talk/</loc>" in (site / "sitemap.xml").read_text("utf-8")
