"""Numbers as the article writes them: one home for every formatter, used by the page macros, the widgets' no-JS
fallbacks, the charts and the scenes. docs/assets/js/widgets/format.js is the same ``num``, ``nbytes``, ``params`` and
``times`` for the widgets, with the same named options (tests/test_format.py runs a grid through both).

GB = 10^9 bytes, GiB = 2^30 bytes. A no-break space joins a number to its unit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from generator import derive
from generator.errors import BuildError

NBSP = "\u00a0"


def _auto_digits(x: float) -> int:
    ax = abs(x)
    if ax >= 100 or ax == 0:
        return 0
    if ax >= 10:
        return 1
    if ax >= 1:
        return 2
    return max(2, 1 - math.floor(math.log10(ax)) + 1)


def _strip(s: str) -> str:
    return s.rstrip("0").rstrip(".") if "." in s else s


def num(x: float, digits: int | None = None) -> str:
    """131072 -> '131,072'; 7.6 -> '7.6'; digits fixes the decimals (trailing zeros dropped when digits is None)."""
    if x is None or isinstance(x, bool) or not isinstance(x, (int, float)):
        raise BuildError(f"num() needs a number, got {x!r}")
    if isinstance(x, float) and math.isinf(x):
        return "unlimited"
    if digits is None:
        if float(x).is_integer():
            return f"{int(x):,}"
        return _strip(f"{x:,.{_auto_digits(x)}f}")
    return f"{x:,.{digits}f}"


def _unit(x: float, unit: str, digits: int | None) -> str:
    return f"{num(x, digits)}{NBSP}{unit}"


def gb(n_bytes: float, digits: int | None = 1) -> str:
    """Bytes as decimal gigabytes: 9211740160 -> '9.2 GB'."""
    return _unit(n_bytes / derive.GB, "GB", digits)


def gib(n_bytes: float, digits: int | None = 1) -> str:
    """Bytes as binary gibibytes: 9211740160 -> '8.6 GiB'."""
    return _unit(n_bytes / derive.GiB, "GiB", digits)


#: Decimal byte units, largest first (kB with a small k: SI). GB = 10^9 bytes; ``gib`` is the binary exception.
BYTE_UNITS = ((1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB"))


def nbytes(n_bytes: float, digits: int | None = None) -> str:
    """A byte count in its natural decimal unit: 2.4e6 -> '2.4 MB', 4.7e12 -> '4.7 TB', 5000 -> '5 kB'; ``digits``
    fixes the decimals of the unit (5000, digits=1 -> '5.0 kB'). Under 1,000 it is a count of bytes, printed
    without forced decimals: '512 bytes', '0.5 bytes'. (format.js ``nbytes(x, {digits})`` is the same function.)"""
    for scale, unit in BYTE_UNITS:
        if n_bytes >= scale:
            return _unit(n_bytes / scale, unit, digits)
    return _unit(n_bytes, "bytes", None)


#: Scales of a count in words, largest first, with the letter of the short form (none beyond trillion).
_SCALES = (
    (1e15, "quadrillion", ""),
    (1e12, "trillion", "T"),
    (1e9, "billion", "B"),
    (1e6, "million", "M"),
    (1e3, "thousand", "K"),
)


def _scaled(x: float, digits: int | None, most: int | None, short: bool) -> tuple[str, str]:
    """(number, scale word or letter) of ``x`` in its scale; see ``params``."""
    for scale, word, letter in _SCALES:
        if abs(x) >= scale and (letter or not short):
            v = x / scale
            if digits is not None:
                return f"{v:,.{digits}f}", letter if short else word
            if most is not None:
                return _strip(f"{v:,.{most}f}"), letter if short else word
            return _strip(f"{v:,.{max(0, 2 - int(math.floor(math.log10(abs(v)))))}f}"), letter if short else word
    return num(x, digits), ""


def params(x: float, digits: int | None = None, *, most: int | None = None, short: bool = False) -> str:
    """A count (parameters, tokens, scores) in the words of its scale, thousand to quadrillion: 175e9 -> '175
    billion'. Named options: ``digits`` fixes the decimals ('1.50 billion'); ``most`` allows up to that many,
    trailing zeros dropped (70.55e9, most=2 -> '70.55 billion'); with neither, three significant digits (1.542e9 ->
    '1.54 billion'). ``short`` writes the scale's letter instead, up to T ('175B', '117M', '1,500T'). Under a
    thousand, the number itself. (format.js ``params(x, {digits, most, short})`` is the same function.)"""
    s, scale = _scaled(x, digits, most, short)
    if not scale:
        return s
    return f"{s}{scale}" if short else f"{s}{NBSP}{scale}"


def params_short(x: float, digits: int | None = None) -> str:
    """The page macro for ``params(x, digits, short=True)``: 175e9 -> '175B'; 117e6 -> '117M'."""
    return params(x, digits, short=True)


def pct(x: float, digits: int | None = 1) -> str:
    return f"{num(x, digits) if digits is not None else num(x)}%"


def times(x: float, digits: int | None = 1) -> str:
    """A ratio: 57.3 -> '57.3×', 2.0 -> '2×', 1024 -> '1,024×' (``digits`` decimals at most, trailing zeros dropped;
    None: as ``num``). (format.js ``times(x, {digits})`` is the same function.)"""
    s = f"{x:,.{digits}f}" if digits is not None else num(x)
    return f"{_strip(s)}×"


# ---------------------------------------------------------------------------------------------------------------
# Precisions as the article names them (the bytes each takes: derive.BYTES_PER_VALUE)
# ---------------------------------------------------------------------------------------------------------------

#: The precisions a reader picks from, widest first: the memory calculator's menus, its fallback table's columns
#: and the weight chart's markers. Every other key of derive.BYTES_PER_VALUE (fp16) takes the same bytes as one of
#: these and is named with it ("BF16 / FP16").
PRECISIONS: tuple[str, ...] = ("fp32", "bf16", "fp8", "int8", "int4")


def precision_name(precision: str, formats: Mapping[str, Any]) -> str:
    """'FP8' for fp8: the first word of its catalog format's name (the format ``fp8`` or ``fp8-*``: 'FP8 E4M3'),
    else the id in capitals."""
    fmt = formats.get(precision) or next((f for k, f in formats.items() if k.startswith(precision + "-")), None)
    return str(fmt["name"]).split(" ")[0] if fmt else precision.upper()


def _named_with(precision: str) -> list[str]:
    """The precisions outside PRECISIONS that take ``precision``'s bytes (named with it)."""
    bpv = derive.BYTES_PER_VALUE
    return [p for p in bpv if p not in PRECISIONS and bpv[p] == bpv[precision]]


