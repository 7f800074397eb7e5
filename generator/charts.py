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

Both renderers are deterministic (same inputs, same bytes), write atomically and leave an unchanged file alone.
"""

from __future__ import annotations

import importlib
import inspect
import io
import logging
import os
import re
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.figure
import matplotlib.pyplot as plt

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from figures import chart_style  # noqa: E402

log = logging.getLogger(__name__)

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_HEX_RE = re.compile(r"#[0-9a-fA-F]{6}\b")
_URL_RE = re.compile(r"url\(#([^)]+)\)")
#: Root-level stroke defaults matplotlib puts in a document-wide ``*{...}`` rule; as presentation attributes on the
#: root they do the same for the chart and nothing to the page around it.
_ROOT_STROKE_DEFAULTS = {"stroke-linejoin": "round", "stroke-linecap": "butt"}
_SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
#: The layouts ``render_chart`` writes, in order; the first one's file is what it returns.
LAYOUTS = ("wide", "narrow")


def chart_filename(fig_id: str, layout: str = "wide") -> str:
    """``<id>.svg`` for the wide chart, ``<id>.<layout>.svg`` for another layout."""
    return f"{fig_id}.svg" if layout == "wide" else f"{fig_id}.{layout}.svg"


def id_prefix(fig_id: str, layout: str = "wide") -> str:
    """The prefix of every id in a chart's SVG: ``<id>-`` (wide) or ``<id>-n-`` (narrow)."""
    return f"{fig_id}-" if layout == "wide" else f"{fig_id}-{layout[0]}-"


class FigureModuleError(RuntimeError):
    """A figure module is missing or does not return what its contract says."""


def _check_id(fig_id: str) -> None:
    if not _ID_RE.match(fig_id):
        raise ValueError(f"figure id {fig_id!r}: expected snake_case (lowercase letters, digits, underscores)")


def _load(package: str, fig_id: str, func: str):
    """Import (or re-import, so an edited file is picked up in a long-running process) ``<package>.<fig_id>``."""
    name = f"figures.{package}.{fig_id}"
    try:
        module = importlib.reload(sys.modules[name]) if name in sys.modules else importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            raise FigureModuleError(f"figure {fig_id!r}: no file figures/{package}/{fig_id}.py") from None
        raise
    if not callable(getattr(module, func, None)):
        raise FigureModuleError(f"figures/{package}/{fig_id}.py must define {func}(data)")
    return getattr(module, func)


def _write_if_changed(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temp file + rename), and not at all if the bytes are already there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_bytes() == data:
        log.debug("%s unchanged", path)
        return path
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    log.info("wrote %s", path)
    return path


# --------------------------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------------------------

def draw_chart(fig_id: str, data: Mapping[str, Any], title: str | None = None, layout: str = "wide"):
    """The matplotlib Figure of chart ``fig_id`` in house style and ``layout``, not yet saved (for previews and
    tests).

    ``title``, if given, is drawn at the top of the chart (for a standalone image; on the page the figcaption
    carries the title instead).

    Call inside ``matplotlib.rc_context()`` with ``chart_style.apply(fig_id, layout)`` if the rcParams must not
    leak; ``render_chart`` does that.
    """
    _check_id(fig_id)
    chart_style.get_layout(layout)  # an unknown layout fails here, before the module runs
    draw = _load("charts", fig_id, "draw")
    if layout == "wide":
        fig = draw(data)
    else:
        try:
            accepts = "layout" in inspect.signature(draw).parameters
        except (TypeError, ValueError):
            accepts = True
        if not accepts:
            raise FigureModuleError(f"figures/charts/{fig_id}.py: draw() must accept layout=\"{layout}\" "
                                    "(def draw(data, layout=\"wide\"))")
        fig = draw(data, layout=layout)
    if not isinstance(fig, mpl.figure.Figure):
        raise FigureModuleError(f"figures/charts/{fig_id}.py: draw() returned {type(fig).__name__}, not a Figure")
    if title:
        chart_style.title(fig, title)
    return fig


