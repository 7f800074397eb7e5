"""A page of its own for every registered figure, with its data, downloads and an embed view.

For each figure id of the registry the build adds to the staging tree:

* ``figures/<id>/index.md``: the figure alone (placed with the article's own ``figure()`` macro, so it is the very
  markup the article shows), its title and description, its sources, its licence with the attribution line to
  use, its downloads, a copyable ``<iframe>`` embed snippet and copy buttons; Open Graph / Twitter card tags come
  from the page's front matter (overrides/partials/rts/social.html);
* ``figures/<id>/embed/index.html``: the embed view, a plain HTML page with no site chrome (no Material), the same
  figure markup, following the reader's light or dark theme (``?theme=light|dark`` overrides), loading only files
  of this site;
* ``figures/<id>/<id>.csv`` and ``.json``: the catalog slice the figure reads (its ``reads:``) and the values
  derived from it (generator/site/extras/export.py), the JSON as nested objects, the CSV as one row per number or string
  (section, id, field, value);
* (a table's data is its CSV and JSON; its markup is the page and the embed view)
* charts: ``<id>.light.png`` and ``<id>.dark.png`` (2x, from the render) beside the SVG the site already publishes at
  ``figures/<id>.svg``; scenes: the site's MP4, poster and captions and the media kit's files that the site carries
  (generator/media/page.py); scenes also get their storyboard stills (generator/site/article/storyboard.py);
* ``figures/<id>/card.png``: the 1200x630 social card, drawn from the figure itself (generator/render/raster.py).

The templates are ``generator/site/extras/templates/figure_page.md`` and ``figure_embed.html`` (Jinja2, the pages' own
environment and number macros). The article's own social card, from four of its figures,
is ``assets/social/article.png``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2

from figures import palette
from generator.catalog.model import Catalog
from generator.catalog.text import alt_text
from generator.errors import BuildError
from generator.escape import Html, csv_cell, front_matter, html
from generator.render import raster
from generator.render.keys import derived_key
from generator.render.raster import CARD_FONTS, CARD_SIZE, card_png, svg_size, table_png
from generator.site.article.context import FigureAssets, PageContext
from generator.site.article.pages import base_context, make_env
from generator.site.article.series import figure_pages, page_href
from generator.site.article.storyboard import stills
from generator.site.extras.citation import SOCIAL_CARD
from generator.site.extras.export import model_derived
from generator.util.fs import atomic_write
from generator.util.project import site_url

LICENCE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
ARTICLE_CARD = SOCIAL_CARD  # one home: versions.py (the JSON-LD image names it too)
#: Figures whose pictures make the article's card, in order (charts and scene posters).
ARTICLE_CARD_FIGURES = ("params_over_time", "the_wall")
CSV_COLUMNS = ("section", "id", "field", "value")
TEMPLATE_DIR = Path(__file__).parent / "templates"
#: The tools a social card is drawn with (their versions are in its key).
CARD_TOOLS = ("pillow",)


# ---------------------------------------------------------------------------------------------------------------
# The data a figure reads
# ---------------------------------------------------------------------------------------------------------------


def figure_data(fig_id: str, assets: FigureAssets, catalog: Catalog) -> dict[str, Any]:
    """What the JSON download holds: the figure's identity, its catalog slice, the derived values, its sources."""
    fig = assets.fig
    data = fig.data(catalog)
    derived = {mid: model_derived(catalog.models[mid]) for mid in sorted(data.get("models", {}))}
    return {
        "figure": {"id": fig_id, "kind": fig.kind, "title": fig.title, "reads": list(fig.reads)},
        "licence": LICENCE,
        "data": data,
        "derived": {"models": derived} if derived else {},
        "sources": sources(data, catalog),
    }


