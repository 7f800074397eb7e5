"""The technique table (figures/tables/): its rows and marks come from the catalog."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_table_rows_and_marks(table, catalog):
    from figures.tables.technique_table import TECHNIQUES

    path, root = table
    tbl = root.find(".//table")
    assert tbl.find("caption").text == catalog.figures["technique_table"]["title"]
    head = [th.get("scope") for th in tbl.find("thead").iter("th")]
    assert head == ["col"] * (2 + len(TECHNIQUES))
    rows = tbl.find("tbody").findall("tr")
    assert len(rows) == len(catalog.models)
    assert sorted(r.get("data-model") for r in rows) == sorted(catalog.models)
    dates = [catalog.models[r.get("data-model")]["released"] for r in rows]
    assert dates == sorted(dates), "rows by release date"
    for row in rows:
        m = catalog.models[row.get("data-model")]
        th = row.find("th")
        assert th.get("scope") == "row" and th.text == m["name"]
        cells = row.findall("td")[1:]
        if m.get("disclosed", True) is False:
            assert len(cells) == 1 and cells[0].text == "undisclosed"
            assert cells[0].get("colspan") == str(len(TECHNIQUES))
            continue
        assert len(cells) == len(TECHNIQUES)
        for (tid, _, _), cell in zip(TECHNIQUES, cells):
            hidden = cell.find("span[@class='rs-visually-hidden']").text
            shown = cell.find("span[@aria-hidden='true']")
            # a blank Flash cell means the model's source does not say, not that it runs without one
            absent = "not stated" if tid == "flash" else "no"
            assert hidden == ("yes" if tid in m["techniques"] else absent), (m["name"], tid)
            assert shown is not None and shown.text
