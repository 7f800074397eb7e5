"""Every registered figure has its own page (figures/<id>/) with data downloads that hold its numbers, images,
an embed view and a social card; the article links each figure to its page; the sitemap lists the pages.

Runs on the draft site (tests/conftest.py draft_build), built once per session."""

from __future__ import annotations

import csv
import html
import io
import json
import re

import pytest
from PIL import Image

from generator.render.raster import svg_size, theme_colours
from generator.render.registry import registry
from generator.site.extras.export import model_derived
from generator.site.extras.figure_pages import figure_csv, sources

pytestmark = pytest.mark.slow


def _leaves(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, (*path, str(k)))
    elif isinstance(node, list) and any(isinstance(v, (dict, list)) for v in node):
        for i, v in enumerate(node):
            yield from _leaves(v, (*path, str(i)))
    else:
        yield path, node


@pytest.fixture(scope="module")
def figs(catalog, root):
    return registry(catalog, root / "figures")


def _csv_rows(text: str) -> dict[tuple[str, str, str], str]:
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and list(rows[0]) == ["section", "id", "field", "value"]
    return {(r["section"], r["id"], r["field"]): r["value"] for r in rows}


def test_every_figure_has_data_that_holds_its_numbers(draft_build, catalog, figs):
    site = draft_build.site
    for fid, fig in figs.items():
        folder = site / "figures" / fid
        doc = json.loads((folder / f"{fid}.json").read_text("utf-8"))
        assert doc["figure"]["id"] == fid and doc["figure"]["title"] == fig.title
        # The JSON holds exactly the slice the figure reads, and the derived values of its models.
        assert doc["data"] == json.loads(json.dumps(fig.data(catalog)))
        for mid, derived in doc["derived"].get("models", {}).items():
            assert derived == json.loads(json.dumps(model_derived(catalog.models[mid])))
        assert doc["licence"]["name"] == "CC BY 4.0"
        # Every number of the slice is in the CSV, at its section, id and field, with its value.
        rows = _csv_rows((folder / f"{fid}.csv").read_text("utf-8"))
        numbers = 0
        for section, entries in fig.data(catalog).items():
            for ident, entry in entries.items():
                for path, value in _leaves(entry):
                    if isinstance(value, bool) or not isinstance(value, (int, float)):
                        continue
                    key = (section, ident, ".".join(path))
                    assert key in rows, f"{fid}: {key} missing from the CSV"
                    assert float(rows[key]) == pytest.approx(float(value), rel=1e-12), (fid, key)
                    numbers += 1
        for mid, derived in doc["derived"].get("models", {}).items():
            for path, value in _leaves(derived):
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    assert float(rows[("derived", mid, ".".join(path))]) == pytest.approx(float(value), rel=1e-12)
        assert numbers > 0, f"{fid}: no numbers checked"


def test_every_figure_page_has_its_parts(draft_build, figs):
    site = draft_build.site
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    for fid, fig in figs.items():
        folder = site / "figures" / fid
        page = (folder / "index.html").read_text("utf-8")
        assert f'id="fig-{fid}"' in page, f"{fid}: the figure is not on its page"
        assert "rs-figpage" not in page.split('id="fig-')[1].split("</figure>")[0], "a figure page links to itself"
        assert "CC BY 4.0" in page and "creativecommons.org/licenses/by/4.0/" in page
        text = html.unescape(page)  # printed values are escaped as character references (generator/site/article/safe_text.py)
        assert 'id="rs-embed-code"' in page and "<iframe" in text and f"figures/{fid}/embed/" in text
        assert "data-rs-copy-link" in page
        # Back to the figure where the article places it (a figure placed nowhere has no such link; site_links.py
        # would fail the build on an anchor that is not there).
        assert f'<a href="../../#fig-{fid}">See it in the article</a>' in page
        for href in re.findall(r'<li><a href="([^"]+)" download', page):
            assert (folder / html.unescape(href)).resolve().is_file(), f"{fid}: download {href} is missing"
        # Open Graph and Twitter: the figure's own card, 1200x630.
        m = re.search(r'<meta property="og:image" content="([^"]+)"', page)
        assert m and m.group(1).endswith(f"figures/{fid}/card.png")
        assert '<meta name="twitter:card" content="summary_large_image">' in page
        assert f'<meta property="og:title" content="{fig.title}' in page.replace("&#39;", "'").replace("&#34;", '"')
        with Image.open(folder / "card.png") as im:
            assert im.size == (1200, 630)
        assert f"figures/{fid}/</loc>" in sitemap
        embed = (folder / "embed" / "index.html").read_text("utf-8")
        assert f'id="fig-{fid}"' in embed and "md-header" not in embed  # no site chrome
        assert "rs-figpage" not in embed


