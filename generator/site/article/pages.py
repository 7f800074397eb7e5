"""Render docs/*.md (Jinja2 templates) into the staging tree, with macros for numbers, figures and citations.

Jinja2 runs with StrictUndefined (an unknown name fails the build with the page and line) and autoescaping on:
catalog strings are escaped wherever they land; macros that emit HTML return generator.escape.Html built from escaped parts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from generator import compare, derive
from generator import format as formats
from generator.catalog.model import Catalog
from generator.catalog.text import AttrDict, PageMistake, catalog_names
from generator.errors import BuildError, CatalogError, GeneratorBug, did_you_mean
from generator.escape import json_file
from generator.site.article import provenance
from generator.site.article.context import FigureAssets, PageContext, base_of, block
from generator.site.article.glossary import glossary_list, mark_terms
from generator.site.article.prose import allowed_names, check_alt_comparisons, check_front_matter, check_prose
from generator.site.article.safe_text import page_env
from generator.site.article.series import Series, check_placements, figure_pages, glossary_href


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


def make_env(loader: jinja2.BaseLoader | None) -> jinja2.Environment:
    return page_env(loader, _Environment)


def base_context(ctx: PageContext, marks: bool = True) -> dict[str, Any]:
    """The names a page sees: the catalog's names for numbers (generator/catalog/text.py), traced
    (generator/site/article/provenance.py), and the page's own macros. With ``marks`` each formatted number that
    carries provenance becomes a hover-card trigger."""
    data = ctx.catalog.data
    out = catalog_names(data, provenance.wrap_catalog(data), ctx.cards.mark if marks else None)
    out.update(
        cite=ctx.cite,
        references=ctx.references,
        glossary=lambda: glossary_list(data),
        figure=ctx.figure,
        widget=ctx.widget,
        base=ctx.base,
    )
    return out


class RenderedPages(dict[str, str]):
    """{relative path: markdown text} of every page, and the warnings the authors' rules gave (figures placed
    nowhere), which the build and `make check` print."""

    warnings: list[str]


def check_authors_rules(docs_dir: Path, catalog: Catalog, figures: dict[str, Any]) -> list[str]:
    """The rules a page's source must keep before it renders (generator/site/article/prose.py, series.py): no bare
    number or typed comparison in any page or include (nor a comparison in an alt text), each figure of ``figures``
    placed at most once across the series. BuildError at the first broken rule; returns the warnings."""
    names = allowed_names(catalog.data)
    for src in sorted(docs_dir.rglob("*.md")):
        check_prose(src.read_text("utf-8"), str(src), names)
    check_alt_comparisons(catalog.figures, catalog.where)
    return check_placements(docs_dir, figures, catalog.where)


def render_pages(
    docs_dir: Path,
    catalog: Catalog,
    figures: dict[str, FigureAssets],
    widget_renderer: Callable[[str, Catalog], str] | None,
    extra_context: dict[str, Any] | None = None,
    data_files: dict[str, bytes] | None = None,
) -> RenderedPages:
    """Render every docs/**/*.md into {relative path: markdown text}. Raises BuildError naming page and line.

    ``extra_context`` adds names for every page (the build passes ``media``: the Media page's list of files).
    ``data_files``, when given, receives the files the pages load on demand (each page's cards as JSON, by site
    path: ``PageContext.cards_path``)."""
    loader = jinja2.FileSystemLoader(str(docs_dir))
    env = make_env(loader)
    out = RenderedPages()
    out.warnings = check_authors_rules(docs_dir, catalog, figures)
    series = Series.read(docs_dir)  # parts: front matter `part: N` (generator/site/article/series.py)
    placed_in = figure_pages(docs_dir)
    for src in sorted(docs_dir.rglob("*.md")):
        rel = src.relative_to(docs_dir).as_posix()
        if any(part.startswith(("_", ".")) for part in PurePosixPath(rel).parts):
            continue
        page = PurePosixPath(rel)
        ctx = PageContext(catalog, figures, page, widget_renderer, glossary_href(docs_dir, rel, base_of(page)))
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
            finished = finish_page(text, ctx)
        except jinja2.TemplateSyntaxError as exc:
            raise BuildError(f"{src}:{exc.lineno}: template syntax error: {exc.message}") from exc
        except jinja2.TemplateNotFound as exc:
            raise BuildError(
                f"{src}:{_template_line(exc, rel)}: include of {exc.name!r}: no such page in {docs_dir} "
                "(includes name files inside docs/, relative to it)"
            ) from exc
        except jinja2.exceptions.SecurityError as exc:
            raise BuildError(f"{src}:{_template_line(exc, rel)}: unsafe template code: {exc}") from exc
        except CatalogError:
            raise  # a catalog text a page renders (an alt text): reported at its own field's line
        except Exception as exc:
            raise _page_error(exc, src, rel, names) from exc
        finally:
            provenance.deactivate(token)
        check_front_matter(src.read_text("utf-8"), text, src)
        out[rel] = finished + str(series.nav(rel, ctx.base))  # str: Markup would escape the page
        if data_files is not None and ctx.cards.data():
            data_files[ctx.cards_path] = json_file(ctx.cards.data())
    return out


def finish_page(text: str, ctx: PageContext) -> str:
    """After the template: glossary terms marked on first use per section, one tab stop per block of card triggers,
    then the page's cards appended."""
    text = provenance.one_stop_per_block(mark_terms(text, ctx))
    cards = ctx.cards.html(ctx.base + ctx.cards_path)
    return text + str(block(cards)) if cards else text


#: Code that only works on what a page hands it: a page's own template code, Jinja2 acting on it, the macros a page
#: calls on its own values, which check their arguments (generator.derive, .format, .compare), and the arithmetic of
#: traced numbers on the plain numbers (provenance.operate). An error raised there is the page's mistake.
_PAGE_CODE = {Path(m.__file__ or "").resolve() for m in (derive, formats, compare)}
_JINJA = Path(jinja2.__file__).resolve().parent


def _raised_by_the_page(exc: BaseException) -> bool:
    """Whether ``exc`` was raised where only the page's own values are at work (see _PAGE_CODE): else the
    generator's code failed on its own (a bug inside the provenance arithmetic, the page context...)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return True
    code = tb.tb_frame.f_code
    if code is provenance.operate.__code__ or not code.co_filename.endswith(".py"):  # a template compiles to a page
        return True
    path = Path(code.co_filename).resolve()
    return path in _PAGE_CODE or path.is_relative_to(_JINJA)


def _page_error(exc: Exception, src: Path, rel: str, names: dict[str, Any]) -> BuildError:
    """One line for an author's mistake (what a page wrote, in plain words, at its line); a GeneratorBug, whose
    traceback the command line prints, for a failure of the generator's own code while it rendered the page."""
    where = f"{src}:{_template_line(exc, rel)}"
    deliberate = isinstance(exc, (PageMistake, jinja2.UndefinedError, derive.NotApplicable)) or (
        isinstance(exc, BuildError) and not isinstance(exc, GeneratorBug)
    )
    if deliberate or _raised_by_the_page(exc):
        return BuildError(f"{where}: {_plain(exc, names)}")
    return GeneratorBug(
        f"{where}: the generator failed while rendering this line ({type(exc).__name__}: {exc}); "
        "this is a bug in generator/, not a mistake in the page: please report it with the traceback above"
    )


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


__all__ = ["RenderedPages", "base_context", "check_authors_rules", "make_env", "render_pages"]
