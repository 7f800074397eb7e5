"""The SVG post-processing (generator/render/svg.py): theme variables instead of colours, prefixed ids whose
references resolve (both layouts inline on one page), simplified without changing what is drawn, bad ids refused."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from figures import chart_style as cs
from figures import palette
from generator.render import charts, svg
from generator.render.modules import FigureModuleError
from tests.support import CHARTS, LAYOUTS, SVG

pytestmark = pytest.mark.slow

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("fid", CHARTS)
def test_colours_are_theme_variables(fid, layout, rendered):
    text = rendered[fid, layout].read_text(encoding="utf-8")
    used = set(re.findall(r"var\((--rs-[a-z]+), (#[0-9a-f]{6})\)", text))
    assert used, "no theme variables: the chart would not follow the dark theme"
    for var, fallback in used:
        assert var in palette.THEME_VARS, var
        assert fallback == palette.THEME_VARS[var]["light"], (var, fallback)
    lowered = text.lower()
    for sentinel in cs.SENTINELS:
        assert sentinel not in lowered, f"raw sentinel {sentinel} left in {fid}"
    # Anything else coloured must be none/transparent, never a stray raw colour that ignores the theme.
    raw = set(re.findall(r"(?:fill|stroke):\s*(#[0-9a-fA-F]{3,6})\b", text))
    assert not raw, f"raw colours outside the palette: {raw}"


def svg_ids(path: Path) -> list[str]:
    return [el.get("id") for el in ET.parse(path).getroot().iter() if el.get("id")]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("fid", CHARTS)
def test_ids_are_prefixed_and_references_resolve(fid, layout, rendered):
    root = ET.parse(rendered[fid, layout]).getroot()
    prefix = svg.id_prefix(fid, layout)
    assert prefix == (f"{fid}-" if layout == "wide" else f"{fid}-n-")
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert ids and all(i.startswith(prefix) for i in ids), [i for i in ids if not i.startswith(prefix)]
    assert len(ids) == len(set(ids))
    known = set(ids)
    for el in root.iter():
        for attr, value in el.attrib.items():
            if attr in (XLINK_HREF, "href") and value.startswith("#"):
                assert value[1:] in known, value
            for ref in re.findall(r"url\(#([^)]+)\)", value):
                assert ref in known, ref


@pytest.mark.parametrize("fid", CHARTS)
def test_both_layouts_can_be_inlined_on_one_page(fid, rendered):
    """The wide and the narrow SVG of a chart share no id, so both can sit in one <figure>."""
    wide, narrow = svg_ids(rendered[fid, "wide"]), svg_ids(rendered[fid, "narrow"])
    assert not set(wide) & set(narrow)
    assert not [i for i in wide if i.startswith(f"{fid}-n-")], "a wide id that looks like a narrow one"


def test_postprocess_moves_sentinel_attributes_into_style():
    sentinel, (var, fallback) = next(iter(cs.SENTINELS.items()))
    src = (f'<svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="5pt" viewBox="0 0 10 5">'
           f'<defs><style type="text/css">*{{stroke-linejoin: round}}</style></defs>'
           f'<g id="a"><rect fill="{sentinel.upper()}" style="stroke: {sentinel}" clip-path="url(#c)"/></g>'
           f'<clipPath id="c"><rect x="0" y="0" width="1" height="1"/></clipPath></svg>')
    out = svg.postprocess_svg(src, "demo", title="T & <b>", desc="D")
    root = ET.fromstring(out)
    assert [el.tag for el in root[:2]] == [f"{SVG}title", f"{SVG}desc"]
    rect = root.find(f"{SVG}rect")  # its attribute-less group, once its unreferenced id went, is unwrapped
    assert root.find(f".//{SVG}g") is None
    assert rect.get("fill") is None
    assert rect.get("style") == f"fill: var({var}, {fallback}); stroke: var({var}, {fallback})"
    assert rect.get("clip-path") == "url(#demo-c)"
    assert root.find(f"{SVG}title").text == "T & <b>"
    assert root.find(f".//{SVG}style") is None and root.get("stroke-linejoin") == "round"
    assert root.find(f"{SVG}clipPath").get("id") == "demo-c", "a referenced id stays"


def test_postprocess_simplifies_without_changing_what_is_drawn():
    src = ('<svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="5pt" viewBox="0 0 10 5">'
           '<g id="figure_1"><g id="patch_1"><path d="M 0 5 L 10 5 L 10 0 z" style="fill: none"/></g>'
           '<g id="axes_1" transform="translate(1 2)"><path d="M 1.234567 2.345678 L 3 4" style="stroke: #000000"/>'
           '<text x="1.000049" y="2.5" transform="rotate(-0 1.000049 2.5)">a</text>'
           '<text x="1" y="2" transform="rotate(-90 1 2)">b</text></g></g></svg>')
    root = ET.fromstring(svg.postprocess_svg(src, "demo"))
    kids = [el.tag.replace(SVG, "") for el in root]
    assert kids == ["g"], "the id-only figure group is unwrapped; the group with a transform stays"
    g = root[0]
    assert g.get("transform") == "translate(1 2)" and g.get("id") is None
    path, a, b = list(g)
    assert path.get("d") == "M 1.23 2.35 L 3 4", "coordinates to 2 decimals; the invisible background is gone"
    assert a.get("transform") is None and a.get("x") == "1", "a no-op rotation goes"
    assert b.get("transform") == "rotate(-90 1 2)", "a real rotation stays"


def test_bad_ids_are_refused(tmp_path):
    with pytest.raises(ValueError):
        charts.render_chart("../etc", {}, tmp_path)
    with pytest.raises(FigureModuleError):
        charts.render_chart("no_such_chart", {}, tmp_path)
