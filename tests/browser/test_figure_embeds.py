"""Figure pages and their embed views in Chromium: the embed view loads only this site's files, passes axe in the
light and the dark theme, follows the reader's theme, fits the iframe its snippet makes; the copy buttons copy. The
embed views, the copy buttons and the snippet run on each builder's site (conftest.built_site)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from generator.render.raster import theme_colours
from generator.render.registry import registry
from tests.support import click_settled

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _rgb_hex(css: str) -> str:
    nums = [int(x) for x in re.findall(r"\d+", css)[:3]]
    return "#%02x%02x%02x" % tuple(nums)


def _aspect(site: Path, fid: str) -> float:
    page = (site / "figures" / fid / "index.html").read_text("utf-8")
    # The snippet's iframe (shown as text on the page), not the page's own chart boxes, which also have one.
    m = re.search(r"width: 100%; aspect-ratio: (\d+) / (\d+); border: 0;", page)
    assert m, f"{fid}: no aspect ratio in the embed snippet"
    return int(m.group(1)) / int(m.group(2))


def _watch(page) -> tuple[list[str], list[str]]:
    """(every request's URL, console errors and page errors) of ``page``, filled in as it runs."""
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return requests, errors


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_embed_views_are_local_accessible_and_themed(browser, built_site, catalog, root, scheme):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    site_url = built_site.url
    host = urlparse(site_url).netloc
    for fid, fig in registry(catalog, root / "figures").items():
        width = 640
        height = round(width / _aspect(built_site.paths.site, fid))
        ctx = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
        page = ctx.new_page()
        requests, errors = _watch(page)
        page.goto(f"{site_url}figures/{fid}/embed/", wait_until="networkidle")
        foreign = [u for u in requests if urlparse(u).scheme in ("http", "https") and urlparse(u).netloc != host]
        assert not foreign, f"{fid}: requests to other hosts: {foreign}"
        assert not errors, f"{fid}: {errors}"
        bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert _rgb_hex(bg) == theme_colours(scheme)["--rs-paper"], (fid, scheme, bg)
        if fig.kind != "table":  # a chart or a video fits the frame its snippet makes: no scrolling inside it
            over = page.evaluate("document.documentElement.scrollHeight - window.innerHeight")
            assert over <= 1, f"{fid}: {over}px taller than its {width}x{height} frame"
        violations = axe.run(page).response["violations"]
        assert not violations, f"{fid} [{scheme}]: " + "; ".join(f"{v['id']}: {v['help']}" for v in violations)
        ctx.close()


def test_embed_theme_can_be_forced_and_garbage_is_ignored(browser, site_url):
    ctx = browser.new_context(color_scheme="light")
    page = ctx.new_page()
    page.goto(f"{site_url}figures/scaling_law/embed/?theme=dark")
    assert _rgb_hex(page.evaluate("getComputedStyle(document.body).backgroundColor")) == theme_colours("dark")[
        "--rs-paper"
    ]
    page.goto(f"{site_url}figures/scaling_law/embed/?theme=%3Cscript%3E")
    assert _rgb_hex(page.evaluate("getComputedStyle(document.body).backgroundColor")) == theme_colours("light")[
        "--rs-paper"
    ]
    ctx.close()


def test_copy_buttons_copy_the_embed_code_and_the_link(browser, built_site):
    site_url = built_site.url
    ctx = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    url = f"{site_url}figures/the_wall/"
    page.goto(url, wait_until="networkidle")
    code = page.input_value("#rs-embed-code")
    assert code.startswith("<iframe src=") and "figures/the_wall/embed/" in code
    click_settled(page, "text=Copy embed code")
    page.wait_for_function("document.querySelector('.rs-share__status').textContent === 'Embed code copied.'")
    assert page.evaluate("navigator.clipboard.readText()") == code
    click_settled(page, "text=Copy link to this page")
    page.wait_for_function("document.querySelector('.rs-share__status').textContent.startsWith('Link')")
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert not errors
    ctx.close()


@pytest.mark.parametrize("width", [390, 1000])
def test_the_snippet_fits_the_frame_to_the_figure(browser, built_site, width):
    """The embed code pasted into another page: its script sets the frame to the height the view asks for, so on a
    phone the narrow chart shows whole at the frame's full width (not shrunk into the wide chart's proportions),
    and on a desktop the frame stays close to the aspect ratio the snippet starts with."""
    import html

    figure_page = browser.new_page()
    figure_page.goto(f"{built_site.url}figures/params_over_time/", wait_until="load")
    code = html.unescape(figure_page.input_value("#rs-embed-code"))
    figure_page.close()
    assert code.count("<iframe") == 1 and "<script>" in code and "data-rts-embed" in code
    ctx = browser.new_context(viewport={"width": width, "height": 800})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content(f"<!doctype html><body style='margin:16px'><p>A post that embeds a figure.</p>{code}"
                     "<p>After.</p></body>")
    frame_el = page.locator("iframe[data-rts-embed]")
    m = re.search(r"aspect-ratio: (\d+) / (\d+)", code)
    start = frame_el.bounding_box()["width"] * int(m.group(2)) / int(m.group(1))  # the frame before its script
    page.wait_for_function("document.querySelector('iframe[data-rts-embed]').style.height !== ''", timeout=15_000)
    page.wait_for_timeout(300)
    box = frame_el.bounding_box()
    frame = frame_el.element_handle().content_frame()
    fit = frame.evaluate("""() => {
        const svg = [...document.querySelectorAll('figure svg')].find((s) => s.getBoundingClientRect().width > 0);
        const r = svg.getBoundingClientRect(), vb = svg.viewBox.baseVal;
        return {narrow: svg.classList.contains('rs-chart-narrow'), w: r.width, h: r.height, full: r.width * vb.height / vb.width,
                inner: window.innerWidth, over: document.documentElement.scrollHeight - window.innerHeight};
    }""")
    assert fit["narrow"] == (width < 600), fit
    assert fit["w"] >= fit["inner"] - 24, fit  # the chart spans the frame (less the view's padding)
    assert abs(fit["h"] - fit["full"]) <= 2, fit  # at its own proportions, not shrunk to fit a shorter frame
    assert fit["over"] <= 1, fit  # and the frame shows it all, credit line included: nothing to scroll
    if width < 600:
        assert box["height"] > start * 1.3, (start, box)  # the phone frame grew to the tall narrow chart
    else:
        assert abs(box["height"] - start) < 0.15 * start, (start, box)
    assert not errors
    ctx.close()
