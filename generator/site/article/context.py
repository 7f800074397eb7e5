"""A page's context: what one page being rendered knows and numbers (its citations, the figures placed on it, the
relative path back to the site root, its hover cards), and the macros that write into it: ``cite``, ``references``,
``figure``, ``widget``. The article (generator/site/article/pages.py) makes one per page; figure pages
(generator/site/extras/figure_pages.py) place their figure through one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from generator.catalog.model import Catalog
from generator.catalog.text import PageMistake, alt_text, caption_text
from generator.errors import BuildError, did_you_mean
from generator.escape import Html, html, url
from generator.render.raster import svg_size
from generator.render.registry import Figure
from generator.site.article import provenance
from generator.site.article.player import scene_player
from generator.site.article.storyboard import storyboard_html

#: How wide a figure sits: the prose column, past it on both sides, or the whole content area (site.css rs-w-*).
FIGURE_WIDTHS = ("text", "outset", "full")


@dataclass
class FigureAssets:
    """What the page macro needs of one rendered figure."""

    fig: Figure
    files: dict[str, Path]  # output name -> path in the cache
    meta: dict[str, Any] = field(default_factory=dict)


class PageContext:
    """Per-page state: citation numbering, figures used, and the relative path back to the site root."""

    def __init__(
        self,
        catalog: Catalog,
        figures: dict[str, FigureAssets],
        page: PurePosixPath,
        widget_renderer: Callable[[str, Catalog], str] | None,
        glossary_href: str | None = "#glossary",
    ) -> None:
        """``glossary_href``: the link from this page to the list of glossary terms (series.glossary_href)."""
        self.catalog = catalog
        self.figures = figures
        self.page = page
        self.cited: list[str] = []
        self.used_figures: list[str] = []
        self.scenes_placed = 0
        self.widget_renderer = widget_renderer
        # Hover cards (generator/site/article/provenance.py): numbers' formulas and sources, references, glossary terms.
        self.cards = provenance.Cards(catalog.references, glossary_href)
        #: Each figure links to its own page (figures/<id>/, generator/site/extras/figure_pages.py); off on those pages.
        self.figure_links = True
        #: A figure's catalog caption under it (False in a figure's embed view: the host's frame is sized to the
        #: figure's own proportions, and the caption is on the figure page the view links to).
        self.figure_captions = True
        #: Charts written into the page (a figure's own page and embed view, which hold one chart) or left as boxes
        #: that docs/assets/js/charts.js fills as they come near (the article: its charts' SVG was half its HTML).
        self.charts_inline = False
        self.base = base_of(page)

    @property
    def cards_path(self) -> str:
        """Where this page's cards are published (site path): assets/cards/<page>.json, loaded on first use."""
        return "assets/cards/" + self.page.with_suffix(".json").as_posix()

    # -- citations -------------------------------------------------------------------------------------------
    def cite(self, *ref_ids: str) -> Html:
        if not ref_ids:
            raise BuildError("cite() needs at least one reference id")
        links = []
        for ref_id in ref_ids:
            if ref_id not in self.catalog.references:
                hint = did_you_mean(ref_id, self.catalog.references)
                raise PageMistake(f"cite(): no reference {ref_id!r} in the catalog" + (f" ({hint})" if hint else ""))
            if ref_id not in self.cited:
                self.cited.append(ref_id)
            n = self.cited.index(ref_id) + 1
            ref = self.catalog.references[ref_id]
            card = self.cards.reference(ref_id)
            links.append(
                Html('<a href="#ref-{id}" title="{title}" data-rs-card="{card}">{n}</a>').format(
                    id=ref_id, title=f"{ref['authors']} ({ref['year']}): {ref['title']}", n=n, card=card
                )
            )
        return Html('<sup class="rs-cite">[') + Html(", ").join(links) + Html("]</sup>")

    def references(self) -> Html:
        items = []
        for ref_id in self.cited:
            ref = self.catalog.references[ref_id]
            note = Html(" {}").format(ref["note"]) if ref.get("note") else Html("")
            items.append(
                Html('<li id="ref-{id}">{authors} ({year}). <a href="{url}">{title}</a>.{note}</li>').format(
                    id=ref_id,
                    authors=ref["authors"],
                    year=ref["year"],
                    url=url(ref["url"]),
                    title=ref["title"],
                    note=note,
                )
            )
        return Html('<ol class="rs-refs">') + Html("").join(items) + Html("</ol>")

    # -- figures ---------------------------------------------------------------------------------------------
    def figure(self, fig_id: str, width: str | None = None) -> Html:
        """A figure: its title above it in the article's type, the figure, and the link to its own page.

        ``width``: "text" (the column of prose), "outset" (reaching past it on both sides) or "full" (the whole
        content area); by default a chart or table sits at the text's width (its type then matches the prose's
        size) and a scene at outset."""
        if fig_id not in self.figures:
            hint = did_you_mean(fig_id, self.figures)
            raise PageMistake(
                f"figure(): no figure {fig_id!r} in the catalog's figures"
                + (f" ({hint})" if hint else f"; known: {', '.join(sorted(self.figures))}")
            )
        if width is not None and width not in FIGURE_WIDTHS:
            raise PageMistake(f"figure({fig_id!r}, width={width!r}): expected one of {', '.join(FIGURE_WIDTHS)}")
        if fig_id in self.used_figures:
            raise BuildError(f"figure(): {fig_id!r} is placed twice on this page")
        self.used_figures.append(fig_id)
        assets = self.figures[fig_id]
        fig = assets.fig
        title = fig.title
        alt = alt_text(self.catalog, fig_id)
        caption = caption_text(self.catalog, fig_id) if self.figure_captions else ""
        width = width or ("outset" if fig.kind == "scene" else "text")
        if fig.kind == "chart":
            body = self._chart_body(assets, title, alt)
            cls = "rs-chart"
        elif fig.kind == "table":
            body = Html(assets.files[f"{fig_id}.html"].read_text("utf-8"))
            cls = "rs-table"
        else:
            return self._video(assets, title, alt, width, caption)
        out = Html(
            '<figure class="rs-figure {cls} rs-w-{width}" id="fig-{id}">'
            '<figcaption class="rs-fig-title" id="fig-{id}-title">{title}</figcaption>{body}{caption}{link}</figure>'
        )
        link = self._page_link(fig)
        return block(
            out.format(
                cls=cls,
                width=width,
                id=fig_id,
                body=body,
                title=title,
                caption=Html('<p class="rs-fig-caption">{}</p>').format(caption) if caption else "",
                link=Html('<p class="rs-fig-links">{}</p>').format(link) if link else "",
            )
        )

    def _chart_body(self, assets: FigureAssets, title: str, alt: str) -> Html:
        """Each layout in a box of its drawing's aspect ratio (site.css shows the wide one on wide screens and the
        narrow one on phones; display: none also keeps the hidden one out of the accessibility tree), so the box has
        the chart's size before the chart is drawn or laid out and nothing moves when it is.

        Inline (``charts_inline``), the box holds the SVG, labelled by its own title and alt text. Otherwise the box
        is empty: it is the image for assistive technology (named by the figure's title above it and described by
        the alt text, both written here, never read from the fetched file), and charts.js fetches the published
        drawing (figures/<file>.svg) into it when it comes near, or before the page is printed; without scripts a
        <noscript> image shows the same file."""
        fig_id = assets.fig.id
        drawings = [("wide", f"{fig_id}.svg", "")]
        if f"{fig_id}.narrow.svg" in assets.files:
            drawings.append(("narrow", f"{fig_id}.narrow.svg", "n"))
        one = len(drawings) == 1
        boxes = []
        for layout, name, tag in drawings:
            svg = assets.files[name].read_text("utf-8")
            w, h = svg_size(svg)
            box = Html('<div class="rs-chart-box rs-chart-box--{layout}" style="aspect-ratio: {w:g} / {h:g}"').format(
                layout="only" if one else layout, w=w, h=h
            )
            if self.charts_inline:
                cls = "" if one else f"rs-chart-{layout}"
                boxes.append(box + Html(">") + Html(_inline_svg(svg, f"fig-{fig_id}", title, alt, cls, tag)))
            else:
                src = url(f"{self.base}figures/{name}")
                boxes.append(
                    box
                    + Html(
                        ' role="img" aria-labelledby="fig-{id}-title" aria-describedby="fig-{id}-desc"'
                        ' data-rs-chart="{src}"><noscript><img src="{src}" alt="" width="{w:.0f}" height="{h:.0f}" />'
                        "</noscript>"
                    ).format(id=fig_id, src=src, w=w, h=h)
                )
            boxes.append(Html("</div>"))
        if not self.charts_inline:  # the description both boxes point to (hidden: read only through them)
            boxes.append(
                Html('<p id="fig-{id}-desc" class="rs-chart-desc" hidden="">{alt}</p>').format(id=fig_id, alt=alt)
            )
        return Html("").join(boxes)

    def _page_link(self, fig: Figure) -> Html:
        """The small link from a figure to its own page (data, downloads, embed), named for screen readers."""
        if not self.figure_links:
            return Html("")
        return Html(
            ' <a class="rs-figpage" href="{base}figures/{id}/">Data, downloads and embed'
            '<span class="rs-sr-only"> for “{title}”</span></a>'
        ).format(base=self.base, id=fig.id, title=fig.title)

    def _video(self, assets: FigureAssets, title: str, alt: str, width: str = "outset", caption: str = "") -> Html:
        fig_id = assets.fig.id
        meta = assets.meta
        src = f"{self.base}figures/{fig_id}"
        # The first scene on a page gets its poster at once, unless it has a portrait render; every other scene
        # carries it as data-poster, which video.js turns into the poster of the render shown (portrait on a phone)
        # when the video comes within a screen of the viewport: a page load fetches neither every poster on the page
        # nor both posters of one scene (a poster attribute is fetched as it is parsed, before any script could
        # choose). Without JavaScript those videos show their first frame on play.
        self.scenes_placed += 1
        poster_attr = "poster" if self.scenes_placed == 1 and not meta.get("portrait") else "data-poster"
        return block(
            scene_player(
                fig_id,
                meta,
                src,
                title,
                alt,
                poster_attr,
                link=self._page_link(assets.fig),
                storyboard=storyboard_html(fig_id, meta, self.base),
                placement=width,
                caption=caption,
            )
        )

    def widget(self, name: str) -> Html:
        if self.widget_renderer is None:
            raise BuildError("widget(): no widget renderer available")
        return block(Html(self.widget_renderer(name, self.catalog)))


