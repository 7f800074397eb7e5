"""Render chart figures (matplotlib -> theme-aware, inline-safe SVG) and table figures (-> HTML fragment).

``render_chart`` imports ``figures/charts/<id>.py`` and calls its ``draw(data, layout)`` under the house style once
per layout (see ``figures.chart_style``): ``<id>.svg`` is the wide chart (a desktop column), ``<id>.narrow.svg``
the narrow one (a phone column). Each is saved reproducibly (no date or tool metadata, ids salted by the figure id)
and post-processed into a file that is both a valid standalone SVG and safe to inline in an HTML page next to other
charts, including its own other layout:

* sentinel colours of ``figures.chart_style`` become ``var(--rs-<token>, <light fallback>)``, so the inlined chart
  follows the page theme and the standalone file shows the light colours;
* every id is prefixed with ``<id>-`` (wide) or ``<id>-n-`` (narrow), and references to it rewritten, so several
  charts, and both layouts of one chart, never collide on a page;
* no XML prolog or DOCTYPE, no document-wide ``<style>``, no blank lines or indentation (a Markdown HTML block
  stays one block);
* ``role="img"`` and, when given, a plain ``<title>`` first child (the accessible name) and ``<desc>``;
* ``width="100%"`` and no height: the viewBox gives the aspect ratio, so the chart scales with its column.

A chart whose texts overlap one another or leave the figure (``chart_style.text_collisions``, measured after
drawing) is refused with a LayoutError naming the figure, the layout and the labels.

``render_chart`` also writes ``<id>.light.png`` and ``<id>.dark.png``: the wide SVG at 2x in each theme
(generator/render/raster.py), for the figure's page to offer and its social card.

Both renderers are deterministic (same inputs, same bytes), write atomically and leave an unchanged file alone.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.figure
import matplotlib.pyplot as plt

from figures import chart_style
from generator.errors import LayoutError
from generator.render.modules import FigureModuleError, accepts_keyword, check_id, load_attr
from generator.render.raster import THEMES, svg_to_png
from generator.render.reads import guarded
from generator.render.svg import LAYOUTS, chart_filename, postprocess_svg
from generator.util.fs import atomic_write

log = logging.getLogger(__name__)

_SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def draw_chart(fig_id: str, data: Mapping[str, Any], title: str | None = None, layout: str = "wide"):
    """The matplotlib Figure of chart ``fig_id`` in house style and ``layout``, not yet saved (for previews and
    tests).

    ``title``, if given, is drawn at the top of the chart (for a standalone image; on the page the figcaption
    carries the title instead).

    Call inside ``matplotlib.rc_context()`` with ``chart_style.apply(fig_id, layout)`` if the rcParams must not
    leak; ``render_chart`` does that.
    """
    check_id(fig_id)
    chart_style.get_layout(layout)  # an unknown layout fails here, before the module runs
    draw = load_attr("charts", fig_id, "draw")
    data = guarded(data)  # a field read but not declared in reads: is an UndeclaredRead (generator/render/reads.py)
    if layout == "wide":
        fig = draw(data)
    else:
        if not accepts_keyword(draw, "layout"):
            raise FigureModuleError(
                f'figures/charts/{fig_id}.py: draw() must accept layout="{layout}" (def draw(data, layout="wide"))'
            )
        fig = draw(data, layout=layout)
    if not isinstance(fig, mpl.figure.Figure):
        raise FigureModuleError(f"figures/charts/{fig_id}.py: draw() returned {type(fig).__name__}, not a Figure")
    if title:
        chart_style.title(fig, title)
    return fig


def render_chart(
    fig_id: str,
    data: Mapping[str, Any],
    out_dir: Path,
    title: str | None = None,
    desc: str | None = None,
    visible_title: bool = False,
) -> Path:
    """Render chart ``fig_id`` from its catalog slice ``data`` in every layout: ``<out_dir>/<fig_id>.svg`` (wide)
    and ``<out_dir>/<fig_id>.narrow.svg``. Returns the wide file's path.

    ``title`` (the catalog title) becomes the SVG ``<title>``, and with ``visible_title`` is also drawn at the top
    (off by default: the page's figcaption shows it). ``desc`` (the rendered alt text) becomes ``<desc>``.
    """
    paths = [
        render_chart_layout(fig_id, data, out_dir, layout, title=title, desc=desc, visible_title=visible_title)
        for layout in LAYOUTS
    ]
    render_chart_pngs(fig_id, paths[0].read_text("utf-8"), out_dir)
    return paths[0]


def render_chart_pngs(fig_id: str, svg: str, out_dir: Path) -> list[Path]:
    """The wide chart as PNG at 2x in each theme: ``<out_dir>/<fig_id>.light.png`` and ``<fig_id>.dark.png``
    (rasterised from the published SVG, see generator/render/raster.py)."""
    out = []
    for theme in THEMES:
        path = Path(out_dir) / f"{fig_id}.{theme}.png"
        atomic_write(path, svg_to_png(svg, theme, scale=2.0))
        out.append(path)
    return out


def render_chart_layout(
    fig_id: str,
    data: Mapping[str, Any],
    out_dir: Path,
    layout: str = "wide",
    title: str | None = None,
    desc: str | None = None,
    visible_title: bool = False,
) -> Path:
    """Render one layout of chart ``fig_id`` to ``<out_dir>/<chart_filename(fig_id, layout)>``."""
    check_id(fig_id)
    buf = io.BytesIO()
    with mpl.rc_context():
        chart_style.apply(fig_id, layout)
        fig = draw_chart(fig_id, data, title if visible_title else None, layout=layout)
        try:
            collisions = chart_style.text_collisions(fig)
            if collisions:
                raise LayoutError(
                    f"figures/charts/{fig_id}.py ({layout} layout): text collides, refused: " + "; ".join(collisions)
                )
            fig.savefig(buf, format="svg", metadata=_SVG_METADATA, transparent=True)
        finally:
            plt.close(fig)
    svg = postprocess_svg(buf.getvalue().decode("utf-8"), fig_id, title=title, desc=desc, layout=layout)
    path = Path(out_dir) / chart_filename(fig_id, layout)
    atomic_write(path, svg)
    return path
