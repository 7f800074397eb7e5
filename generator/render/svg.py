"""Chart SVGs made fit for the page: theme colours as CSS variables, ids unique per chart and layout, no prolog or
document-wide style, an accessible name, lean paths (see generator/render/charts.py for the whole contract)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from figures import chart_style
from generator.render.modules import FigureModuleError

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

_HEX_RE = re.compile(r"#[0-9a-fA-F]{6}\b")
_URL_RE = re.compile(r"url\(#([^)]+)\)")
#: Root-level stroke defaults matplotlib puts in a document-wide ``*{...}`` rule; as presentation attributes on the
#: root they do the same for the chart and nothing to the page around it.
_ROOT_STROKE_DEFAULTS = {"stroke-linejoin": "round", "stroke-linecap": "butt"}
#: The layouts ``render_chart`` writes, in order; the first one's file is what it returns.
LAYOUTS = ("wide", "narrow")


def chart_filename(fig_id: str, layout: str = "wide") -> str:
    """``<id>.svg`` for the wide chart, ``<id>.<layout>.svg`` for another layout."""
    return f"{fig_id}.svg" if layout == "wide" else f"{fig_id}.{layout}.svg"


def id_prefix(fig_id: str, layout: str = "wide") -> str:
    """The prefix of every id in a chart's SVG: ``<id>-`` (wide) or ``<id>-n-`` (narrow)."""
    return f"{fig_id}-" if layout == "wide" else f"{fig_id}-{layout[0]}-"


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
                el.set(attr, _round(el.attrib[attr]))

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


def postprocess_svg(
    svg: str, fig_id: str, title: str | None = None, desc: str | None = None, layout: str = "wide"
) -> str:
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
        _rewrite_attributes(el, prefix, href)
        # Whitespace between elements is layout noise; text content of <text> is kept as is.
        if len(el) and el.text is not None and not el.text.strip():
            el.text = None
        if el.tail is not None and not el.tail.strip():
            el.tail = None
    _simplify(root, href)
    _set_root(root, fig_id, layout)

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


def _rewrite_attributes(el: ET.Element, prefix: str, href: str) -> None:
    """Prefix ids and references to them, tidy path data, and turn the palette's sentinel colours into CSS
    variables (moving a presentation attribute that holds one into ``style``: var() only works in CSS)."""
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
            del el.attrib[attr]
            moved.append(f"{attr}: {themed}")
            continue
        el.set(attr, themed)
    if moved:
        el.set("style", "; ".join(moved + ([style_attr] if (style_attr := el.get("style")) else [])))


def _set_root(root: ET.Element, fig_id: str, layout: str) -> None:
    """The root's attributes: full width, the viewBox, the figure's id and layout, role img, stroke defaults."""
    view_box = root.get("viewBox")
    if not view_box:
        raise FigureModuleError(f"{fig_id}: matplotlib wrote no viewBox")
    attrib = dict(root.attrib)
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
