"""Comparisons computed from the numbers they compare, so a sentence follows the catalog.

A page that writes "more than the {{ num(hw.h200.memory_gb) }} GB of one H200" goes on saying "more than" after a
catalog change makes it false. Written with these macros the words come from the numbers:

  {{ than(need, have) }}                 "more than" | "less than" | "as much as"
  {{ fits(need, have) }}                 "fits" | "does not fit"  (yes= and no= for other verbs: "fit on", "overflows")
  {{ times_the(a, b) }}                  "3.2× the" | "half the" | "the same as" | "40% of the"
  {{ times_than(a, b, more="larger", less="smaller") }}   "4× larger than" | "4× smaller than" | "the same size as"

make check and the build fail on a comparison typed by hand next to a macro number (generator/site/article/prose.py).
"""

from __future__ import annotations

import math

from generator.format import pct, times


def _check(*values: float) -> None:
    for v in values:
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
            raise ValueError(f"a comparison needs two finite numbers, not {v!r}")


def than(a: float, b: float, more: str = "more than", less: str = "less than", same: str = "as much as") -> str:
    """The words that compare ``a`` with ``b``: ``more`` when a > b, ``less`` when a < b, else ``same``."""
    _check(a, b)
    return more if a > b else less if a < b else same


def fits(need: float, have: float, yes: str = "fits", no: str = "does not fit") -> str:
    """``yes`` when ``need`` <= ``have``, else ``no``."""
    _check(need, have)
    return yes if need <= have else no


def times_the(a: float, b: float, digits: int = 1) -> str:
    """``a`` as a multiple of ``b``: "3.2× the", "twice the", "half the", "the same as" or "40% of the"."""
    _check(a, b)
    if b == 0:
        raise ValueError("times_the(): the second number is zero")
    r = a / b
    if math.isclose(r, 1.0, rel_tol=1e-9):
        return "the same as"
    if math.isclose(r, 2.0, rel_tol=1e-9):
        return "twice the"
    if math.isclose(r, 0.5, rel_tol=1e-9):
        return "half the"
    return f"{times(r, digits)} the" if r > 1 else f"{pct(100 * r, 0)} of the"


def times_than(a: float, b: float, digits: int = 1, more: str = "larger", less: str = "smaller") -> str:
    """How many times ``a`` is larger or smaller than ``b``: "4× larger than", "2× smaller than"."""
    _check(a, b)
    if a == 0 or b == 0:
        raise ValueError("times_than(): a number is zero")
    if math.isclose(a, b, rel_tol=1e-9):
        return "the same size as"
    return f"{times(a / b, digits)} {more} than" if a > b else f"{times(b / a, digits)} {less} than"


#: The page macros (generator/site/article/pages.py adds them to every page and alt text).
COMPARISONS = {"than": than, "fits": fits, "times_the": times_the, "times_than": times_than}