def test_chart_pngs_are_2x_in_both_themes(draft_build, figs):
    site = draft_build.site
    for fid, fig in figs.items():
        if fig.kind != "chart":
            continue
        w, h = svg_size((site / "figures" / f"{fid}.svg").read_text("utf-8"))
        corners = {}
        for theme in ("light", "dark"):
            with Image.open(site / "figures" / fid / f"{fid}.{theme}.png") as im:
                assert im.size == (round(2 * w), round(2 * h)), (fid, theme, im.size)
                corners[theme] = im.convert("RGB").getpixel((1, 1))
        for theme, rgb in corners.items():
            paper = theme_colours(theme)["--rs-paper"]
            assert "#%02x%02x%02x" % rgb == paper, (fid, theme, rgb)


def test_scene_pages_offer_their_files_and_storyboard(draft_build, figs):
    site = draft_build.site
    article = (site / "index.html").read_text("utf-8")
    for fid, fig in figs.items():
        if fig.kind != "scene":
            continue
        page = (site / "figures" / fid / "index.html").read_text("utf-8")
        for name in (f"{fid}.mp4", f"{fid}.poster.webp", f"{fid}.vtt"):
            assert f'href="../{name}"' in page
        # The storyboard: one still per caption cue, on the article and on the figure page (the same markup).
        cues = (site / "figures" / f"{fid}.vtt").read_text("utf-8").count(" --> ")
        stills = sorted((site / "figures" / fid).glob("step-*.webp"))
        assert len(stills) == cues > 0, fid
        block = article.split(f'id="fig-{fid}"')[1].split("</figure>")[0]
        assert block.count('class="rs-storyboard"') == 1
        assert block.count(f"figures/{fid}/step-") == len(stills)
        with Image.open(stills[0]) as im:
            assert im.width == 640


def test_article_links_figures_and_has_its_card(draft_build, figs):
    site = draft_build.site
    article = (site / "index.html").read_text("utf-8")
    placed = re.findall(r'<figure class="rs-figure[^"]*" id="fig-([a-z_]+)"', article)
    assert placed and set(placed) <= set(figs)
    for fid in placed:
        assert f'href="figures/{fid}/"' in article, f"no link from the article to figures/{fid}/"
    m = re.search(r'<meta property="og:image" content="([^"]+)"', article)
    assert m and m.group(1).endswith("assets/social/article.png")
    with Image.open(site / "assets" / "social" / "article.png") as im:
        assert im.size == (1200, 630)


def test_csv_flattens_nested_values_and_lists():
    doc = {
        "data": {
            "models": {"m": {"params": 7.0e9, "moe": {"experts": 8}, "techniques": ["gqa", "window"], "ok": True}},
            "scaling": {"kaplan": {"alpha_n": 0.076}},
        },
        "derived": {"models": {"m": {"weight_bytes": {"bf16": 1.4e10}}}},
    }
    rows = _csv_rows(figure_csv(doc))
    assert rows[("models", "m", "params")] == "7000000000"
    assert rows[("models", "m", "moe.experts")] == "8"
    assert rows[("models", "m", "techniques")] == "gqa; window"
    assert rows[("models", "m", "ok")] == "true"
    assert rows[("scaling", "kaplan", "alpha_n")] == "0.076"
    assert rows[("derived", "m", "weight_bytes.bf16")] == "14000000000"


