"""The authors' rules for the article's prose, enforced by the build and `make check` (and called by the tests).

A page in docs/ is a Jinja2 template. Whatever is left once the template parts (``{{ ... }}``, ``{% ... %}``,
``{# ... #}``), HTML comments and fenced code blocks are removed is prose a reader sees verbatim:

* **No bare numbers.** A digit in the prose is a number nobody can trace to a source or recompute when the catalog
  changes: it must come through a macro (``{{ num(m['gpt-3-175b'].layers) }}``, ``{{ fact('...') }}``). The only
  digits allowed are four-digit years, "Part N", number formats (BF16, E4M3), the names of the catalog's models,
  devices and formats, and a short list of names (GPT-3, Llama 3.1, H100...): ``ALLOWED``.
* **No comparison typed next to a number from the catalog.** "more than the {{ ... }}" stays when a catalog change
  makes it false: the words come from the numbers (``than``, ``fits``, ``times_the``, ``times_than``,
  generator/compare.py). Alt texts in the catalog are prose too.
* **The front matter survives the template.** A ``-%}`` / ``-#}`` after a ``{%-`` / ``{#-`` right after the front
  matter eats the line break after its closing ``---``: the page would publish its YAML as text and lose its
  heading. The rendered page must begin with the source's front matter, unchanged.

Each rule raises one BuildError line naming the file, the line and what to write instead (and how many more
problems the page has).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import BuildError

# Parts of a page that are not prose. Fenced code must start and end on its own line (``` or ~~~, same fence).
NON_PROSE = re.compile(
    r"\A---\n.*?\n---\n"  # YAML front matter (title, description, part: N)
    r"|^[ \t]*(?P<fence>`{3,}|~{3,})[^\n]*\n.*?^[ \t]*(?P=fence)[ \t]*$"  # fenced code block
    r"|<!--.*?-->"  # HTML comment
    r"|\{#.*?#\}"  # Jinja comment
    r"|\{%.*?%\}"  # Jinja statement
    r"|\{\{.*?\}\}",  # Jinja expression (every number, citation and figure)
    re.S | re.M,
)

#: A numeric literal: a run of digits (any script, plus superscripts and vulgar fractions), with inner separators.
NUMBER = re.compile(r"[\d⁰¹²³⁴⁵⁶⁷⁸⁹½¼¾⅓⅔⅛]+(?:[.,][\d]+)*")

#: Units that turn a year-shaped number into a quantity ("2048 tokens" is not a year).
_UNIT = (
    r"(?:×|%|x\b|[KMBT]\b|tokens?\b|bytes?\b|bits?\b|layers?\b|heads?\b|values?\b|dimensions?\b|words?\b|[KMGT]i?B\b)"
)

#: The allow-list: digits are fine only inside a match of one of these (or of a catalog name). Short and specific.
ALLOWED: list[re.Pattern[str]] = [
    re.compile(p)
    for p in (
        # Four-digit years 1900-2099, not part of a longer number and not followed by a unit.
        rf"(?<![\w.,])(?:19|20)\d\d(?![\w]|[.,]\d)(?!\s*{_UNIT})",
        # Model families and names as prose writes them (the catalog's own names are allowed as they are).
        r"\bGPT-[1-4]\b",
        r"\bGPT-OSS-20B\b",
        r"\bLlama[ -][1-4](?:\.[0-9])?\b",
        r"\bDeepSeek-(?:V[23](?:\.[12])?|R1)\b",  # V3.1, V3.2 and R1 keep V3's architecture: no entry of their own
        r"\bMamba-2\b",
        r"\bNemotron[ -]3\b",
        r"\bGLM-4\b",
        r"\bQwen3-30B-A3B\b",
        r"\bOPT-175B\b",
        r"\bBLOOM-176B\b",
        r"\bLLM\.int8\(\)",
        r"\bT5\b",
        # Parts of a series: "Part 2" in a heading or link text, part-2.md in a link.
        r"\bPart \d{1,2}\b",
        r"\bpart-\d{1,2}(?:\.md|/)?",
        # Number formats.
        r"\b(?:FP|BF|INT)(?:4|8|16|32)\b",
        r"\bE[45]M[23]\b",
        # Hardware.
        r"\b(?:A100|H100|H200|B200|MI300X)\b",
        r"\bRTX [45]090\b",
        r"\bM[1-4] (?:Max|Ultra)\b",
    )
]

#: Comparison words typed by hand.
COMPARISON = re.compile(
    r"\b(?:more|less|fewer|larger|smaller|bigger|greater|higher|lower)\s+than\b"
    r"|\b(?:does|do)\s+not\s+fit\b|\bfits?\s+(?:on|in|into)\b|\boverflows\b|\bexceeds?\b",
    re.I,
)
_EXPRESSION = re.compile(r"\{\{-?(.*?)-?\}\}", re.S)
#: Expressions that are no number to compare: citations, figures, widgets, the comparison macros themselves, and
#: a fact (fact() or facts[...]: a sourced quote, "more than {{ fact(...) }}" are the source's own words).
_NOT_A_NUMBER = re.compile(r"^\s*(?:cite|figure|widget|references|than|fits|times_the|times_than|fact)\(")
#: How near a typed comparison counts as "next to" a number: the words between (no sentence end) and, after the
#: comparison, at most an article ("more than the {{ ... }}").
NEAR = 30
_BEFORE_NUMBER = re.compile(r"\s*(?:(?:the|an?|all|its|one)\s+)?", re.I)

_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)
_TAG = re.compile(r"\{[{%#]-?")

NUMBER_HELP = (
    "take it from the catalog through a macro ({{ num(m['gpt-3-175b'].layers) }}, {{ fact('...') }}, "
    "{{ gb(...) }}), or write a year, a name or a format as the allow-list in generator/site/article/prose.py has it"
)
COMPARISON_HELP = (
    "write {{ than(a, b) }}, {{ fits(need, have) }}, {{ times_the(a, b) }} or {{ times_than(a, b) }} "
    "so the words follow the numbers"
)


@dataclass(frozen=True)
class Offender:
    path: str
    line: int
    number: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.number!r} in: {self.text.strip()}"


def strip_non_prose(text: str) -> str:
    """``text`` with template parts, comments and fenced code blanked out; newlines kept so line numbers hold."""
    return NON_PROSE.sub(lambda mo: re.sub(r"[^\n]", " ", mo.group(0)), text)


def allowed_names(data: dict[str, Any]) -> list[str]:
    """The catalog's own names with digits in them (models' names and short labels, devices, formats): prose may
    write them as they are ("Llama 3.1 405B" names a model; it is not a number)."""
    names = []
    for section, fields in (("models", ("name", "short_label")), ("hardware", ("name",)), ("formats", ("name",))):
        for entry in (data.get(section) or {}).values():
            names += [str(entry[f]) for f in fields if isinstance(entry, dict) and entry.get(f)]
    return sorted({n for n in names if NUMBER.search(n)}, key=len, reverse=True)


def numeric_literals(text: str, path: str = "<text>", names: Iterable[str] = ()) -> list[Offender]:
    """Every number in the prose of ``text`` that no allow-list pattern (or catalog name of ``names``) covers."""
    literal = [re.compile(r"(?<!\w)" + re.escape(n) + r"(?!\w)") for n in names]
    offenders = []
    for lineno, line in enumerate(strip_non_prose(text).splitlines(), start=1):
        allowed = [mo.span() for pat in [*ALLOWED, *literal] for mo in pat.finditer(line)]
        for mo in NUMBER.finditer(line):
            start, end = mo.span()
            if not any(a <= start and end <= b for a, b in allowed):
                offenders.append(Offender(path, lineno, mo.group(0), line))
    return offenders


def _near(text: str, mo: re.Match[str], numbers: list[tuple[int, int]]) -> bool:
    for start, end in numbers:
        if end <= mo.start():  # the number first: "{{ gb(x) }} of weights fit on"
            gap = text[end : mo.start()]
            if len(gap) <= NEAR and not re.search(r"[.;:!?]\s", gap):
                return True
        elif start >= mo.end() and _BEFORE_NUMBER.fullmatch(text[mo.end() : start]):  # "more than the {{ }}"
            return True
    return False


def typed_comparisons(text: str, path: str = "<text>") -> list[Offender]:
    """Comparison words typed next to a number from a macro: they stay when a catalog change makes them false."""
    numbers = [
        mo.span()
        for mo in _EXPRESSION.finditer(text)
        if not _NOT_A_NUMBER.match(mo.group(1)) and "facts[" not in mo.group(1)
    ]
    offenders = []
    for mo in COMPARISON.finditer(strip_non_prose(text)):
        if _near(text, mo, numbers):
            line = text.count("\n", 0, mo.start()) + 1
            offenders.append(Offender(path, line, mo.group(0), text.splitlines()[line - 1]))
    return offenders


def _first(offenders: list[Offender], what: str, help_text: str) -> BuildError:
    first = offenders[0]
    more = f" (and {len(offenders) - 1} more)" if len(offenders) > 1 else ""
    return BuildError(f"{first.path}:{first.line}: {first.number!r} {what}; {help_text}{more}")


def check_prose(text: str, path: str, names: Iterable[str] = ()) -> None:
    """The page ``text`` (a docs/ source, shown as ``path``) against the prose rules: BuildError at the first
    number typed into the prose, else at the first comparison typed next to a macro's number."""
    numbers = numeric_literals(text, path, names)
    if numbers:
        raise _first(numbers, "is a number typed into the prose", NUMBER_HELP)
    comparisons = typed_comparisons(text, path)
    if comparisons:
        raise _first(comparisons, "is a comparison typed next to a number from the catalog", COMPARISON_HELP)


