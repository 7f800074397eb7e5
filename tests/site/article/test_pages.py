"""Page macros: number formatting, citations, escaping, and errors that name the page and line."""

from __future__ import annotations

import json
import re
import traceback
from pathlib import Path, PurePosixPath

import pytest

from generator.errors import BuildError, GeneratorBug
from generator.site.article.context import PageContext
from generator.site.article.pages import render_pages
from tests.support import ROOT


def _render(tmp_path: Path, catalog, text: str, name: str = "index.md") -> str:
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / name).write_text(text, "utf-8")
    return render_pages(docs, catalog, {}, None)[name]


def test_macros_read_the_catalog(tmp_path, catalog):
    out = _render(tmp_path, catalog, "{{ num(d.attention_matrices(m['gpt-3-175b'])) }} matrices; "
                                     "{{ gb(d.kv_bytes_per_sequence(m['deepseek-v3'], 131072)) }}; "
                                     "{{ fact('flash-attention-speedup') }}; {{ fact('flash-sram-mb') }}")
    text = re.sub(r"<[^>]+>", "", out.split('\n<div class="rs-cards"')[0])  # the numbers, without their cards
    assert text == "9,216 matrices; 9.2\u00a0GB; 7.6×; 20\u00a0MB"
    # Each number carries its provenance: the formula with the catalog inputs filled in (generator/site/article/provenance.py).
    assert "61 layers × (512 latent width + 64 RoPE key dim) × 2 × 131,072 = 9,210,691,584" in out


def test_citations_are_numbered_in_order_of_first_use(tmp_path, catalog):
    out = _render(tmp_path, catalog, "a{{ cite('dao-2022') }} b{{ cite('kaplan-2020', 'dao-2022') }}\n\n"
                                     "{{ references() }}")
    assert '<a href="#ref-dao-2022"' in out and ">1</a>]" in out
    assert ">2</a>, <a href=\"#ref-dao-2022\"" in out
    refs = out[out.index('<ol class="rs-refs">'):]
    assert refs.index('id="ref-dao-2022"') < refs.index('id="ref-kaplan-2020"')
    assert 'href="https://arxiv.org/abs/2205.14135"' in refs


def test_unknown_name_fails_with_page_and_line(tmp_path, catalog):
    with pytest.raises(BuildError) as info:
        _render(tmp_path, catalog, "line one\n\nline three {{ m['gpt-3-175b'].layerz }}\n")
    assert "index.md:3" in str(info.value)
    with pytest.raises(BuildError) as info:
        _render(tmp_path, catalog, "ok\n{{ cite('nobody-2099') }}\n")
    assert "index.md:2" in str(info.value) and "nobody-2099" in str(info.value)
    with pytest.raises(BuildError) as info:
        _render(tmp_path, catalog, "ok\n{{ undefined_thing }}\n")
    assert "index.md:2" in str(info.value) and "undefined_thing" in str(info.value)


def test_syntax_error_names_line(tmp_path, catalog):
    with pytest.raises(BuildError) as info:
        _render(tmp_path, catalog, "a\nb\n{{ num( }}\n")
    assert "index.md:3" in str(info.value)


def test_catalog_strings_are_escaped(tmp_path, catalog):
    data = json.loads(json.dumps(catalog.data))
    data["models"]["gpt-1"]["name"] = "<script>alert(1)</script>"
    data["references"]["dao-2022"]["title"] = '"><img src=x onerror=alert(1)>'
    hostile = type(catalog)(catalog.path, data, catalog.marks)
    out = _render(tmp_path, hostile, "{{ m['gpt-1'].name }} {{ cite('dao-2022') }} {{ references() }}")
    assert "<script>" not in out and "&#60;script&#62;" in out  # HTML and Markdown escaped (safe_text.md_escape)
    assert "<img" not in out


