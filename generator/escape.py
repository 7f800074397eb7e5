"""Catalog text as text, in every output it can reach: one escaper per output context, and nothing else escapes.

Catalog strings (names, titles, alt texts, notes, definitions, the changelog, SITE_URL...) are untrusted input.
Each output the build writes has its own grammar, so each has its own function here, and a sink uses the one for
its context (tests/test_escape.py fails when a module escapes by hand or imports markupsafe):

=====================================  =============================================================================
context                                function
=====================================  =============================================================================
HTML text and quoted attribute values  ``html(value)``: character references for HTML's ``& < > " '`` *and* every
(in pages, which Markdown reads,       character Markdown, attr_list, tables and smarty act on, newlines and leading
and in plain HTML files)               blanks, so the value stays one run of text wherever Markdown finds it (inside
                                       an attribute of an inline tag, at the start of a line, in a table cell).
                                       ``html(value, markdown=False)``: HTML only, for fragments no Markdown reads
                                       (the embed snippet other sites paste, Chromium's PDF footer).
HTML built by the project              ``Html``: markupsafe's Markup whose ``format``, ``+`` and ``join`` escape their
                                       plain-string arguments with ``html()``; ``template_env()`` gives Jinja2
                                       environments whose every ``{{ value }}`` goes through ``html()``.
Catalog text in page templates         ``Text``: a str that any markupsafe or Jinja2 sink escapes with ``html()``
                                       (its ``__html__``), even when a template concatenates it with markup.
URL (href, src, Markdown link)         ``url(value)``: relative or http(s) only, percent-encoded.
URL as data for a script               ``url_text(value)``: the same checked, percent-encoded URL as plain text (in
                                       a JSON file a script sets as an attribute: cards.js's links), not HTML.
JSON files                             ``json_file(data)``: plain JSON (a file of its own, fetched by a script that
                                       sets its strings with textContent; no HTML reads it).
SITE_URL                               ``site_url(root)`` in generator/util/project.py: checked, percent-encoded;
                                       then the context's own escaper (``html``, ``xml``, ``bibtex_url``).
MkDocs page metadata (front matter)    ``front_matter(values)``: the theme prints ``title`` and ``description`` as
                                       raw HTML (in ``<title>``, ``<meta content="...">``, the header), so they are
                                       HTML-escaped here, once.
JSON inside HTML                       ``json_html(data)``: no ``<``, ``>``, ``&`` (a ``<template>`` island, a
                                       ``<script type="application/ld+json">``).
CSV cells                              ``csv_cell(value)``: numbers stay numbers; text starting with ``= + - @``, a
                                       tab or a carriage return gets a leading ``'`` (OWASP, CSV injection).
BibTeX / LaTeX                         ``bibtex(value)``: LaTeX specials as commands, braces never unbalanced;
                                       ``bibtex_url(value)`` for the verbatim ``url`` field.
XML (feed.xml)                         ``xml(value)``: ``& < > " '`` and characters XML 1.0 forbids.
WebVTT cue text                        ``vtt(value)``: ``& <`` and the ``-->`` arrow; one line.
The PDF's header and footer            ``pdf_template(value)``: Chromium's header/footer templates are HTML.
The PDF's document information         ``pdf_info(value)``: one line of plain text (pypdf writes the string).
=====================================  =============================================================================
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from markupsafe import Markup

from generator.errors import BuildError

# ---------------------------------------------------------------------------------------------------------------
# HTML (and Markdown around it)
# ---------------------------------------------------------------------------------------------------------------

#: What HTML, Markdown or one of the site's extensions (attr_list, tables, smarty, toc) acts on, as numeric character
#: references, which Markdown passes through as text and the browser shows as the character: HTML's specials, the
#: inline syntax (the brackets of links and images, code, emphasis, attribute lists, table cells), line breaks, an
#: underscore at the edge of a word (emphasis; ``gpt_3`` stays as it is), runs of dashes (smarty), and what starts a
#: block when a value starts a line: a list, heading or admonition marker, blanks (code), "1. " (an ordered list).
#: Parentheses, '!' and '#' elsewhere do nothing without the brackets, which are always escaped.
_MARKDOWN = re.compile(
    r"[\\`*\[\]{}|<>&\"'\n\r]|(?<!\w)_|_(?!\w)|-{2,}|^(?:[-+=~^#! \t]+(?:\d+(?=\.(?:\s|$)))?|\d+(?=\.(?:\s|$)))"
)
_HTML_TABLE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"})


def _refs(m: re.Match[str]) -> str:
    return "".join(f"&#{ord(c)};" for c in m.group(0))


def html(value: Any, markdown: bool = True) -> Html:
    """``value`` as HTML text or a quoted attribute value (``Html``/Markup passes through unchanged).

    With ``markdown`` (the default) the result is also inert as Markdown source: no character Markdown or its
    extensions act on survives, nor a line break, so it cannot become a tag, a link, an image, an attribute list or
    a block. ``markdown=False`` escapes for HTML alone (output no Markdown reads: a snippet other sites paste)."""
    if value is None:
        return Html("")
    if hasattr(value, "__html__"):
        return Html(value.__html__())
    text = str(value)
    if not markdown:
        return Html(text.translate(_HTML_TABLE))
    return Html(_MARKDOWN.sub(_refs, text))


class Html(Markup):
    """HTML the project built: ``Html('<a title="{t}">').format(t=text)``, ``+`` and ``join`` escape plain strings
    with ``html()`` (HTML and Markdown), never with markupsafe's HTML-only escape. Html and Markup pass through."""

    __slots__ = ()

    @classmethod
    def escape(cls, s: Any, /) -> Html:
        return html(s)


