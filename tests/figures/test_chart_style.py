"""The charts' house style (figures/chart_style.py): every palette token is drawn in its own sentinel colour, which
generator/render/svg.py turns into the token's CSS variable (the palette itself: tests/figures/test_palette.py; the
labels: tests/figures/test_labels.py)."""

from __future__ import annotations

import io
import re

from figures import chart_style as cs
from figures import palette


def test_every_token_has_its_own_sentinel():
    assert set(v for v, _ in cs.SENTINELS.values()) == set(palette.THEME_VARS)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", s) for s in cs.SENTINELS)
    assert len(set(cs.SENTINELS)) == len(palette.THEME_VARS)
    for sentinel, (var, fallback) in cs.SENTINELS.items():
        assert fallback == palette.THEME_VARS[var]["light"] and sentinel != fallback, var


def test_charts_measure_and_name_the_shipped_inter():
    """Labels are measured and placed with the very files the page ships as its web font (figures/typeface.py), and
    the SVG names that family: a reader's browser draws the glyphs the overlap check measured, on any machine."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties, findfont

    from figures import typeface

    assert cs.FONT_FAMILY == [typeface.FAMILY]
    regular = findfont(FontProperties(family=cs.FONT_FAMILY), fallback_to_default=False)
    semibold = findfont(FontProperties(family=cs.FONT_FAMILY, weight="semibold"), fallback_to_default=False)
    assert (regular, semibold) == (str(typeface.font_path(400)), str(typeface.font_path(600)))
    cs.apply("t")
    fig = Figure()
    fig.text(0.1, 0.5, "Llama 3.1 405B")
    fig.text(0.1, 0.2, "Title", fontweight="semibold")
    out = io.StringIO()
    fig.savefig(out, format="svg")
    families = set(re.findall(r"font-family:\s*([^;\"]+)", out.getvalue()))
    assert families and all(f.split(",")[0].strip(" '") == "Inter" for f in families), families


def test_formulas_are_typeset_in_inter_and_measured_as_drawn():
    """A line with $...$ is typeset by mathtext in the shipped Inter (no DejaVu or Computer Modern glyphs), stays
    text in the SVG (svg.fonttype "none"), and the header's word wrap measures it as typeset, never breaking a
    formula: a raw "(N_c\\,/\\,N)^{\\alpha}" is far wider than the formula it draws."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    cs.apply("t")
    formula = r"$L(N) = (N_c\,/\,N)^{\alpha}$"
    assert cs.text_width(formula, 12) < 0.8 * cs.text_width(formula.strip("$"), 12)
    words = f"{formula} with $\\alpha$ = 0.076 and $N_c$ = 8.8 parameters: each doubling of $N$ halves nothing."
    for width in (1.5, 2.0, 3.0):
        lines = cs._wrap(words, 12, width)
        assert formula in lines[0] and all(line.count("$") % 2 == 0 for line in lines), lines
        assert " ".join(lines) == words
    fig = Figure()
    fig.text(0.1, 0.5, formula)
    out = io.StringIO()
    fig.savefig(out, format="svg")
    svg = out.getvalue()
    families = set(re.findall(r"font-family:\s*([^;\"]+)", svg))
    assert families and all(f.split(",")[0].strip(" '") == "Inter" for f in families), families
    assert ">\u03b1<" in svg and "<use" not in svg, "the glyphs are text, not outlines"


def test_scaling_law_header_is_a_typeset_formula(rendered, catalog):
    """scaling_law's subtitle shows L(N) = (N_c / N)^alpha typeset (a raised alpha, a lowered c: smaller glyphs at
    their own heights) in both layouts, with no TeX source left in it; its alt text keeps the plain words."""
    import xml.etree.ElementTree as ET

    from generator.catalog.text import alt_text

    for layout in ("wide", "narrow"):
        root = ET.parse(rendered["scaling_law", layout]).getroot()
        spans = [el for el in root.iter("{http://www.w3.org/2000/svg}tspan")]
        text = "".join(el.text or "" for el in spans)
        assert text.startswith("L(N)=(N") and "\\" not in text and "^" not in text and "$" not in text, text
        glyphs = [
            (el.text, float(re.search(r"font-size:\s*([\d.]+)px", el.get("style", "")).group(1)), float(el.get("y")))
            for el in spans
        ]
        size, base = next((s, y) for t, s, y in glyphs if t == "L")
        # SVG y grows downwards: the exponent alpha raised, the subscript c lowered, both smaller
        assert any(t == "\u03b1" and s < size and y < base for t, s, y in glyphs), glyphs
        assert any(t == "c" and s < size and y > base for t, s, y in glyphs), glyphs
    alt = alt_text(catalog, "scaling_law")
    assert "$" not in alt and "\\" not in alt


def test_source_citations_name_a_body_once_and_each_short_form_once(catalog):
    """A body with its members in parentheses is one author ("Open Compute Project (AMD, Arm, ...)" once read
    "Open Compute Project (AMD et al. 2023"), and two references with one short form are cited once."""
    refs = catalog.references
    assert cs.cite(refs, "ocp-mx") == f"Open Compute Project {refs['ocp-mx']['year']}"
    assert cs.cite({"x": {"authors": "A. Author, B. Author, C. Author", "year": 2020}}, "x") == "A. Author et al. 2020"
    same = {
        "a": {"authors": "NVIDIA", "year": 2026},
        "b": {"authors": "NVIDIA", "year": 2026},
        "c": {"authors": "Meta"},
    }
    assert cs.cites(same, ["a", "c", "b"]) == "NVIDIA 2026, Meta"
    assert cs.cites(same, ["c", "a"], " and ") == "Meta and NVIDIA 2026"
