"""Touch on the article: a tapped citation opens its card where it is, without scrolling to the reference list (the
card links there); a tapped number or term opens its card; a tap elsewhere closes it. On a phone and on a touch
screen at a laptop's width."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("selector", ["sup.rs-cite a", ".rs-num", ".rs-term"])
def test_a_tap_opens_the_card_without_scrolling(browser, site_url, width, selector):
    ctx = browser.new_context(viewport={"width": width, "height": 844 if width < 600 else 800}, is_mobile=width < 600,
                              has_touch=True)
    page = ctx.new_page()
    page.goto(site_url, wait_until="load")
    page.wait_for_function("() => window.RaceWidgets")
    trigger = page.locator(f".md-typeset > p {selector}").nth(2)
    trigger.scroll_into_view_if_needed()
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    before = page.evaluate("window.scrollY")
    trigger.tap()
    card = page.locator(f"#{trigger.get_attribute('data-rs-card')}")
    card.wait_for(state="visible")
    assert page.evaluate("window.scrollY") == before and "#" not in page.url  # no jump to the list
    box, t = card.bounding_box(), trigger.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= width and box["y"] >= 0  # on screen, by its trigger
    assert abs(box["y"] - (t["y"] + t["height"])) < 40 or abs(box["y"] + box["height"] - t["y"]) < 40
    if "rs-cite" in selector:
        assert card.locator("a[href^='#ref-']").count() == 1  # the card leads to the list
    page.touchscreen.tap(5, page.viewport_size["height"] - 5)  # a tap elsewhere
    card.wait_for(state="hidden")
    ctx.close()