def sources(data: dict[str, Any], catalog: Catalog) -> list[dict[str, Any]]:
    """The references behind what a figure draws, first seen first: the ``sources:`` of every catalog entry in its
    slice (each model, device, format, scaling law or fact it shows, read whole or field by field: a chart that
    reads ``models.*.params`` still draws sourced numbers), every ``sources:`` list inside the slice, and every
    reference it reads. The slice holds only what the figure shows (its selection narrows ``models``)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "sources" and isinstance(v, list):
                    found.extend(str(x) for x in v)
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for section, entries in data.items():
        if section in ("show", "references") or not isinstance(entries, dict):
            continue
        shown = (data.get("show") or {}).get(section) or []  # in the order the figure shows them
        for ident in [*(i for i in shown if i in entries), *(i for i in entries if i not in shown)]:
            entry = (catalog.data.get(section) or {}).get(ident)
            if isinstance(entry, dict):
                found.extend(str(x) for x in entry.get("sources") or ())
        walk(entries)
    found.extend(data.get("references", {}))
    out = []
    for ref_id in dict.fromkeys(found):
        ref = catalog.references.get(ref_id)
        if ref is None:
            raise BuildError(f"figure data: unknown reference id {ref_id!r}")
        out.append({"id": ref_id, **{k: ref[k] for k in ("authors", "year", "title", "url") if k in ref}})
    return out


def _cell(value: Any) -> Any:
    """A CSV value: numbers as numbers, booleans as true/false, text through escape.csv_cell (no formulas)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return int(value)
    return csv_cell(value)


def _rows(section: str, ident: str, prefix: str, node: Any) -> list[tuple[str, str, str, str]]:
    if isinstance(node, dict):
        out = []
        for k, v in node.items():
            out += _rows(section, ident, f"{prefix}.{k}" if prefix else str(k), v)
        return out
    if isinstance(node, list):
        if all(not isinstance(v, (dict, list)) for v in node):
            return [(section, ident, prefix, csv_cell("; ".join(str(_cell(v)) for v in node)))]
        out = []
        for i, v in enumerate(node):
            out += _rows(section, ident, f"{prefix}.{i}", v)
        return out
    return [(section, ident, prefix, _cell(node))]


def figure_csv(doc: dict[str, Any]) -> str:
    """The JSON download's data and derived values as CSV: section, id (a model, device, format...), field (a
    dotted path inside it), value. Derived values are rows of section ``derived``."""
    rows: list[tuple[Any, ...]] = []
    for section, entries in doc["data"].items():
        if isinstance(entries, dict) and all(isinstance(v, dict) for v in entries.values()):
            for ident, entry in entries.items():
                rows += _rows(section, ident, "", entry)
        else:
            rows += _rows(section, "", "", entries)
    for ident, values in doc["derived"].get("models", {}).items():
        rows += _rows("derived", ident, "", values)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    w.writerows(tuple(csv_cell(c) for c in row) for row in rows)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Download:
    href: str  # relative to the figure page
    label: str
    name: str
    size: int


def _aspect(assets: FigureAssets) -> tuple[float, float]:
    """The figure's own width and height (chart viewBox, video size, or an estimate for a table's rows)."""
    fig = assets.fig
    if fig.kind == "chart":
        return svg_size(assets.files[f"{fig.id}.svg"].read_text("utf-8"))
    if fig.kind == "scene":
        return float(assets.meta.get("width", 16)), float(assets.meta.get("height", 9))
    rows = assets.files[f"{fig.id}.html"].read_text("utf-8").count("<tr")
    return 720.0, 50.0 + 29.0 * rows


#: The embed snippet's script: sets each embed frame to the height its view asks for (assets/js/embed.js posts
#: {rtsEmbedHeight: pixels}); only the frame that sent the message, and only a sane height. Inline, so the host page
#: loads nothing from us but the frame; a host that strips scripts keeps the frame's aspect ratio.
EMBED_RESIZER = (
    '<script>addEventListener("message",function(e){var h=e.data&&e.data.rtsEmbedHeight;'
    'if(!(h>=50&&h<=8000))return;document.querySelectorAll("iframe[data-rts-embed]").forEach(function(f){'
    'if(f.contentWindow===e.source){f.style.aspectRatio="auto";f.style.height=Math.ceil(h)+"px"}})})</script>'
)


def embed_snippet(url: str, title: str, width: float, height: float) -> Html:
    """The <iframe> to paste: full width of its column, height from the figure's aspect ratio (plus a line for the
    credit), no border, lazily loaded; then the one-line script that fits the frame to the view's height
    (EMBED_RESIZER), which matters on phones, where the view shows the taller narrow chart."""
    h = height + 0.09 * width  # room for the caption and the credit line under the figure
    iframe = (
        '<iframe src="{src}" title="{title}" loading="lazy" data-rts-embed '
        'style="width: 100%; aspect-ratio: {w} / {h}; border: 0;" allowfullscreen></iframe>\n'
    )
    # Host pages read it as HTML, not Markdown: HTML escaping alone keeps the snippet readable.
    return Html(iframe).format(
        src=html(url, markdown=False), title=html(title, markdown=False), w=f"{width:.0f}", h=f"{h:.0f}"
    ) + Html(EMBED_RESIZER)