def test_sources_are_those_of_what_the_figure_draws(catalog, figs):
    """A figure page lists the sources of every entry the figure draws, also when it reads them field by field
    (params_over_time and scaling_law read models.*.params: they listed none of the models' sources), and not of
    a model its selection leaves out (scaling_law shows the dense models only)."""
    for fid, fig in figs.items():
        data = fig.data(catalog)
        ids = [r["id"] for r in sources(data, catalog)]
        assert len(ids) == len(set(ids)), fid
        for section in ("models", "hardware", "formats", "scaling", "facts"):
            for ident in data.get(section, {}):
                missing = set(catalog.data[section][ident].get("sources") or ()) - set(ids)
                assert not missing, f"{fid}: the sources of {section}.{ident} are not listed: {missing}"
        assert set(data.get("references", {})) <= set(ids), fid
        shown = set(data.get("models", {}))
        own = {r for mid in shown for r in catalog.models[mid]["sources"]}
        others = {r for mid, m in catalog.models.items() if mid not in shown for r in m["sources"]} - own
        others -= {r for section in ("hardware", "formats", "scaling", "facts") for e in data.get(section, {}).values()
                   for r in (e.get("sources") or ())} | set(data.get("references", {}))
        assert not others & set(ids), f"{fid}: lists the sources of models it does not draw: {others & set(ids)}"
    assert [r for r in sources(figs["scaling_law"].data(catalog), catalog) if r["id"] == "kaplan-2020"]
    assert all(r["url"].startswith("http") for fid in figs for r in sources(figs[fid].data(catalog), catalog))


def test_csv_text_cells_are_never_formulas():
    """Issue 22, item 4: text cells a spreadsheet would evaluate get a leading apostrophe; numbers stay numbers."""
    doc = {
        "data": {"models": {"m": {"name": '=HYPERLINK("https://x.invalid","y")', "org": "+cmd", "note": "@x",
                                  "gen": "-x", "params": -2.5, "layers": 3, "tags": ["=a", "b"]}}},
        "derived": {},
    }
    rows = _csv_rows(figure_csv(doc))
    assert rows[("models", "m", "name")] == "'=HYPERLINK(\"https://x.invalid\",\"y\")"
    assert rows[("models", "m", "org")] == "'+cmd" and rows[("models", "m", "note")] == "'@x"
    assert rows[("models", "m", "gen")] == "'-x" and rows[("models", "m", "tags")] == "'=a; b"
    assert rows[("models", "m", "params")] == "-2.5" and rows[("models", "m", "layers")] == "3"


HOSTILE_TITLE = "Bit layouts</title><script>alert(1)</script>"
# The quote stands alone (a space before it, ">" after it), so the catalog's typesetting (model.typeset_quotes)
# leaves it straight and the attribute escaper is what must stop it.
HOSTILE_ALT = 'A chart "><img src=x onerror=alert(2)>'
HOSTILE_URL = 'https://example.org/a"b\'c<d>/'


