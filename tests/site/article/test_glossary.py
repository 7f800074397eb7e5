"""The glossary (generator/site/article/glossary.py): a term is marked at its first use in each section."""

from __future__ import annotations

import re
from pathlib import Path

from generator.site.article.pages import render_pages


def _render(tmp_path: Path, catalog, text: str) -> str:
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "index.md").write_text(text, "utf-8")
    return render_pages(docs, catalog, {}, None)["index.md"]


def test_glossary_marks_first_use_in_each_section(tmp_path, catalog):
    page = ("---\ntitle: T\ndescription: tokens everywhere\n---\n# T\n\n## One\n\nA token, another token, "
            "[a token link](x.md), `token`.\n\n### Sub\n\nMore tokens.\n\n## Two\n\nTokens again.\n\n"
            "## Glossary\n\n{{ glossary() }}\n")
    out = _render(tmp_path, catalog, page)
    marked = re.findall(r'<span class="rs-term"[^>]*>([^<]*)</span>', out)
    assert marked == ["token", "Tokens"]  # once in "One" (not in the sub-section, link or code), once in "Two"
    assert "description: tokens everywhere" in out  # front matter untouched
    assert '<dt id="glossary-kv-cache">KV cache</dt>' in out
