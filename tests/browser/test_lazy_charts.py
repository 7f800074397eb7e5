"""The article's charts are drawn as they come near (docs/assets/js/charts.js): the page load fetches only the
layout shown and only near the viewport, a drawn chart takes the page's theme and keeps its box's size, the box is
the image for screen readers, printing draws them all, and a chart that cannot be fetched says so."""

from __future__ import annotations

import pytest

from generator.catalog.text import alt_text
from tests.support import reader_context

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = [390, 1280]
#: The charts on the article, in page order, and their wide/narrow files (context.py writes one box per layout).
BOXES = ".md-typeset figure.rs-chart .rs-chart-box"
_STATE = """() => [...document.querySelectorAll('.md-typeset figure.rs-chart .rs-chart-box')].map((b) => ({
  fig: b.closest('figure').id, layout: b.className.match(/--(\\w+)/)[1], shown: b.getBoundingClientRect().height > 0,
  drawn: !!b.querySelector('svg'), state: b.getAttribute('data-rs-state'), h: b.getBoundingClientRect().height}))"""


def _page(browser, url: str, width: int, scheme: str = "light", **options):
    ctx = reader_context(browser, width, scheme, **options)
    page = ctx.new_page()
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if r.url.endswith(".svg") and "/figures/" in r.url else None)
    page.goto(url, wait_until="networkidle")
    return ctx, page, fetched


@pytest.mark.parametrize("width", WIDTHS)
def test_charts_are_fetched_near_the_viewport_in_the_layout_shown(browser, site_url, width):
    ctx, page, fetched = _page(browser, site_url, width)
    boxes = page.evaluate(_STATE)
    layout = "narrow" if width < 600 else "wide"
    assert {b["layout"] for b in boxes if b["shown"]} == {layout}
    assert len(boxes) >= 8
    # Far below the first screen, nothing is fetched or drawn at load.
    assert not any(b["drawn"] for b in boxes[-4:]), boxes
    assert len(fetched) < len(boxes) // 2, fetched
    # Scrolled to, each shown chart is drawn into its box without changing its height (nothing moves; the page's
    # height as a whole, widgets included, is test_links_land.py's).
    for b in [b for b in boxes if b["shown"]]:
        page.eval_on_selector(f"#{b['fig']} .rs-chart-box--{layout}", "el => el.scrollIntoView()")
        page.wait_for_selector(f"#{b['fig']} .rs-chart-box--{layout}[data-rs-state=drawn] svg", timeout=10_000)
    after = page.evaluate(_STATE)
    for before, now in zip(boxes, after):
        assert now["drawn"] == before["shown"], now  # the hidden layout is never fetched
        assert abs(now["h"] - before["h"]) < 0.5, (before, now)
    other = ".narrow.svg" if layout == "wide" else "scaling_law.svg"
    assert not [u for u in fetched if u.endswith(other) or (layout == "wide" and u.endswith(".narrow.svg"))], fetched
    ctx.close()


def test_a_drawn_chart_takes_the_dark_theme_and_is_one_image_for_screen_readers(browser, site_url, catalog):
    ctx, page, _ = _page(browser, site_url, 390, "dark")
    box = "#fig-scaling_law .rs-chart-box--narrow"
    page.eval_on_selector(box, "el => el.scrollIntoView()")
    page.wait_for_selector(f"{box}[data-rs-state=drawn] svg text")
    look = page.evaluate(f"""() => {{
      const t = document.querySelector('{box} svg text'), svg = document.querySelector('{box} svg');
      return {{ink: getComputedStyle(t).fill, page: getComputedStyle(document.body).getPropertyValue('--rs-ink').trim(),
              hidden: svg.getAttribute('aria-hidden'), role: svg.getAttribute('role'),
              titles: svg.querySelectorAll(':scope > title, :scope > desc').length}}; }}""")
    assert look["hidden"] == "true" and look["role"] is None and look["titles"] == 0, look
    # The text is drawn in the dark theme's ink (the page's palette variable), not the file's light fallback.
    rgb = page.evaluate(
        "c => { const d = document.createElement('div'); d.style.color = c; document.body.append(d);"
        " const v = getComputedStyle(d).color; d.remove(); return v; }",
        look["page"],
    )
    assert look["ink"] == rgb, look
    fig = catalog.figures["scaling_law"]
    img = page.get_by_role("img", name=fig["title"], exact=True)
    assert img.count() == 1  # the narrow box; the wide one is display: none
    desc = img.evaluate("el => document.getElementById(el.getAttribute('aria-describedby')).textContent")
    assert desc == alt_text(catalog, "scaling_law")
    ctx.close()


def test_printing_draws_every_chart_first(browser, site_url):
    ctx, page, _ = _page(browser, site_url, 1280)
    drawn = page.evaluate(f"""() => {{
      const before = document.querySelectorAll('{BOXES}[data-rs-chart]').length;
      window.dispatchEvent(new Event('beforeprint'));  // synchronous, as the browser's print is
      return {{before, after: document.querySelectorAll('{BOXES}[data-rs-chart]').length,
              svgs: document.querySelectorAll('{BOXES} svg').length, boxes: document.querySelectorAll('{BOXES}').length}};
    }}""")
    assert drawn["before"] > 0 and drawn["after"] == 0 and drawn["svgs"] == drawn["boxes"], drawn
    ctx.close()


def test_a_chart_that_cannot_be_fetched_says_so(browser, site_url):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    page.route("**/figures/kv_cache_sizes.svg", lambda route: route.fulfill(status=404, body="gone"))
    page.goto(site_url, wait_until="networkidle")
    box = "#fig-kv_cache_sizes .rs-chart-box--wide"
    page.eval_on_selector(box, "el => el.scrollIntoView()")
    page.wait_for_selector(f"{box}[data-rs-state=failed]")
    text = page.inner_text(box)
    assert "could not be loaded" in text and "404" in text, text
    assert page.get_attribute(f"{box} a", "href").endswith("figures/kv_cache_sizes.svg")
    ctx.close()


def test_without_scripts_the_chart_is_an_image_of_the_same_file(browser, site_url):
    ctx, page, fetched = _page(browser, site_url, 1280, java_script_enabled=False)
    page.eval_on_selector("#fig-scaling_law .rs-chart-box--wide", "el => el.scrollIntoView()")
    page.wait_for_function("document.querySelector('#fig-scaling_law .rs-chart-box--wide img').naturalWidth > 0")
    size = page.evaluate("""() => { const b = document.querySelector('#fig-scaling_law .rs-chart-box--wide');
      return [b.getBoundingClientRect().height, b.querySelector('img').getBoundingClientRect().height]; }""")
    assert abs(size[0] - size[1]) < 1, size
    ctx.close()