class Text(str):
    """Catalog text as page templates see it: wherever markupsafe or Jinja2 escapes it (autoescape, ``|e``,
    ``Markup + text``, ``a ~ b`` beside markup) it is escaped by ``html()``."""

    __slots__ = ()

    def __html__(self) -> Html:
        return html(str(self))


def text_tree(node: Any) -> Any:
    """``node`` (catalog data) with every string a ``Text``; dicts and lists copied, other values as they are."""
    if isinstance(node, str):
        return Text(node)
    if isinstance(node, dict):
        return {k: text_tree(v) for k, v in node.items()}
    if isinstance(node, list):
        return [text_tree(v) for v in node]
    return node


def finalize(value: Any) -> Any:
    """Jinja2's ``finalize``: every printed ``{{ value }}`` goes through ``html()`` (Markup is left alone)."""
    if value is None or isinstance(value, Markup):
        return value
    return html(value)


def template_env(
    loader: jinja2.BaseLoader | None, cls: type[jinja2.Environment] = jinja2.Environment, **options: Any
) -> jinja2.Environment:
    """A Jinja2 environment for HTML or Markdown output: StrictUndefined, autoescape, every value through
    ``html()``, the ``url`` filter. ``cls``: a (sandboxed) Environment subclass."""
    env = cls(loader=loader, undefined=jinja2.StrictUndefined, autoescape=True, finalize=finalize, **options)
    env.filters["url"] = url
    return env


# ---------------------------------------------------------------------------------------------------------------
# URLs
# ---------------------------------------------------------------------------------------------------------------

#: What a URL may keep as it is (RFC 3986 unreserved, '/', and '%' of an escape).
_URL_SAFE = "/-._~%"


def url(value: Any) -> Html:
    """A link destination (href, src, a Markdown link): a relative path or an http(s) URL, percent-encoded (no
    parentheses, spaces, quotes, line breaks or Markdown characters survive); anything else (``javascript:``,
    ``data:``) is a BuildError."""
    text = str(value)
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        raise BuildError(f"url: {text!r} is not a URL ({exc})") from None
    if parts.scheme and parts.scheme not in ("http", "https"):
        raise BuildError(f"url: {text!r} is not a relative path or an http(s) URL")
    if not parts.scheme and (parts.netloc or text.lstrip().startswith("//")):
        raise BuildError(f"url: {text!r}: a URL without a scheme must be a relative path")
    prefix = f"{parts.scheme}://{quote(parts.netloc, safe=':@[].-')}" if parts.scheme else ""
    out = prefix + quote(parts.path, safe=_URL_SAFE)
    if parts.query:
        out += "?" + quote(parts.query, safe=_URL_SAFE + "=&")
    if parts.fragment:
        out += "#" + quote(parts.fragment, safe=_URL_SAFE)
    return Html(out.replace("&", "&amp;"))


