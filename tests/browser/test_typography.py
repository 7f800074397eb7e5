"""The article's type on a phone and a laptop: the site's own font file loaded and used, the article header with its
byline and dates, a phone type scale of about 40 characters a line, and tables that fit."""

from __future__ import annotations

import pytest

from generator.catalog.schema import meta_group
from tests.support import reader_context

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = [390, 1280]


def _page(browser, url: str, width: int, scheme: str = "light"):
    ctx = reader_context(browser, width, scheme)
    page = ctx.new_page()
    page.goto(url, wait_until="networkidle")
    return ctx, page


def _fonts_of(page, selector: str) -> list[dict]:
    """The fonts Chromium really drew ``selector``'s text with (DevTools: CSS.getPlatformFontsForNode)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, selector
    return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_sites_own_font_file_is_loaded_and_used(browser, site_url, width):
    """The text is drawn with the site's Inter files. Measured on a second visit: the text's faces are
    font-display: optional (a first visit whose font arrives after the first paint keeps the system face rather
    than reflow; on this shared machine that can happen), so the wiring is tested where the font is at hand."""
    ctx, page = _page(browser, site_url, width)
    page.reload(wait_until="networkidle")
    loaded = page.evaluate("""async () => { await document.fonts.ready; const out = [];
      document.fonts.forEach(f => out.push([f.family, f.weight, f.status])); return out; }""")
    assert ["Inter", "400", "loaded"] in loaded and ["Inter", "600", "loaded"] in loaded
    # The charts inlined in the page too: their SVG text names the family their labels were measured with
    # (figures/chart_style.py) and is drawn with the same shipped files.
    chart_text = f"figure.rs-chart .rs-chart-box--{'narrow' if width < 600 else 'wide'} svg text"  # the one shown
    assert page.eval_on_selector(chart_text, "t => getComputedStyle(t).fontFamily").startswith('"Inter Chart", Inter')
    page.eval_on_selector(chart_text, "t => t.scrollIntoView()")  # drawn: its box is content-visibility: auto
    page.wait_for_function("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))")
    for selector, face in (
        (".md-typeset > p", "Inter-Regular"),
        (".rs-masthead h1", "Inter-SemiBold"),
        (".md-typeset h2", "Inter-SemiBold"),
        (chart_text, "Inter-Regular"),
    ):
        used = _fonts_of(page, selector)
        assert [f["postScriptName"] for f in used] == [face] and all(f["isCustomFont"] for f in used), (selector, used)
    ctx.close()


def test_a_late_font_leaves_the_text_in_the_system_face_and_the_charts_in_inter(browser, draft_build):
    """Served with the font files 1.5 s late (a slow first visit): the text keeps the system face it was first painted
    in (font-display: optional, no reflow), while the charts, whose labels were placed with Inter's measurements,
    swap to Inter when it arrives (their own face, font-display: swap: no layout moves inside an SVG)."""
    import functools
    import http.server
    import threading
    import time

    class Slow(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            if self.path.endswith(".woff2"):
                time.sleep(1.5)
            super().do_GET()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Slow, directory=str(draft_build.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        ctx, page = _page(browser, f"http://127.0.0.1:{server.server_address[1]}/", 390)
        page.wait_for_function("document.fonts.status === 'loaded'", timeout=20_000)
        chart_text = "figure.rs-chart .rs-chart-box--narrow svg text"
        page.eval_on_selector("figure.rs-chart .rs-chart-box--narrow", "b => b.scrollIntoView()")
        page.wait_for_selector(chart_text, state="attached")  # drawn as it comes near (charts.js)
        page.wait_for_function(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"
        )
        body = _fonts_of(page, ".md-typeset > p")
        assert body and not any(f["isCustomFont"] for f in body), body
        used = _fonts_of(page, chart_text)
        assert [f["postScriptName"] for f in used] == ["Inter-Regular"] and all(f["isCustomFont"] for f in used), used
        ctx.close()
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
def test_article_header_has_title_dek_and_a_byline_with_dates(browser, site_url, catalog, width, scheme):
    ctx, page = _page(browser, site_url, width, scheme)
    header = page.locator("header.rs-masthead")
    assert header.locator("h1").inner_text() == catalog.data["meta"]["title"]
    assert header.locator(".rs-dek").inner_text() == catalog.data["meta"]["description"]
    times = header.locator("time")
    assert times.count() >= 1
    for i in range(times.count()):
        assert times.nth(i).get_attribute("datetime").count("-") == 2  # an ISO date, not words
    text = header.locator(".rs-byline").inner_text()
    assert "Published" in text and "Version" in text and "min" in text and meta_group(catalog.data["meta"]) in text
    # The title at full strength: the colour of the text, not Material's 54 % grey; one line on a phone.
    h1 = page.evaluate("""() => { const h = document.querySelector('.rs-masthead h1'), p = document.querySelector(
      '.md-typeset > p'); const s = getComputedStyle(h); return {c: s.color, p: getComputedStyle(p).color,
      lines: Math.round(h.getBoundingClientRect().height / parseFloat(s.lineHeight))}; }""")
    assert h1["c"] == h1["p"] and h1["lines"] == 1, h1
    # No section heading repeats the title.
    assert catalog.data["meta"]["title"].lower() not in [
        t.lower() for t in page.locator(".md-typeset h2").all_inner_texts()
    ]
    ctx.close()


def test_phone_type_scale_sets_about_forty_characters_a_line(browser, site_url):
    ctx, page = _page(browser, site_url, 390)
    m = page.evaluate("""() => { const p = [...document.querySelectorAll('.md-typeset > p')].find(
        x => x.textContent.length > 400); const s = getComputedStyle(p);
      const c = document.createElement('canvas').getContext('2d'); c.font = `${s.fontSize} ${s.fontFamily}`;
      const text = p.textContent.replace(/\\s+/g, ' ');
      return {size: parseFloat(s.fontSize), lead: parseFloat(s.lineHeight) / parseFloat(s.fontSize),
              perLine: p.clientWidth / (c.measureText(text).width / text.length)}; }""")
    assert 17 <= m["size"] <= 18 and 1.5 <= m["lead"] <= 1.7, m
    assert 38 <= m["perLine"] <= 46, m
    ctx.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_tables_fit_or_show_that_they_scroll(browser, site_url, width):
    ctx, page = _page(browser, site_url, width)
    boxes = page.evaluate("""() => [...document.querySelectorAll('.rs-table-scroll')].map(b => {
        const s = getComputedStyle(b); return {over: b.scrollWidth - b.clientWidth, bg: s.backgroundImage}; })""")
    assert boxes
    for b in boxes:
        # Each table fits, or shows that it scrolls: a shadow on the side that has more (since the 2025-26 columns
        # the technique table is a little wider than a phone's column).
        assert b["bg"].count("gradient") == 4, b
        assert b["over"] <= 0 or "radial-gradient" in b["bg"], b
    ctx.close()
