"""Rendering a table (generator/render/tables.py): no inline styles, prefixed classes, deterministic, a visible
title for standalone use."""

from __future__ import annotations

import pytest

from generator.render import charts, tables
from tests.support import figure_data, svg_texts

pytestmark = pytest.mark.slow


def test_table_has_no_inline_styles_and_prefixed_classes(table):
    path, root = table
    text = path.read_text(encoding="utf-8")
    assert "style=" not in text
    for el in root.iter():
        for cls in (el.get("class") or "").split():
            assert cls.startswith("rs-"), cls


def test_table_render_is_deterministic(table, catalog, tmp_path):
    fid = "technique_table"
    again = tables.render_table(fid, figure_data(catalog, fid), tmp_path,
                                title=catalog.figures[fid]["title"])
    assert again.read_bytes() == table[0].read_bytes()


def test_visible_title_for_standalone_use(catalog, tmp_path):
    fid = "scaling_law"
    title = catalog.figures[fid]["title"]
    path = charts.render_chart(fid, figure_data(catalog, fid), tmp_path, title=title,
                               visible_title=True)
    assert title in svg_texts(path)