def check_alt_comparisons(figures: dict[str, Any], where: Any) -> None:
    """Alt texts are prose too: a comparison typed next to a number in ``figures.<id>.alt`` is a BuildError at its
    catalog line (``where((\"figures\", id, \"alt\"))`` gives ``file:line``)."""
    for fig_id, fig in figures.items():
        found = typed_comparisons(str(fig.get("alt", "")))
        if found:
            raise BuildError(
                f"{where(('figures', fig_id, 'alt'))}: figures.{fig_id}.alt: {found[0].number!r} is a comparison "
                f"typed next to a number from the catalog; {COMPARISON_HELP}"
            )


def check_front_matter(source: str, rendered: str, path: Path | str) -> None:
    """A page that starts with front matter must begin with it, unchanged, once rendered: else BuildError at the
    first template tag after it (a ``{%- ... -%}`` there ate the line break after the closing ``---``)."""
    front = _FRONT.match(source)
    if front is None or rendered.startswith(front.group(0)):
        return
    line = front.group(0).count("\n") + 1
    tag = _TAG.search(source, front.end())
    if tag is not None:
        line = source.count("\n", 0, tag.start()) + 1
    raise BuildError(
        f"{path}:{line}: the template code after the front matter removes the line break after its closing '---' "
        "(a '{%- ... -%}' or '{#- ... -#}' there), so the page would print its front matter as text and lose its "
        "heading; start the page's template code with '{%' or '{#' (no '-') on the line after '---'"
    )


__all__ = [
    "ALLOWED",
    "Offender",
    "allowed_names",
    "check_alt_comparisons",
    "check_front_matter",
    "check_prose",
    "numeric_literals",
    "strip_non_prose",
    "typed_comparisons",
]