def render_chart(fig_id: str, data: Mapping[str, Any], out_dir: Path, title: str | None = None,
                 desc: str | None = None, visible_title: bool = False) -> Path:
    """Render chart ``fig_id`` from its catalog slice ``data`` in every layout: ``<out_dir>/<fig_id>.svg`` (wide)
    and ``<out_dir>/<fig_id>.narrow.svg``. Returns the wide file's path.

    ``title`` (the catalog title) becomes the SVG ``<title>``, and with ``visible_title`` is also drawn at the top
    (off by default: the page's figcaption shows it). ``desc`` (the rendered alt text) becomes ``<desc>``.
    """
    paths = [render_chart_layout(fig_id, data, out_dir, layout, title=title, desc=desc,
                                 visible_title=visible_title) for layout in LAYOUTS]
    return paths[0]


def render_chart_layout(fig_id: str, data: Mapping[str, Any], out_dir: Path, layout: str = "wide",
                        title: str | None = None, desc: str | None = None, visible_title: bool = False) -> Path:
    """Render one layout of chart ``fig_id`` to ``<out_dir>/<chart_filename(fig_id, layout)>``."""
    _check_id(fig_id)
    buf = io.BytesIO()
    with mpl.rc_context():
        chart_style.apply(fig_id, layout)
        fig = draw_chart(fig_id, data, title if visible_title else None, layout=layout)
        try:
            fig.savefig(buf, format="svg", metadata=_SVG_METADATA, transparent=True)
        finally:
            plt.close(fig)
    svg = postprocess_svg(buf.getvalue().decode("utf-8"), fig_id, title=title, desc=desc, layout=layout)
    return _write_if_changed(Path(out_dir) / chart_filename(fig_id, layout), svg.encode("utf-8"))


def _theme_colours(value: str) -> str:
    def swap(match: re.Match[str]) -> str:
        hex_ = match.group(0).lower()
        if hex_ in chart_style.SENTINELS:
            var, fallback = chart_style.SENTINELS[hex_]
            return f"var({var}, {fallback})"
        return match.group(0)

    return _HEX_RE.sub(swap, value)


_NUM_RE = re.compile(r"-?\d+\.\d{3,}")
_NOOP_ROTATE_RE = re.compile(r"rotate\(-?0 [-\d.]+ [-\d.]+\)")


def _round(value: str) -> str:
    """Coordinates to 2 decimals (a hundredth of a point: far below a pixel at any size the page shows)."""
    def fmt(m: re.Match[str]) -> str:
        out = f"{float(m.group(0)):.2f}".rstrip("0").rstrip(".")
        return "0" if out in ("-0", "") else out
    return _NUM_RE.sub(fmt, value)


def _simplify(root: ET.Element, href: str) -> None:
    """Fewer, smaller nodes for the page (each chart is inlined twice, once per layout): drop ids nothing refers to,
    unwrap the attribute-less groups left behind, drop invisible backgrounds, round path coordinates. Rendering is
    unchanged; every id still referenced (clip paths, markers) is kept."""
    referenced: set[str] = set()
    for el in root.iter():
        for attr, value in el.attrib.items():
            if attr in (href, "href") and value.startswith("#"):
                referenced.add(value[1:])
            referenced.update(m.group(1) for m in _URL_RE.finditer(value))
    for el in root.iter():
        if el.get("id") is not None and el.get("id") not in referenced:
            del el.attrib["id"]
        if _NOOP_ROTATE_RE.fullmatch(el.get("transform", "")):
            del el.attrib["transform"]
        for attr in ("d", "x", "y", "width", "height", "points"):
            if attr in el.attrib:
                el.set(attr, _round(el.get(attr)))

    g_tag, path_tag = f"{{{SVG_NS}}}g", f"{{{SVG_NS}}}path"

    def invisible(el: ET.Element) -> bool:
        return el.tag == path_tag and set(el.attrib) <= {"d", "style"} and el.get("style") == "fill: none"

    def flatten(parent: ET.Element) -> None:
        kids: list[ET.Element] = []
        for child in list(parent):
            flatten(child)
            if invisible(child):
                continue
            if child.tag == g_tag and not child.attrib and not (child.text or "").strip():
                kids.extend(child)
            else:
                kids.append(child)
        parent[:] = kids

    flatten(root)


