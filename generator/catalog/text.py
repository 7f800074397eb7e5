"""Catalog text as plain text: a catalog string that is a template (a figure's ``alt``), rendered by Jinja2's
ImmutableSandboxedEnvironment with the names every catalog text and page sees for numbers (``catalog_names``).

It can call the number macros and read catalog values, but not reach Python internals (``{{ d.__builtins__... }}``
is a SecurityError), nor run long or grow large (issue 22): ranges share a budget of ``MAX_RANGE_ITEMS`` per
template, strings and lists built by ``*``, ``+`` and string methods stay under ``MAX_TEXT`` characters, the output
under ``MAX_OUTPUT``, and a render taking more than ``MAX_SECONDS`` is stopped; lipsum, cycler and the filters that
take a size are not offered. Any error is reported at the catalog field's line. The site (pages, figure pages, the
render keys of charts and tables) and the media kit (its manifest's descriptions) both render alt text, so it
lives here, below both; a page adds its own names (cite, figure, widget, glossary...) in
generator/site/article/pages.py, and escapes the text where it lands.
"""

from __future__ import annotations

import contextvars
import ctypes
import functools
import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from generator import derive
from generator.catalog.model import Catalog
from generator.compare import COMPARISONS
from generator.errors import BuildError, CatalogError, did_you_mean
from generator.escape import Text
from generator.format import FORMATTERS, NBSP, curly_quotes, num

#: Bounds of a catalog template (an alt text is a sentence or two with a few numbers).
MAX_RANGE_ITEMS = 10_000  # items of every range() of one render, together
MAX_TEXT = 100_000  # characters (or items) of a string or list the template builds
MAX_OUTPUT = 20_000  # characters of the rendered text
MAX_SECONDS = 2.0  # wall-clock time of one render


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
    return Text(value) if isinstance(value, str) else value  # catalog text: escaped wherever a page prints it


def _section(data: dict[str, Any], section: str) -> AttrDict:
    name, item = _SECTIONS[section]
    return _wrap(data[section], f"{name} (the catalog's {section})", item)


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def month_year(date: str) -> str:
    """A catalog date ("2026-12-06" or "2026-12") as the page says it: "December 2026"."""
    year, month = date.split("-")[:2]
    return f"{_MONTHS[int(month) - 1]} {year}"


def catalog_names(
    data: dict[str, Any], traced: dict[str, Any] | None = None, mark: Callable[[str, Any], Any] | None = None
) -> dict[str, Any]:
    """The names a catalog text or a page sees for numbers: the formatters, the comparison words, the catalog's
    sections (m, hw, fmt, facts, scaling, refs, meta), ``d`` (generator.derive), ``fact(id)``, ``as_of(id)`` (a
    fact's check date as "as of December 2026", for every claim that can go stale) and ``inf``.

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

    def as_of(fact_id: str) -> str:
        f = data["facts"].get(fact_id)
        if f is None or not f.get("as_of"):
            known = [k for k, v in data["facts"].items() if v.get("as_of")]
            hint = did_you_mean(fact_id, known)
            raise PageMistake(f"as_of(): no fact {fact_id!r} with an as_of date" + (f" ({hint})" if hint else ""))
        return f"as of {month_year(f['as_of'])}"

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
        as_of=as_of,
        inf=math.inf,
    )
    return out


class TemplateTooBig(Exception):
    """A catalog template went past one of the bounds above."""


_range_budget: contextvars.ContextVar[list[int]] = contextvars.ContextVar("rs_range_budget")


def _sized(value: Any) -> Any:
    if isinstance(value, (str, list, tuple, bytes)) and len(value) > MAX_TEXT:
        raise TemplateTooBig(f"a value of {len(value):,} characters or items (at most {MAX_TEXT:,})")
    return value


class _BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox with bounds on work and size (see the module's docstring)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_TEXT:
                    raise TemplateTooBig(f"a repetition of {len(seq) * n:,} characters or items (at most {MAX_TEXT:,})")
        if operator == "**" and isinstance(right, int) and abs(right) > 1000 and isinstance(left, int):
            raise TemplateTooBig(f"an integer power of {right:,} (at most 1,000)")
        if operator == "%" and isinstance(left, str):
            raise TemplateTooBig("%-formatting of strings (use the page macros)")
        return _sized(super().call_binop(context, operator, left, right))

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, (str, list, tuple)):
            for a in (*args, *kwargs.values()):
                if isinstance(a, int) and not isinstance(a, bool) and abs(a) > MAX_TEXT:
                    raise TemplateTooBig(
                        f"{getattr(__obj, '__name__', 'a method')}() with {a:,} (at most {MAX_TEXT:,})"
                    )
        return _sized(super().call(__context, __obj, *args, **kwargs))


def _range(*args: int) -> range:
    """range() drawing on the render's budget of MAX_RANGE_ITEMS items."""
    r = range(*args)
    budget = _range_budget.get([MAX_RANGE_ITEMS])
    budget[0] -= len(r)
    if budget[0] < 0:
        raise TemplateTooBig(f"ranges of more than {MAX_RANGE_ITEMS:,} items in all")
    return r


