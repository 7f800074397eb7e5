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
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from generator import derive
from generator.catalog import Catalog
from generator.compare import COMPARISONS
from generator.errors import BuildError, did_you_mean
from generator.format import FORMATTERS, NBSP, num
from generator.render.registry import Figure
from generator.site.article import provenance
from generator.site.article.player import scene_player
from generator.site.article.safe_text import catalog_template, md_escape, page_env
from generator.site.article.series import Series, figure_pages
from generator.site.article.storyboard import storyboard_html


class PageMistake(BuildError):
    """A mistake in a page's template, in plain words (the build adds the page and line)."""


class AttrDict(dict):
    """Dict whose keys read as attributes in templates (m['gpt-1'].layers). A missing key fails at once, where it
    is written (a ``{% set %}`` line, not the line that later uses it), in plain words with a suggestion."""

    _what: str = "this catalog entry"  # how a message names the mapping: "the models (m)", "GPT-3 175B"
    _item: str = "field"  # what its keys are: "model", "device", "field"

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def missing(self, key: Any) -> PageMistake:
        hint = did_you_mean(str(key), [str(k) for k in self])
        return PageMistake(f"{self._what} has no {self._item} {str(key)!r}" + (f" ({hint})" if hint else ""))


#: Page names of the catalog's sections: (name in templates, what its keys are).
_SECTIONS = {
    "models": ("m", "model"),
    "hardware": ("hw", "device"),
    "formats": ("fmt", "number format"),
    "facts": ("facts", "fact"),
    "references": ("refs", "reference"),
    "scaling": ("scaling", "law"),
    "meta": ("meta", "field"),
}


def _wrap(value: Any, what: str = "this catalog entry", item: str = "field") -> Any:
    if isinstance(value, dict):
        out = AttrDict()
        for k, v in value.items():
            name = v.get("name") if isinstance(v, dict) else None
            out[k] = _wrap(v, name if isinstance(name, str) else f"{what}[{k!r}]", "field")
        out._what, out._item = what, item
        return out
    if isinstance(value, list):
        return [_wrap(v, what, item) for v in value]
    return value


def _section(data: dict[str, Any], section: str) -> AttrDict:
    name, item = _SECTIONS[section]
    return _wrap(data[section], f"{name} (the catalog's {section})", item)


