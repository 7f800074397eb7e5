"""Catalog text as plain text: a catalog string that is a template (a figure's ``alt``), rendered by Jinja2's
ImmutableSandboxedEnvironment with the names every catalog text and page sees for numbers (``catalog_names``).

It can call the number macros and read catalog values, but not reach Python internals (``{{ d.__builtins__... }}``
is a SecurityError), and any error is reported at the catalog field's line. The site (pages, figure pages, the
render keys of charts and tables) and the media kit (its manifest's descriptions) both render alt text, so it
lives here, below both; a page adds its own names (cite, figure, widget, glossary...) in
generator/site/article/pages.py, and escapes the text where it lands.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from generator import derive
from generator.catalog import Catalog
from generator.compare import COMPARISONS
from generator.errors import BuildError, CatalogError, did_you_mean
from generator.format import FORMATTERS, NBSP, num


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


def catalog_names(
    data: dict[str, Any], traced: dict[str, Any] | None = None, mark: Callable[[str, Any], Any] | None = None
) -> dict[str, Any]:
    """The names a catalog text or a page sees for numbers: the formatters, the comparison words, the catalog's
    sections (m, hw, fmt, facts, scaling, refs, meta), ``d`` (generator.derive), ``fact(id)`` and ``inf``.

    ``traced`` is the catalog as a page's numbers see it (generator/site/article/provenance.py; ``data`` itself for
    plain text); ``mark(text, value)``, when given, turns each formatted number into its hover-card trigger."""
    numbers = data if traced is None else traced

    def marked(fn: Callable[..., str]) -> Callable[..., Any]:
        def call(x: Any, *args: Any, **kwargs: Any) -> Any:
            text = fn(x, *args, **kwargs)
            return mark(text, x) if mark else text

        return call

    out: dict[str, Any] = {name: marked(fn) for name, fn in FORMATTERS.items()}
    out.update(COMPARISONS)  # words, not numbers: no hover card

    def fact(fact_id: str, digits: int | None = None) -> Any:
        f = numbers["facts"].get(fact_id)
        if f is None:
            hint = did_you_mean(fact_id, data["facts"])
            raise PageMistake(f"fact(): no fact {fact_id!r} in the catalog" + (f" ({hint})" if hint else ""))
        unit = f["unit"]
        value = num(f["value"], digits)
        if unit:
            value = f"{value}{unit}" if unit in ("×", "%") else f"{value}{NBSP}{unit}"
        return mark(value, f["value"]) if mark else value

    out.update(
        m=_section(numbers, "models"),
        hw=_section(numbers, "hardware"),
        fmt=_section(numbers, "formats"),
        facts=_section(numbers, "facts"),
        scaling=_section(numbers, "scaling"),
        refs=_section(data, "references"),
        meta=_section(data, "meta"),
        d=derive,
        fact=fact,
        inf=math.inf,
    )
    return out


_CATALOG_ENV = ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)

#: What a catalog template may fail with; anything else is a bug in the generator and keeps its traceback.
TEMPLATE_ERRORS = (
    jinja2.TemplateError,
    BuildError,
    AttributeError,
    KeyError,
    TypeError,
    ValueError,
    OverflowError,
    RecursionError,
)


@functools.lru_cache(maxsize=512)
def _compiled(text: str) -> jinja2.Template:
    """A catalog template compiled once per text (a build renders each alt text several times)."""
    return _CATALOG_ENV.from_string(text)


def catalog_template(catalog: Catalog, path: tuple[str, ...], context: dict[str, Any]) -> str:
    """Render the catalog string at ``path`` (e.g. ("figures", "attention_cost", "alt")) as a sandboxed template,
    as plain text (the caller escapes it where it lands). Errors are CatalogErrors at that field's line."""
    node: Any = catalog.data
    for key in path:
        node = node[key]
    text = str(node)
    try:
        return _compiled(text).render(**context)
    except TEMPLATE_ERRORS as exc:
        line, col = catalog.marks.get(tuple(path), (None, None))
        if isinstance(exc, jinja2.TemplateSyntaxError):
            found = f"a template syntax error: {exc.message}"
        elif isinstance(exc, jinja2.exceptions.SecurityError):
            found = f"unsafe template code ({exc})"
        else:
            found = f"{type(exc).__name__}: {exc}"
        raise CatalogError(
            str(catalog.path),
            line,
            col,
            ".".join(path),
            "text using only the page macros ({{ num(...) }}, {{ m['id'].field }}...)",
            found,
            "catalog text is data: it cannot reach Python",
        ) from None


def alt_text(catalog: Catalog, fig_id: str) -> str:
    """A figure's alt text with its macros rendered in the sandbox (the same text its page shows); plain text."""
    return catalog_template(catalog, ("figures", fig_id, "alt"), catalog_names(catalog.data))
