"""Render docs/*.md (Jinja2 templates) into the staging tree, with macros for numbers, figures and citations.

Jinja2 runs with StrictUndefined (an unknown name fails the build with the page and line) and autoescaping on:
catalog strings are escaped wherever they land; macros that emit HTML return Markup built from escaped parts.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
from markupsafe import Markup

from generator import derive
from generator.catalog import Catalog
from generator.errors import BuildError
from generator.format import FORMATTERS, NBSP, num
from generator.render.registry import Figure
from generator.site import provenance
from generator.site.storyboard import storyboard_html


class AttrDict(dict):
    """Dict whose keys read as attributes in templates (m['gpt-1'].layers); a missing key is an error."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _wrap(value: Any) -> Any:
    if isinstance(value, dict):
        return AttrDict({k: _wrap(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


# ---------------------------------------------------------------------------------------------------------------
# Page context: citations, figures, widgets
# ---------------------------------------------------------------------------------------------------------------


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
    ) -> None:
        self.catalog = catalog
        self.figures = figures
        self.page = page
        self.cited: list[str] = []
        self.used_figures: list[str] = []
        self.scenes_placed = 0
        self.widget_renderer = widget_renderer
        # Hover cards (generator/site/provenance.py): numbers' formulas and sources, references, glossary terms.
        self.cards = provenance.Cards(catalog.references)
        #: Each figure links to its own page (figures/<id>/, generator/site/figure_pages.py); off on those pages.
        self.figure_links = True
        # MkDocs (use_directory_urls) writes foo.md to foo/index.html and index.md to index.html.
        depth = 0 if page.stem == "index" else 1
        depth += len(page.parent.parts)
        self.base = "../" * depth

    # -- citations -------------------------------------------------------------------------------------------
    def cite(self, *ref_ids: str) -> Markup:
        if not ref_ids:
            raise BuildError("cite() needs at least one reference id")
        links = []
        for ref_id in ref_ids:
            if ref_id not in self.catalog.references:
                raise BuildError(f"cite(): unknown reference id {ref_id!r}")
            if ref_id not in self.cited:
                self.cited.append(ref_id)
            n = self.cited.index(ref_id) + 1
            ref = self.catalog.references[ref_id]
            card = self.cards.reference(ref_id)
            links.append(
                Markup(
                    '<a href="#ref-{id}" title="{title}" data-rs-card="{card}" aria-describedby="{card}">{n}</a>'
                ).format(id=ref_id, title=f"{ref['authors']} ({ref['year']}): {ref['title']}", n=n, card=card)
            )
        return Markup('<sup class="rs-cite">[') + Markup(", ").join(links) + Markup("]</sup>")

    def references(self) -> Markup:
        items = []
        for ref_id in self.cited:
            ref = self.catalog.references[ref_id]
            note = Markup(" {}").format(ref["note"]) if ref.get("note") else Markup("")
            items.append(
                Markup('<li id="ref-{id}">{authors} ({year}). <a href="{url}">{title}</a>.{note}</li>').format(
                    id=ref_id, authors=ref["authors"], year=ref["year"], url=ref["url"], title=ref["title"], note=note
                )
            )
        return Markup('<ol class="rs-refs">') + Markup("").join(items) + Markup("</ol>")

    # -- figures ---------------------------------------------------------------------------------------------
    def figure(self, fig_id: str) -> Markup:
        if fig_id not in self.figures:
            raise BuildError(f"figure(): unknown figure id {fig_id!r}; known: {', '.join(sorted(self.figures))}")
        if fig_id in self.used_figures:
            raise BuildError(f"figure(): {fig_id!r} is placed twice on this page")
        self.used_figures.append(fig_id)
        assets = self.figures[fig_id]
        fig = assets.fig
        title = fig.title
        alt = render_inline(fig.alt, self)
        if fig.kind == "chart":
            # Both layouts inline; site.css shows the wide one on wide screens and the narrow one on phones
            # (display: none also keeps the hidden one out of the accessibility tree).
            svg = assets.files[f"{fig_id}.svg"].read_text("utf-8")
            narrow = assets.files.get(f"{fig_id}.narrow.svg")
            if narrow is None:
                body = Markup(_inline_svg(svg, f"fig-{fig_id}", title, alt))
            else:
                body = Markup(
                    _inline_svg(svg, f"fig-{fig_id}", title, alt, cls="rs-chart-wide")
                    + _inline_svg(
                        narrow.read_text("utf-8"), f"fig-{fig_id}", title, alt, cls="rs-chart-narrow", id_tag="n"
                    )
                )
            cls = "rs-chart"
        elif fig.kind == "table":
            body = Markup(assets.files[f"{fig_id}.html"].read_text("utf-8"))
            cls = "rs-table"
        else:
            return self._video(assets, title, alt)
        out = Markup(
            '<figure class="rs-figure {cls}" id="fig-{id}">{body}<figcaption>{title}{link}</figcaption></figure>'
        )
        return _block(out.format(cls=cls, id=fig_id, body=body, title=title, link=self._page_link(fig)))

    def _page_link(self, fig: Figure) -> Markup:
        """The small link from a figure to its own page (data, downloads, embed), named for screen readers."""
        if not self.figure_links:
            return Markup("")
        return Markup(
            ' <a class="rs-figpage" href="{base}figures/{id}/">Data, downloads and embed'
            '<span class="rs-sr-only"> for “{title}”</span></a>'
        ).format(base=self.base, id=fig.id, title=fig.title)

    def _video(self, assets: FigureAssets, title: str, alt: str) -> Markup:
        fig_id = assets.fig.id
        meta = assets.meta
        w, h = meta.get("width", 1920), meta.get("height", 1080)
        src = f"{self.base}figures/{fig_id}"
        desc = meta.get("description") or alt
        paras = Markup("").join(Markup("<p>{}</p>").format(p) for p in str(desc).split("\n\n") if p.strip())
        # The first scene on a page gets its poster at once; later ones carry it as data-poster, which video.js
        # turns into the poster when the video comes within a screen of the viewport: a page load does not fetch
        # every poster on the page (without JavaScript those later videos show their first frame on play).
        self.scenes_placed += 1
        poster_attr = "poster" if self.scenes_placed == 1 else "data-poster"
        out = Markup(
            '<figure class="rs-figure rs-scene" id="fig-{id}">'
            '<video class="rs-video" controls muted playsinline preload="none" width="{w}" height="{h}" '
            '{poster_attr}="{src}.poster.webp" aria-label="{alt}" aria-describedby="fig-{id}-desc">'
            '<source src="{src}.mp4" type="video/mp4">'
            '<track kind="captions" src="{src}.vtt" srclang="en" label="English">'
            "</video>"
            '<figcaption>{title} <a class="rs-download" href="{src}.mp4" download>Download MP4</a>{link}</figcaption>'
            '<details class="rs-transcript"><summary>What the animation shows</summary>'
            '<div id="fig-{id}-desc">{paras}</div></details>'
            "{storyboard}"
            "</figure>"
        )
        return _block(
            out.format(
                id=fig_id,
                w=w,
                h=h,
                src=src,
                alt=alt,
                title=title,
                paras=paras,
                poster_attr=Markup(poster_attr),
                link=self._page_link(assets.fig),
                storyboard=storyboard_html(fig_id, meta, self.base),
            )
        )

    def widget(self, name: str) -> Markup:
        if self.widget_renderer is None:
            raise BuildError("widget(): no widget renderer available")
        return _block(Markup(self.widget_renderer(name, self.catalog)))


def _block(markup: Markup) -> Markup:
    """Raw HTML that Markdown passes through untouched: one block, no blank lines, no leading indentation."""
    lines = [ln.strip() for ln in str(markup).splitlines()]
    return Markup("\n" + "\n".join(ln for ln in lines if ln) + "\n")


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
    t, d = html.escape(title), html.escape(alt)
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


def render_inline(template: str, ctx: PageContext) -> str:
    """Render a short catalog template (alt text) with the page's number macros."""
    env = make_env(None)
    token = provenance.activate(None)  # alt text is an attribute: plain numbers, no cards
    try:
        return env.from_string(template).render(**base_context(ctx, marks=False))
    finally:
        provenance.deactivate(token)


def alt_text(fig: Figure, catalog: Catalog) -> str:
    """A figure's alt text with its macros rendered (the same text the page shows)."""
    return render_inline(fig.alt, PageContext(catalog, {}, PurePosixPath("index.md"), None))


def make_env(loader: jinja2.BaseLoader | None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=loader, undefined=jinja2.StrictUndefined, autoescape=True, keep_trailing_newline=True
    )
    return env


def base_context(ctx: PageContext, marks: bool = True) -> dict[str, Any]:
    """The names a page sees. Catalog numbers are traced (generator/site/provenance.py); with ``marks`` each
    formatted number that carries provenance becomes a hover-card trigger."""
    data = ctx.catalog.data
    traced = provenance.wrap_catalog(data)

    def marked(fn: Callable[..., str]) -> Callable[..., Any]:
        def call(x: Any, *args: Any, **kwargs: Any) -> Any:
            text = fn(x, *args, **kwargs)
            return ctx.cards.mark(text, x) if marks else text

        return call

    out: dict[str, Any] = {name: marked(fn) for name, fn in FORMATTERS.items()}

    def fact(fact_id: str, digits: int | None = None) -> Any:
        f = traced["facts"].get(fact_id)
        if f is None:
            raise BuildError(f"fact(): unknown fact id {fact_id!r}")
        unit = f["unit"]
        value = num(f["value"], digits)
        if unit:
            value = f"{value}{unit}" if unit in ("×", "%") else f"{value}{NBSP}{unit}"
        return ctx.cards.mark(value, f["value"]) if marks else value

    out.update(
        m=_wrap(traced["models"]),
        hw=_wrap(traced["hardware"]),
        fmt=_wrap(traced["formats"]),
        facts=_wrap(traced["facts"]),
        scaling=_wrap(traced["scaling"]),
        refs=_wrap(data["references"]),
        meta=_wrap(data["meta"]),
        d=derive,
        fact=fact,
        cite=ctx.cite,
        references=ctx.references,
        glossary=lambda: _glossary_list(data),
        figure=ctx.figure,
        widget=ctx.widget,
        base=ctx.base,
        inf=math.inf,
    )
    return out


def render_pages(
    docs_dir: Path,
    catalog: Catalog,
    figures: dict[str, FigureAssets],
    widget_renderer: Callable[[str, Catalog], str] | None,
    extra_context: dict[str, Any] | None = None,
) -> dict[str, str]:
    """Render every docs/**/*.md into {relative path: markdown text}. Raises BuildError naming page and line.

    ``extra_context`` adds names for every page (the build passes ``media``: the Media page's list of files)."""
    loader = jinja2.FileSystemLoader(str(docs_dir))
    env = make_env(loader)
    out: dict[str, str] = {}
    for src in sorted(docs_dir.rglob("*.md")):
        rel = src.relative_to(docs_dir).as_posix()
        if any(part.startswith(("_", ".")) for part in PurePosixPath(rel).parts):
            continue
        ctx = PageContext(catalog, figures, PurePosixPath(rel), widget_renderer)
        token = provenance.activate(ctx.cards)
        try:
            template = env.get_template(rel)
            text = template.render(**{**base_context(ctx), **(extra_context or {})})
            text = finish_page(text, ctx)
        except jinja2.TemplateSyntaxError as exc:
            raise BuildError(f"{src}:{exc.lineno}: template syntax error: {exc.message}") from None
        except (
            jinja2.UndefinedError,
            BuildError,
            AttributeError,
            KeyError,
            TypeError,
            ValueError,
            derive.NotApplicable,
        ) as exc:
            raise BuildError(f"{src}:{_template_line(exc, rel)}: {type(exc).__name__}: {exc}") from None
        finally:
            provenance.deactivate(token)
        out[rel] = text
    return out


def _glossary_list(data: dict[str, Any]) -> Markup:
    from generator.site.glossary import glossary_list

    return glossary_list(data)


def finish_page(text: str, ctx: PageContext) -> str:
    """After the template: glossary terms marked on first use per section, then the page's cards appended."""
    from generator.site import glossary

    text = glossary.mark_terms(text, ctx)
    cards = ctx.cards.html()
    return text + str(_block(cards)) if cards else text


def _template_line(exc: BaseException, rel: str) -> str:
    """The template line an exception was raised from (Jinja2 maps it into the traceback)."""
    tb = exc.__traceback__
    line = "?"
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(rel):
            line = str(tb.tb_lineno)
        tb = tb.tb_next
    return line


__all__ = ["render_pages", "FigureAssets", "PageContext", "alt_text"]
