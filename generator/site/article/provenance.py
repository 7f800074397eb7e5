"""Numbers that know where they come from: the provenance behind every number a page shows.

The page macros see the catalog through ``wrap_catalog``: each numeric leaf becomes a ``TInt`` or ``TFloat`` (a
subclass of int or float, so generator.derive and generator.format use it as the plain number it is) that carries a
``Leaf``: what it is (model and field), its sources (reference ids) and its verification level. Arithmetic on them,
in the template or inside generator.derive, builds an expression tree (``Op``), so the value that reaches a
formatter knows its formula with the catalog inputs filled in. ``Cards`` turns that into the page's hover cards:
the formatted number becomes a focusable ``<span class="rs-num">`` described by a card (``aria-describedby``) that
states the formula, each input with its source (a link to the reference) and verification level; cards are
written once per page (same formula, same card) at the end of the page and shown by
docs/assets/js/widgets/cards.js. The same text goes into the trigger's ``title`` for readers without JavaScript.
"""

from __future__ import annotations

import contextvars
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.catalog.schema import field_label
from generator.escape import Html, html, url, url_text
from generator.format import num

# ---------------------------------------------------------------------------------------------------------------
# Expression trees
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Leaf:
    """One catalog number: ``path`` (models.llama-3.1-70b.layers), ``owner`` (Llama 3.1 70B), ``label`` (layers)."""

    value: float
    path: str
    owner: str
    label: str
    refs: tuple[str, ...]
    level: str
    licence: tuple[str, str] | None = None  # a model's licence (name, address of its text): shown with its sources


@dataclass(frozen=True)
class Op:
    """An operation on numbers or nodes: sym is one of + - × ÷ ^ // mod neg ceil floor round."""

    sym: str
    args: tuple[Any, ...]


Node = Leaf | Op | int | float

# Precedence for printing: higher binds tighter.
_PREC = {"+": 1, "-": 1, "×": 2, "÷": 2, "mod": 2, "neg": 3, "^": 4}


def node_of(x: Any) -> Node:
    return x.node if isinstance(x, (TInt, TFloat)) else x


def _raw(x: Any) -> Any:
    if isinstance(x, TInt):
        return int(x)
    if isinstance(x, TFloat):
        return float(x)
    return x


