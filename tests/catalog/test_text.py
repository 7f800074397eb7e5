"""Catalog text (generator/catalog/text.py): a figure's alt text is a sandboxed template that cannot run code,
reports its mistakes at the catalog field's line, and renders as plain text (no hover cards)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from generator.catalog import text as safe_text
from generator.catalog.model import load_catalog
from generator.catalog.text import alt_text, catalog_template
from generator.errors import CatalogError
from generator.site.assembly.check import check_project
from tests.support import GOOD, ROOT, line_of, one_error_line, run_cli, with_alt
from tests.tinyproject import CHART, state


def test_alt_text_has_no_cards(catalog):
    text = alt_text(catalog, "kv_cache_sizes")
    assert "<span" not in text and "GB" in text


RCE = "{{ d.__builtins__['__import__']('os').system('touch %s') }}"


def test_alt_text_cannot_run_code(project, tmp_path, capsys):
    marker = tmp_path / "pwned"
    cat = project / "catalog.yaml"
    hostile = with_alt(cat.read_text("utf-8"), CHART, RCE % marker)
    cat.write_text(hostile, "utf-8")
    before = state(project)
    rc, lines = run_cli(capsys, "check", "--root", str(project))
    msg = one_error_line(lines)
    assert rc == 2
    line = line_of(hostile, "__builtins__")
    assert msg.startswith(f"error: {cat}:{line}:"), msg
    assert f"figures.{CHART}.alt" in msg and "unsafe" in msg
    rc, lines = run_cli(capsys, "build", "--root", str(project), "--quality", "draft")
    assert rc == 2 and f"figures.{CHART}.alt" in one_error_line(lines)
    assert not marker.exists()
    assert state(project) == before


@pytest.mark.parametrize(
    "alt,found",
    [
        ("{{ num( }}", "syntax error"),
        ("{{ no_such_macro(1) }}", "no_such_macro"),
        ("{{ m['no-such-model'].layers }}", "no-such-model"),
        ("{{ fmt.__class__.__mro__ }}", "unsafe"),
        ("{% for x in range(10**9) %}{{ x }}{% endfor %}", "ranges of more than"),
    ],
)
def test_bad_macros_in_alt_text_are_catalog_errors(tmp_path, alt, found):
    text = with_alt(GOOD, "attention_cost", alt)
    p = tmp_path / "catalog.yaml"
    p.write_text(text, "utf-8")
    with pytest.raises(CatalogError) as info:
        check_project(ROOT, p)
    alt_line = text.count("\n", 0, text.index("\n    alt:", text.index("\n  attention_cost:"))) + 2
    assert str(info.value).startswith(f"{p}:{alt_line}:"), info.value
    assert found in str(info.value)


# ---------------------------------------------------------------------------------------------------------------
# The alt-text sandbox is bounded (generator/site/safe_text.py; issue 22, item 7): a catalog template that would run
# for minutes or build gigabytes is a catalog error at the alt's line, in one line, within seconds.
# ---------------------------------------------------------------------------------------------------------------



@pytest.fixture(scope="module")
def catalog():
    return load_catalog(ROOT / "catalog.yaml")


def _alt(catalog, text: str) -> str:
    fid = "attention_cost"
    old = catalog.data["figures"][fid]["alt"]
    catalog.data["figures"][fid]["alt"] = text
    try:
        return catalog_template(catalog, ("figures", fid, "alt"), {"num": str})
    finally:
        catalog.data["figures"][fid]["alt"] = old


@pytest.mark.parametrize(
    "alt,found",
    [
        ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "ranges of more than"),
        ("{{ 'x' * 4000000000 }}", "a repetition of 4,000,000,000"),
        ("{{ 'x' * (4e9 | int) }}", "a repetition of"),
        ("{{ [0] * 10**9 }}", "a repetition of"),
        ("{{ 'x'.ljust(10**9) }}", "ljust() with 1,000,000,000"),
        ("{{ 'x' | center(10**9) }}", "No filter named 'center'"),
        ("{{ 9 ** 999999 }}", "an integer power"),
        ("{{ '%999999999s' % 1 }}", "%-formatting"),
        ("{{ lipsum(100000) }}", "'lipsum' is undefined"),
        ("{% for c in 'x' * 99999 %}{% for d in 'x' * 99999 %}{% endfor %}{% endfor %}", "still running after"),
        ("{% for i in range(9000) %}{{ 'abc' }}{% endfor %}", "characters of text"),
    ],
)
def test_a_template_that_runs_long_or_grows_large_is_a_catalog_error(catalog, alt, found, monkeypatch):
    monkeypatch.setattr(safe_text, "MAX_OUTPUT", 20_000)
    with pytest.raises(CatalogError) as info:
        _alt(catalog, alt)
    msg = str(info.value)
    assert "figures.attention_cost.alt" in msg and found in msg and "\n" not in msg, msg


def test_an_ordinary_alt_text_renders(catalog):
    assert _alt(catalog, "A chart of {{ num(3) }} things, {% for i in range(3) %}{{ i }}{% endfor %}") == (
        "A chart of 3 things, 012"
    )


def test_make_check_stops_a_hanging_alt_text(tmp_path):
    """The command `make check` runs: it ends (it used to run past a minute), exit 2, one line at the alt's line."""
    text = (ROOT / "catalog.yaml").read_text("utf-8")
    start = text.index("\n    alt:", text.index("\n  attention_cost:"))
    end = text.index("\n    reads:", start)
    loops = "{% for c in 'x' * 99999 %}{% for d in 'x' * 99999 %}{% endfor %}{% endfor %}"
    p = tmp_path / "catalog.yaml"
    p.write_text(text[:start] + f"\n    alt: {json.dumps(loops)}" + text[end:], "utf-8")
    proc = subprocess.run([sys.executable, "-m", "generator", "check", "--catalog", str(p)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"error: {p}:") and "figures.attention_cost.alt" in lines[0] and "still running" in lines[0]
