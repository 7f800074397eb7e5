"""Provenance (generator/site/article/provenance.py): formulas carry their catalog inputs, one card per formula,
and a bare catalog value gets its card."""

from __future__ import annotations

import html
import json
from html.parser import HTMLParser
from pathlib import Path

import markdown

from generator.catalog.model import load_catalog
from generator.site.article.pages import render_pages
from generator.site.article.provenance import formula, node_of, one_stop_per_block, wrap_catalog
from tests.support import ROOT


def _render(tmp_path: Path, catalog, text: str, data: dict[str, bytes] | None = None) -> str:
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "index.md").write_text(text, "utf-8")
    return render_pages(docs, catalog, {}, None, data_files=data)["index.md"]


def test_formula_carries_the_catalog_inputs(catalog):
    from generator import derive as d

    m = wrap_catalog(catalog.data)["models"]
    models = catalog.models
    gqa = next(k for k, x in models.items() if x.get("attention") == "gqa" and not x.get("window"))
    value = d.kv_bytes_per_token(m[gqa], "bf16")
    assert value == d.kv_bytes_per_token(models[gqa], "bf16"), "a traced number is the number"
    g = models[gqa]
    assert formula(node_of(value)) == (f"{g['layers']} layers × 2 × {g['kv_heads']} KV heads × {g['head_dim']} head dim"
                                       " × 2")
    windowed = next(k for k, x in models.items() if x.get("window") and x["context"] > x["window"])
    seq = d.kv_bytes_per_sequence(m[windowed], models[windowed]["context"])  # min(context, window): the window's leaf
    assert f"{models[windowed]['window']:,} window tokens" in formula(node_of(seq))
    hybrid = next(k for k, x in models.items() if x.get("ssm"))
    state = d.ssm_state_bytes(m[hybrid])
    recurrent, conv = formula(node_of(state)).split(" + ", 1)
    assert recurrent.startswith(f"{models[hybrid]['ssm']['layers']} SSM layers × ")
    assert recurrent.endswith(" × 4")  # FP32 recurrent state: 4 bytes per value (the config's cache dtype)
    assert "conv kernel" in conv and conv.endswith(" × 2")  # the convolution buffer in BF16, as vLLM and SGLang


def test_one_card_per_formula_and_bare_values_get_cards(tmp_path, catalog):
    data: dict[str, bytes] = {}
    out = _render(tmp_path, catalog, "{{ num(m['gpt-3-175b'].layers) }} and {{ num(m['gpt-3-175b'].layers) }}; "
                                     "{{ m['gpt-3-175b'].heads }} heads; {{ num(96) }} plain", data)
    body, _, pointer = out.partition('<div class="rs-cards"')
    assert body.count('class="rs-num"') == 3  # two layers (one card), one bare heads
    assert pointer.startswith(' data-rs-cards="assets/cards/index.json" hidden>')  # the cards are not in the page
    cards = json.loads(data["assets/cards/index.json"])
    assert sorted(cards) == ["rs-p-1", "rs-p-2"]
    assert "96 plain" in body and ">96</span> plain" not in body  # a typed literal has no provenance


def test_cards_are_data_with_checked_links_and_plain_words(tmp_path, catalog):
    """A card is lines of text parts and links: catalog text stays text in the JSON (cards.js sets it with
    textContent), links are percent-encoded http(s) or in-page, and the verification level is said in words."""
    data: dict[str, bytes] = {}
    out = _render(tmp_path, catalog, "{{ num(d.kv_bytes_per_token(m['llama-3.1-70b'], 'bf16')) }} bytes."
                                     "{{ cite('llama3-2024') }}\n\n{{ references() }}", data)
    cards = json.loads(data["assets/cards/index.json"])
    number = next(c for c in cards.values() if c["kind"] == "num")
    text = "".join(p if isinstance(p, str) else p.get("b") or p.get("a") for _, parts in number["lines"] for p in parts)
    assert "80 layers × 2 × 8 KV heads × 128 head dim × 2 = 327,680" in text
    assert "Checked against the source itself." in text and "Verified" not in text
    ref = next(c for c in cards.values() if c["kind"] == "ref")
    links = [p["href"] for _, parts in ref["lines"] for p in parts if isinstance(p, dict) and "href" in p]
    assert links == ["https://arxiv.org/abs/2407.21783", "#ref-llama3-2024"]  # the paper, and the list
    assert 'title="80 layers × 2' in out and "checked against the source itself" in out  # the no-JS description
    assert "aria-describedby" not in out  # described by the title until cards.js shows a card


