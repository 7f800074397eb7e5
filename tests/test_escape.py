"""generator/escape.py: one escaper per output context, and no other module escapes by hand (issue 22).

Each context's escaper is checked against the grammar it protects (Markdown with the site's extensions, HTML, CSV
read by a spreadsheet, BibTeX, XML, WebVTT, Chromium's PDF footer); the structural test fails when a module of the
generator or of figures/ imports an escaping library or builds markup with markupsafe instead of escape.Html."""

from __future__ import annotations

import ast
import csv
import html as html_lib
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import markdown
import pytest
from markupsafe import Markup

from generator import escape
from generator.errors import BuildError
from tests.support import ROOT

EXTENSIONS = ["toc", "attr_list", "md_in_html", "tables", "admonition", "smarty"]  # mkdocs.yml's

PAYLOADS = [
    "![x onfocus=alert(1) autofocus x](y)",
    "[a](javascript:alert(1)){: onclick=alert(2) }",
    "<img src=x onerror=alert(3)>",
    "</title><script>alert(4)</script>",
    "\"><svg onload=alert(5)>'",
    "*em* _em_ `code` ~~s~~ ==m== ^^s^^",
    "line one\n\n# heading\n- list\n1. ordered\n    code\n<div>raw</div>",
    "- starts a list",
    "1. starts a list",
    "    indented",
    "=== setext",
    "!!! note \"admonition\"",
    "| a | b |",
    "a -- b --- c ... << >>",
    "&amp; &lt; &#60; &",
]


def _md(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_is_text_in_markdown_anywhere(payload):
    """A value is one run of text: in a paragraph, at the start of a line, in a table cell and inside an attribute of
    an inline tag (the hover cards' title, issue 22 item 1) Markdown makes no element of it."""
    value = str(escape.html(payload))
    for text, tag in (
        (value, "p"),
        (f"Before\n{value}", "p"),
        (f'<span title="{value}">x</span> and {value}', "span"),
        (f"| h |\n|---|\n| {value} |", "td"),
    ):
        out = _md(text)
        named = re.sub(r"&(?!lt;|gt;|amp;|quot;|#)(\w+);", lambda m: html_lib.unescape(m.group(0)), out)  # smarty's
        root = ET.fromstring(f"<root>{named}</root>")
        tags = {el.tag for el in root.iter()} - {"root", "p", "table", "thead", "tbody", "tr", "th", "td", "span"}
        assert tags == set(), (payload, out)
        found = "".join(e.get("title", "") + "".join(e.itertext()) for e in root.iter(tag))
        assert payload.split("\n")[0].strip().replace("...", "…")[:6] in found.replace("\n", " ") or "&" in payload


def test_html_escapes_quotes_and_keeps_markup_and_identifiers():
    assert str(escape.html("a\"b'c<d>&")) == "a&#34;b&#39;c&#60;d&#62;&#38;"
    assert escape.html(Markup("<b>x</b>")) == "<b>x</b>"
    assert str(escape.html("gpt-3-175b attention_cost 9.2 GB (x)!")) == "gpt-3-175b attention_cost 9.2 GB (x)!"
    assert str(escape.html("<a href='x'>", markdown=False)) == "&lt;a href=&#39;x&#39;&gt;"


def test_html_type_escapes_its_arguments_for_markdown():
    out = escape.Html('<span title="{t}">{b}</span>').format(t="![x](y)", b=escape.Html("<b>ok</b>"))
    assert out == '<span title="&#33;&#91;x&#93;(y)"><b>ok</b></span>'
    assert "<b>ok</b>" in out and "[" not in out
    assert escape.Html("<p>") + "[a](b)" == "<p>&#91;a&#93;(b)"
    assert escape.Html(", ").join(["*a*", escape.Html("<i>b</i>")]) == "&#42;a&#42;, <i>b</i>"


def test_text_is_escaped_by_any_markup_sink():
    t = escape.Text("[x](javascript:y)")
    assert Markup("<p>{}</p>").format(t) == "<p>&#91;x&#93;(javascript:y)</p>"  # markupsafe asks __html__
    env = escape.template_env(None)
    assert env.from_string("{{ a ~ b }}").render(a=Markup("<i>i</i>"), b=t) == "<i>i</i>&#91;x&#93;(javascript:y)"
    assert env.from_string("{{ s }}").render(s="*em*") == "&#42;em&#42;"


@pytest.mark.parametrize(
    "value,expected",
    [
        ("https://a.org/x y?q=1&r=\"2\"#f", "https://a.org/x%20y?q=1&amp;r=%222%22#f"),
        ("../../#fig-a_b", "../../#fig-a_b"),
        ("figures/x/(1).png", "figures/x/%281%29.png"),
    ],
)
def test_url_percent_encodes(value, expected):
    assert str(escape.url(value)) == expected


@pytest.mark.parametrize("value", ["javascript:alert(1)", "data:text/html,x", "//evil.org/x", "vbscript:x"])
def test_url_refuses_other_schemes(value):
    with pytest.raises(BuildError):
        escape.url(value)


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "＝1"])
def test_csv_text_cells_are_never_formulas(cell):
    buf = io.StringIO()
    csv.writer(buf).writerow([escape.csv_cell(cell), escape.csv_cell(-3.5), escape.csv_cell(7)])
    text, number, integer = next(csv.reader(io.StringIO(buf.getvalue())))
    assert text == "'" + cell and number == "-3.5" and integer == "7"