def base_of(page: PurePosixPath) -> str:
    """The way back to the site root from ``page`` (a path under docs/): MkDocs (use_directory_urls) writes foo.md
    to foo/index.html and index.md to index.html."""
    depth = 0 if page.stem == "index" else 1
    depth += len(page.parent.parts)
    return "../" * depth


def block(markup: Html) -> Html:
    """Raw HTML that Markdown passes through untouched: one block, no blank lines, no leading indentation."""
    lines = [ln.strip() for ln in str(markup).splitlines()]
    return Html("\n" + "\n".join(ln for ln in lines if ln) + "\n")


_SVG_OPEN = re.compile(r"<svg\b[^>]*>", re.S)


def _inline_svg(svg: str, dom_id: str, title: str, alt: str, cls: str = "", id_tag: str = "") -> str:
    """Make a standalone SVG inline-ready: no XML prolog, role=img, labelled by its title and described by alt.

    ``cls`` is added to the root's class; ``id_tag`` tells apart the title and desc ids of a second SVG of the same
    figure (``<dom_id>-<id_tag>t``, ``<dom_id>-<id_tag>d``)."""
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>", "", svg)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r"<title>.*?</title>", "", svg, count=1, flags=re.S)
    svg = re.sub(r"<desc>.*?</desc>", "", svg, count=1, flags=re.S)  # the file's own desc: replaced below
    t, d = html(title), html(alt)
    tid, did = f"{dom_id}-{id_tag}t", f"{dom_id}-{id_tag}d"

    def open_tag(m: re.Match[str]) -> str:
        tag = m.group(0)
        tag = re.sub(r'\s(role|aria-labelledby|aria-describedby)="[^"]*"', "", tag)
        if cls:
            tag, found = re.subn(r'\sclass="([^"]*)"', lambda c: f' class="{c.group(1)} {cls}"', tag, count=1)
            if not found:
                tag = tag[:-1] + f' class="{cls}">'
        return (
            tag[:-1] + f' role="img" aria-labelledby="{tid} {did}">'
            f'<title id="{tid}">{t}</title><desc id="{did}">{d}</desc>'
        )

    return _SVG_OPEN.sub(open_tag, svg, count=1).strip()