def postprocess_svg(svg: str, fig_id: str, title: str | None = None, desc: str | None = None,
                    layout: str = "wide") -> str:
    """Turn matplotlib's SVG into the theme-aware, inline-safe file described in the module docstring."""
    root = ET.fromstring(svg)
    prefix = id_prefix(fig_id, layout)
    href = f"{{{XLINK_NS}}}href"

    # Document-wide <style> rules would style the whole HTML page once inlined: move them onto the root.
    for defs in root.findall(f"{{{SVG_NS}}}defs"):
        for style in defs.findall(f"{{{SVG_NS}}}style"):
            defs.remove(style)
        if len(defs) == 0:
            root.remove(defs)

    for el in root.iter():
        moved: list[str] = []
        for attr, value in list(el.attrib.items()):
            if attr == "id":
                value = prefix + value
            elif attr in (href, "href") and value.startswith("#"):
                value = "#" + prefix + value[1:]
            elif attr == "d":
                value = " ".join(value.split())
            if "url(#" in value:
                value = _URL_RE.sub(lambda m: f"url(#{prefix}{m.group(1)})", value)
            themed = _theme_colours(value)
            if attr != "style" and themed != value:
                # var() only works in CSS: move a sentinel presentation attribute into the style attribute.
                del el.attrib[attr]
                moved.append(f"{attr}: {themed}")
                continue
            el.set(attr, themed)
        if moved:
            el.set("style", "; ".join(moved + ([el.get("style")] if el.get("style") else [])))
        # Whitespace between elements is layout noise; text content of <text> is kept as is.
        if len(el) and el.text is not None and not el.text.strip():
            el.text = None
        if el.tail is not None and not el.tail.strip():
            el.tail = None

    _simplify(root, href)

    view_box = root.get("viewBox")
    if not view_box:
        raise FigureModuleError(f"{fig_id}: matplotlib wrote no viewBox")
    attrib = dict(root.attrib)
    attrib.pop("width", None)
    attrib.pop("height", None)
    root.attrib.clear()
    root.set("width", "100%")
    root.set("viewBox", view_box)
    root.set("version", attrib.get("version", "1.1"))
    root.set("class", "rs-chart-svg")
    root.set("data-figure", fig_id)
    if layout != "wide":
        root.set("data-layout", layout)
    root.set("role", "img")
    for key, value in _ROOT_STROKE_DEFAULTS.items():
        root.set(key, value)

    # A plain <title> first child is the accessible name of role="img" (SVG-AAM); no id, so a page that inlines the
    # chart can swap it for its own title and desc with a simple pattern.
    children: list[ET.Element] = []
    if title:
        el = ET.Element(f"{{{SVG_NS}}}title")
        el.text = title
        children.append(el)
    if desc:
        el = ET.Element(f"{{{SVG_NS}}}desc")
        el.text = desc
        children.append(el)
    for i, el in enumerate(children):
        root.insert(i, el)

    ET.indent(root, space="")
    text = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return text + "\n"


# --------------------------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------------------------

def render_table(fig_id: str, data: Mapping[str, Any], out_dir: Path, title: str | None = None) -> Path:
    """Render table ``fig_id`` (``figures/tables/<id>.py``, ``render(data) -> str``) to ``<out_dir>/<id>.html``.

    ``title`` (the catalog title), if given and if ``render`` accepts a ``title`` keyword, becomes the caption.
    """
    _check_id(fig_id)
    render = _load("tables", fig_id, "render")
    html = render(data, title=title) if title and _accepts_title(render) else render(data)
    if not isinstance(html, str) or "<table" not in html:
        raise FigureModuleError(f"figures/tables/{fig_id}.py: render() must return an HTML <table> string")
    if not html.endswith("\n"):
        html += "\n"
    return _write_if_changed(Path(out_dir) / f"{fig_id}.html", html.encode("utf-8"))


def _accepts_title(func) -> bool:
    try:
        return "title" in inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False
