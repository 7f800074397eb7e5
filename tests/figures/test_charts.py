"""Every chart of the registry (figures/charts/<id>.py), in both layouts: a titled SVG, legible on a phone, text
inside the figure and apart, and the numbers it prints recomputed here from generator.derive, so a chart that
drifts from the catalog fails."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib as mpl
import pytest
from matplotlib.text import Text

from figures import chart_style as cs
from generator import derive
from generator.format import PRECISIONS
from generator.render import charts
from tests.support import CHARTS, LAYOUTS, SVG, figure_data, svg_texts

pytestmark = pytest.mark.slow


#: The narrow chart on a 390-px phone: the column is about 350 px wide.
PHONE_WIDTH_PX = 350

MIN_PHONE_FONT_PX = 10.5


def joined(path: Path) -> str:
    return "\n".join(svg_texts(path))


def flat(path: Path) -> str:
    """All text of a chart on one line, whitespace collapsed: a phrase the narrow layout wraps still matches."""
    return " ".join(joined(path).split())


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
    assert re.search(r"<title>[^<]*</title>", text), "plain <title>, as generator.site.article.pages swaps it"
    visible = " ".join(svg_texts(path))
    assert catalog.figures[fid]["title"] not in visible, "the figcaption shows the title, not the chart"
    assert not re.search(r"\w'|'\w|\"", visible), "the article's quotes (format.curly_quotes), not straight ones"
    assert root.find(f".//{SVG}style") is None, "a <style> element would style the whole page once inlined"
    assert root.find(f".//{SVG}metadata") is None
    assert root.get("data-figure") == fid
    assert root.get("data-layout") == (None if layout == "wide" else layout)

_FONT_SIZE = re.compile(r"font-size:\s*([0-9.]+)px")


def font_sizes(path: Path) -> list[float]:
    """The font size of every <text>, in SVG user units (matplotlib writes them as px, 1 unit = 1 pt)."""
    root = ET.parse(path).getroot()
    sizes = []
    for el in root.iter(f"{SVG}text"):
        # a formula (mathtext) is a <text> of <tspan>s, one per glyph, each with its own size
        for part in [el, *el.iter(f"{SVG}tspan")] if el.get("style") else list(el.iter(f"{SVG}tspan")):
            match = _FONT_SIZE.search(part.get("style", ""))
            assert match, f"a <text> without a font size: {part.get('style')!r}"
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
        fig = charts.draw_chart(fid, figure_data(catalog, fid), title, layout=layout)
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


@pytest.mark.parametrize("layout", LAYOUTS)
def test_kv_cache_labels_equal_derive(layout, rendered, catalog):
    from figures.charts import kv_cache_sizes as kv

    texts = svg_texts(rendered["kv_cache_sizes", layout])
    shown_ids = catalog.figures["kv_cache_sizes"]["models"]
    assert not any(catalog.models[k].get("cache_unmodelled") for k in shown_ids), "no number the formula can't give"
    for model_id in shown_ids:
        m = catalog.models[model_id]
        if m.get("disclosed", True) is False:
            assert "undisclosed" in texts
            continue
        value = derive.kv_bytes_per_sequence(m, kv.CONTEXT, "bf16")
        label = cs.gb_label(value)
        if m["context"] < kv.CONTEXT and not (m.get("window") and not m.get("window_layers")):
            assert f"{label}*" in texts, (model_id, label)
            own = derive.kv_bytes_per_sequence(m, m["context"], "bf16")
            assert f"{cs.gb_label(own)} at {m['context']:,}" in texts, model_id
        else:
            assert label in texts, (model_id, label)
    # A rolling buffer is capped at its window; a hybrid's label includes its SSM state (the published values of
    # these, DeepSeek-V3's 9.21 GB and the others, are tests/test_derive.py's goldens).
    for m in (catalog.models[k] for k in shown_ids):
        if m.get("window") and not m.get("window_layers") and m.get("disclosed", True) is not False:
            assert cs.gb_label(derive.kv_bytes_per_token(m) * m["window"]) in texts, m["name"]
        if m.get("ssm"):
            with_state = derive.kv_bytes_per_sequence(m, kv.CONTEXT)
            assert with_state > derive.kv_bytes_per_token(m) * kv.CONTEXT, "the SSM state is included"
    assert f"{kv.CONTEXT:,} tokens" in flat(rendered["kv_cache_sizes", layout])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_weight_memory_labels_equal_derive(layout, rendered, catalog):

    texts = svg_texts(rendered["weight_memory", layout])
    entry = catalog.figures["weight_memory"]
    for model_id in entry["models"]:
        params = catalog.models[model_id]["params"]
        for p in PRECISIONS:
            gb = derive.weight_bytes(params, p) / 1e9
            assert (f"{gb:,.0f}" if gb >= 10 else f"{gb:.1f}") in texts, (model_id, p)
    hw_text = flat(rendered["weight_memory", layout])
    for hw_id in entry["hardware"]:
        assert f"{catalog.hardware[hw_id]['memory_gb']:g} GB" in hw_text, hw_id


def test_weight_memory_device_labels():
    """A device line says a short label where the catalog gives one, else the name without vendor words or a
    closing parenthesis (a unified-memory laptop's "(128 GB)" is the system's total, not the line's 96 GB); devices
    of one size share a line."""
    from figures.charts.weight_memory import hardware_lines

    lines = hardware_lines({
        "a": {"name": "AMD Ryzen AI Max+ 395 (128 GB)", "short_label": "Ryzen AI Max+", "memory_gb": 96},
        "b": {"name": "NVIDIA B300 (Blackwell Ultra)", "memory_gb": 270},
        "c": {"name": "AMD Instinct MI355X", "memory_gb": 288},
        "d": {"name": "NVIDIA A100 80GB", "memory_gb": 80},
        "e": {"name": "NVIDIA H100 SXM", "memory_gb": 80},
    })
    assert lines == [(80.0, "A100 / H100"), (96.0, "Ryzen AI Max+"), (270.0, "B300"), (288.0, "MI355X")]


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
    entry = catalog.figures["params_over_time"]
    for model_id in entry["models"]:
        m = catalog.models[model_id]
        if m.get("disclosed", True) is False:
            assert f"{label(model_id, catalog.models, entry)}: size undisclosed" in text, model_id
        else:  # by name on the chart, or by name in the numbered legend under it
            assert " ".join(label(model_id, catalog.models, entry).split()) in text, model_id


@pytest.mark.parametrize("layout", LAYOUTS)
def test_scaling_law_states_the_law(layout, rendered, catalog):
    k = catalog.data["scaling"]["kaplan"]
    text = flat(rendered["scaling_law", layout])
    assert f"α={k['alpha_n']:g}" in text.replace(" ", "")  # typeset: a glyph per <tspan>
    assert f"{derive.kaplan_loss(2.0, k['alpha_n'], 1.0):.3f}" in text  # 0.949, claims.md 12
    assert "Kaplan et al. 2020" in text


@pytest.mark.parametrize("layout", LAYOUTS)
def test_attention_cost_uses_mistral_window(layout, rendered, catalog):
    from figures.charts import attention_cost as ac

    data = figure_data(catalog, "attention_cost")
    w = next(data["models"][k]["window"] for k in data["show"]["models"] if data["models"][k].get("window"))
    text = flat(rendered["attention_cost", layout])
    assert f"w = {w:,}" in text
    ratio = derive.attention_scores(ac.N_MAX, "causal") / derive.attention_scores(ac.N_MAX, "window", w)
    assert f"{ratio:.0f}×" in text
    assert "BF16" in text and "assumption" in text


@pytest.mark.parametrize("layout", LAYOUTS)
def test_scaling_law_stacks_names_in_the_order_of_their_dots(layout, catalog):
    """A stack of names shares one lead-out line: read top to bottom it names the dots top to bottom (the loss falls
    as the models grow, so the smallest model's dot is the highest)."""
    data = figure_data(catalog, "scaling_law")
    with mpl.rc_context():
        cs.apply("scaling_law", layout)
        fig = charts.draw_chart("scaling_law", data, None, layout=layout)
        texts = [t.get_text().split("\n") for ax in fig.axes for t in ax.texts if "\n" in t.get_text()]
    from figures.charts.scaling_law import dense_models

    short = {label: m for _, m, label in dense_models(data)}
    stacks = [names for names in texts if all(n in short for n in names)]
    if not stacks:  # whether names crowd into a stack depends on the catalog's models and the layout's size
        pytest.skip(f"no stacked label in the {layout} layout with this catalog")
    for names in stacks:
        losses = [derive.kaplan_loss(short[n]["params"], data["scaling"]["kaplan"]["alpha_n"],
                                     data["scaling"]["kaplan"]["n_c"]) for n in names]
        assert losses == sorted(losses, reverse=True), names
