"""Fuzz (issue 22): every string field of a test catalog set to hostile text, one build, every published page loaded.

The tiny project (tests/tinyproject.py: a chart, the technique table, a scene) gets a page that uses every macro
that prints catalog text (numbers with their cards, citations, references, the glossary, updates and "Cite this
article", a widget), a release (feed.xml, CITATION.cff), a changelog, the Media page and talk mode. Every free-text
string of the catalog (the fields the schema takes as text: names, titles, alt texts, notes, definitions, units,
labels...) is set to a payload of CORPUS in turn, followed by all the others (up to the field's length limit): Markdown image, link and attribute-list syntax, raw HTML,
``</title>``, ``</script>``, both quotes, ``javascript:``, CSV formulas, BibTeX braces, newlines, a very long
string; the changelog and the release notes also carry bidi overrides (the catalog itself refuses those: asserted).

The same project with benign strings is built beside it (sharing the render cache). Chromium loads every published
page of the hostile site with a handler that fails on any dialog, and the DOM of each page is walked: no element or
attribute the benign build's page does not have, no more elements of a kind than it has, no ``on*`` attribute, no
``javascript:`` link. feed.xml must parse, the BibTeX must keep its fields, every CSV text cell a spreadsheet would
evaluate is neutralised, and the PDF's metadata is the text itself.

Two kinds of text keep benign values: what only the scene draws (its video's own text, checked by the renders'
layout checks, not an output context), and the labels the chart draws (a figure's ``labels:`` for its models): a
label that collides is a LayoutError, tested in tests/test_layout_check.py.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from generator.catalog.model import FIGURE_TEMPLATE_FIELDS, load_catalog
from generator.catalog.schema import CATALOG_SCHEMA
from generator.errors import CatalogError
from generator.site.assembly.build import build
from generator.site.assembly.serve import serve_directory
from generator.site.extras.release import make_release
from generator.util.project import BuildPaths
from tests.tinyproject import CHART, SCENE, make_tiny_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TABLE = "technique_table"
CORPUS = [
    "![x onfocus=alert(1) autofocus x](y)",
    "[a](javascript:alert(2)){: onclick=alert(3) }",
    "<img src=x onerror=alert(4)>",
    "Bit layouts</title><script>alert(5)</script>",
    '"><img src=x onerror=alert(6)>',
    "'><svg onload=alert(7)>",
    "javascript:alert(8)",
    '=HYPERLINK("https://x.invalid/","click")',
    "+SUM(1,2)",
    "-2+3",
    "@cmd",
    "T}, note = {forged} \\input{/etc/passwd} % # & _ ^ ~ $",
    "line one\n\n# heading\n- item\n1. item\n    code\n<div onclick=alert(9)>x</div>",
    "*em* _u_ `c` ~~s~~ <!-- c --> &amp; &#60; -- ...",
    "</script><script>alert(10)</script>",
    "{{ 7*7 }} {% raw %}",
    "W" * 1900,
]
LONG = CORPUS[-1]
BIDI = "notes \u202egnp.exe\u202c and \u2066isolate\u2069"
PAGE = """---
title: Fuzz
description: Every macro that prints catalog text.
---
# Fuzz

{{ m['gpt-3-175b'].name }} has {{ num(m['gpt-3-175b'].layers) }} layers and
{{ gb(d.kv_bytes_per_sequence(m['deepseek-v3'], 131072)) }} of cache{{ cite('brown-2020', 'radford-2018') }}.
{{ fact('flash-attention-speedup') }} {{ facts['flash-attention-speedup'].text }} {{ hw['h100'].name }}
{{ fmt['bf16'].name }} {{ meta.title }}. Attention and the KV cache, in a sentence about attention.

| Model | Org |
|---|---|
| {{ m['gpt-1'].name }} | {{ m['gpt-1'].org }} |

- {{ m['gpt-2-xl'].name }}

{{ figure('%s') }}

{{ figure('%s') }}

{{ figure('%s') }}

{{ widget('memory') }}

## Glossary

{{ glossary() }}

## References

{{ references() }}

## Updates and corrections

{{ updates() }}

## Cite this article