def test_one_tab_stop_per_block():
    text = ('<span class="rs-num" tabindex="0" data-rs-card="rs-p-1" title="a">1</span> and '
            '<span class="rs-term" tabindex="0" data-rs-card="rs-g-1" title="b">t</span>'
            '<sup class="rs-cite">[<a href="#ref-x" title="c" data-rs-card="rs-r-1">1</a>]</sup>\n\n'
            '<a href="#ref-x" title="c" data-rs-card="rs-r-1">1</a> <a href="https://x.test/">plain</a>')
    first, second = one_stop_per_block(text).split("\n\n")
    assert first.count('tabindex="0"') == 1 and first.count('tabindex="-1"') == 2
    assert 'data-rs-card="rs-r-1" tabindex="-1">' in first
    assert second == '<a href="#ref-x" title="c" data-rs-card="rs-r-1">1</a> <a href="https://x.test/">plain</a>'


# ---------------------------------------------------------------------------------------------------------------
# Hover cards (generator/site/provenance.py, glossary.py, pages.cite) carry catalog text as text (issue 22, item 1).
#
# The cards' no-JavaScript ``title`` attributes sit inside inline tags that Markdown reads after Jinja2: a reference
# title, a fact's text, a glossary definition or a model name holding ``![x onfocus=alert(1) autofocus x](y)`` used
# to become an ``<img>`` whose quotes closed the attribute, making ``onfocus`` an attribute of the span. Each is now
# escaped for HTML and Markdown (generator/escape.py); the page, read by Python-Markdown with the site's extensions,
# has no element or attribute from them.
# ---------------------------------------------------------------------------------------------------------------

PAYLOAD = "![x onfocus=alert(1) autofocus x](y) \"q' [l](javascript:alert(2)){: onclick=alert(3) }"
EXTENSIONS = ["toc", "attr_list", "md_in_html", "tables", "admonition", "smarty"]  # mkdocs.yml's

PAGE = """# Cards

GPT-3 has {{ num(m['gpt-3-175b'].layers) }} layers{{ cite('brown-2020') }}; {{ fact('flash-attention-speedup') }}.
Each token costs {{ gb(d.kv_bytes_per_token(m['gpt-3-175b'])) }}.
"""


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, [a for a, _ in attrs]))


def test_card_titles_hold_hostile_catalog_text_as_text(tmp_path):
    text = (ROOT / "catalog.yaml").read_text("utf-8")
    for old, new in (
        ("    title: Language Models are Few-Shot Learners (GPT-3)\n", f"    title: {json.dumps(PAYLOAD)}\n"),
        ("    text: speed-up of the attention computation alone on GPT-2, against the PyTorch implementation\n",
         f"    text: {json.dumps(PAYLOAD)}\n"),
        ("    name: GPT-3 175B\n", f"    name: {json.dumps(PAYLOAD)}\n"),
    ):
        assert old in text, old
        text = text.replace(old, new, 1)
    start = text.index("\n  token:\n    term: token\n    definition: >-\n")
    end = text.index("    match: [token]", start)
    text = text[:start] + f"\n  token:\n    term: token\n    definition: {json.dumps(PAYLOAD)}\n" + text[end:]
    (tmp_path / "catalog.yaml").write_text(text, "utf-8")
    catalog = load_catalog(tmp_path / "catalog.yaml")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(PAGE, "utf-8")
    md = render_pages(docs, catalog, {}, None)["index.md"]
    assert md.count('title="') >= 4  # a number card, the citation, the fact and the glossary term
    parser = _Tags()
    parser.feed(markdown.markdown(md, extensions=EXTENSIONS))
    tags = {t for t, _ in parser.found}
    attrs = {a for _, names in parser.found for a in names}
    assert "img" not in tags and not {"onfocus", "onclick", "autofocus", "src"} & attrs, (tags, attrs)
    assert all(t in {"h1", "p", "span", "sup", "a", "b", "div"} for t in tags), tags


def test_a_models_licence_is_shown_with_its_facts(tmp_path):
    """A model's optional licence: (catalog/schema.py) is shown on the cards of its numbers, with its address."""
    cat = load_catalog(ROOT / "catalog.yaml")
    mid = next(k for k, m in cat.models.items() if "layers" in m)
    other = next(k for k, m in cat.models.items() if "layers" in m and k != mid)
    cat.data["models"][mid]["licence"] = {"name": "Example Licence <1.0>", "url": "https://example.org/licence"}
    data: dict[str, bytes] = {}
    out = _render(tmp_path, cat, f"{{{{ num(m['{mid}'].layers) }}}} and {{{{ num(m['{other}'].heads) }}}}", data)
    cards = json.loads(data["assets/cards/index.json"])
    parts = [[p for _, line in c["lines"] for p in line] for c in cards.values()]
    with_licence = [ps for ps in parts if " Licence: " in ps]
    assert len(with_licence) == 1, "only the model that names one"
    ps = with_licence[0]
    link = ps[ps.index(" Licence: ") + 1]
    assert link == {"a": "Example Licence <1.0>", "href": "https://example.org/licence"}  # text, set as text
    assert "; licence: Example Licence <1.0>)" in html.unescape(out)  # the no-JavaScript title too
