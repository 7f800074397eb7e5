"""Catalog text as text: never code, never Markdown, never HTML.

Two rules for everything that comes from the catalog:

- A catalog string that is a template (a figure's ``alt``) is rendered by Jinja2's ImmutableSandboxedEnvironment
  (generator/catalog/text.py): it can call the number macros and read catalog values, but not reach Python
  internals (``{{ d.__builtins__... }}`` is a SecurityError), and any error is reported at the catalog field's line.
- Every value a page prints with ``{{ ... }}`` is escaped for HTML *and* for Markdown (the page is read as
  Markdown after Jinja2): the characters Markdown or attr_list act on become numeric character references, which
  Markdown passes through as text and the browser shows as the character. Macros that build HTML return Markup
  (left alone) and escape their own parts with ``md_escape``.

A value printed inside a Markdown code span would show its references literally: pages print values in
``<code>{{ ... }}</code>``, never between backticks. A value used as a Markdown link or image destination,
``[text]({{ x | url }})``, goes through the ``url`` filter instead: percent-encoded, and only relative or http(s).
"""

from __future__ import annotations

from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from generator.errors import BuildError

#: Characters Markdown (inline and block), attr_list ({: ...}) or HTML act on, as numeric character references.
_ENTITIES = {c: f"&#{ord(c)};" for c in "\\`*_[]{}()!#|<>&\"'"}
_TABLE = str.maketrans(_ENTITIES)


def md_escape(value: Any) -> Markup:
    """``value`` as text that HTML and Markdown both leave alone (Markup passes through unchanged)."""
    if isinstance(value, Markup) or hasattr(value, "__html__"):
        return Markup(value.__html__())
    return Markup(str(value).translate(_TABLE))


def finalize(value: Any) -> Any:
    """Jinja2's ``finalize`` for pages: every printed value goes through md_escape (Markup is left alone)."""
    if value is None or isinstance(value, Markup):
        return value
    return md_escape(value)


#: What a URL may keep as it is in a Markdown link destination (RFC 3986 unreserved, '/', and '%' of an escape).
_URL_SAFE = "/-._~%"


def url(value: Any) -> Markup:
    """A link destination for Markdown: a relative path or an http(s) URL, percent-encoded (no parentheses, spaces,
    quotes or Markdown characters survive); anything else (``javascript:``...) is a BuildError."""
    from urllib.parse import quote, urlsplit

    text = str(value)
    parts = urlsplit(text)
    if parts.scheme and parts.scheme not in ("http", "https"):
        raise BuildError(f"url: {text!r} is not a relative path or an http(s) URL")
    prefix = f"{parts.scheme}://{quote(parts.netloc, safe=':@[].-')}" if parts.scheme else ""
    out = prefix + quote(parts.path, safe=_URL_SAFE)
    if parts.query:
        out += "?" + quote(parts.query, safe=_URL_SAFE + "=&")
    if parts.fragment:
        out += "#" + quote(parts.fragment, safe=_URL_SAFE)
    return Markup(out)


def page_env(
    loader: jinja2.BaseLoader | None, cls: type[SandboxedEnvironment] = SandboxedEnvironment
) -> jinja2.Environment:
    """The pages' environment: sandboxed (no Python internals), StrictUndefined, values escaped for Markdown.
    ``cls`` may be a SandboxedEnvironment subclass (the pages' one reports catalog lookups where they fail)."""
    env = cls(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
        finalize=finalize,
    )
    env.filters["url"] = url
    return env
