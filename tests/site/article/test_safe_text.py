"""Catalog strings reach the page as text (generator/site/article/safe_text.py); the browser test is in
tests/browser/test_hostile_catalog.py."""

from __future__ import annotations


def test_catalog_strings_are_escaped_for_markdown():
    from generator.site.article.safe_text import md_escape

    out = str(md_escape("H100 ![x](x){: onerror=alert(1) } [docs](javascript:alert(1)) *a* _b_ `c` <i>"))
    assert not set("![](){}*_`<>") & set(out.replace("&#", "").replace(";", ""))
    import markdown

    html = markdown.markdown(out, extensions=["attr_list", "md_in_html", "smarty"])
    assert "<img" not in html and "<a" not in html and "onerror=" not in html.replace("onerror=alert", "")
    assert "<em>" not in html and "<code>" not in html and "<i>" not in html
