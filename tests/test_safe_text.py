"""The alt-text sandbox is bounded (generator/site/safe_text.py; issue 22, item 7): a catalog template that would run
for minutes or build gigabytes is a catalog error at the alt's line, in one line, within seconds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.catalog import load_catalog
from generator.errors import CatalogError
from generator.site import safe_text
from generator.site.safe_text import catalog_template

ROOT = Path(__file__).resolve().parent.parent


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
