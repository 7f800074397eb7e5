"""Charts and the technique table: render, parse, theme, reproduce, and show the catalog's numbers.

Every chart in the catalog's figure registry is rendered once per session into a temporary folder (and once more
for the reproducibility check), in both layouts: wide (<id>.svg) and narrow (<id>.narrow.svg, for phones). Every
check runs for both. Numbers the charts print are recomputed here from generator.derive, so a chart that drifts
from the catalog fails.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib as mpl
import pytest
from matplotlib.text import Text

from figures import chart_style as cs
from figures import palette
from generator import derive
from generator.catalog import load_catalog
from generator.render import charts, svg, tables
from generator.render.modules import FigureModuleError

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
pytestmark = pytest.mark.slow


def chart_ids(catalog) -> list[str]:
    return [fid for fid, f in catalog.figures.items() if f["kind"] == "chart"]


CHARTS = chart_ids(load_catalog(Path(__file__).resolve().parent.parent / "catalog.yaml"))
LAYOUTS = list(svg.LAYOUTS)
assert LAYOUTS == ["wide", "narrow"]
#: The narrow chart on a 390-px phone: the column is about 350 px wide.
PHONE_WIDTH_PX = 350
MIN_PHONE_FONT_PX = 10.5


@pytest.fixture(scope="session")
def rendered(catalog, tmp_path_factory) -> dict[tuple[str, str], Path]:
    """(figure id, layout) -> the rendered SVG."""
    out = tmp_path_factory.mktemp("charts")
    paths = {}
    for fid in CHARTS:
        wide = charts.render_chart(fid, fig_data(catalog, fid), out,
                                   title=catalog.figures[fid]["title"])
        assert wide == out / f"{fid}.svg"
        for layout in LAYOUTS:
            paths[fid, layout] = out / svg.chart_filename(fid, layout)
    return paths


def fig_data(catalog, fig_id: str) -> dict:
    """What the render of ``fig_id`` gets: its catalog slice and what its entry shows (``show``)."""
    from generator.render.registry import registry

    return registry(catalog)[fig_id].data(catalog)


def svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def joined(path: Path) -> str:
    return "\n".join(svg_texts(path))


def flat(path: Path) -> str:
    """All text of a chart on one line, whitespace collapsed: a phrase the narrow layout wraps still matches."""
    return " ".join(joined(path).split())


# --------------------------------------------------------------------------------------------------------------
# Every chart: structure, theme, ids, reproducibility
# --------------------------------------------------------------------------------------------------------------

def test_every_chart_has_a_module(root):
    for fid in CHARTS:
        assert (root / "figures" / "charts" / f"{fid}.py").is_file(), fid


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("fid", CHARTS)
def test_svg_parses_with_title_and_role(fid, layout, rendered, catalog):
    path = rendered[fid, layout]
    assert path.name == (f"{fid}.svg" if layout == "wide" else f"{fid}.{layout}.svg")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<svg"), "no XML prolog or DOCTYPE: the file is inlined in HTML as is"
    assert "<!DOCTYPE" not in text and "<?xml" not in text
    assert "\n\n" not in text, "a blank line would end a Markdown HTML block"
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%" and root.get("height") is None
    assert len(root.get("viewBox").split()) == 4
    first = root[0]
    assert first.tag == f"{SVG}title" and first.text == catalog.figures[fid]["title"]
    assert re.search(r"<title>[^<]*</title>", text), "plain <title>, as generator.site.pages swaps it"
    visible = " ".join(svg_texts(path))
    assert catalog.figures[fid]["title"] not in visible, "the figcaption shows the title, not the chart"
    assert root.find(f".//{SVG}style") is None, "a <style> element would style the whole page once inlined"
    assert root.find(f".//{SVG}metadata") is None
    assert root.get("data-figure") == fid
    assert root.get("data-layout") == (None if layout == "wide" else layout)


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


@pytest.mark.parametrize("fid", CHARTS)
def test_render_is_byte_identical(fid, rendered, catalog, tmp_path):
    again = charts.render_chart(fid, fig_data(catalog, fid), tmp_path,
                                title=catalog.figures[fid]["title"])
    assert again == tmp_path / f"{fid}.svg"
    for layout in LAYOUTS:
        name = svg.chart_filename(fid, layout)
        assert (tmp_path / name).read_bytes() == rendered[fid, layout].read_bytes(), name


def test_unchanged_file_is_not_rewritten(catalog, tmp_path):
    fid = "bit_layouts"
    data = fig_data(catalog, fid)
    path = charts.render_chart(fid, data, tmp_path, title="x")
    narrow = tmp_path / f"{fid}.narrow.svg"
    before = path.stat().st_mtime_ns, narrow.stat().st_mtime_ns
    path2 = charts.render_chart(fid, data, tmp_path, title="x")
    assert path2 == path and (path.stat().st_mtime_ns, narrow.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"{fid}.dark.png", f"{fid}.light.png", f"{fid}.narrow.svg", f"{fid}.svg"], "no temp files left behind"


def test_draw_keeps_its_old_signature(catalog):
    """draw(data) is the wide chart; draw(data, layout="narrow") the phone one, narrower and taller than wide."""
    import importlib

    with mpl.rc_context():
        for fid in CHARTS:
            draw = importlib.import_module(f"figures.charts.{fid}").draw
            data = fig_data(catalog, fid)
            cs.apply(fid)
            w, _ = draw(data).get_size_inches()
            assert w == cs.WIDE.width == cs.FIG_WIDTH, fid
            cs.apply(fid, "narrow")
            nw, nh = draw(data, layout="narrow").get_size_inches()
            assert nw == cs.NARROW.width and nh > nw, fid
    with pytest.raises(ValueError):
        cs.get_layout("medium")
    with pytest.raises(ValueError), mpl.rc_context():
        charts.draw_chart("scaling_law", fig_data(catalog, "scaling_law"), layout="medium")


_FONT_SIZE = re.compile(r"font-size:\s*([0-9.]+)px")


def font_sizes(path: Path) -> list[float]:
    """The font size of every <text>, in SVG user units (matplotlib writes them as px, 1 unit = 1 pt)."""
    root = ET.parse(path).getroot()
    sizes = []
    for el in root.iter(f"{SVG}text"):
        match = _FONT_SIZE.search(el.get("style", ""))
        assert match, f"a <text> without a font size: {el.get('style')!r}"
        sizes.append(float(match.group(1)))
    return sizes


@pytest.mark.parametrize("fid", CHARTS)
def test_narrow_text_is_legible_on_a_phone(fid, rendered):
    """Shown 350 px wide (a 390-px phone's column), the narrow chart's smallest text is at least 10.5 px."""
    path = rendered[fid, "narrow"]
    root = ET.parse(path).getroot()
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    assert height > width, "the narrow chart is taller than wide"
    sizes = font_sizes(path)
    smallest = min(sizes) * PHONE_WIDTH_PX / width
    assert smallest >= MIN_PHONE_FONT_PX, (f"{fid}: smallest text {min(sizes)} units in a {width}-unit-wide "
                                           f"viewBox is {smallest:.1f} px on a phone")
    # The wide chart squeezed into the same column would not be: the reason the narrow one exists.
    wide_root = ET.parse(rendered[fid, "wide"]).getroot()
    wide_width = float(wide_root.get("viewBox").split()[2])
    assert min(font_sizes(rendered[fid, "wide"])) * PHONE_WIDTH_PX / wide_width < MIN_PHONE_FONT_PX


def drawn_texts(fig) -> list[Text]:
    """Texts that are actually drawn (ticks outside the view limits are not)."""
    out = list(fig.texts)
    for legend in fig.legends:
        out += legend.get_texts()
    for ax in fig.axes:
        out += list(ax.texts)
        out += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
        if ax.get_legend():
            out += ax.get_legend().get_texts()
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if lo - 1e-9 * abs(lo) <= tick.get_loc() <= hi + 1e-9 * abs(hi):
                    out += [t for t in (tick.label1, tick.label2) if t.get_visible()]
    return [t for t in out if t.get_visible() and t.get_text().strip() and (t.axes is None or t.axes.get_visible())]


@pytest.mark.parametrize("with_title", [False, True], ids=["page", "standalone"])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("fid", CHARTS)
def test_text_inside_the_figure_and_not_overlapping(fid, layout, with_title, catalog):
    """Every drawn text lies inside the viewBox, no two texts overlap (beyond 2 pt of line padding) and no leader
    line runs through a text, both as the page uses the chart and with its title drawn for standalone use."""
    title = catalog.figures[fid]["title"] if with_title else None
    with mpl.rc_context():
        cs.apply(fid, layout)
        fig = charts.draw_chart(fid, fig_data(catalog, fid), title, layout=layout)
        fig.set_dpi(72)  # as the SVG backend lays it out: 1 unit = 1 pt
        fig.draw_without_rendering()
        renderer = fig._get_renderer()
        texts = drawn_texts(fig)
        boxes = [(t.get_text(), Text.get_window_extent(t, renderer)) for t in texts]
        frame = fig.bbox
        leaders = []
        for t in texts:
            arrow = getattr(t, "arrow_patch", None)
            if arrow is not None:
                path = arrow.get_path().transformed(arrow.get_transform())
                leaders.append((t, path.interpolated(40).vertices))
    crossed = [(t.get_text(), other) for t, points in leaders for (other, b), o in zip(boxes, texts)
               if o is not t and any(b.x0 + 1 < x < b.x1 - 1 and b.y0 + 1 < y < b.y1 - 1 for x, y in points)]
    assert not crossed, f"leader lines through text: {crossed}"
    for text, b in boxes:
        assert (b.x0 >= frame.x0 - 0.5 and b.x1 <= frame.x1 + 0.5 and b.y0 >= frame.y0 - 0.5
                and b.y1 <= frame.y1 + 0.5), f"{text!r} outside the figure: {b.extents} vs {frame.extents}"
    clashes = []
    for i, (ta, a) in enumerate(boxes):
        for tb, b in boxes[i + 1:]:
            if min(a.x1, b.x1) - max(a.x0, b.x0) > 2 and min(a.y1, b.y1) - max(a.y0, b.y0) > 2:
                clashes.append((ta, tb))
    assert not clashes, clashes


# --------------------------------------------------------------------------------------------------------------
# The numbers each chart shows come from the catalog and derive
# --------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("layout", LAYOUTS)
def test_kv_cache_labels_equal_derive(layout, rendered, catalog):
    from figures.charts import kv_cache_sizes as kv

    texts = svg_texts(rendered["kv_cache_sizes", layout])
    for model_id, m in catalog.models.items():
        if m.get("disclosed", True) is False:
            assert "undisclosed" in texts
            continue
        value = derive.kv_bytes_per_sequence(m, kv.CONTEXT, "bf16")
        label = cs.gb_label(value)
        if m["context"] < kv.CONTEXT and not m.get("window"):
            assert f"{label}*" in texts, (model_id, label)
            own = derive.kv_bytes_per_sequence(m, m["context"], "bf16")
            assert f"{cs.gb_label(own)} at {m['context']:,}" in texts, model_id
        else:
            assert label in texts, (model_id, label)
    # Spot checks against claims.md (BF16, 131,072 tokens, GB): DeepSeek-V3 9.21 GB, Mistral capped at its window.
    assert "9.21 GB" in texts
    mistral = catalog.models["mistral-7b"]
    assert cs.gb_label(derive.kv_bytes_per_token(mistral) * mistral["window"]) in texts
    nano = catalog.models["nemotron-3-nano"]
    with_state = derive.kv_bytes_per_sequence(nano, kv.CONTEXT)
    assert with_state > derive.kv_bytes_per_token(nano) * kv.CONTEXT, "the SSM state is included"
    assert f"{kv.CONTEXT:,} tokens" in flat(rendered["kv_cache_sizes", layout])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_weight_memory_labels_equal_derive(layout, rendered, catalog):
    from figures.charts import weight_memory as wm

    texts = svg_texts(rendered["weight_memory", layout])
    entry = catalog.figures["weight_memory"]
    for model_id in entry["models"]:
        params = catalog.models[model_id]["params"]
        for p in wm.PRECISIONS:
            gb = derive.weight_bytes(params, p) / 1e9
            assert (f"{gb:,.0f}" if gb >= 10 else f"{gb:.1f}") in texts, (model_id, p)
    hw_text = flat(rendered["weight_memory", layout])
    for hw_id in entry["hardware"]:
        assert f"{catalog.hardware[hw_id]['memory_gb']:g} GB" in hw_text, hw_id
    assert "2,684" in texts and "35" in texts  # DeepSeek-V3 FP32; Llama 3.1 70B INT4 (claims.md 8 and 11)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_bit_layouts_show_catalog_values(layout, rendered, catalog):
    texts = svg_texts(rendered["bit_layouts", layout])
    for f in catalog.formats.values():
        assert f["name"] in texts
        assert f"{f['bits']} bits" in texts
        if f["kind"] == "float":
            for count in (f["exponent"], f["mantissa"]):
                assert str(count) in texts
        else:
            lo, hi = derive.int_range(f["bits"])
            assert f"{lo:,} to {hi:,}".replace("-", "−") in texts
    for value in ("3.40 × 10³⁸", "3.39 × 10³⁸", "65,504", "448", "57,344", "−128 to 127", "−8 to 7"):
        assert value in texts, value


@pytest.mark.parametrize("layout", LAYOUTS)
def test_params_over_time_marks_gpt4_undisclosed(layout, rendered, catalog):
    from generator.catalog.selection import label

    text = flat(rendered["params_over_time", layout])
    assert "GPT-4: size undisclosed" in text
    entry = catalog.figures["params_over_time"]
    for model_id, m in catalog.models.items():
        if m.get("disclosed", True):  # by name on the chart, or by name in the numbered legend under it
            assert " ".join(label(model_id, catalog.models, entry).split()) in text, model_id


@pytest.mark.parametrize("layout", LAYOUTS)
def test_scaling_law_states_the_law(layout, rendered, catalog):
    k = catalog.data["scaling"]["kaplan"]
    text = flat(rendered["scaling_law", layout])
    assert f"α = {k['alpha_n']:g}" in text
    assert f"{derive.kaplan_loss(2.0, k['alpha_n'], 1.0):.3f}" in text  # 0.949, claims.md 12
    assert "Kaplan et al. 2020" in text


@pytest.mark.parametrize("layout", LAYOUTS)
def test_attention_cost_uses_mistral_window(layout, rendered, catalog):
    from figures.charts import attention_cost as ac

    w = catalog.models["mistral-7b"]["window"]
    text = flat(rendered["attention_cost", layout])
    assert f"w = {w:,}" in text
    ratio = derive.attention_scores(ac.N_MAX, "causal") / derive.attention_scores(ac.N_MAX, "window", w)
    assert f"{ratio:.0f}×" in text
    assert "BF16" in text and "assumption" in text


# --------------------------------------------------------------------------------------------------------------
# Post-processing and the style module
# --------------------------------------------------------------------------------------------------------------

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


def _contrast(a: str, b: str) -> float:
    def lum(h: str) -> float:
        rgb = [int(h[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_palette_is_readable_in_both_themes():
    light_bg, dark_bg = palette.THEME_VARS["--rs-paper"]["light"], palette.THEME_VARS["--rs-paper"]["dark"]
    assert dark_bg == "#1e2129"  # Material's slate
    for var, values in palette.THEME_VARS.items():
        if var == "--rs-paper":
            continue
        # Text in series colours is used for labels: hold them to 4.5:1 (WCAG AA for text).
        assert _contrast(values["light"], light_bg) >= 4.5, (var, "light")
        assert _contrast(values["dark"], dark_bg) >= 4.5, (var, "dark")
    assert set(v for v, _ in cs.SENTINELS.values()) == set(palette.THEME_VARS)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", s) for s in cs.SENTINELS)


# --------------------------------------------------------------------------------------------------------------
# The technique table
# --------------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def table(catalog, tmp_path_factory) -> tuple[Path, ET.Element]:
    fid = "technique_table"
    path = tables.render_table(fid, fig_data(catalog, fid),
                               tmp_path_factory.mktemp("tables"), title=catalog.figures[fid]["title"])
    return path, ET.fromstring(path.read_text(encoding="utf-8"))  # well-formed, so it parses as XML


def test_table_rows_and_marks(table, catalog):
    from figures.tables.technique_table import TECHNIQUES

    path, root = table
    tbl = root.find(".//table")
    assert tbl.find("caption").text == catalog.figures["technique_table"]["title"]
    head = [th.get("scope") for th in tbl.find("thead").iter("th")]
    assert head == ["col"] * (2 + len(TECHNIQUES))
    rows = tbl.find("tbody").findall("tr")
    assert len(rows) == len(catalog.models)
    assert sorted(r.get("data-model") for r in rows) == sorted(catalog.models)
    dates = [catalog.models[r.get("data-model")]["released"] for r in rows]
    assert dates == sorted(dates), "rows by release date"
    for row in rows:
        m = catalog.models[row.get("data-model")]
        th = row.find("th")
        assert th.get("scope") == "row" and th.text == m["name"]
        cells = row.findall("td")[1:]
        if m.get("disclosed", True) is False:
            assert len(cells) == 1 and cells[0].text == "undisclosed"
            assert cells[0].get("colspan") == str(len(TECHNIQUES))
            continue
        assert len(cells) == len(TECHNIQUES)
        for (tid, _, _), cell in zip(TECHNIQUES, cells):
            hidden = cell.find("span[@class='rs-visually-hidden']").text
            shown = cell.find("span[@aria-hidden='true']")
            assert hidden == ("yes" if tid in m["techniques"] else "no"), (m["name"], tid)
            assert shown is not None and shown.text


def test_table_has_no_inline_styles_and_prefixed_classes(table):
    path, root = table
    text = path.read_text(encoding="utf-8")
    assert "style=" not in text
    for el in root.iter():
        for cls in (el.get("class") or "").split():
            assert cls.startswith("rs-"), cls


def test_table_render_is_deterministic(table, catalog, tmp_path):
    fid = "technique_table"
    again = tables.render_table(fid, fig_data(catalog, fid), tmp_path,
                                title=catalog.figures[fid]["title"])
    assert again.read_bytes() == table[0].read_bytes()


def test_visible_title_for_standalone_use(catalog, tmp_path):
    fid = "scaling_law"
    title = catalog.figures[fid]["title"]
    path = charts.render_chart(fid, fig_data(catalog, fid), tmp_path, title=title,
                               visible_title=True)
    assert title in svg_texts(path)


# --------------------------------------------------------------------------------------------------------------
# On the page: both layouts in one <figure>
# --------------------------------------------------------------------------------------------------------------

def test_page_inlines_both_layouts(rendered, catalog, root):
    from pathlib import PurePosixPath

    from generator.render.registry import registry
    from generator.site.pages import FigureAssets, PageContext

    figs = registry(catalog)
    assets = {fid: FigureAssets(figs[fid], {rendered[fid, layout].name: rendered[fid, layout] for layout in LAYOUTS})
              for fid in CHARTS}
    ctx = PageContext(catalog, assets, PurePosixPath("index.md"), None)
    all_ids: list[str] = []
    for fid in CHARTS:
        html = str(ctx.figure(fid))
        figure = ET.fromstring(html.strip())  # the block is well-formed XML: one <figure>
        svgs = figure.findall(f"{SVG}svg")
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
        assert figure.find("figcaption").text.strip() == catalog.figures[fid]["title"]
        assert figure.find("figcaption/a").get("href") == f"figures/{fid}/"  # the figure's own page
        all_ids += [el.get("id") for el in figure.iter() if el.get("id")]
    assert len(all_ids) == len(set(all_ids)), "an id used twice on the page"
    css = (root / "docs" / "assets" / "css" / "site.css").read_text("utf-8")
    assert re.search(r"svg\.rs-chart-narrow\s*\{\s*display:\s*none", css)
    media = re.search(r"@media \(max-width: 600px\) \{(.*?)\n\}", css, re.S)
    assert media and "rs-chart-wide { display: none; }" in media.group(1) \
        and "rs-chart-narrow { display: block; }" in media.group(1)


def test_site_palette_is_generated_from_the_one_palette(root):
    """palette.css comes from THEME_VARS; site.css copies no token by hand."""
    css = palette.page_css()
    for var, values in palette.THEME_VARS.items():
        if var != "--rs-paper":
            assert f"{var}: {values['light']};" in css and f"{var}: {values['dark']};" in css, var
    assert css.count("--rs-paper: var(--md-default-bg-color);") == 2
    site = (root / "docs" / "assets" / "css" / "site.css").read_text("utf-8")
    assert not re.search(r"--rs-(ink|muted|paper|blue|orange|green|purple|red|gold)\s*:", site)
