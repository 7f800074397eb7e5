"""Rendering a chart (generator/render/charts.py): both layouts, byte-identical renders, unchanged files left
alone, the old draw() signature, and a chart whose text collides or leaves the figure refused with its labels."""

from __future__ import annotations

import matplotlib as mpl
import pytest

from figures import chart_style as cs
from generator.errors import LayoutError
from generator.render import charts, svg
from generator.render.charts import render_chart_layout
from tests.support import CHARTS, LAYOUTS, figure_data


def crowded_draw(data, layout="wide"):
    """A chart that places its labels by hand, two of them on one spot (what a new model used to do)."""
    fig, ax = cs.figure(height=3.0, layout=layout)
    ax.plot([2024.5, 2024.55], [70e9, 72e9], "o")
    ax.set_yscale("log")
    ax.set_xlim(2018, 2026)
    ax.set_ylim(1e8, 1e12)
    ax.annotate("Llama 3.1 70B", (2024.5, 70e9), xytext=(8, 0), textcoords="offset points", va="center")
    ax.annotate("Qwen2.5-72B", (2024.55, 72e9), xytext=(8, 0), textcoords="offset points", va="center")
    return fig


@pytest.mark.parametrize("layout", ["wide", "narrow"])
def test_a_crowded_chart_is_refused_with_its_labels(tmp_path, monkeypatch, layout):
    monkeypatch.setattr(charts, "load_attr", lambda kind, fig_id, func: crowded_draw)
    with pytest.raises(LayoutError) as info:
        render_chart_layout("crowded_chart", {}, tmp_path, layout=layout)
    msg = str(info.value)
    assert "figures/charts/crowded_chart.py" in msg and f"({layout} layout)" in msg
    assert "'Llama 3.1 70B' overlaps 'Qwen2.5-72B'" in msg, msg
    assert not list(tmp_path.iterdir()), "nothing written"


def test_text_leaving_the_figure_is_refused(tmp_path, monkeypatch):
    def draw(data, layout="wide"):
        fig, ax = cs.figure(height=3.0, layout=layout)
        ax.text(1.3, 0.5, "Far out to the right", transform=ax.transAxes)
        return fig

    monkeypatch.setattr(charts, "load_attr", lambda kind, fig_id, func: draw)
    with pytest.raises(LayoutError, match="'Far out to the right' leaves the figure"):
        render_chart_layout("edge_chart", {}, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("fid", CHARTS)
def test_render_is_byte_identical(fid, rendered, draft_build):
    """Same inputs, same bytes: this session renders every chart twice, in this process (the ``rendered`` fixture)
    and in the draft build's render worker (another process); both give the same SVGs and PNGs."""
    from generator.render.cache import FigureCache

    built = FigureCache(draft_build.cache).out_dir(fid)
    for layout in LAYOUTS:
        name = svg.chart_filename(fid, layout)
        assert (built / name).read_bytes() == rendered[fid, layout].read_bytes(), name
    for theme in ("light", "dark"):
        name = f"{fid}.{theme}.png"
        assert (built / name).read_bytes() == (rendered[fid, "wide"].parent / name).read_bytes(), name


@pytest.mark.slow
def test_unchanged_file_is_not_rewritten(catalog, tmp_path):
    fid = "bit_layouts"
    data = figure_data(catalog, fid)
    path = charts.render_chart(fid, data, tmp_path, title="x")
    narrow = tmp_path / f"{fid}.narrow.svg"
    before = path.stat().st_mtime_ns, narrow.stat().st_mtime_ns
    path2 = charts.render_chart(fid, data, tmp_path, title="x")
    assert path2 == path and (path.stat().st_mtime_ns, narrow.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"{fid}.dark.png", f"{fid}.light.png", f"{fid}.narrow.svg", f"{fid}.svg"], "no temp files left behind"


@pytest.mark.slow
def test_draw_keeps_its_old_signature(catalog):
    """draw(data) is the wide chart; draw(data, layout="narrow") the phone one, narrower and taller than wide."""
    import importlib

    with mpl.rc_context():
        for fid in CHARTS:
            draw = importlib.import_module(f"figures.charts.{fid}").draw
            data = figure_data(catalog, fid)
            cs.apply(fid)
            w, _ = draw(data).get_size_inches()
            assert w == cs.WIDE.width == cs.FIG_WIDTH, fid
            cs.apply(fid, "narrow")
            nw, nh = draw(data, layout="narrow").get_size_inches()
            assert nw == cs.NARROW.width and nh > nw, fid
    with pytest.raises(ValueError):
        cs.get_layout("medium")
    with pytest.raises(ValueError), mpl.rc_context():
        charts.draw_chart("scaling_law", figure_data(catalog, "scaling_law"), layout="medium")
