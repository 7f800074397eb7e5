"""Figure pages and their embed views in Chromium: the embed view loads only this site's files, passes axe in the
light and the dark theme, follows the reader's theme, fits the iframe its snippet makes; the copy buttons copy."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from conftest import click_settled

from generator.render.raster import theme_colours
from generator.render.registry import registry

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _rgb_hex(css: str) -> str:
    nums = [int(x) for x in re.findall(r"\d+", css)[:3]]
    return "#%02x%02x%02x" % tuple(nums)


def _aspect(draft_build, fid: str) -> float:
    page = (draft_build.site / "figures" / fid / "index.html").read_text("utf-8")
    m = re.search(r"aspect-ratio: (\d+) / (\d+)", page)
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
def test_embed_views_are_local_accessible_and_themed(browser, site_url, draft_build, catalog, root, scheme):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    host = urlparse(site_url).netloc
    for fid, fig in registry(catalog, root / "figures").items():
        width = 640
        height = round(width / _aspect(draft_build, fid))
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


def test_copy_buttons_copy_the_embed_code_and_the_link(browser, site_url):
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
