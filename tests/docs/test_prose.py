"""The article's prose carries no hand-typed numbers: every figure comes from the catalog through a macro.

A page in docs/ is a Jinja2 template. Whatever is left once the template parts ({{ ... }}, {% ... %}, {# ... #}),
HTML comments and fenced code blocks are removed is prose a reader sees verbatim, and a digit there is a number
nobody can trace to a source or recompute when the catalog changes. The only digits allowed in prose are four-digit
years and the digits inside a short list of model, format and hardware names (GPT-3, BF16, H100...).

The same scan checks that every figure in the catalog is placed exactly once and that every citation names a
reference the catalog holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import ROOT

DOCS = ROOT / "docs"

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

# A numeric literal: a run of digits (any script, plus superscripts and vulgar fractions), with inner separators.
NUMBER = re.compile(r"[\d⁰¹²³⁴⁵⁶⁷⁸⁹½¼¾⅓⅔⅛]+(?:[.,][\d]+)*")

# Units that turn a year-shaped number into a quantity ("2048 tokens" is not a year).
_UNIT = r"(?:×|%|x\b|[KMBT]\b|tokens?\b|bytes?\b|bits?\b|layers?\b|heads?\b|values?\b|dimensions?\b|words?\b|[KMGT]i?B\b)"

#: The allow-list: digits are fine only inside a match of one of these. Keep it short and specific.
ALLOWED: list[re.Pattern[str]] = [re.compile(p) for p in (
    # Four-digit years 1900-2099, not part of a longer number and not followed by a unit.
    rf"(?<![\w.,])(?:19|20)\d\d(?![\w]|[.,]\d)(?!\s*{_UNIT})",
    # Model names.
    r"\bGPT-[1-4]\b",
    r"\bGPT-OSS-20B\b",
    r"\bLlama[ -][1-4](?:\.[0-9])?\b",
    r"\bDeepSeek-V[23]\b",
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
)]


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


def numeric_literals(text: str, path: str = "<text>") -> list[Offender]:
    """Every number in the prose of ``text`` that no allow-list pattern covers."""
    offenders = []
    for lineno, line in enumerate(strip_non_prose(text).splitlines(), start=1):
        allowed = [mo.span() for pat in ALLOWED for mo in pat.finditer(line)]
        for mo in NUMBER.finditer(line):
            start, end = mo.span()
            if not any(a <= start and end <= b for a, b in allowed):
                offenders.append(Offender(path, lineno, mo.group(0), line))
    return offenders


def pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def _rel(p: Path) -> str:
    return str(p.relative_to(DOCS.parent))


# ------------------------------------------------------------------------------------------------------------------
# The checker itself
# ------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "GPT-3 has {{ m['gpt-3-175b'].layers }} layers.",
    "In 2020, researchers found a power law; by 2022 it was revised.",
    "FP32, FP16, BF16, INT8, INT4 and FP8 E4M3 are formats; so is E5M2.",
    "Llama 3.1 and Llama 3 on an H100, H200, A100, B200, MI300X, RTX 4090 or M4 Max.",
    "DeepSeek-V2, DeepSeek-V3, Mamba-2, Nemotron 3, GLM-4, GPT-4, LLM.int8(), OPT-175B, Qwen3-30B-A3B.",
    "A number {{ num(\n  131072\n) }} across lines, {# a 42 comment #} and {% set x = 7 %} a statement.",
    "<!-- TODO: check 213 GB -->",
    "Before\n```python\nx = 96 * 96\n```\nafter.",
])
def test_checker_accepts(text: str) -> None:
    assert numeric_literals(text) == []


@pytest.mark.parametrize("text, numbers", [
    ("GPT-3 has 96 layers.", ["96"]),
    ("Its context is 2048 tokens.", ["2048"]),
    ("A 2,048-token window, 7.6× faster, 93.3% smaller.", ["2,048", "7.6", "93.3"]),
    ("Inline code is prose too: `kv_lora_rank = 512`.", ["512"]),
    ("n² scores", ["²"]),
    ("GPT-5 and Llama 7 are not on the list.", ["5", "7"]),
    ("An {{ num(1) }} expression, then 3 of them.", ["3"]),
])
def test_checker_flags(text: str, numbers: list[str]) -> None:
    assert [o.number for o in numeric_literals(text)] == numbers


def test_checker_keeps_line_numbers() -> None:
    text = "{{ num(\n1) }}\n<!--\n\n-->\nline six has 42\n"
    assert [(o.line, o.number) for o in numeric_literals(text)] == [(6, "42")]


# ------------------------------------------------------------------------------------------------------------------
# The pages
# ------------------------------------------------------------------------------------------------------------------


def test_there_are_pages() -> None:
    assert pages(), f"no markdown pages under {DOCS}"


def test_no_numeric_literals_in_prose() -> None:
    offenders = [o for p in pages() for o in numeric_literals(p.read_text(encoding="utf-8"), _rel(p))]
    assert not offenders, (
        "numbers typed into the prose; take each from the catalog or generator.derive through a macro "
        "({{ num(...) }}, {{ fact('...') }}...):\n" + "\n".join(map(str, offenders))
    )


_FIGURE_CALL = re.compile(r"""\bfigure\(\s*(['"])([^'"]+)\1\s*\)""")
_CITE_CALL = re.compile(r"""\bcite\(([^)]*)\)""")
_QUOTED = re.compile(r"""(['"])([^'"]*)\1""")


def _calls(pattern: re.Pattern[str]) -> list[tuple[str, int, str]]:
    """(page, line, argument text) of every call of a macro in the template parts of the pages."""
    found = []
    for p in pages():
        text = p.read_text(encoding="utf-8")
        for mo in pattern.finditer(text):
            found.append((_rel(p), text.count("\n", 0, mo.start()) + 1, mo.group(2 if pattern is _FIGURE_CALL else 1)))
    return found


def test_every_figure_placed_exactly_once(catalog) -> None:
    calls = _calls(_FIGURE_CALL)
    problems = [f"{page}:{line}: figure({fig!r}) is not in catalog.yaml figures"
                for page, line, fig in calls if fig not in catalog.figures]
    for fig in catalog.figures:
        where = [f"{page}:{line}" for page, line, f in calls if f == fig]
        if len(where) != 1:
            problems.append(f"figure {fig!r} is placed {len(where)} times (expected once): {', '.join(where) or '-'}")
    assert not problems, "\n".join(problems)


def test_every_citation_is_a_reference(catalog) -> None:
    problems = []
    for page, line, args in _calls(_CITE_CALL):
        ids = [mo.group(2) for mo in _QUOTED.finditer(args)]
        if not ids:
            problems.append(f"{page}:{line}: cite({args}) names no reference id")
        problems += [f"{page}:{line}: cite({ref!r}) is not in catalog.yaml references"
                     for ref in ids if ref not in catalog.references]
    assert not problems, "\n".join(problems)


def test_front_matter_survives_jinja_whitespace_control():
    """A '{#-', '{%-' or '{{-' right after the front matter eats the newline after '---', which glues the heading to
    it and publishes the YAML as text (this happened once)."""
    for page in sorted(DOCS.rglob("*.md")):
        text = page.read_text("utf-8")
        if not text.startswith("---\n"):
            continue
        end = text.index("\n---\n", 3) + len("\n---\n")
        assert not re.match(r"\s*\{[#%{]-", text[end:]), f"{page}: whitespace control after the front matter"


# ------------------------------------------------------------------------------------------------------------------
# Comparisons: a sentence that compares numbers takes its words from them (generator/compare.py)
# ------------------------------------------------------------------------------------------------------------------

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


def typed_comparisons(text: str, path: str = "<text>") -> list[Offender]:
    """Comparison words typed next to a number from a macro: they stay when a catalog change makes them false."""
    numbers = [mo.span() for mo in _EXPRESSION.finditer(text)
               if not _NOT_A_NUMBER.match(mo.group(1)) and "facts[" not in mo.group(1)]
    prose = strip_non_prose(text)
    offenders = []
    for mo in COMPARISON.finditer(prose):
        for start, end in numbers:
            if end <= mo.start():  # the number first: "{{ gb(x) }} of weights fit on"
                gap = text[end:mo.start()]
                near = len(gap) <= NEAR and not re.search(r"[.;:!?]\s", gap)
            elif start >= mo.end():  # the comparison first: "more than the {{ ... }}"
                near = bool(_BEFORE_NUMBER.fullmatch(text[mo.end():start]))
            else:
                near = False
            if near:
                line = text.count("\n", 0, mo.start()) + 1
                offenders.append(Offender(path, line, mo.group(0), text.splitlines()[line - 1]))
                break
    return offenders


@pytest.mark.parametrize("text", [
    "At INT4 it needs {{ gb(x) }}, more than the {{ num(hw.h200.memory_gb) }} GB of one H200.",
    "Its weights fit on one {{ hw['h200'].name }} ({{ num(hw['h200'].memory_gb) }} GB).",
    "{{ gb(a) }} overflows an entire node.",
    "It needs {{ num(n) }} of them, more than an entire {{ node_gpus }}-GPU server.",
    "That is {{ times(4) }} smaller than FP32.",
])
def test_comparison_lint_flags_typed_comparisons(text: str) -> None:
    assert typed_comparisons(text), text


@pytest.mark.parametrize("text", [
    "At INT4 it needs {{ gb(x) }}, {{ than(x, y) }} the {{ num(hw.h200.memory_gb) }} GB of one H200.",
    "Its weights {{ fits(a, b, 'fit on', 'do not fit on') }} one H200.",
    "Attention is more than a lookup table.{{ cite('dao-2022') }}",
    "It needs {{ gb(x) }}. Later models are larger than that, and much more than anyone planned for.",
])
def test_comparison_lint_accepts_computed_or_unrelated_words(text: str) -> None:
    assert typed_comparisons(text) == [], text


def test_no_comparison_typed_next_to_a_macro_number(catalog) -> None:
    offenders = [o for p in pages() for o in typed_comparisons(p.read_text(encoding="utf-8"), _rel(p))]
    for fig_id, fig in catalog.figures.items():  # alt texts are prose too
        offenders += typed_comparisons(fig["alt"], f"catalog.yaml figures.{fig_id}.alt")
    assert not offenders, (
        "a comparison typed by hand next to a number from the catalog; write it with {{ than(a, b) }}, "
        "{{ fits(need, have) }}, {{ times_the(a, b) }} or {{ times_than(a, b) }} so it follows the numbers:\n"
        + "\n".join(map(str, offenders))
    )


def test_part_headings_and_links_are_prose() -> None:
    assert numeric_literals("## Part 2: the memory wall\n\nSee [Part 2](part-2.md) and [Part 3](part-3.md#kv).") == []
    assert [o.number for o in numeric_literals("Part 2 has 96 layers.")] == ["96"]