def test_page_errors_point_at_the_mistake_in_plain_words(tmp_path, catalog):
    """A typo in a {% set %} is reported at that line, not where the name is used later; no internal class names;
    "did you mean" for models, fields, references, figures and facts."""
    page = "intro\n{%- set l70 = m['llama-3.1-70bb'] %}\n\ntext\n\n{{ num(l70.layers) }}\n"
    with pytest.raises(BuildError) as info:
        _render(tmp_path, catalog, page)
    msg = str(info.value)
    assert "index.md:2:" in msg and "'llama-3.1-70b'" in msg and "did you mean" in msg, msg
    assert "AttrDict" not in msg and "generator." not in msg and "Error" not in msg.split(":", 2)[-1], msg
    cases = {
        "{{ m['gpt-3-175b'].layerz }}": "did you mean 'layers'?",
        "{{ m.gpt3 }}": "no model 'gpt3'",
        "{{ cite('kaplan-2021') }}": "did you mean 'kaplan-2020'?",
        "{{ fact('flash-sram-mbb') }}": "did you mean 'flash-sram-mb'?",
        "{{ nmu(3) }}": "did you mean 'num'?",
        "{{ hw.h20.memory_gb }}": "no device 'h20'",
    }
    for text, expected in cases.items():
        with pytest.raises(BuildError) as info:
            _render(tmp_path, catalog, "ok\n" + text + "\n")
        msg = str(info.value)
        assert "index.md:2:" in msg and expected in msg and "AttrDict" not in msg, (text, msg)

    ctx = PageContext(catalog, {"the_wall": None}, PurePosixPath("index.md"), None)  # type: ignore[dict-item]
    with pytest.raises(BuildError, match="did you mean 'the_wall'"):
        ctx.figure("the_wal")


def test_comparison_macros_follow_the_numbers(tmp_path, catalog):
    """The words of a comparison come from the numbers, so a catalog change that flips it flips the sentence."""
    page = ("Weights {{ gb(d.weight_bytes(m['gpt-3-175b'].params, 'int4')) }}: "
            "{{ than(d.weight_bytes(m['gpt-3-175b'].params, 'int4'), hw['h200'].memory_gb * d.GB) }} one H200; "
            "they {{ fits(d.weight_bytes(m['gpt-3-175b'].params, 'int4'), hw['h200'].memory_gb * d.GB, 'fit', "
            "'do not fit') }}; {{ times_the(hw['b200'].memory_gb, hw['h100'].memory_gb) }} memory.\n")
    out = _render(tmp_path, catalog, page)
    assert "less than one H200" in out and "they fit;" in out and "2.2× the memory" in out, out
    data = json.loads(json.dumps(catalog.data))
    data["hardware"]["h200"]["memory_gb"] = 80
    flipped = _render(tmp_path, type(catalog)(catalog.path, data, catalog.marks), page)
    assert "more than one H200" in flipped and "they do not fit;" in flipped, flipped


def test_media_page_names_the_part_that_shows_each_scene(tmp_path, catalog):
    """The Media page lists every scene of the kit (every registered scene) with a link to the page showing it."""
    import shutil

    from generator.media.page import site_files


    out = tmp_path / "media"
    out.mkdir()
    scenes = [{"id": fid, "title": f["title"], "description": "d", "alt": "a",
               "files": [{"path": f"{fid}/{fid}.mov", "role": "prores", "format": "ProRes", "bytes": 10**8,
                          "sha256": "0" * 64, "site": False, "width": 1920, "height": 1080, "fps": 30,
                          "duration": 20.0}]}
              for fid, f in catalog.figures.items() if f["kind"] == "scene"]
    (out / "manifest.json").write_text(json.dumps({"scenes": scenes, "quality": "draft", "source": {
        "commit": "0" * 40, "dirty": False, "catalog_sha256": "0" * 64}}), "utf-8")
    _, media = site_files(ROOT, out)
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copyfile(ROOT / "docs" / "media.md", docs / "media.md")
    (docs / "index.md").write_text("---\ntitle: One\ndescription: d\npart: 1\n---\n{{ figure('the_wall') }}\n")
    (docs / "two.md").write_text("---\ntitle: Two\ndescription: d\npart: 2\n---\n{{ figure('kv_sharing') }}\n")
    import jinja2

    from generator.site.article import pages as pages_mod
    from generator.site.article.series import Series, figure_pages

    # The Media page alone, with the names render_pages gives it (the parts' figures are not rendered here).
    ctx = PageContext(catalog, {}, PurePosixPath("media.md"), None)
    env = pages_mod.make_env(jinja2.FileSystemLoader(str(docs)))
    text = env.get_template("media.md").render(**{
        **pages_mod.base_context(ctx), "media": media, "parts": Series.read(docs).parts,
        "placed_in": figure_pages(docs)})
    assert "of all 2 parts" in text
    for s in scenes:
        assert f"## {s['title']}" in text, s["id"]
    assert "Shown in [One](index.md#fig-the_wall)." in text and "Shown in [Two](two.md#fig-kv_sharing)." in text
    # Talk mode is linked only when the site has one (the build writes talk/index.html when it has scenes).
    assert "[talk mode](talk/index.html)" not in text
    _, media = site_files(ROOT, out, talk=True)
    with_talk = env.get_template("media.md").render(**{
        **pages_mod.base_context(ctx), "media": media, "parts": pages_mod.Series.read(docs).parts,
        "placed_in": pages_mod.figure_pages(docs)})
    assert "[talk mode](talk/index.html)" in with_talk


