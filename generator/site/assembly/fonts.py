"""The site's web fonts: the shipped Inter files (figures/typeface.py) subset to WOFF2 for the page and the charts
inlined in it. Nothing is fetched from anywhere else; docs/assets/css/fonts.css declares the faces (``WEB_FONTS``
names the files they point to; tests/site/assembly/test_fonts.py keeps the two in step).

The subset is fixed, not computed from the pages: Latin (with Latin Extended-A for authors' names), Greek letters,
the punctuation, superscripts, arrows and mathematical signs the article sets (× − ≈ ≤ ...). A test checks that
every character the built site shows is in it. Layout features are limited to those matplotlib's measurement
agrees with (kerning, tabular figures, marks); no ligatures or contextual alternates, so a chart label is as wide
in the browser as it was when the build placed it. Each file is made once per input (font bytes, ranges, features,
fontTools version) and kept in build/fonts/: a rebuild subsets nothing.
"""

from __future__ import annotations

import hashlib
import io
import logging
from pathlib import Path

from figures import typeface
from generator.util.fs import atomic_write

#: Site path -> CSS weight.
WEB_FONTS = {"assets/fonts/inter-400.woff2": 400, "assets/fonts/inter-600.woff2": 600}
#: The licence travels with the font files (SIL OFL 1.1, condition 2).
LICENCE = "assets/fonts/OFL.txt"


def _span(a: int, b: int) -> list[int]:
    return list(range(a, b + 1))


#: The code points kept (see the module docstring).
UNICODES: tuple[int, ...] = tuple(
    _span(0x20, 0x7E)  # Basic Latin
    + _span(0xA0, 0x17F)  # Latin-1 Supplement, Latin Extended-A
    + _span(0x391, 0x3A1)
    + _span(0x3A3, 0x3A9)
    + _span(0x3B1, 0x3C9)  # Greek capitals and small letters
    + _span(0x2010, 0x2027)  # dashes, quotes, bullets, ellipsis
    + _span(0x2030, 0x203A)  # per mille, primes, angle quotes
    + [0x2044]  # fraction slash
    + _span(0x2070, 0x2071)
    + _span(0x2074, 0x208E)  # superscripts and subscripts
    + [0x20AC, 0x2122]  # euro, trade mark
    + _span(0x2190, 0x2199)  # arrows
    + [0x2202, 0x2206, 0x2211, 0x2212, 0x221A, 0x221E, 0x2248, 0x2260, 0x2264, 0x2265]  # ∂ ∆ ∑ − √ ∞ ≈ ≠ ≤ ≥
    + [0x25CF, 0x2713, 0x2717]  # ● ✓ ✗
)
FEATURES = ("kern", "tnum", "ccmp", "locl", "mark", "mkmk")


def _key(source: Path) -> str:
    import fontTools

    h = hashlib.sha256(source.read_bytes())
    h.update(repr((UNICODES, FEATURES, fontTools.version)).encode())
    return h.hexdigest()[:16]


def subset_woff2(source: Path) -> bytes:
    """``source`` (an OTF/TTF) subset to ``UNICODES`` with ``FEATURES``, unhinted, as WOFF2 bytes: the same bytes for
    the same input on any machine at any time (two builds of one project publish identical sites)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # its per-table "pruned" notes are not ours to show
    options = subset.Options()
    options.layout_features = list(FEATURES)
    options.hinting = False
    options.desubroutinize = True
    font = TTFont(str(source), recalcTimestamp=False)  # head.modified as the source has it: same input, same bytes
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)
    font.flavor = "woff2"
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def web_fonts(build_dir: Path) -> dict[str, Path]:
    """{site path: file} of the WOFF2 subsets (made once per input into ``build_dir``/fonts/) and the licence."""
    out: dict[str, Path] = {}
    for rel, weight in WEB_FONTS.items():
        source = typeface.font_path(weight)
        cached = build_dir / "fonts" / f"{source.stem}-{_key(source)}.woff2"
        if not cached.exists():
            atomic_write(cached, subset_woff2(source))
        out[rel] = cached
    out[LICENCE] = typeface.LICENCE
    return out
