"""The keyboard path: from the top of the page, at most 12 Tab presses reach the first section, none lands on
something off screen (a closed drawer's links, a search box slid away), focus is visible on every stop, and the
header's drawer and search buttons can be reached and pressed. At a phone's and a laptop's width."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = [390, 1280]
STOP = """() => { const e = document.activeElement; const r = e.getBoundingClientRect();
  const h2 = document.querySelector('.md-typeset h2');
  const s = getComputedStyle(e), label = e.matches('.md-option') ? e.nextElementSibling : null;
  const ring = (x) => { const c = getComputedStyle(x); return c.outlineStyle !== 'none' && parseFloat(c.outlineWidth) > 0
    || c.boxShadow !== 'none'; };
  return {what: e.tagName + '.' + (e.className || '') + ' ' + (e.textContent || e.getAttribute('aria-label') || '')
            .trim().slice(0, 30),
          inSection: !!(h2 && (h2 === e || h2.contains(e) || h2.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING)),
          onScreen: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight,
          visible: s.visibility !== 'hidden', ring: ring(e) || (label ? ring(label) : false)}; }"""


def _page(browser, url: str, width: int):
    mobile = width < 600
    ctx = browser.new_context(viewport={"width": width, "height": 844 if mobile else 800}, is_mobile=mobile,
                              has_touch=mobile)
    page = ctx.new_page()
    page.goto(url, wait_until="load")
    page.wait_for_function("() => window.RaceWidgets")
    return ctx, page


@pytest.mark.parametrize("width", WIDTHS)
def test_at_most_12_stops_to_the_first_section_none_off_screen_all_visible(browser, site_url, width):
    ctx, page = _page(browser, site_url, width)
    stops = []
    for _ in range(40):
        page.keyboard.press("Tab")
        stop = page.evaluate(STOP)
        stops.append(stop)
        if stop["inSection"]:
            break
    assert stops[-1]["inSection"], stops
    assert len(stops) <= 12, [s["what"] for s in stops]
    assert all(s["onScreen"] and s["visible"] for s in stops), [s for s in stops if not s["onScreen"]]
    assert all(s["ring"] for s in stops), [s["what"] for s in stops if not s["ring"]]  # focus shows
    ctx.close()


def test_the_drawer_and_search_open_from_the_keyboard_on_a_phone(browser, site_url):
    ctx, page = _page(browser, site_url, 390)
    drawer = page.locator('.md-header button[data-rs-for="__drawer"]')
    assert drawer.get_attribute("aria-expanded") == "false" and drawer.get_attribute("aria-label")
    assert page.locator(".md-sidebar--primary a").first.evaluate("a => getComputedStyle(a).visibility") == "hidden"
    page.evaluate("() => { window.__changes = 0; document.getElementById('__drawer').addEventListener('change', "
                  "() => window.__changes++); }")
    drawer.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('__drawer').checked")
    assert drawer.get_attribute("aria-expanded") == "true"
    page.wait_for_function("() => getComputedStyle(document.querySelector('.md-sidebar--primary a')).visibility "
                           "=== 'visible'")
    page.keyboard.press(" ")  # the button still has focus: Space closes it again, once
    page.wait_for_function("() => !document.getElementById('__drawer').checked")
    assert page.evaluate("window.__changes") == 2  # each key pressed the button once
    search = page.locator('.md-header button[data-rs-for="__search"]')
    search.focus()
    page.keyboard.press(" ")
    page.wait_for_function("() => document.activeElement.matches('.md-search__input')")  # Material focuses it
    page.keyboard.type("mamba")
    page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length > 0")
    ctx.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_contents_come_after_the_article_in_tab_order_but_stay_on_the_right(browser, site_url, width):
    ctx, page = _page(browser, site_url, width)
    order = page.evaluate("""() => { const toc = document.querySelector('.md-sidebar--secondary'),
        article = document.querySelector('.md-content'); return !!(article.compareDocumentPosition(toc) &
        Node.DOCUMENT_POSITION_FOLLOWING); }""")
    assert order
    if width >= 1220:  # Material shows the contents beside the article from 76.25em
        box = page.locator(".md-sidebar--secondary").bounding_box()
        article = page.locator(".md-content").bounding_box()
        assert box["x"] >= article["x"] + article["width"] - 1
    ctx.close()


def test_every_box_that_scrolls_sideways_is_a_named_stop(browser, site_url):
    """A table wider than its box scrolls inside it: on a narrow phone, or when the page's font came too late and a
    wider fallback font set the text. A keyboard can scroll such a box only if the box is a stop, and a screen
    reader names it (axe's scrollable-region-focusable once failed at 390 px under load, on the memory calculator's
    device table, built without either). Whether a box overflows depends on the width and the font, so every box
    that may scroll (the boxes site.css gives a scroll shadow) is checked once the widgets are built; at 320 px some
    of them do overflow, the device table among them."""
    ctx, page = _page(browser, site_url, 320)
    page.wait_for_function("() => [...document.querySelectorAll('.rs-widget')].every(w => w.dataset.rsState)")
    boxes = page.eval_on_selector_all(
        ".md-typeset :is(.rs-table-scroll, .rs-scroll, .md-typeset__scrollwrap)",
        """bs => bs.map(b => ({what: (b.closest('[data-rs-widget]') || b).getAttribute('data-rs-widget') || b.className,
          label: b.getAttribute('aria-label') || (document.getElementById(b.getAttribute('aria-labelledby')) || {})
            .textContent || '', role: b.getAttribute('role'), stop: b.tabIndex >= 0,
          built: !b.closest('.rs-fallback'), overflows: b.scrollWidth > b.clientWidth + 1}))""")
    ctx.close()
    assert any(b["overflows"] for b in boxes if b["what"] == "memory" and b["built"]), boxes
    bad = [b for b in boxes if not (b["stop"] and b["role"] == "region" and b["label"].strip())]
    assert not bad, bad
