"""The pages' Jinja2 environment (generator/site/article/safe_text.py): sandboxed, every printed value escaped by
generator/escape.py for HTML and Markdown, the url filter; the escaper itself is tested in tests/test_escape.py and
the browser test is tests/browser/test_hostile_catalog.py."""

from __future__ import annotations

import jinja2
import markdown
import pytest

from generator.errors import BuildError
from generator.site.article.safe_text import page_env


def test_pages_print_catalog_strings_as_text():
    env = page_env(None)
    out = env.from_string("{{ s }} [l]({{ u | url }})\n").render(
        s="H100 ![x](x){: onerror=alert(1) } [docs](javascript:alert(1)) *a* _b_ `c` <i>", u="a b/(c)"
    )
    assert not set("[]{}*_`<>") & set(out.split(" [l](")[0].replace("&#", "").replace(";", ""))
    html = markdown.markdown(out, extensions=["attr_list", "md_in_html", "smarty"])
    assert "<img" not in html and "<em>" not in html and "<code>" not in html and "<i>" not in html
    assert '<a href="a%20b/%28c%29">l</a>' in html and html.count("<a") == 1
    with pytest.raises(BuildError):
        env.from_string("{{ u | url }}").render(u="javascript:alert(1)")
    with pytest.raises(jinja2.exceptions.SecurityError):
        env.from_string("{{ s.__class__.__mro__ }}").render(s="x")
