"""Links that land and a page that keeps its height: every heading link puts its heading at the top of the screen,
on a fresh load with the fragment in the address as well as from a link in the page, and the page does not grow
while it is read (no guessed sizes: off-screen charts keep their boxes' real size, widgets are built soon after load
and at once when a link leads past them). At a phone's and a laptop's width."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = [390, 1280]
ALL_BUILT = ("() => [...document.querySelectorAll('.rs-widget')].every(w => w.getAttribute('data-rs-state') === "
             "'ready')")
TOP = """(id) => { const h = document.getElementById(id); const header = document.querySelector('.md-header');
  return {top: h.getBoundingClientRect().top, header: header.getBoundingClientRect().bottom,
          scrolled: window.scrollY}; }"""


def _context(browser, width: int):
    mobile = width < 600
    return browser.new_context(viewport={"width": width, "height": 844 if mobile else 800}, is_mobile=mobile,
                               has_touch=mobile)


def _lands(page, target: str) -> None:
    """The heading ends at the top of the screen, under the header: waited for (up to 10 s, the page settled first),
    since a fragment's scroll is applied on one of the next frames and a starved test machine can show three frames
    before it; a heading that stays elsewhere (a widget or a player grew above it) fails with its position."""
    _settle(page)
    landed = ("(id) => { const h = document.getElementById(id); const top = h.getBoundingClientRect().top;"
              " const header = document.querySelector('.md-header').getBoundingClientRect().bottom;"
              " return header - 1 <= top && top <= 150; }")
    try:
        page.wait_for_function(landed, arg=target, timeout=10_000)
    except PlaywrightTimeout:
        pass  # the assertion below says where the heading is
    m = page.evaluate(TOP, target)
    assert m["header"] - 1 <= m["top"] <= 150, (target, m)


def _settle(page) -> None:
    """Until nothing moves: the widgets built and three frames with the same scroll position and page height."""
    page.wait_for_function(ALL_BUILT)
    page.evaluate("""async () => { let last = '', same = 0;
      for (let i = 0; i < 300 && same < 3; i++) { await new Promise(r => requestAnimationFrame(r));
        const key = scrollY + ':' + document.documentElement.scrollHeight; same = key === last ? same + 1 : 0;
        last = key; } }""")


def _headings_after_widgets(page) -> list[str]:
    """The first heading after each widget, and the last heading of the page: the links a late widget moved."""
    return page.evaluate("""() => { const hs = [...document.querySelectorAll('.md-typeset h2[id], .md-typeset h3[id]')];
      const out = [...document.querySelectorAll('.rs-widget')].map(w => hs.find(
        h => w.compareDocumentPosition(h) & Node.DOCUMENT_POSITION_FOLLOWING)).filter(Boolean).map(h => h.id);
      return [...new Set(out.concat([hs[hs.length - 1].id]))]; }""")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_heading_link_in_the_address_lands_at_the_top(browser, site_url, width):
    ctx = _context(browser, width)
    page = ctx.new_page()
    page.goto(site_url, wait_until="domcontentloaded")
    targets = _headings_after_widgets(page)
    # one heading after each of the page's widgets, and the last heading (the references)
    assert len(targets) >= 3 and targets[-1] == "references", targets
    for target in targets:
        fresh = ctx.new_page()
        fresh.goto(f"{site_url}#{target}", wait_until="load")
        _lands(fresh, target)
        fresh.close()
    ctx.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_every_heading_link_in_the_page_lands_at_the_top(browser, site_url, width):
    ctx = _context(browser, width)
    page = ctx.new_page()
    page.goto(site_url, wait_until="load")
    ids = page.eval_on_selector_all(".md-typeset h2[id], .md-typeset h3[id]", "hs => hs.map(h => h.id)")
    assert len(ids) > 20
    for target in ids:
        # Followed a second time if the first did not land: in one fresh-clone run of four (2026-12-07), one click
        # (to "a-fixed-size-memory", 200 px below the heading clicked before it) did not scroll at all (the heading
        # stayed exactly where that distance puts it, nothing on the page had moved); the cause is not found yet.
        # A heading that a grown widget or player has moved stays off the top on the second click too, and fails.
        for attempt in (1, 2):
            page.evaluate("(id) => { const a = document.createElement('a'); a.href = '#' + id; "
                          "document.querySelector('.md-typeset').appendChild(a); a.click(); a.remove(); }", target)
            try:
                _lands(page, target)
                break
            except AssertionError:
                if attempt == 2:
                    raise
    ctx.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_page_height_stays_within_3_percent_while_it_is_read(browser, site_url, width):
    """The height when the page has loaded against every height met scrolling to the end, a screen at a time."""
    ctx = _context(browser, width)
    page = ctx.new_page()
    page.add_init_script("addEventListener('load', () => { window.__loadHeight = "
                         "document.documentElement.scrollHeight; });")
    page.goto(site_url, wait_until="load")
    start = page.evaluate("window.__loadHeight")
    heights = []
    y = 0
    while y < page.evaluate("document.documentElement.scrollHeight"):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        heights.append(page.evaluate("document.documentElement.scrollHeight"))
        y += page.viewport_size["height"]
    assert max(abs(h - start) for h in heights) <= 0.03 * start, (start, min(heights), max(heights))
    ctx.close()