def _layered(catalog) -> str:
    return next(k for k, m in catalog.models.items() if "layers" in m)


@pytest.mark.parametrize("page, found", [
    ("{{ num(m[MID].layers / 0) }}", "division by zero"),  # arithmetic of traced numbers on the page's values
    ("{{ m[MID].layers + 'x' }}", "unsupported operand"),  # in the template itself
    ("{{ num(d.kv_bytes_per_token(hw[DEV])) }}", "no such key"),  # a macro given the wrong kind of entry
    ("{{ num(d.weight_bytes(m[MID].layers, 'fp12')) }}", "unknown precision"),  # a macro's own check
])
def test_an_author_s_mistake_is_one_plain_line(tmp_path, catalog, page, found):
    text = "---\ntitle: T\n---\n" + page.replace("MID", repr(_layered(catalog))).replace(
        "DEV", repr(next(iter(catalog.hardware))))
    with pytest.raises(BuildError) as info:
        _render(tmp_path, catalog, text)
    assert not isinstance(info.value, GeneratorBug), info.value
    assert "index.md:4:" in str(info.value) and found in str(info.value), info.value


def test_a_bug_of_ours_keeps_its_traceback(tmp_path, catalog, monkeypatch):
    """A failure inside the generator's own code while it renders a page (here the provenance arithmetic that writes
    a number's card) is reported as the generator's bug at the page's line, with the failure chained to it."""
    from generator.site.article import provenance

    def broken(node):
        raise KeyError("owner")  # as a bug in the formula code would

    monkeypatch.setattr(provenance, "formula", broken)
    text = "---\ntitle: T\n---\nTwice the layers: {{ num(m[%r].layers * 2) }}.\n" % _layered(catalog)
    with pytest.raises(GeneratorBug) as info:
        _render(tmp_path, catalog, text)
    msg = str(info.value)
    assert "index.md:4:" in msg and "bug in generator/" in msg and "KeyError" in msg
    cause = info.value.__cause__
    assert isinstance(cause, KeyError) and "broken" in [f.name for f in traceback.extract_tb(cause.__traceback__)]


def test_the_article_promises_the_media_kits_files_only_when_the_site_has_them(tmp_path, catalog):
    """After `make site` alone the Media page can only say how to make the files: the article's sentence about the
    kit says so (and offers talk mode); with a kit built it says the files are there."""
    from generator.media.page import site_files
    from generator.render.registry import registry
    from generator.site.article.widgets import render_widget
    from generator.site.assembly.check import _placeholder_assets
    from generator.site.extras.export import catalog_export
    from generator.site.extras.versions import site_extras
    from tests.support import write_kit_manifest

    assets = _placeholder_assets(registry(catalog), tmp_path)
    extras = site_extras(ROOT, catalog.data, catalog_export(catalog)).context
    _, none = site_files(ROOT, tmp_path / "no-kit", talk=True)
    _, kit = site_files(ROOT, write_kit_manifest(tmp_path / "kit", catalog).parent, talk=True)
    for media, says, never in ((none, "in [talk mode](talk/index.html)", "also available as files"),
                               (kit, "also available as files", "[talk mode]")):
        article = render_pages(ROOT / "docs", catalog, assets, render_widget, {"media": media, **extras})["index.md"]
        tail = article[article.index("## Glossary") - 600:article.index("## Glossary")]
        assert says in tail and never not in tail and "[media kit](media.md)" in tail, tail