def precision_menu(formats: Mapping[str, Any]) -> list[tuple[str, str]]:
    """[(precision, label)] of PRECISIONS in order, for a menu: 'FP32', 'BF16 / FP16', 'FP8', 'INT8', 'INT4'."""
    return [(p, " / ".join(precision_name(q, formats) for q in [p, *_named_with(p)])) for p in PRECISIONS]


def precision_groups(formats: Mapping[str, Any], named_with: bool = True) -> list[tuple[float, str, str]]:
    """[(bytes per value, first precision, label)] widest first: PRECISIONS grouped by the bytes they take, for a
    table's columns or a chart's markers: (2.0, 'bf16', 'BF16 / FP16'), (1.0, 'fp8', 'FP8 / INT8')...
    ``named_with=False`` names only PRECISIONS ('BF16'), where a label must stay short (a chart's legend)."""
    groups: dict[float, list[str]] = {}
    for p in PRECISIONS:
        groups.setdefault(derive.bytes_per_value(p), []).extend([p, *(_named_with(p) if named_with else [])])
    return [(b, ps[0], " / ".join(precision_name(q, formats) for q in ps)) for b, ps in groups.items()]


FORMATTERS: dict[str, Callable[..., str]] = {
    "num": num,
    "gb": gb,
    "gib": gib,
    "nbytes": nbytes,
    "params": params,
    "params_short": params_short,
    "pct": pct,
    "times": times,
}