class _Environment(SandboxedEnvironment):
    """Jinja2 with catalog lookups that fail where they are written: ``m['gpt-5']`` or ``m.gpt3.layer`` in a
    ``{% set %}`` is reported at that line with "did you mean", not later as an undefined value."""

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, AttrDict) and isinstance(argument, str) and argument not in obj:
            if not hasattr(dict, argument):
                raise obj.missing(argument)
        return super().getitem(obj, argument)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, AttrDict) and attribute not in obj and not hasattr(dict, attribute):
            raise obj.missing(attribute)
        return super().getattr(obj, attribute)


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
        # Hover cards (generator/site/article/provenance.py): numbers' formulas and sources, references, glossary terms.
        self.cards = provenance.Cards(catalog.references)
        #: Each figure links to its own page (figures/<id>/, generator/site/extras/figure_pages.py); off on those pages.
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
                hint = did_you_mean(ref_id, self.catalog.references)
                raise PageMistake(f"cite(): no reference {ref_id!r} in the catalog" + (f" ({hint})" if hint else ""))
            if ref_id not in self.cited:
                self.cited.append(ref_id)
            n = self.cited.index(ref_id) + 1
            ref = self.catalog.references[ref_id]
            card = self.cards.reference(ref_id)
            links.append(
                Markup(
                    '<a href="#ref-{id}" title="{title}" data-rs-card="{card}" aria-describedby="{card}">{n}</a>'
                ).format(
                    id=ref_id, title=md_escape(f"{ref['authors']} ({ref['year']}): {ref['title']}"), n=n, card=card
                )
            )
        return Markup('<sup class="rs-cite">[') + Markup(", ").join(links) + Markup("]</sup>")

    def references(self) -> Markup:
        items = []
        for ref_id in self.cited:
            ref = self.catalog.references[ref_id]
            note = Markup(" {}").format(md_escape(ref["note"])) if ref.get("note") else Markup("")
            items.append(
                Markup('<li id="ref-{id}">{authors} ({year}). <a href="{url}">{title}</a>.{note}</li>').format(
                    id=ref_id,
                    authors=md_escape(ref["authors"]),
                    year=ref["year"],
                    url=md_escape(ref["url"]),
                    title=md_escape(ref["title"]),
                    note=note,
                )
            )
        return Markup('<ol class="rs-refs">') + Markup("").join(items) + Markup("</ol>")

    # -- figures ---------------------------------------------------------------------------------------------
    def figure(self, fig_id: str) -> Markup:
        if fig_id not in self.figures:
            hint = did_you_mean(fig_id, self.figures)
            raise PageMistake(
                f"figure(): no figure {fig_id!r} in the catalog's figures"
                + (f" ({hint})" if hint else f"; known: {', '.join(sorted(self.figures))}")
            )
        if fig_id in self.used_figures:
            raise BuildError(f"figure(): {fig_id!r} is placed twice on this page")
        self.used_figures.append(fig_id)
        assets = self.figures[fig_id]
        fig = assets.fig
        title = fig.title
        alt = render_inline(fig_id, self)
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
        src = f"{self.base}figures/{fig_id}"
        # The first scene on a page gets its poster at once; later ones carry it as data-poster, which video.js
        # turns into the poster when the video comes within a screen of the viewport: a page load does not fetch
        # every poster on the page (without JavaScript those later videos show their first frame on play).
        self.scenes_placed += 1
        poster_attr = "poster" if self.scenes_placed == 1 else "data-poster"
        return _block(
            scene_player(
                fig_id,
                meta,
                src,
                title,
                alt,
                poster_attr,
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


def render_inline(fig_id: str, ctx: PageContext) -> str:
    """Render a figure's alt text (a catalog template) in the sandbox, with the page's number macros, as plain text."""
    token = provenance.activate(None)  # alt text is an attribute: plain numbers, no cards
    try:
        return catalog_template(ctx.catalog, ("figures", fig_id, "alt"), base_context(ctx, marks=False))
    finally:
        provenance.deactivate(token)


def alt_text(fig: Figure, catalog: Catalog) -> str:
    """A figure's alt text with its macros rendered in the sandbox (the same text the page shows); plain text."""
    return render_inline(fig.id, PageContext(catalog, {}, PurePosixPath("index.md"), None))


def make_env(loader: jinja2.BaseLoader | None) -> jinja2.Environment:
    return page_env(loader, _Environment)


def base_context(ctx: PageContext, marks: bool = True) -> dict[str, Any]:
    """The names a page sees. Catalog numbers are traced (generator/site/article/provenance.py); with ``marks`` each
    formatted number that carries provenance becomes a hover-card trigger."""
    data = ctx.catalog.data
    traced = provenance.wrap_catalog(data)

    def marked(fn: Callable[..., str]) -> Callable[..., Any]:
        def call(x: Any, *args: Any, **kwargs: Any) -> Any:
            text = fn(x, *args, **kwargs)
            return ctx.cards.mark(text, x) if marks else text

        return call

    out: dict[str, Any] = {name: marked(fn) for name, fn in FORMATTERS.items()}
    out.update(COMPARISONS)  # words, not numbers: no hover card

    def fact(fact_id: str, digits: int | None = None) -> Any:
        f = traced["facts"].get(fact_id)
        if f is None:
            hint = did_you_mean(fact_id, data["facts"])
            raise PageMistake(f"fact(): no fact {fact_id!r} in the catalog" + (f" ({hint})" if hint else ""))
        unit = f["unit"]
        value = num(f["value"], digits)
        if unit:
            value = f"{value}{unit}" if unit in ("×", "%") else f"{value}{NBSP}{unit}"
        return ctx.cards.mark(value, f["value"]) if marks else value

    out.update(
        m=_section(traced, "models"),
        hw=_section(traced, "hardware"),
        fmt=_section(traced, "formats"),
        facts=_section(traced, "facts"),
        scaling=_section(traced, "scaling"),
        refs=_section(data, "references"),
        meta=_section(data, "meta"),
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
    series = Series.read(docs_dir)  # parts: front matter `part: N` (generator/site/article/series.py)
    placed_in = figure_pages(docs_dir)
    out: dict[str, str] = {}
    for src in sorted(docs_dir.rglob("*.md")):
        rel = src.relative_to(docs_dir).as_posix()
        if any(part.startswith(("_", ".")) for part in PurePosixPath(rel).parts):
            continue
        ctx = PageContext(catalog, figures, PurePosixPath(rel), widget_renderer)
        names = {
            **base_context(ctx),
            "contents": lambda ctx=ctx: series.contents(ctx.base),
            "parts": series.parts,
            "placed_in": placed_in,
            **(extra_context or {}),
        }
        token = provenance.activate(ctx.cards)
        try:
            template = env.get_template(rel)
            text = template.render(**names)
            text = finish_page(text, ctx)
        except jinja2.TemplateSyntaxError as exc:
            raise BuildError(f"{src}:{exc.lineno}: template syntax error: {exc.message}") from None
        except (PageMistake, jinja2.UndefinedError) as exc:
            raise BuildError(f"{src}:{_template_line(exc, rel)}: {_plain(exc, names)}") from None
        except jinja2.TemplateNotFound as exc:
            raise BuildError(
                f"{src}:{_template_line(exc, rel)}: include of {exc.name!r}: no such page in {docs_dir} "
                "(includes name files inside docs/, relative to it)"
            ) from None
        except jinja2.exceptions.SecurityError as exc:
            raise BuildError(f"{src}:{_template_line(exc, rel)}: unsafe template code: {exc}") from None
        except (
            BuildError,
            AttributeError,
            KeyError,
            TypeError,
            ValueError,
            derive.NotApplicable,
        ) as exc:
            raise BuildError(f"{src}:{_template_line(exc, rel)}: {_plain(exc, names)}") from None
        finally:
            provenance.deactivate(token)
        out[rel] = text + str(series.nav(rel, ctx.base))  # str: Markup would escape the page
    return out


def _glossary_list(data: dict[str, Any]) -> Markup:
    from generator.site.article.glossary import glossary_list

    return glossary_list(data)


def finish_page(text: str, ctx: PageContext) -> str:
    """After the template: glossary terms marked on first use per section, then the page's cards appended."""
    from generator.site.article import glossary

    text = glossary.mark_terms(text, ctx)
    cards = ctx.cards.html()
    return text + str(_block(cards)) if cards else text


def _plain(exc: BaseException, names: dict[str, Any]) -> str:
    """An exception from a page in plain words: no internal class names, and "did you mean" for unknown names."""
    text = str(exc)
    undefined = re.fullmatch(r"'([^']+)' is undefined", text)
    if undefined:
        hint = did_you_mean(undefined.group(1), names)
        return f"{undefined.group(1)!r} is not a name pages know" + (f" ({hint})" if hint else "")
    text = re.sub(r"'?(?:[\w.]+\.)?AttrDict(?: object)?'?", "a catalog entry", text)
    text = re.sub(r"<[\w.]+ object at 0x[0-9a-f]+>", "a value", text)
    if isinstance(exc, (PageMistake, jinja2.UndefinedError)):
        return text
    kind = {
        "TypeError": "wrong kind of value",
        "ValueError": "bad value",
        "KeyError": "no such key",
        "AttributeError": "no such field",
        "NotApplicable": "does not apply",
        "BuildError": "error",
    }.get(type(exc).__name__, "error")
    return f"{kind}: {text}"


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