#: Filters that take a size and could build huge text, or format strings: not offered to catalog templates.
_UNBOUNDED_FILTERS = ("center", "indent", "wordwrap", "format", "batch", "slice", "random", "xmlattr", "urlize")


def _catalog_env() -> _BoundedEnvironment:
    env = _BoundedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)
    env.globals.clear()  # no lipsum, cycler, joiner, namespace, dict
    env.globals["range"] = _range
    for name in _UNBOUNDED_FILTERS:
        env.filters.pop(name, None)
    return env


class TemplateTimeout(BaseException):
    """Raised inside a catalog template's render when it has run for MAX_SECONDS (a BaseException: no
    ``except Exception`` on the way out catches it)."""


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise TemplateTimeout in this thread after ``seconds`` (an asynchronous exception, delivered between two
    Python bytecodes: a Jinja2 loop is Python code). Works in any thread; a late firing is withdrawn."""
    tid = threading.get_ident()
    lock = threading.Lock()
    state = {"done": False, "fired": False}
    set_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    set_exc.argtypes = (ctypes.c_ulong, ctypes.py_object)

    def fire() -> None:
        with lock:
            if not state["done"]:
                state["fired"] = True
                set_exc(tid, TemplateTimeout)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
            if state["fired"]:
                set_exc(tid, ctypes.py_object())  # NULL: withdraw an exception not yet delivered
        timer.cancel()


_CATALOG_ENV = _catalog_env()

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
    MemoryError,
    ZeroDivisionError,
    TemplateTooBig,
    TemplateTimeout,
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
    token = _range_budget.set([MAX_RANGE_ITEMS])
    try:
        with _deadline(MAX_SECONDS):
            out = _compiled(text).render(**context)
        if len(out) > MAX_OUTPUT:
            raise TemplateTooBig(f"{len(out):,} characters of text (at most {MAX_OUTPUT:,})")
        return out
    except TEMPLATE_ERRORS as exc:
        line, col = catalog.marks.get(tuple(path), (None, None))
        if isinstance(exc, jinja2.TemplateSyntaxError):
            found = f"a template syntax error: {exc.message}"
        elif isinstance(exc, jinja2.exceptions.SecurityError):
            found = f"unsafe template code ({exc})"
        elif isinstance(exc, TemplateTimeout):
            found = f"a template still running after {MAX_SECONDS:g} s"
        elif isinstance(exc, (TemplateTooBig, MemoryError)):
            found = f"a template too large: {exc or 'out of memory'}"
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
    finally:
        _range_budget.reset(token)


def alt_text(catalog: Catalog, fig_id: str) -> str:
    """A figure's alt text with its macros rendered in the sandbox (the same text its page shows); plain text. Its
    quotes are set after rendering, like every other catalog text's at loading (model.typeset_quotes)."""
    return curly_quotes(catalog_template(catalog, ("figures", fig_id, "alt"), catalog_names(catalog.data)))


def caption_text(catalog: Catalog, fig_id: str) -> str:
    """A figure's caption (what a reader needs beside it: a convention, what is left out and why), rendered in the
    sandbox like its alt text; "" when the figure has none. Shown under the figure in the article and on its figure
    page (generator/site/article/context.py)."""
    if "caption" not in catalog.data["figures"].get(fig_id, {}):
        return ""
    return curly_quotes(catalog_template(catalog, ("figures", fig_id, "caption"), catalog_names(catalog.data)))
