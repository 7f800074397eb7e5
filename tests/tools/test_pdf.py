"""`make pdf` (generator/tools/pdf.py) without a browser (issue 22, item 11): the title, author and subject come from
the catalog the site was built from (its data/catalog.json), not the repository's catalog.yaml, and the title
reaches Chromium's footer template escaped."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader, PdfWriter

from generator.tools import pdf


def _site(tmp_path, meta):
    (tmp_path / "data").mkdir(parents=True)
    (tmp_path / "data" / "catalog.json").write_text(json.dumps({"catalog": {"meta": meta}}), "utf-8")
    return tmp_path


def test_metadata_comes_from_the_built_site(tmp_path):
    meta = {"title": "Built </title>\nfrom <this>", "description": "Its own\ndescription", "authors": ["A", "B"]}
    site = _site(tmp_path / "site", meta)
    assert pdf.site_meta(site) == meta
    buf = io.BytesIO()
    w = PdfWriter()
    w.add_blank_page(100, 100)
    w.write(buf)
    report = pdf._write(buf.getvalue(), tmp_path / "out.pdf", pdf.site_meta(site))
    info = PdfReader(report.path).metadata
    assert info["/Title"] == "Built </title> from <this>" and info["/Subject"] == "Its own description"
    assert info["/Author"] == "A, B"


def test_the_footer_holds_the_title_as_text():
    footer = str(pdf._FOOTER.format(title=pdf.pdf_template('T</div><img src=x onerror="alert(1)">')))
    assert "<img" not in footer and "T&lt;/div&gt;&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in footer
    assert footer.count("<span") == 2 and footer.count("<div") == 1


def test_a_site_without_its_data_is_a_clear_error(tmp_path):
    with pytest.raises(RuntimeError, match="data/catalog.json"):
        pdf.site_meta(tmp_path)