def url_text(value: Any) -> str:
    """``url(value)`` as plain text, for data a script sets as an attribute (``setAttribute`` takes the text as
    it is, so the HTML reference for '&' must not be there)."""
    return str(url(value)).replace("&amp;", "&")


# ---------------------------------------------------------------------------------------------------------------
# Structured text: front matter, JSON in HTML, CSV, BibTeX, XML, WebVTT, PDF
# ---------------------------------------------------------------------------------------------------------------

#: Front matter keys the theme prints as HTML (Material's base.html and header, overrides/partials/rts/social.html).
THEME_HTML_KEYS = ("title", "description", "rs_card_alt")


def front_matter(values: dict[str, Any]) -> Html:
    """A page's YAML front matter for MkDocs. The theme prints ``title``, ``description`` (and our ``rs_card_alt``)
    without escaping, in text and in attributes: those are HTML-escaped here, once, on one line."""
    lines = []
    for key, value in values.items():
        if key in THEME_HTML_KEYS:
            value = str(html(" ".join(str(value).split()), markdown=False))
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}\n")  # a JSON string is a YAML string
    return Html("---\n" + "".join(lines) + "---\n")


def json_html(data: Any, **options: Any) -> str:
    """``data`` as JSON that is safe as the text of any HTML element (a ``<template>`` island, a JSON-LD
    ``<script>``): no '<', '>' or '&' (so no ``</script>``, tag or entity), nor the two line separators JavaScript
    once refused in strings."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, **options)
    for c in "&<>\u2028\u2029":
        text = text.replace(c, f"\\u{ord(c):04x}")
    return text


def json_file(data: Any) -> bytes:
    """``data`` as a JSON file of its own (UTF-8, keys sorted: the same data gives the same bytes). Its strings are
    text to the script that reads it, which must set them with textContent and never parse them as HTML."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":")).encode()


#: A text cell starting with one of these is a formula to a spreadsheet (OWASP: CSV injection), fullwidth forms too.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(value: Any) -> Any:
    """A CSV cell: numbers (and booleans, None) as they are for the writer; text that a spreadsheet would read as a
    formula gets a leading apostrophe, so it stays text."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


_BIBTEX = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_BIBTEX_TABLE = str.maketrans(_BIBTEX)


def bibtex(value: Any) -> str:
    """A BibTeX field's text (inside ``{...}``): LaTeX's specials as commands, so braces stay balanced and no
    field or command can be added; line breaks become spaces."""
    return " ".join(str(value).split()).translate(_BIBTEX_TABLE)


def bibtex_url(value: Any) -> str:
    """A URL for BibTeX's verbatim ``url`` field: braces, backslashes, '%' signs of the text and blanks are
    percent-encoded (a checked SITE_URL has none of them; this keeps it so)."""
    return url_text(value).replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")


#: Characters XML 1.0 does not allow in a document (C0 controls but tab and line breaks, surrogates, U+FFFE/F).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml(value: Any) -> str:
    """XML text or a quoted attribute value: ``& < > " '`` as references, characters XML forbids replaced by
    U+FFFD."""
    text = _XML_INVALID.sub("\ufffd", str(value))
    return text.translate(_HTML_TABLE)


def vtt(value: Any) -> str:
    """WebVTT cue text: one line, '&' and '<' as references (no tag or class span), no '-->' (a cue timing)."""
    return " ".join(str(value).split()).replace("-->", "\u2192").replace("&", "&amp;").replace("<", "&lt;")


def pdf_template(value: Any) -> Html:
    """Text for Chromium's PDF header or footer template (HTML, no Markdown): HTML-escaped, one line."""
    return html(" ".join(str(value).split()), markdown=False)


def pdf_info(value: Any) -> str:
    """A PDF document information string (title, author, subject): one line of plain text; pypdf encodes it."""
    return " ".join(str(value).split())
