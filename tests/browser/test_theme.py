"""The theme (palette) switch that replaces Material's palette component (overrides/partials/rts/palette-switch.html),
and the header staying put while Material's bundle loads; on each builder's site (Zensical uses the same partials)."""

from __future__ import annotations

import re

import pytest

from tests.support import click_settled

pytestmark = [pytest.mark.browser, pytest.mark.slow]

_STATE = """() => ({scheme: document.body.getAttribute('data-md-color-scheme'),
  saved: __md_get('__palette'),
  shown: [...document.querySelectorAll('[data-rts-palette] label')].filter(l => !l.hidden).map(l => l.title),
  checked: [...document.querySelectorAll('[data-rts-palette] input')].findIndex(i => i.checked),
  switching: document.body.hasAttribute('data-md-color-switching'),
  themeColor: (document.querySelector('meta[name=theme-color]') || {}).content || null,
  colorScheme: (document.querySelector('meta[name=color-scheme]') || {}).content || null,
  header: getComputedStyle(document.querySelector('header')).backgroundColor})"""


def _hex(rgb: str) -> str:
    return "#" + "".join(f"{int(c):02x}" for c in re.findall(r"\d+", rgb)[:3])


def _state(page):
    page.wait_for_function("document.querySelector('meta[name=theme-color]')")
    return page.evaluate(_STATE)


def test_material_palette_component_is_not_mounted(built_site):
    html = (built_site.paths.site / "index.html").read_text("utf-8")
    assert 'data-md-component="palette"' not in html
    form = re.search(r"<form[^>]*data-rts-palette[^>]*>(.*?)</form>", html, re.S)
    assert form, "palette form missing"
    labels = re.findall(r"<label[^>]*>", form.group(1))
    # Served hidden: the switch reveals one only after the whole header is parsed, so it cannot be pushed aside.
    assert len(labels) == 2 and all(" hidden" in label for label in labels), labels


@pytest.mark.parametrize("system,scheme,toggle", [("light", "default", "Switch to dark theme"),
                                                  ("dark", "slate", "Switch to light theme")])
def test_first_visit_follows_the_system_theme(browser, built_site, system, scheme, toggle):
    ctx = browser.new_context(color_scheme=system)
    page = ctx.new_page()
    # Without Material's bundle: the theme is chosen before the article paints, not when the bundle arrives (a dark
    # system used to see the light theme until then).
    page.route("**/bundle.*.min.js", lambda route: route.abort())
    page.goto(built_site.url, wait_until="load")
    s = _state(page)
    assert s["scheme"] == scheme and s["shown"] == [toggle] and s["saved"] is None, s
    assert s["themeColor"] == _hex(s["header"]), s
    assert s["colorScheme"] == ("dark" if system == "dark" else "light"), s
    # Nothing saved: a change of the system theme is followed live.
    page.emulate_media(color_scheme="light" if system == "dark" else "dark")
    page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') !== '{scheme}'")
    ctx.close()


def test_toggle_switches_saves_and_survives_reload(browser, built_site):
    ctx = browser.new_context(color_scheme="light")
    page = ctx.new_page()
    page.goto(built_site.url, wait_until="load")
    light = _state(page)
    click_settled(page, "[data-rts-palette] label:not([hidden])")
    dark = page.evaluate(_STATE)
    assert dark["scheme"] == "slate" and dark["shown"] == ["Switch to light theme"] and dark["checked"] == 1, dark
    assert dark["saved"]["index"] == 1 and dark["saved"]["color"]["scheme"] == "slate", dark
    assert dark["themeColor"] == _hex(dark["header"]) != light["themeColor"], (light, dark)
    page.wait_for_function("!document.body.hasAttribute('data-md-color-switching')")
    # A saved choice beats the system theme, on this page and after a reload.
    page.reload(wait_until="load")
    assert _state(page)["scheme"] == "slate"
    page.emulate_media(color_scheme="light")
    page.wait_for_timeout(100)
    assert page.evaluate(_STATE)["scheme"] == "slate"
    # Keyboard: Enter on the focused option moves to the other theme.
    page.focus("[data-rts-palette] input:checked")
    page.keyboard.press("Enter")
    back = page.evaluate(_STATE)
    assert back["scheme"] == "default" and back["saved"]["index"] == 0 and back["shown"] == ["Switch to dark theme"]
    ctx.close()


@pytest.mark.parametrize("width", [412, 1280])
def test_header_does_not_move_when_materials_bundle_arrives(browser, built_site, width):
    """What the first paint shows of the header (before Material's bundle has run) is where it stays: the no-js swap
    happens in <head>, and the theme toggle is placed after every other header button."""
    boxes = []
    for block in (True, False):
        ctx = browser.new_context(viewport={"width": width, "height": 800})
        page = ctx.new_page()
        if block:
            page.route("**/bundle.*.min.js", lambda route: route.abort())
        page.goto(built_site.url, wait_until="load")
        page.wait_for_timeout(300)
        boxes.append(page.evaluate("""() => [...document.querySelectorAll('.md-header__inner > *, .md-header__option > label')]
            .map(e => e.getBoundingClientRect()).filter(r => r.width * r.height > 0)
            .map(r => [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)])"""))
        ctx.close()
    assert boxes[0] == boxes[1], boxes


#: Records every change to the root element's attributes, with the document's readyState at the time.
_ROOT_CHANGES = """
window.__rootChanges = [];
new MutationObserver((records) => {
  for (const r of records) {
    if (r.target !== document.documentElement) continue;
    window.__rootChanges.push({state: document.readyState, name: r.attributeName, before: r.oldValue,
                               after: r.target.getAttribute(r.attributeName)});
  }
}).observe(document, {attributes: true, subtree: true, attributeOldValue: true});
"""


def test_materials_bundle_leaves_the_root_element_as_the_head_set_it(browser, built_site):
    """Material's bundle marks <html> (no-js -> js, the focus-visible polyfill's class and attribute); any change of
    the root's class restyles the whole page, so <head> sets them all first and the bundle's writes, run once the page
    is parsed, change no value (overrides/main.html)."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    page = ctx.new_page()
    page.add_init_script(_ROOT_CHANGES)
    page.goto(built_site.url, wait_until="load")
    page.wait_for_timeout(500)
    changes = page.evaluate("window.__rootChanges")
    ctx.close()
    assert any(c["state"] != "loading" for c in changes), changes  # the bundle's writes were seen
    late = [c for c in changes if c["state"] != "loading" and c["before"] != c["after"]]
    assert late == [], late
    classes = next(c["after"] for c in reversed(changes) if c["name"] == "class").split()
    assert {"js", "js-focus-visible"} <= set(classes) and "no-js" not in classes
