"""A page's context (generator/site/article/context.py): the path back to the site root, and a chart placed with
both layouts: as boxes charts.js draws into (the article), or inline (a figure's own page)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import PurePosixPath

import pytest

from generator.site.article.context import PageContext
from tests.support import CHARTS, LAYOUTS, SVG


def _placed(rendered, catalog, fid, inline):
    from generator.render.registry import registry
    from generator.site.article.context import FigureAssets

    fig = registry(catalog)[fid]
    files = {rendered[fid, layout].name: rendered[fid, layout] for layout in LAYOUTS}
    ctx = PageContext(catalog, {fid: FigureAssets(fig, files)}, PurePosixPath("index.md"), None)
    ctx.charts_inline = inline
    return ET.fromstring(str(ctx.figure(fid)).strip())  # the block is well-formed XML: one <figure>


def _box_ratio(box):
    return tuple(map(float, re.fullmatch(r"aspect-ratio: ([\d.]+) / ([\d.]+)", box.get("style")).groups()))


@pytest.mark.slow
def test_article_places_both_layouts_as_boxes_for_charts_js(rendered, catalog, root):
    """The article: each layout an empty box of its drawing's aspect ratio, pointing at the published SVG, named by
    the figure's title and described by its alt text (both the page's text); no SVG in the page."""
    all_ids: list[str] = []
    for fid in CHARTS:
        figure = _placed(rendered, catalog, fid, inline=False)
        boxes = figure.findall("div")
        assert [b.get("class") for b in boxes] == [
            "rs-chart-box rs-chart-box--wide",
            "rs-chart-box rs-chart-box--narrow",
        ]
        assert figure.find(f".//{SVG}svg") is None
        for box, layout in zip(boxes, LAYOUTS):
            drawing = rendered[fid, layout]
            vb = ET.parse(drawing).getroot().get("viewBox").split()
            assert _box_ratio(box) == (float(vb[2]), float(vb[3]))  # the chart's size before it is drawn
            assert box.get("data-rs-chart") == f"figures/{drawing.name}"  # published there (build.py)
            assert box.get("role") == "img"
            assert box.get("aria-labelledby") == f"fig-{fid}-title"
            assert box.get("aria-describedby") == f"fig-{fid}-desc"
            assert box.find("noscript") is not None  # the same file as an image, without scripts
        title = figure.find("figcaption")
        assert title.get("id") == f"fig-{fid}-title" and title.text.strip() == catalog.figures[fid]["title"]
        desc = figure.find("p[@id='fig-" + fid + "-desc']")
        assert desc is not None and desc.get("hidden") is not None and desc.text
        assert "rs-w-text" in figure.get("class").split()  # a chart sits at the text's width by default
        assert figure.find("p/a").get("href") == f"figures/{fid}/"  # the figure's own page, under it
        all_ids += [el.get("id") for el in figure.iter() if el.get("id")]
    assert len(all_ids) == len(set(all_ids)), "an id used twice on the page"
    css = (root / "docs" / "assets" / "css" / "site.css").read_text("utf-8")
    assert re.search(r"\.rs-chart-box--narrow\s*\{\s*display:\s*none", css)
    phone = "".join(re.findall(r"@media \(max-width: 600px\) \{(.*?)\n\}", css, re.S))
    assert re.search(r"\.rs-chart-box--wide \{ display: none; \}", phone)
    assert re.search(r"\.rs-chart-box--narrow \{ display: block; \}", phone)


@pytest.mark.slow
def test_figure_page_inlines_both_layouts(rendered, catalog):
    """A figure's own page and embed view (charts_inline): both drawings in the page, each labelled by its own
    title and alt text, ids told apart."""
    for fid in CHARTS:
        figure = _placed(rendered, catalog, fid, inline=True)
        boxes = figure.findall("div")
        for box in boxes:
            vb = box.find(f"{SVG}svg").get("viewBox").split()
            assert _box_ratio(box) == (float(vb[2]), float(vb[3]))
            assert box.get("role") is None and box.get("data-rs-chart") is None
        svgs = [b.find(f"{SVG}svg") for b in boxes]
        assert [s.get("class").split()[-1] for s in svgs] == ["rs-chart-wide", "rs-chart-narrow"], fid
        for svg_el, tag in zip(svgs, ("", "n")):
            assert "rs-chart-svg" in svg_el.get("class").split()
            assert svg_el.get("role") == "img"
            t, d = svg_el[0], svg_el[1]
            assert t.tag == f"{SVG}title" and t.get("id") == f"fig-{fid}-{tag}t"
            assert t.text == catalog.figures[fid]["title"]
            assert d.tag == f"{SVG}desc" and d.get("id") == f"fig-{fid}-{tag}d" and d.text
            assert svg_el.get("aria-labelledby") == f"fig-{fid}-{tag}t fig-{fid}-{tag}d"
            assert len(svg_el.findall(f"{SVG}title")) == 1 and len(svg_el.findall(f"{SVG}desc")) == 1
        ids = [el.get("id") for el in figure.iter() if el.get("id")]
        assert len(ids) == len(set(ids))


def test_figure_widths_are_text_outset_or_full(catalog):
    from generator.catalog.text import PageMistake
    from generator.render.registry import registry
    from generator.site.article.context import FigureAssets

    figs = registry(catalog)
    ctx = PageContext(
        catalog, {"technique_table": FigureAssets(figs["technique_table"], {})}, PurePosixPath("index.md"), None
    )
    with pytest.raises(PageMistake, match=r"width='wide'\): expected one of text, outset, full"):
        ctx.figure("technique_table", width="wide")


def test_page_base_for_nested_pages(catalog):
    assert PageContext(catalog, {}, PurePosixPath("index.md"), None).base == ""
    assert PageContext(catalog, {}, PurePosixPath("media.md"), None).base == "../"
    assert PageContext(catalog, {}, PurePosixPath("a/b.md"), None).base == "../../"


def test_a_figures_caption_is_shown_under_it_escaped_with_its_macros(catalog, tmp_path):
    """figures.<id>.caption (a convention, an omission) reaches the reader under the figure, before its page link:
    catalog text, rendered in the sandbox like the alt text and escaped once; a figure without one shows none."""
    import json

    from generator.catalog.model import Catalog
    from generator.render.registry import registry
    from generator.site.article.context import FigureAssets

    data = json.loads(json.dumps(catalog.data))
    data["figures"]["technique_table"]["caption"] = "Blank <b>means</b> the paper's silence & {{ num(12345) }} rows."
    edited = Catalog(catalog.path, data, catalog.marks)
    table = tmp_path / "technique_table.html"
    table.write_text("<table><tr><td>x</td></tr></table>", "utf-8")
    figs = registry(edited)
    ctx = PageContext(
        edited,
        {"technique_table": FigureAssets(figs["technique_table"], {table.name: table})},
        PurePosixPath("index.md"),
        None,
    )
    figure = ET.fromstring(str(ctx.figure("technique_table")).strip())
    caption = figure.find("p[@class='rs-fig-caption']")
    assert (
        caption is not None and caption.text == "Blank <b>means</b> the paper\u2019s silence & 12,345 rows."
    )  # text, not markup
    kids = list(figure)
    assert kids.index(caption) == len(kids) - 2 and kids[-1].get("class") == "rs-fig-links"  # under it, then the link
    ctx.used_figures.clear()
    ctx.figure_captions = False  # an embed view: its frame is sized to the figure alone
    assert "rs-fig-caption" not in str(ctx.figure("technique_table"))
    del data["figures"]["technique_table"]["caption"]
    plain = PageContext(
        Catalog(catalog.path, data, catalog.marks),
        {"technique_table": FigureAssets(figs["technique_table"], {table.name: table})},
        PurePosixPath("index.md"),
        None,
    )
    assert "rs-fig-caption" not in str(plain.figure("technique_table"))
