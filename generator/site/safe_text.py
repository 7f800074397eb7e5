"""Catalog text as text: never code, never Markdown, never HTML.

Two rules for everything that comes from the catalog:

- A catalog string that is a template (a figure's ``alt``) is rendered by a bounded ImmutableSandboxedEnvironment:
  it can call the page macros and read catalog values, but not reach Python internals
  (``{{ d.__builtins__... }}`` is a SecurityError), nor run long or grow large: ranges share a budget of
  ``MAX_RANGE_ITEMS`` per template, strings and lists built by ``*``, ``+`` and string methods stay under
  ``MAX_TEXT`` characters, the output under ``MAX_OUTPUT``, and a render taking more than ``MAX_SECONDS`` is
  stopped. Any error is reported at the catalog field's line.
- Every value a page prints with ``{{ ... }}`` is escaped by ``generator.escape.html`` (HTML *and* Markdown: the page
  is read as Markdown after Jinja2); catalog strings reach templates as ``generator.escape.Text``, which every
  markupsafe or Jinja2 sink escapes the same way. Macros that build HTML return ``generator.escape.Html``.

A value printed inside a Markdown code span would show its references literally: pages print values in
``<code>{{ ... }}</code>``, never between backticks. A value used as a Markdown link or image destination,
``[text]({{ x | url }})``, goes through the ``url`` filter (``generator.escape.url``) instead.
"""

from __future__ import annotations

import contextvars
import ctypes
import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment

from generator.catalog import Catalog
from generator.errors import BuildError, CatalogError
from generator.escape import template_env

#: Bounds of a catalog template (an alt text is a sentence or two with a few numbers).
MAX_RANGE_ITEMS = 10_000  # items of every range() of one render, together
MAX_TEXT = 100_000  # characters (or items) of a string or list the template builds
MAX_OUTPUT = 20_000  # characters of the rendered text
MAX_SECONDS = 2.0  # wall-clock time of one render


def page_env(
    loader: jinja2.BaseLoader | None, cls: type[SandboxedEnvironment] = SandboxedEnvironment
) -> jinja2.Environment:
    """The pages' environment: sandboxed (no Python internals), StrictUndefined, values escaped by escape.html.
    ``cls`` may be a SandboxedEnvironment subclass (the pages' one reports catalog lookups where they fail)."""
    return template_env(loader, cls, keep_trailing_newline=True)


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
