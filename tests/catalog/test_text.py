"""Catalog text (generator/catalog/text.py): a figure's alt text is a sandboxed template that cannot run code,
reports its mistakes at the catalog field's line, and renders as plain text (no hover cards)."""

from __future__ import annotations

import pytest

from generator.catalog.text import alt_text
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
        ("{% for x in range(10**9) %}{{ x }}{% endfor %}", "Range too big"),
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