def _downloads(
    fig_id: str, assets: FigureAssets, files: dict[str, bytes | Path], media: dict[str, Any]
) -> list[Download]:
    def size(rel: str) -> int:
        c = files[rel]
        return c.stat().st_size if isinstance(c, Path) else len(c)

    out = [
        Download(f"{fig_id}.csv", "Data (CSV)", f"{fig_id}.csv", size(f"figures/{fig_id}/{fig_id}.csv")),
        Download(f"{fig_id}.json", "Data (JSON)", f"{fig_id}.json", size(f"figures/{fig_id}/{fig_id}.json")),
    ]
    kind = assets.fig.kind
    if kind == "chart":
        out.append(
            Download(f"../{fig_id}.svg", "Chart (SVG)", f"{fig_id}.svg", assets.files[f"{fig_id}.svg"].stat().st_size)
        )
        for theme in ("light", "dark"):
            rel = f"figures/{fig_id}/{fig_id}.{theme}.png"
            out.append(
                Download(f"{fig_id}.{theme}.png", f"Chart (PNG, 2×, {theme})", f"{fig_id}.{theme}.png", size(rel))
            )
    elif kind == "scene":
        for name, label in (
            (f"{fig_id}.mp4", "Video (MP4, as on this site)"),
            (f"{fig_id}.portrait.mp4", "Video for phones (MP4, portrait 4:5, as on this site)"),
            (f"{fig_id}.poster.webp", "Poster (WebP)"),
            (f"{fig_id}.vtt", "Captions (WebVTT)"),
        ):
            if name in assets.files:
                out.append(Download(f"../{name}", label, name, assets.files[name].stat().st_size))
        for scene in media.get("scenes", []):
            if scene.get("id") != fig_id:
                continue
            for f in scene["files"]:
                if f.get("href"):
                    out.append(
                        Download(
                            f"../../{f['href']}", f"Media kit: {f['format']}", f["path"].split("/")[-1], f["bytes"]
                        )
                    )
    out.append(Download("card.png", "Social card (PNG, 1200×630)", "card.png", size(f"figures/{fig_id}/card.png")))
    return out


def _kept_card(cards_dir: Path, sources: list[Path | str], title: str, kicker: str, make: Callable[[], bytes]) -> bytes:
    """A social card, kept in ``cards_dir`` (build/cards/) under a derived key (generator/render/keys.py): the code
    that draws it with its imports (raster.py and the palette, figures/palette.py), its pictures (files) or
    table (text), title, kicker, the fonts and Pillow's version. A rebuild with nothing changed encodes no PNG."""
    pictures = [src for src in sources if isinstance(src, Path)]
    texts = [src for src in sources if not isinstance(src, Path)]
    key = derived_key([raster.__name__], [title, kicker, texts], files=[*pictures, *CARD_FONTS], tools=CARD_TOOLS)
    kept = cards_dir / f"{key[:40]}.png"
    try:
        return kept.read_bytes()
    except FileNotFoundError:
        data = make()
        cards_dir.mkdir(parents=True, exist_ok=True)
        atomic_write(kept, data)
        return data


def _card(fig_id: str, assets: FigureAssets, kicker: str, cards_dir: Path) -> bytes:
    fig = assets.fig
    if fig.kind == "table":
        table = assets.files[f"{fig_id}.html"].read_text("utf-8")
        return _kept_card(
            cards_dir, [table], fig.title, kicker, lambda: card_png([table_png(table)], fig.title, kicker=kicker)
        )
    pic = assets.files[f"{fig_id}.light.png" if fig.kind == "chart" else f"{fig_id}.poster.webp"]
    return _kept_card(cards_dir, [pic], fig.title, kicker, lambda: card_png([pic], fig.title, kicker=kicker))


def _templates() -> jinja2.Environment:
    return make_env(jinja2.FileSystemLoader(str(TEMPLATE_DIR)))


