"""Stored script injection (issue 13, item 2): catalog strings carrying Markdown, attr_list and HTML reach the page
as text. A tiny site is built from a hostile catalog (and a hostile SITE_URL); Chromium opens it, and the test fails
if any dialog opens or any element carries an on* attribute or a javascript: link."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator.site.assembly.build import build
from generator.site.assembly.serve import serve_directory
from generator.util.project import BuildPaths
from tests.tinyproject import CHART, make_tiny_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]

H100 = "H100 ![x](x){: onerror=alert(document.domain) } [docs](javascript:alert(1))"
GPT1 = "GPT-1 <img src=x onerror=alert(2)> *em* `code` [a](javascript:alert(3)){: onclick=alert(4) }"
TITLE = "Paper [t](javascript:alert(5)) ![i](y){: onerror=alert(6) }"
ORG = "{: onmouseover=alert(7) }"
URL = "https://example.org/[a](javascript:alert(9))"

PAGE = (
    """---
title: Hostile
---
# {{ hw['h100'].name }}

The H100 is called {{ hw['h100'].name }}, and GPT-1 is {{ m['gpt-1'].name }}{{ cite('radford-2018') }}.

{{ m['gpt-1'].org }}

| Device | Model |
|---|---|
| {{ hw['h100'].name }} | {{ m['gpt-1'].name }} |

- {{ hw['h100'].name }}
- {{ m['gpt-1'].org }}

{{ figure('%s') }}

{{ widget('memory') }}

{{ references() }}

Inline, the references are still text: {{ references() }}
"""
    % CHART
)


def _hostile_project(dest: Path) -> Path:
    root = make_tiny_project(dest, figures=(CHART,))
    (root / "docs" / "index.md").write_text(PAGE, "utf-8")
    cat = root / "catalog.yaml"
    text = cat.read_text("utf-8")
    for old, new in (
        ("    name: NVIDIA H100 SXM\n", f"    name: {H100!r}\n"),
        ("    name: GPT-1\n", f"    name: {GPT1!r}\n"),
        ("    org: OpenAI\n", f"    org: {ORG!r}\n"),
        ("    title: Improving Language Understanding by Generative Pre-Training (GPT-1)\n", f"    title: {TITLE!r}\n"),
        (
            "    url: https://cdn.openai.com/research-covers/language-unsupervised/language_understanding_paper.pdf\n",
            f"    url: {URL!r}\n",
        ),
    ):
        assert old in text, old
        text = text.replace(old, new, 1)
    cat.write_text(text, "utf-8")
    return root


def test_hostile_catalog_shows_text_and_runs_nothing(tmp_path, browser, monkeypatch):
    root = _hostile_project(tmp_path / "p")
    paths = BuildPaths(root=root)
    monkeypatch.setenv("SITE_URL", 'https://example.org/x"><svg/onload=alert(8)>/')
    build(paths, quality="draft")
    html = (paths.site / "index.html").read_text("utf-8")
    assert "<svg/onload" not in html and 'href="https://example.org/x%22%3E%3Csvg/onload=alert(8)%3E/"' in html
    with serve_directory(paths.site, prefix="/x/") as url:
        for width, scheme in ((1280, "light"), (390, "dark")):
            ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
            page = ctx.new_page()
            dialogs: list[str] = []

            def on_dialog(dialog, dialogs=dialogs) -> None:
                dialogs.append(dialog.message)
                dialog.dismiss()

            page.on("dialog", on_dialog)
            page.goto(url, wait_until="networkidle")
            # Bring every lazy widget in, hover and click what might carry a handler.
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            page.wait_for_timeout(800)
            page.evaluate("window.scrollTo(0, 0)")
            for sel in ("article p", "article li", "article td", "article h1"):
                for el in [e for e in page.query_selector_all(sel) if e.is_visible()][:6]:
                    el.hover(timeout=5000)
            page.wait_for_timeout(300)
            assert dialogs == [], f"a dialog opened: {dialogs}"
            found = page.evaluate(
                """() => {
                  const bad = [];
                  for (const el of document.querySelectorAll('*')) {
                    for (const a of el.attributes) {
                      if (a.name.startsWith('on')) bad.push(el.tagName + ' ' + a.name + '=' + a.value);
                      if (/^\\s*javascript:/i.test(a.value)) bad.push(el.tagName + ' ' + a.name + '=' + a.value);
                    }
                  }
                  return bad;
                }"""
            )
            assert found == []
            assert page.query_selector_all("article img") == []
            text = page.inner_text("article")
            for s in (H100, ORG):
                assert s in text  # shown as the text it is
            assert "GPT-1 <img src=x onerror=alert(2)> *em* `code`" in text
            if os.environ.get("RTS_SHOTS"):  # a folder to keep screenshots of what a reader sees
                page.screenshot(path=f"{os.environ['RTS_SHOTS']}/hostile-{width}-{scheme}.png", full_page=True)
            ctx.close()


SCRIPT = "<script>window.__pwned=1</script>"

BREAKOUT = '</script><img src=x onerror="window.__pwned=1">'


@pytest.mark.slow
def test_markup_in_strings_is_published_escaped(tmp_path, browser):
    root = make_tiny_project(tmp_path / "p", figures=(CHART,))
    page = root / "docs" / "index.md"
    page.write_text(
        "# Hostile\n\nName: {{ m['gpt-1'].name }}. Org: {{ m['gpt-1'].org }}{{ cite('radford-2018') }}.\n\n"
        "{{ figure('params_over_time') }}\n\n{{ widget('memory') }}\n\n{{ references() }}\n",
        "utf-8",
    )
    cat = root / "catalog.yaml"
    text = cat.read_text("utf-8")
    text = text.replace("    name: GPT-1\n", f"    name: '{SCRIPT}'\n", 1)
    text = text.replace("    org: OpenAI\n", f"    org: '{BREAKOUT}'\n", 1)
    text = text.replace(
        "    title: Improving Language Understanding by Generative Pre-Training (GPT-1)\n",
        f"    title: '{BREAKOUT} & \"quotes\"'\n",
        1,
    )
    cat.write_text(text, "utf-8")
    paths = BuildPaths(root=root)
    build(paths, quality="draft")
    html = (paths.site / "index.html").read_text("utf-8")
    assert SCRIPT not in html
    assert "<img src=x" not in html
    svg = (paths.site / "figures" / f"{CHART}.svg").read_text("utf-8")
    assert "<script" not in svg.lower()
    # The chart's label, escaped in the drawing that charts.js fetches into the page.
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in svg
    exported = json.loads((paths.site / "data" / "catalog.json").read_text("utf-8"))
    assert exported["catalog"]["models"]["gpt-1"]["name"] == SCRIPT  # data stays data
    # In a real browser nothing runs and the text shows as text.
    from generator.site.assembly.serve import serve_directory

    with serve_directory(paths.site, prefix="/x/") as url:
        pg = browser.new_page()
        pg.goto(url)
        box = f"#fig-{CHART} .rs-chart-box--wide"
        pg.eval_on_selector(box, "el => el.scrollIntoView()")
        pg.wait_for_selector(f"{box}[data-rs-state=drawn] svg")  # the chart drawn into the page
        assert pg.evaluate("window.__pwned") is None
        assert SCRIPT in pg.inner_text("article")
        assert SCRIPT in pg.text_content(f"{box} svg")  # the chart's label, as text
        pg.close()