def traced(value: Any, node: Node) -> Any:
    """``value`` carrying ``node`` (ints and floats only; anything else comes back as is)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    return TInt(value, node) if isinstance(value, int) else TFloat(value, node)


def _plain(x: Any, value: float) -> bool:
    """x is an untraced literal equal to ``value`` (x * 1, x + 0 keep x's own formula)."""
    return not isinstance(x, (TInt, TFloat)) and isinstance(x, (int, float)) and x == value


def operate(fn: Callable[..., Any], *numbers: Any) -> Any:
    """``fn`` on the plain numbers a page's arithmetic gave: an error raised here (a division by zero, an overflow) is
    the page's, not the generator's (generator/site/article/pages.py tells the two apart by where they are raised)."""
    return fn(*numbers)


def _binary(sym: str, fn: Callable[[Any, Any], Any]) -> tuple[Callable[..., Any], Callable[..., Any]]:
    def forward(a: Any, b: Any) -> Any:
        if not isinstance(b, (int, float)):
            return NotImplemented
        res = operate(fn, _raw(a), _raw(b))
        if (sym == "×" and _plain(b, 1)) or (sym in "+-" and _plain(b, 0)) or (sym in ("÷", "^") and _plain(b, 1)):
            return traced(res, a.node)
        return traced(res, Op(sym, (a.node, node_of(b))))

    def reverse(a: Any, b: Any) -> Any:
        if not isinstance(b, (int, float)):
            return NotImplemented
        res = operate(fn, _raw(b), _raw(a))
        if (sym == "×" and _plain(b, 1)) or (sym == "+" and _plain(b, 0)):
            return traced(res, a.node)
        return traced(res, Op(sym, (node_of(b), a.node)))

    return forward, reverse


def _unary(sym: str, fn: Callable[[Any], Any]) -> Callable[..., Any]:
    def method(a: Any, *rest: Any) -> Any:
        res = operate(fn, _raw(a), *rest)
        return traced(res, Op(sym, (a.node,)))

    return method


_current: contextvars.ContextVar[Cards | None] = contextvars.ContextVar("rs_cards", default=None)


class _Traced:
    node: Node

    def __html__(self) -> str:
        """A bare ``{{ value }}`` in a page becomes a number with its card (plain text elsewhere, e.g. alt text)."""
        cards = _current.get()
        text = num(_raw(self))
        return str(cards.mark(text, self)) if cards is not None else str(html(text))


for _sym, _fn, _names in (
    ("+", operator.add, ("__add__", "__radd__")),
    ("-", operator.sub, ("__sub__", "__rsub__")),
    ("×", operator.mul, ("__mul__", "__rmul__")),
    ("÷", operator.truediv, ("__truediv__", "__rtruediv__")),
    ("//", operator.floordiv, ("__floordiv__", "__rfloordiv__")),
    ("mod", operator.mod, ("__mod__", "__rmod__")),
    ("^", operator.pow, ("__pow__", "__rpow__")),
):
    _f, _r = _binary(_sym, _fn)
    setattr(_Traced, _names[0], _f)
    setattr(_Traced, _names[1], _r)
for _sym, _fn1, _name in (
    ("neg", operator.neg, "__neg__"),
    ("ceil", math.ceil, "__ceil__"),
    ("floor", math.floor, "__floor__"),
    ("round", round, "__round__"),
):
    setattr(_Traced, _name, _unary(_sym, _fn1))


class TInt(_Traced, int):
    def __new__(cls, value: int, node: Node) -> TInt:
        obj = int.__new__(cls, value)
        obj.node = node
        return obj


class TFloat(_Traced, float):
    def __new__(cls, value: float, node: Node) -> TFloat:
        obj = float.__new__(cls, value)
        obj.node = node
        return obj


def leaves(node: Node) -> list[Leaf]:
    """The catalog inputs of ``node``, each once, in order of appearance."""
    out: list[Leaf] = []

    def walk(n: Node) -> None:
        if isinstance(n, Leaf):
            if n not in out:
                out.append(n)
        elif isinstance(n, Op):
            for a in n.args:
                walk(a)

    walk(node)
    return out


def formula(node: Node) -> str:
    """The expression with its inputs filled in: '80 layers × 2 × 8 KV heads × 128 head dim × 2'."""
    text, _ = _fmt(node)
    return text


def _fmt(n: Node) -> tuple[str, int]:
    if isinstance(n, Leaf):
        return f"{num(n.value)} {n.label}", 9
    if not isinstance(n, Op):
        return num(n), 9
    if n.sym in ("ceil", "floor", "round"):
        inner, _ = _fmt(n.args[0])
        return {"ceil": f"⌈{inner}⌉", "floor": f"⌊{inner}⌋", "round": f"round({inner})"}[n.sym], 9
    if n.sym == "neg":
        inner, p = _fmt(n.args[0])
        return f"−{_paren(inner, p, 3)}", 3
    if n.sym == "//":
        a, _ = _fmt(n.args[0])
        b, pb = _fmt(n.args[1])
        return f"⌊{a} ÷ {_paren(b, pb, 3)}⌋", 9
    prec = _PREC[n.sym]
    a, pa = _fmt(n.args[0])
    b, pb = _fmt(n.args[1])
    if n.sym == "^":
        return f"{_paren(a, pa, prec + 1)}^{_paren(b, pb, prec + 1)}", prec
    # Left-associative: the right operand of - and ÷ needs brackets at equal precedence.
    right_min = prec + 1 if n.sym in ("-", "÷", "mod") else prec
    sym = "−" if n.sym == "-" else n.sym
    return f"{_paren(a, pa, prec)} {sym} {_paren(b, pb, right_min)}", prec


def _paren(text: str, prec: int, need: int) -> str:
    return f"({text})" if prec < need else text


# ---------------------------------------------------------------------------------------------------------------
# The catalog, traced
# ---------------------------------------------------------------------------------------------------------------

#: A model field's verification key in the model's ``verified`` mapping (default: architecture).
_VERIFIED_KEY = {
    "params": "params",
    "context": "context",
    "context_advertised": "context_advertised",
    "window": "window",
    "vocab": "vocab",
}
NOT_RECORDED = "not recorded"


def _label(field: str, prefix: str = "") -> str:
    base = field_label(field)
    return f"{prefix}{base}" if prefix else base


def _level(entry: dict[str, Any], field: str) -> str:
    v = entry.get("verified")
    if isinstance(v, str):
        return v
    if isinstance(v, dict):
        key = _VERIFIED_KEY.get(field, "architecture")
        return str(v.get(key) or v.get("architecture") or next(iter(v.values())))
    return NOT_RECORDED


def _wrap_entry(entry: Any, path: str, owner: str, refs: tuple[str, ...], top: dict[str, Any], prefix: str) -> Any:
    if isinstance(entry, dict):
        out = {}
        for k, v in entry.items():
            sub_prefix = {"ssm": "SSM ", "moe": "", "mla": ""}.get(k, prefix) if isinstance(v, dict) else prefix
            out[k] = _wrap_entry(v, f"{path}.{k}", owner, refs, top, sub_prefix)
        return out
    if isinstance(entry, bool) or not isinstance(entry, (int, float)):
        return entry
    field = path.rsplit(".", 1)[-1]
    lic = top.get("licence")
    licence = (str(lic["name"]), str(lic["url"])) if isinstance(lic, dict) else None
    leaf = Leaf(entry, path, owner, _label(field, prefix), refs, _level(top, field), licence)
    return traced(entry, leaf)


def wrap_catalog(data: dict[str, Any]) -> dict[str, Any]:
    """The catalog sections the pages read, their numbers traced (models, hardware, formats, scaling, facts)."""
    out: dict[str, Any] = {}
    for section in ("models", "hardware", "formats"):
        out[section] = {
            key: _wrap_entry(e, f"{section}.{key}", e.get("name", key), tuple(e.get("sources", ())), e, "")
            for key, e in data[section].items()
        }
    out["scaling"] = {
        key: _wrap_entry(e, f"scaling.{key}", _SCALING_OWNERS.get(key, key), tuple(e.get("sources", ())), e, "")
        for key, e in data["scaling"].items()
    }
    out["facts"] = {}
    for key, f in data["facts"].items():
        leaf = Leaf(f["value"], f"facts.{key}", f["text"], f["unit"] or "", tuple(f["sources"]), _level(f, "value"))
        out["facts"][key] = {**f, "value": traced(f["value"], leaf)}
    return out


_SCALING_OWNERS = {"kaplan": "Kaplan et al. scaling law", "chinchilla": "Chinchilla (Hoffmann et al.)"}


# ---------------------------------------------------------------------------------------------------------------
# Cards on the page
# ---------------------------------------------------------------------------------------------------------------

#: What a verification level means, in words a reader needs no glossary for (catalog ``verified:``).
LEVEL_WORDS = {
    "yes": "checked against the source itself",
    "secondary": "found only in a third-party copy of the source, not checked against the original",
    "no": "not yet checked against a source",
    "arithmetic": "worked out from other checked numbers",
    NOT_RECORDED: "as the source gives it; no check of it is recorded",
}


def level_words(level: str) -> str:
    """A verification level as a card says it: LEVEL_WORDS, else the level itself."""
    return LEVEL_WORDS.get(level, level)


#: A card is data: lines, each a class and its parts. A part is plain text, {"b": text} (bold) or
#: {"a": text, "href": url}. cards.js builds the card from it with textContent and checked hrefs (never innerHTML).
Part = str | dict[str, str]
Line = tuple[str, list[Part]]


class Cards:
    """The cards of one page: each distinct formula (or reference, or glossary term) is written once, as data.

    A trigger in the page carries ``data-rs-card`` (its card's id) and a ``title`` with the card as one line of text
    (the description a screen reader reads, and what a reader without JavaScript sees on hover). The cards
    themselves go to a JSON file of the page's own (``data()``, published at ``json_path``), which cards.js fetches
    the first time a card is opened: the page's HTML carries none of them."""

    def __init__(self, references: dict[str, Any], glossary_href: str | None = "#glossary") -> None:
        self.references = references
        self.glossary_href = glossary_href
        self._ids: dict[str, str] = {}
        self._cards: dict[str, dict[str, Any]] = {}

    def _card(self, key: str, prefix: str, kind: str, body: Callable[[], list[Line]]) -> str:
        if key not in self._ids:
            card_id = f"{prefix}-{len(self._ids) + 1}"
            self._ids[key] = card_id
            self._cards[card_id] = {"kind": kind, "lines": [[cls, parts] for cls, parts in body()]}
        return self._ids[key]

    # -- numbers ----------------------------------------------------------------------------------------------
    def mark(self, text: str, value: Any) -> Html:
        """``text`` (a formatted number) as a card trigger when ``value`` carries provenance, else escaped text."""
        node = node_of(value)
        if not isinstance(node, (Leaf, Op)):
            return html(text)
        plain = self.describe(node, _raw(value))
        card_id = self._card(f"num:{plain}", "rs-p", "num", lambda: self._number_card(node, _raw(value)))
        return Html('<span class="rs-num" tabindex="0" data-rs-card="{id}" title="{plain}">{text}</span>').format(
            id=card_id, plain=plain, text=text
        )

    def describe(self, node: Node, value: Any) -> str:
        """The card as one line of plain text (the trigger's title)."""
        if isinstance(node, Leaf):
            head = f"{node.owner}: {num(node.value)} {node.label}".rstrip()
        else:
            head = f"{formula(node)} = {num(value)}"
        srcs = []
        for (owner, refs, level), group in _groups(leaves(node)):
            titles = "; ".join(self.references[r]["title"] for r in refs if r in self.references)
            what = "" if isinstance(node, Leaf) else ", ".join(f"{num(x.value)} {x.label}" for x in group) + ": "
            lic = f"; licence: {group[0].licence[0]}" if group[0].licence else ""
            srcs.append(
                f"{what}{'' if isinstance(node, Leaf) else owner + ' '}(source: {titles or 'none recorded'}; "
                f"{level_words(level)}{lic})"
            )
        return head + ". " + ". ".join(srcs)

    def _sources(self, refs: tuple[str, ...]) -> list[Part]:
        parts: list[Part] = []
        for r in refs:
            ref = self.references.get(r)
            if ref is None:
                continue
            if parts:
                parts.append("; ")
            parts.append({"a": f"{ref['authors']} ({ref['year']}), {ref['title']}", "href": url_text(ref["url"])})
        return parts

    def _number_card(self, node: Node, value: Any) -> list[Line]:
        if isinstance(node, Leaf):
            lines: list[Line] = [
                ("title", [node.owner]),
                ("formula", [f"{num(node.value)} {node.label} (catalog value)"]),
            ]
        else:
            lines = [("title", ["How this number is computed"]), ("formula", [f"{formula(node)} = {num(value)}"])]
        for (owner, refs, level), group in _groups(leaves(node)):
            what: list[Part] = (
                []
                if isinstance(node, Leaf)
                else [{"b": ", ".join(f"{num(x.value)} {x.label}" for x in group)}, f": {owner}. "]
            )
            src = self._sources(refs) or ["none recorded"]
            words = level_words(level)
            lic = group[0].licence
            licence: list[Part] = [" Licence: ", {"a": lic[0], "href": url_text(lic[1])}, "."] if lic else []
            lines.append(("input", [*what, "Source: ", *src, f". {words[:1].upper()}{words[1:]}.", *licence]))
        return lines

    # -- citations --------------------------------------------------------------------------------------------
    def reference(self, ref_id: str) -> str:
        """The card id of reference ``ref_id`` (authors, year, title, venue, link to the paper and to the list)."""
        ref = self.references[ref_id]
        host = ref["url"].split("/")[2]
        return self._card(
            f"ref:{ref_id}",
            "rs-r",
            "ref",
            lambda: [
                ("title", [f"{ref['authors']} ({ref['year']})"]),
                ("formula", [str(ref["title"])]),
                ("input", [f"{venue(ref)}. ", {"a": host, "href": url_text(ref["url"])}]),
                ("input", [{"a": "In the list of references", "href": f"#ref-{ref_id}"}]),
            ],
        )

    # -- glossary ---------------------------------------------------------------------------------------------
    def term(self, term_id: str, entry: dict[str, Any]) -> str:
        return self._card(
            f"term:{term_id}",
            "rs-g",
            "term",
            lambda: [
                ("title", [str(entry["term"])]),
                (
                    "input",
                    [f"{entry['definition']} "]
                    + (
                        [{"a": "Glossary", "href": url_text(f"{self.glossary_href}-{term_id}")}]
                        if self.glossary_href
                        else []
                    ),
                ),
            ],
        )

    def data(self) -> dict[str, Any]:
        """Every card of the page by id (the JSON file cards.js fetches)."""
        return dict(self._cards)

    def html(self, json_path: str) -> Html:
        """Where the page's cards are (``json_path``, relative to the page): an empty, hidden element at the end."""
        if not self._cards:
            return Html("")
        return Html('<div class="rs-cards" data-rs-cards="{src}" hidden></div>').format(src=url(json_path))


def _groups(items: list[Leaf]) -> list[tuple[tuple[str, tuple[str, ...], str], list[Leaf]]]:
    """Inputs that share an owner, sources and verification level, together (one source line per group)."""
    out: dict[tuple[str, tuple[str, ...], str], list[Leaf]] = {}
    for leaf in items:
        out.setdefault((leaf.owner, leaf.refs, leaf.level), []).append(leaf)
    return list(out.items())


def venue(ref: dict[str, Any]) -> str:
    """Where a reference appeared: its ``venue`` field, else the kind of site its URL points to."""
    if ref.get("venue"):
        return str(ref["venue"])
    host = ref["url"].split("/")[2]
    known = {
        "arxiv.org": "arXiv preprint",
        "github.com": "GitHub repository",
        "huggingface.co": "Hugging Face",
        "cdn.openai.com": "OpenAI",
        "openai.com": "OpenAI",
    }
    return known.get(host, host.removeprefix("www."))


#: A card trigger's opening tag: a number, a glossary term (span) or a citation (a).
_TRIGGER_TAG = re.compile(r'<(span|a)\b[^>]*\sdata-rs-card="[^"]*"[^>]*>')


def one_stop_per_block(text: str) -> str:
    """Each block of a page (a paragraph, a list, a figure: Markdown's blank-line-separated blocks) keeps its first
    card trigger as a tab stop and takes the others out of the tab order (``tabindex="-1"``); the arrow keys move
    between a block's triggers (docs/assets/js/widgets/cards.js). A paragraph with ten numbers and sources is one
    stop for a keyboard, not ten; a screen reader still reads each, with its title as the description."""

    def block(chunk: str) -> str:
        seen = 0

        def later(m: re.Match[str]) -> str:
            nonlocal seen
            seen += 1
            tag = m.group(0)
            if seen == 1:
                return tag
            if ' tabindex="0"' in tag:
                return tag.replace(' tabindex="0"', ' tabindex="-1"', 1)
            return tag[:-1] + ' tabindex="-1">' if "tabindex=" not in tag else tag

        return _TRIGGER_TAG.sub(later, chunk)

    return "\n\n".join(block(chunk) for chunk in text.split("\n\n"))


def activate(cards: Cards | None) -> contextvars.Token[Cards | None]:
    """Make bare ``{{ number }}`` expressions render as card triggers of ``cards`` (None: plain text)."""
    return _current.set(cards)


def deactivate(token: contextvars.Token[Cards | None]) -> None:
    _current.reset(token)