def test_bibtex_braces_cannot_close_a_field():
    title = "T}, note = {forged} \\input{/etc/passwd} 100% $x$ #1 a_b ^ ~ & \n second line"
    field = escape.bibtex(title)
    depth = 0
    for i, c in enumerate(field):
        if c == "{" and (i == 0 or field[i - 1] != "\\"):
            depth += 1
        elif c == "}":
            depth -= 1
        assert depth >= 0, field
    assert depth == 0 and "\\input{" not in field and "\n" not in field
    assert "\\textbraceright{}" in field and "\\%" in field and "\\#" in field and "\\_" in field
    assert escape.bibtex_url("https://x.org/a{b}\\c/") == "https://x.org/a%7Bb%7D%5Cc/"


def test_xml_is_well_formed_for_any_text():
    nasty = "a & b < c > \" ' \x00 \x0b \ufffe ]]> </feed>"
    doc = f'<feed title="{escape.xml(nasty)}"><t>{escape.xml(nasty)}</t></feed>'
    root = ET.fromstring(doc)
    assert root.find("t").text.startswith("a & b < c > \" '") and "</feed>" in root.get("title")


def test_json_html_cannot_leave_its_element():
    out = escape.json_html({"a": "</script><!-- & \u2028"})
    assert "<" not in out and ">" not in out and "&" not in out and "\u2028" not in out
    assert json.loads(out) == {"a": "</script><!-- & \u2028"}


def test_front_matter_is_html_for_the_theme_and_one_line():
    out = str(escape.front_matter({"title": "Bits</title><script>x</script>", "description": 'a"\nb', "rs_card": "c"}))
    assert "<" not in out.split("rs_card")[0] and '"a&#34; b"' in out and 'rs_card: "c"' in out
    assert out.startswith("---\n") and out.endswith("---\n") and out.count("\n") == 5


def test_vtt_and_pdf_contexts():
    assert escape.vtt("a --> b <c.x>d</c> &\nline") == "a \u2192 b &lt;c.x>d&lt;/c> &amp; line"
    assert str(escape.pdf_template("T</div><img src=x onerror=alert(1)>")) == (
        "T&lt;/div&gt;&lt;img src=x onerror=alert(1)&gt;"
    )
    assert escape.pdf_info("a\nb\tc") == "a b c"


# ---------------------------------------------------------------------------------------------------------------
# Structure: catalog text reaches a sink only through generator/escape.py
# ---------------------------------------------------------------------------------------------------------------

#: Imports that escape, or build markup that is trusted as it is, outside generator/escape.py.
_FORBIDDEN_IMPORTS = {"markupsafe", "html", "xml.sax.saxutils", "cgi"}
#: Escaping by hand: replacing an HTML, XML or LaTeX special with its reference or command.
_BY_HAND = re.compile(r"""\.replace\(\s*["'](?:&|<|>|"|\\'|\{|\}|\\\\)["']\s*,""")


def _sources() -> list[Path]:
    files = sorted((ROOT / "generator").rglob("*.py")) + sorted((ROOT / "figures").rglob("*.py"))
    return [p for p in files if p != ROOT / "generator" / "escape.py"]


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_escapes_by_hand(path):
    tree = ast.parse(path.read_text("utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            assert name not in _FORBIDDEN_IMPORTS, f"{path}:{node.lineno}: imports {name}; use generator.escape"
        if isinstance(node, ast.Name) and node.id == "Markup":
            raise AssertionError(f"{path}:{node.lineno}: Markup; build HTML with generator.escape.Html")
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        assert not _BY_HAND.search(line), f"{path}:{n}: escapes by hand; use generator.escape"


def test_templates_print_catalog_text_through_the_escaper():
    """Every Jinja2 environment that renders pages or HTML comes from escape.template_env (finalize = html)."""
    for path in _sources():
        text = path.read_text("utf-8")
        assert "jinja2.Environment(" not in text, f"{path}: use generator.escape.template_env"
        assert "autoescape=False" not in text or path.as_posix().endswith("catalog/text.py"), path  # alt text: plain