def figure_files(
    root: Path,
    catalog: Catalog,
    assets: dict[str, FigureAssets],
    media: dict[str, Any],
    stills_dir: Path,
) -> dict[str, bytes | Path]:
    """Every file of every figure page, and the article's card: {staging path: bytes or a file to copy}."""
    files: dict[str, bytes | Path] = {}
    env = _templates()
    url = site_url(root)
    kicker = str(catalog.data["meta"]["title"])
    placed = figure_pages(root / "docs")  # the page that places each figure: its page links back to it, if any
    for fig_id, a in assets.items():
        folder = f"figures/{fig_id}"
        doc = figure_data(fig_id, a, catalog)
        files[f"{folder}/{fig_id}.json"] = (
            json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"
        ).encode("utf-8")
        files[f"{folder}/{fig_id}.csv"] = figure_csv(doc).encode("utf-8")
        if a.fig.kind == "chart":
            for theme in ("light", "dark"):
                files[f"{folder}/{fig_id}.{theme}.png"] = a.files[f"{fig_id}.{theme}.png"]
        elif a.fig.kind == "scene":
            files.update(stills(fig_id, a.files[f"{fig_id}.mp4"], a.meta, stills_dir))
        files[f"{folder}/card.png"] = _card(fig_id, a, kicker, stills_dir.parent / "cards")
        article_href = f"{page_href('../../', placed[fig_id]['page'])}#fig-{fig_id}" if fig_id in placed else ""
        page = _FigurePage(catalog, fig_id, a, doc, f"{url}{folder}/", kicker, article_href)
        files[f"{folder}/index.md"] = page.render(env, "figure_page.md", _downloads(fig_id, a, files, media))
        files[f"{folder}/embed/index.html"] = page.render(env, "figure_embed.html", [])
    files["assets/css/embed-palette.css"] = palette.embed_css().encode("utf-8")
    pics: list[Path] = []
    for fid in ARTICLE_CARD_FIGURES:
        if fid in assets:
            a = assets[fid]
            pics.append(a.files[f"{fid}.light.png"] if a.fig.kind == "chart" else a.files[f"{fid}.poster.webp"])
    about = str(catalog.data["meta"]["description"])
    files[ARTICLE_CARD] = _kept_card(
        stills_dir.parent / "cards", list(pics), about, kicker, lambda: card_png(list(pics), about, kicker=kicker)
    )
    return files


@dataclass
class _FigurePage:
    """One figure's page and embed view: the names their templates are rendered with."""

    catalog: Catalog
    fig_id: str
    assets: FigureAssets
    doc: dict[str, Any]
    page_url: str
    kicker: str
    article_href: str  # the figure where the article places it ("" for a figure no page places)

    def render(self, env: jinja2.Environment, template: str, downloads: list[Any]) -> bytes:
        """``template`` (figure_page.md or figure_embed.html) as the file at its place under figures/<id>/."""
        fig, fig_id, folder = self.assets.fig, self.fig_id, f"figures/{self.fig_id}"
        depth_page = f"{folder}/index.md" if template == "figure_page.md" else f"{folder}/embed/index.md"
        ctx = PageContext(self.catalog, {fig_id: self.assets}, PurePosixPath(depth_page), None)
        ctx.figure_links = False
        ctx.charts_inline = True  # one chart, drawn with the page (and in the embed view, which loads no charts.js)
        ctx.figure_captions = template != "figure_embed.html"  # the embed frame fits the figure alone
        names = base_context(ctx)
        description = alt_text(self.catalog, fig_id)
        width, height = _aspect(self.assets)
        embed_url = f"{self.page_url}embed/"
        names.update(
            fig=fig,
            fig_id=fig_id,
            description=description,
            figure_html=ctx.figure(fig_id),
            sources=self.doc["sources"],
            licence=LICENCE,
            attribution=f"\u201c{fig.title}\u201d, {self.kicker}, {self.page_url} ({LICENCE['name']})",
            page_url=self.page_url,
            article_href=self.article_href,
            embed_url=embed_url,
            embed_code=str(embed_snippet(embed_url, fig.title, width, height)),  # shown as text
            downloads=downloads,
            card=f"{folder}/card.png",
            card_size=CARD_SIZE,
            front=_front_matter(fig.title, description, f"{folder}/card.png"),
            site_title=self.kicker,
        )
        try:
            return env.get_template(template).render(**names).encode("utf-8")
        except jinja2.TemplateError as exc:
            raise BuildError(f"{TEMPLATE_DIR / template}: {type(exc).__name__}: {exc}") from None


def _front_matter(title: str, description: str, card: str) -> Html:
    """YAML front matter of a figure page: title, description, social card (escape.front_matter: the theme prints
    title and description as HTML)."""
    return front_matter(
        {
            "title": title,
            "description": description,
            "rs_card": card,
            "rs_card_alt": f"{title}: a picture of the figure",
        }
    )
