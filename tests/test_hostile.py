"""Hostile catalogs: markup, script, `</script>`, huge numbers and unicode tricks are rejected with a clear error or
published escaped; never executed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tinyproject import CHART, make_tiny_project

from generator.catalog import load_catalog
from generator.errors import CatalogError
from generator.site.assembly.build import build
from generator.util.project import BuildPaths

SCRIPT = "<script>window.__pwned=1</script>"
BREAKOUT = "</script><img src=x onerror=\"window.__pwned=1\">"


@pytest.mark.slow
def test_markup_in_strings_is_published_escaped(tmp_path, browser):
    root = make_tiny_project(tmp_path / "p", figures=(CHART,))
    page = root / "docs" / "index.md"
    page.write_text(
        "# Hostile\n\nName: {{ m['gpt-1'].name }}. Org: {{ m['gpt-1'].org }}{{ cite('radford-2018') }}.\n\n"
        "{{ figure('params_over_time') }}\n\n{{ widget('memory') }}\n\n{{ references() }}\n", "utf-8")
    cat = root / "catalog.yaml"
    text = cat.read_text("utf-8")
    text = text.replace("    name: GPT-1\n", f"    name: '{SCRIPT}'\n", 1)
    text = text.replace("    org: OpenAI\n", f"    org: '{BREAKOUT}'\n", 1)
    text = text.replace("    title: Improving Language Understanding by Generative Pre-Training (GPT-1)\n",
                        f"    title: '{BREAKOUT} & \"quotes\"'\n", 1)
    cat.write_text(text, "utf-8")
    paths = BuildPaths(root=root)
    build(paths, quality="draft")
    html = (paths.site / "index.html").read_text("utf-8")
    assert SCRIPT not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    svg = (paths.site / "figures" / f"{CHART}.svg").read_text("utf-8")
    assert "<script" not in svg.lower()
    exported = json.loads((paths.site / "data" / "catalog.json").read_text("utf-8"))
    assert exported["catalog"]["models"]["gpt-1"]["name"] == SCRIPT  # data stays data
    # In a real browser nothing runs and the text shows as text.
    from generator.site.assembly.serve import serve_directory

    with serve_directory(paths.site, prefix="/x/") as url:
        pg = browser.new_page()
        pg.goto(url)
        assert pg.evaluate("window.__pwned") is None
        assert SCRIPT in pg.inner_text("article")
        pg.close()


@pytest.mark.parametrize("old,new,needle", [
    ("    name: GPT-1\n", "    name: \"GPT\\u202e1-TPG\"\n", "U+202E"),          # right-to-left override
    ("    name: GPT-1\n", "    name: \"GPT\\u200b-1\"\n", "U+200B"),             # zero-width space
    ("    org: OpenAI\n", "    org: \"Open\\x07AI\"\n", "U+0007"),              # control character
    ("    params: 175.0e9\n", "    params: 1e308\n", "sensible size"),         # absurdly large
    ("    layers: 96\n", "    layers: 99999999999999999999999\n", "sensible size"),
])
def test_unicode_tricks_and_huge_numbers_are_rejected(tmp_path, old, new, needle):
    root = Path(__file__).resolve().parent.parent
    text = (root / "catalog.yaml").read_text("utf-8")
    assert old in text
    p = tmp_path / "catalog.yaml"
    p.write_text(text.replace(old, new, 1), "utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(p)
    assert needle in str(info.value)
    assert re.match(rf"{re.escape(str(p))}:\d+:\d+: models\.", str(info.value))