{{ cite_this() }}
""" % (CHART, TABLE, SCENE)


def _free_text(schema: dict) -> bool:
    """A schema node for text the author writes freely (no pattern, no enum)."""
    return schema.get("type") == "string" and "pattern" not in schema and "enum" not in schema


def _sub(schema: dict, key) -> dict:
    props = schema.get("properties", {})
    if key in props:
        return props[key]
    extra = schema.get("additionalProperties")
    return extra if isinstance(extra, dict) else {}


def poison(node, schema: dict, counter: list[int], keep: set[tuple], path=()) -> object:
    """``node`` with every free-text string (per the schema) replaced by the next payload of CORPUS."""
    if isinstance(node, dict):
        return {k: poison(v, _sub(schema, k), counter, keep, (*path, k)) for k, v in node.items()}
    if isinstance(node, list):
        return [poison(v, schema.get("items", {}), counter, keep, path) for v in node]
    if isinstance(node, str) and _free_text(schema) and path not in keep and not {"defaults", "reads"} & set(path):
        i = counter[0] % len(CORPUS)
        counter[0] += 1
        # Each field starts with one payload (what a CSV cell or a link starts with matters) and carries the others.
        payload = (
            CORPUS[i]
            if CORPUS[i] == LONG
            else " ".join([CORPUS[i], *(c for c in CORPUS if c not in (CORPUS[i], LONG))])
        )
        limit = schema.get("maxLength", 2000)
        # A template (a figure's alt text or caption): payloads stay text (the sandbox is tested on its own,
        # tests/catalog/test_text.py); a caption's "{% raw %}" failed the build, as it should, once the
        # rotation of payloads let it in under the length limit.
        if path[:1] == ("figures",) and path[-1] in FIGURE_TEMPLATE_FIELDS:
            payload = payload.replace("{", "(").replace("}", ")")
        return payload[:limit]
    return node


def _project(dest: Path, hostile: bool) -> Path:
    root = make_tiny_project(dest, figures=(CHART, TABLE, SCENE))
    shutil.copyfile(Path(__file__).resolve().parents[2] / "docs" / "media.md", root / "docs" / "media.md")
    (root / "docs" / "index.md").write_text(PAGE, "utf-8")
    data = json.loads(json.dumps(load_catalog(root / "catalog.yaml").data))  # the project's YAML: yes is a string
    for fmt in data["formats"].values():  # computed by the loader from the bits; a catalog may not type it
        fmt.pop("max_finite", None)
    shown = list(data["models"])
    data["figures"][CHART]["labels"] = {mid: f"M{i}" for i, mid in enumerate(shown)}  # benign: drawn, not text
    scene_model = "gpt-3-175b"
    keep = {("models", scene_model, k) for k in data["models"][scene_model]} | {("figures", SCENE, "title")}
    keep |= {("figures", CHART, "labels", mid) for mid in shown}
    if hostile:
        data = poison(data, CATALOG_SCHEMA, [0], keep)
    (root / "catalog.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    # The catalog refuses <, > and " in the title (the theme prints it unescaped: tests/catalog/test_model.py); the
    # title keeps every other payload.
    data["meta"]["title"] = re.sub(r'[<>"]', "", data["meta"]["title"])
    # The title is typed once: mkdocs.yml's site_name must be the catalog's (the build refuses another), so a
    # hostile title reaches the theme too (a JSON string is a YAML double-quoted scalar).
    config = root / "mkdocs.yml"
    name = "site_name: " + json.dumps(data["meta"]["title"])
    config.write_text(re.sub(r"(?m)^site_name: .*$", lambda _: name, config.read_text("utf-8"), count=1), "utf-8")
    changelog = [
        {
            "date": "2026-01-02",
            "what": BIDI + (" " + CORPUS[0] if hostile else ""),
            "why": (CORPUS[2] + "\n" + CORPUS[11]) if hostile else "a reason",
        }
    ]
    (root / "CHANGELOG.yaml").write_text(yaml.safe_dump(changelog, allow_unicode=True), "utf-8")
    make_release(root, "1.0", notes=(CORPUS[3] + BIDI) if hostile else "First.", today="2026-01-01")
    return root


def _signature(page) -> dict:
    return page.evaluate("""() => {
      const tags = {}, attrs = new Set(), bad = [];
      for (const el of document.querySelectorAll('*')) {
        tags[el.tagName] = (tags[el.tagName] || 0) + 1;
        for (const a of el.attributes) {
          // Material's header sets a title (its text) on a title too long for the bar: overflow, not injection.
          // The scene player sets a video's src itself, when it swaps renders or falls back to a blob: copy on a
          // server without Range (timing-dependent, so one load may show it and another not).
          const ours = (a.name === 'title' && el.classList.contains('md-ellipsis'))
            || (el.tagName === 'VIDEO' && a.name === 'src' && /^blob:|[.]mp4$/.test(a.value));
          if (!ours) attrs.add(el.tagName + ' ' + a.name);
          if (/^on/i.test(a.name)) bad.push(el.tagName + ' ' + a.name);
          if (/^\\s*(javascript|data|vbscript):/i.test(a.value) && /^(href|src|action|formaction|srcdoc|xlink:href)$/i.test(a.name))
            bad.push(el.tagName + ' ' + a.name + '=' + a.value);
        }
      }
      return {tags, attrs: [...attrs], bad};
    }""")


def _load_all(browser, site: Path, pages: list[str]) -> dict[str, dict]:
    out = {}
    with serve_directory(site, prefix="/f/") as url:
        ctx = browser.new_context(viewport={"width": 1000, "height": 800})
        dialogs: list[str] = []
        for rel in pages:
            page = ctx.new_page()
            page.on("dialog", lambda d, rel=rel: (dialogs.append(f"{rel}: {d.message}"), d.dismiss()))
            page.goto(url + rel, wait_until="load")
            # Every widget built and every chart drawn (charts.js fetches them as they come near: the page's tags
            # would otherwise depend on timing, and the drawings' own markup would go unchecked).
            page.evaluate("() => window.RaceWidgets && window.RaceWidgets.init()")
            page.evaluate("() => window.RaceCharts && window.RaceCharts.drawAll()")
            # And every poster that video.js sets at load: a video within a screen of the view gets its poster
            # from an IntersectionObserver (rootMargin 100%), whose first report can come after the load event (an
            # embed page's video had its poster in one build's run and not yet in the other's).
            page.wait_for_function("() => [...document.querySelectorAll('video.rs-video[data-poster]')].every(v => "
                                   "v.hasAttribute('poster') || v.getBoundingClientRect().top >= 2 * innerHeight)")
            out[rel] = _signature(page)
            page.close()
        ctx.close()
    assert dialogs == [], dialogs
    return out


def test_hostile_strings_everywhere_stay_text(tmp_path, browser):
    with pytest.raises(CatalogError, match="U\\+202E"):  # the catalog refuses bidi overrides in any field
        text = (Path(__file__).resolve().parents[2] / "catalog.yaml").read_text("utf-8")
        bad = tmp_path / "bidi.yaml"
        bad.write_text(text.replace("    name: GPT-1\n", '    name: "GPT\\u202e1"\n', 1), "utf-8")
        load_catalog(bad)
    cache = tmp_path / "cache"
    benign = _project(tmp_path / "benign", hostile=False)
    hostile = _project(tmp_path / "hostile", hostile=True)
    build(BuildPaths(root=benign, cache=cache), quality="draft")
    build(BuildPaths(root=hostile, cache=cache), quality="draft")
    site = hostile / "site"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert {"index.html", "media/index.html", "talk/index.html", f"figures/{CHART}/embed/index.html"} <= set(pages)
    good = _load_all(browser, benign / "site", pages)
    seen = _load_all(browser, site, pages)
    for rel in pages:
        g, s = good[rel], seen[rel]
        assert s["bad"] == [], (rel, s["bad"])
        assert set(s["attrs"]) <= set(g["attrs"]), (rel, sorted(set(s["attrs"]) - set(g["attrs"])))
        extra = {t: n - g["tags"].get(t, 0) for t, n in s["tags"].items() if n > g["tags"].get(t, 0)}
        assert extra == {}, (rel, extra)
    _check_files(hostile, site)
    from pypdf import PdfReader

    from generator.tools.pdf import print_pdf

    print_pdf(site, tmp_path / "fuzz.pdf", root=hostile, browser=browser)
    meta = load_catalog(hostile / "catalog.yaml").data["meta"]
    info = PdfReader(tmp_path / "fuzz.pdf").metadata
    assert info["/Title"] == " ".join(meta["title"].split()) and info["/Subject"] == " ".join(
        meta["description"].split()
    )


def _check_files(root: Path, site: Path) -> None:
    ET.fromstring((site / "feed.xml").read_bytes())  # well-formed, whatever the titles and notes hold
    html = (site / "index.html").read_text("utf-8")
    bib = re.search(r'<pre class="rs-cite-bib"><code>(.*?)</code></pre>', html, re.S).group(1)
    import html as html_lib

    bib = html_lib.unescape(bib)
    fields = re.findall(r"^  (\w+) = ", bib, re.M)
    assert fields == ["title", "author", "year", "version", "url", "date", "note"], bib
    assert bib.count("{") == bib.count("}")
    cff = yaml.safe_load((root / "CITATION.cff").read_text("utf-8"))
    assert cff["title"] == load_catalog(root / "catalog.yaml").data["meta"]["title"]
    for fid in (CHART, TABLE, SCENE):
        json.loads((site / "figures" / fid / f"{fid}.json").read_text("utf-8"))
        rows = list(csv.reader(io.StringIO((site / "figures" / fid / f"{fid}.csv").read_text("utf-8"))))
        for row in rows:
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")) and not re.match(r"-[^\d.]", cell), (fid, cell)