@pytest.mark.slow
def test_figure_pages_keep_title_alt_and_site_url_as_text(tmp_path, monkeypatch):
    """Issue 22, items 2 and 6: the theme prints a figure page's title and description as they are, so the build
    gives it HTML-escaped text; SITE_URL reaches the embed snippet, feed.xml and BibTeX percent-encoded."""
    from html.parser import HTMLParser
    from xml.etree import ElementTree

    from generator.site.assembly.build import build
    from generator.util.project import BuildPaths
    from tests.tinyproject import CHART, make_tiny_project

    root = make_tiny_project(tmp_path / "p", figures=(CHART,))
    (root / "docs" / "index.md").write_text(
        "# T\n\n{{ figure('%s') }}\n\n## Cite this article\n\n{{ cite_this() }}\n" % CHART, "utf-8")
    cat = root / "catalog.yaml"
    data = cat.read_text("utf-8")
    head, _, figures = data.partition("\nfigures:\n")
    figures = re.sub(r"(\n    title: )[^\n]*", lambda m: m.group(1) + json.dumps(HOSTILE_TITLE), "\n" + figures, count=1)
    figures = re.sub(r"(\n    alt: )[^\n]*(\n      [^\n]*)*", lambda m: m.group(1) + json.dumps(HOSTILE_ALT), figures, count=1)
    cat.write_text(head + "\nfigures:" + figures, "utf-8")
    (root / "releases" / "1.0").mkdir(parents=True)
    (root / "releases" / "1.0" / "release.json").write_text('{"version": "1.0", "date": "2026-01-01"}', "utf-8")
    (root / "releases" / "1.0" / "catalog.json").write_text('{"catalog": {}, "derived": {}}', "utf-8")
    monkeypatch.setenv("SITE_URL", HOSTILE_URL)
    build(BuildPaths(root=root), quality="draft")
    page = (root / "site" / "figures" / CHART / "index.html").read_text("utf-8")

    class Page(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.tags, self.title, self.meta, self._in_title = [], "", {}, False

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)
            a = dict(attrs)
            self._in_title = tag == "title"
            if tag == "meta" and (a.get("name") or a.get("property")):
                self.meta[a.get("name") or a.get("property")] = a.get("content")
            if tag == "img" or any(k.startswith("on") for k in a):
                raise AssertionError(f"injected {tag} {a}")

        def handle_data(self, d):
            if self._in_title:
                self.title += d

        def handle_endtag(self, tag):
            self._in_title = False

    p = Page()
    p.feed(page)
    assert p.title.startswith(HOSTILE_TITLE) and p.tags.count("script") == page.count("<script")
    assert p.meta["description"] == HOSTILE_ALT and p.meta["og:title"] == HOSTILE_TITLE
    encoded = "https://example.org/a%22b%27c%3Cd%3E/"
    textarea = html.unescape(re.search(r'<textarea id="rs-embed-code"[^>]*>(.*?)</textarea>', page, re.S).group(1))
    assert f'<iframe src="{encoded}figures/{CHART}/embed/"' in textarea and "&lt;/title&gt;" in textarea
    feed = ElementTree.fromstring((root / "site" / "feed.xml").read_bytes())
    assert feed.find("{http://www.w3.org/2005/Atom}id").text == encoded
    article = html.unescape((root / "site" / "index.html").read_text("utf-8"))
    assert f"  url = {{{encoded}}}," in article


def _edited(monkeypatch, name: str) -> None:
    """Make the key helper see project file ``name`` as edited (its digest changes), as if someone had changed it."""
    from generator.render import keys

    real = keys.file_digest
    monkeypatch.setattr(keys, "file_digest", lambda p: real(p) + ("-edited" if p.name == name else ""))


def test_a_kept_card_follows_the_palette_the_fonts_and_pillow(tmp_path, monkeypatch):
    """A social card is kept under a derived key: rebuilt when the palette (figures/palette.py, imported by the
    card's drawing code) changes, or a font, or Pillow's version; reused when nothing did."""
    from generator.render import keys
    from generator.site.extras.figure_pages import _kept_card

    pic = tmp_path / "pic.png"
    Image.new("RGB", (40, 20), "white").save(pic)
    made: list[int] = []

    def card() -> bytes:
        made.append(1)
        return b"card %d" % len(made)

    def kept() -> bytes:
        return _kept_card(tmp_path / "cards", [pic], "Title", "Kicker", card)

    assert kept() == b"card 1" and kept() == b"card 1" and len(made) == 1, "nothing changed: the kept card"
    with monkeypatch.context() as mp:
        _edited(mp, "palette.py")
        assert kept() == b"card 2", "a palette change draws the card again"
    with monkeypatch.context() as mp:
        _edited(mp, "Inter-SemiBold.otf")
        assert kept() == b"card 3", "so does a font"
    with monkeypatch.context() as mp:
        real = keys.tool_versions
        mp.setattr(keys, "tool_versions", lambda d: {k: ("0.0" if k == "pillow" else v) for k, v in real(d).items()})
        assert kept() == b"card 4", "and another Pillow"
    assert kept() == b"card 1" and len(made) == 4, "back as it was: the first card, kept"