# ---------------------------------------------------------------------------------------------------------------
# Labels in figures (scenes and charts): short, never rounding a catalog value into a different number
# ---------------------------------------------------------------------------------------------------------------


def decimals(x: float, digits: int | None = None) -> str:
    """131072 -> '131,072'; 2.039 -> '2.039' (up to 3 decimals); 7.63 with digits=1 -> '7.6'."""
    if digits is None:
        if float(x).is_integer():
            return f"{int(round(x)):,}"
        return f"{x:,.3f}".rstrip("0").rstrip(".")
    return f"{x:,.{digits}f}"


def params_label(x: float) -> str:
    """Parameter count as the catalog gives it, without rounding it into a different number: '117M', '1.542B',
    '175B', '405.85B', '671B', '2.8T'."""
    if x >= 1e12:
        return f"{x / 1e12:.5g}T"
    if x >= 1e9:
        return f"{x / 1e9:.5g}B"
    return f"{x / 1e6:.5g}M"


def bytes_label(b: float) -> str:
    """Bytes in decimal units with three significant digits: '328 KB', '6.44 GB', '70.3 KB'."""
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if b >= size:
            return f"{b / size:.3g} {unit}"
    return f"{num(b)} B"


def power_of_ten(x: int) -> str | None:
    """'10¹²' for 10**12 (and other exact powers of ten), else None."""
    sup = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
    if x >= 10 and 10 ** int(round(math.log10(x))) == x:
        return "10" + str(int(round(math.log10(x)))).translate(sup)
    return None


def short_number(x: float, digits: int = 3) -> str:
    """Human scale for axis ticks and labels: 1.2K, 34M, 5B, 2T (``digits`` significant, trailing zeros cut)."""
    for div, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(x) >= div:
            return _sig(x / div, digits) + suffix
    return _sig(x, digits)


def _sig(x: float, digits: int) -> str:
    if x == 0:
        return "0"
    text = f"{x:.{digits}g}"
    if "e" in text:
        text = f"{x:,.0f}"
    return text


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def sci(x: float, digits: int = 2) -> str:
    """'8.8 × 10¹³' (``digits`` significant digits; plain Unicode, no mathtext, so the SVG text stays one string)."""
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def gb_label(n_bytes: float) -> str:
    """'0.54 GB', '17.2 GB', '618 GB', '2,684 GB' (GB = 10^9 bytes, three significant digits below 1,000)."""
    gb = n_bytes / 1e9
    if gb >= 1000:
        return f"{gb:,.0f} GB"
    if gb >= 100:
        return f"{gb:.0f} GB"
    if gb >= 10:
        return f"{gb:.1f} GB"
    if gb >= 1:
        return f"{gb:.2f} GB"
    return f"{gb:.2g} GB"


def long_date(iso: str | None) -> str:
    """An ISO date as the article writes it: "2026-12-01" -> "1 December 2026" (None: "not yet")."""
    if not iso:
        return "not yet"
    import datetime as dt

    d = dt.date.fromisoformat(iso)
    return f"{d.day} {d.strftime('%B')} {d.year}"


_QUOTES = (
    (re.compile(r"(?<=\w)'(?=\w)"), "\u2019"),  # don't, model's
    (re.compile(r"(?<=[\w.,!?%)])'"), "\u2019"),  # the models' (a closing quote)
    (re.compile(r"'(?=[\w(])"), "\u2018"),  # an opening quote
    (re.compile(r'"(?=[\w(\u2018])'), "\u201c"),
    (re.compile(r'(?<=[\w.,!?%)\u2019])"'), "\u201d"),
)


def curly_quotes(text: str) -> str:
    """Straight quotes and apostrophes as the article sets them (’ ‘ “ ”), for text that no Markdown smartens:
    step texts, the changelog. A quote it cannot place (a lone one between spaces) is left as it is."""
    for pattern, mark in _QUOTES:
        text = pattern.sub(mark, text)
    return text
