"""generator/site/article/widgets.py: the widget containers, their data islands and their no-JavaScript fallback tables."""

from __future__ import annotations

import copy
import json

import markdown
import pytest
from bs4 import BeautifulSoup

from generator import derive
from generator.catalog import Catalog
from generator.errors import BuildError
from generator.site.article.widgets import WIDGETS, json_island, render_widget

NBSP = "\u00a0"
HOSTILE = "</script></template><img src=x onerror=\"window.__pwned=1\">&amp; \u2028"


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def island(html: str):
    tpl = soup(html).select("template.rs-data")
    assert len(tpl) == 1
    return json.loads(tpl[0].decode_contents())


def row_cells(table, header: str) -> list[str]:
    for tr in table.select("tbody tr"):
        th = tr.find("th")
        if th and th.get_text() == header:
            return [td.get_text().replace(NBSP, " ") for td in tr.find_all("td")]
    raise AssertionError(f"no row {header!r}")


def with_data(catalog: Catalog, change) -> Catalog:
    data = copy.deepcopy(catalog.data)
    change(data)
    return Catalog(path=catalog.path, data=data, marks={})


@pytest.mark.parametrize("name", list(WIDGETS))
def test_container_island_and_fallback(catalog, name):
    html = render_widget(name, catalog)
    doc = soup(html)
    root = doc.find("div", recursive=False)
    assert root["data-rs-widget"] == name and "rs-widget" in root["class"]
    assert root["role"] == "group" and root["aria-label"]
    assert root.find("template", class_="rs-data", recursive=False).has_attr("data-search-exclude")
    fallback = root.find("div", class_="rs-fallback", recursive=False)
    assert fallback.find("table").find("caption").get_text()
    assert all(th.get("scope") in ("col", "row") for th in fallback.find_all("th"))
    # Passes through Markdown as one raw block: no blank lines, no indentation (an indented line is code).
    assert "\n\n" not in html and not any(line.startswith((" ", "\t")) for line in html.splitlines())
    assert island(html)


def test_memory_fallback_numbers(catalog):
    html = render_widget("memory", catalog)
    fallback = soup(html).select_one(".rs-fallback")
    models = fallback.select("table")[0]
    l70 = row_cells(models, "Llama 3.1 70B")
    assert l70[:5] == ["70.55 billion", "282.2 GB", "141.1 GB", "70.5 GB", "35.3 GB"]
    assert l70[5] == "42.9 GB at 131,072 tokens"  # 327,680 bytes per token
    assert row_cells(models, "GPT-3 175B")[1:5] == ["700.0 GB", "350.0 GB", "175.0 GB", "87.5 GB"]
    assert row_cells(models, "DeepSeek-V3")[5] == "9.2 GB at 131,072 tokens"  # MLA: 576 numbers x 61 layers
    assert "GPT-4" not in models.get_text()  # undisclosed: no numbers
    hardware = fallback.select("table")[1]
    assert row_cells(hardware, "NVIDIA B200") == ["180 GB"]
    assert len(hardware.select("tbody tr")) == len(catalog.hardware)
    assert "GB = 10\u2079 bytes" in fallback.get_text()


def test_memory_island_is_exactly_what_the_widget_needs(catalog):
    data = island(render_widget("memory", catalog))
    assert set(data) == {"models", "hardware", "precisions", "defaults"}
    assert [m["id"] for m in data["models"]] == list(catalog.models)
    allowed = {"id", "name", "params", "layers", "heads", "kv_heads", "head_dim", "attention", "attention_layers",
               "window", "context", "mla", "ssm", "moe", "disclosed"}
    for m in data["models"]:
        assert set(m) <= allowed, set(m) - allowed
        src = catalog.models[m["id"]]
        if src.get("disclosed", True) is False:
            assert m == {"id": m["id"], "name": src["name"], "disclosed": False}
            continue
        # The island carries enough for every derive function the widget calls, with the same answers.
        assert derive.kv_bytes_per_sequence(m, 131072, "bf16") == derive.kv_bytes_per_sequence(src, 131072, "bf16")
        assert derive.max_context(m, 80, "int4", "fp8") == derive.max_context(src, 80, "int4", "fp8")
    assert data["hardware"][0] == {"id": "rtx-4090-laptop", "name": "GeForce RTX 4090 Laptop GPU", "memory_gb": 16,
                                   "kind": "consumer"}
    assert [p["id"] for p in data["precisions"]] == ["fp32", "bf16", "fp8", "int8", "int4"]
    assert all(p["id"] in derive.BYTES_PER_VALUE for p in data["precisions"])
    assert data["defaults"]["model"] == "llama-3.1-70b"
    assert "sources" not in json.dumps(data) and "verified" not in json.dumps(data)


def test_attention_mamba_fallback_numbers(catalog):
    html = render_widget("attention-mamba", catalog)
    table = soup(html).select_one(".rs-fallback table")
    # Llama 3.1 8B: 131,072 bytes per token. Nemotron 3 Nano: 12,482,560 state numbers in FP32 (its config's
    # mamba_ssm_cache_dtype), plus 6 attention layers of 2 KV heads x 128 x 2 = 6,144 bytes per token.
    assert row_cells(table, "131,072") == ["17.2 GB", "49.9 MB", "344×", "855.2 MB"]
    assert row_cells(table, "1,048,576") == ["137.4 GB", "49.9 MB", "2,753×", "6.5 GB"]
    assert row_cells(table, "1,024") == ["134.2 MB", "49.9 MB", "2.69×", "56.2 MB"]
    # From one token, and the crossover's own row: the cache passes the state at about 381 tokens.
    assert row_cells(table, "1")[1:] == ["49.9 MB", "0.00263×", "49.9 MB"]
    assert row_cells(table, "381")[2] == "1×"
    assert "passes the state at about 381 tokens" in table.select_one("caption").get_text()
    data = island(html)
    assert data["attention"]["id"] == "llama-3.1-8b" and data["ssm"]["id"] == "nemotron-3-nano"
    assert derive.ssm_state_values(data["ssm"]) == 12_482_560
    assert data["precision"] == "bf16" and data["labels"] == {"kv": "BF16", "state": "FP32"}
    assert data["range"] == [1, 1_048_576]
    # Why these two: the catalog's note, with the models' names put in.
    assert data["note"].startswith("Why these two: Llama 3.1 8B stands for a plain transformer")
    assert "{" not in data["note"]


def test_context_fallback_numbers(catalog):
    html = render_widget("context", catalog)
    table = soup(html).select_one(".rs-fallback table")
    heads = [th.get_text() for th in table.select("thead th")]
    assert "Sliding window of 4,096 (Mistral 7B v0.1)" in heads
    assert heads[-1] == "GPT-3 175B: causal \u00d7 9,216 matrices"
    assert row_cells(table, "6") == ["36", "21", "21", "193,536"]  # claims.md #2: 6 tokens, 36 scores
    assert row_cells(table, "1,000") == ["1,000,000", "500,500", "500,500", "4,612,608,000"]
    assert row_cells(table, "1,048,576") == ["1,099,511,627,776", "549,756,338,176", "4,286,580,736",
                                             "5,066,554,412,630,016"]
    assert "96 \u00d7 96 = 9,216" in soup(html).select_one(".rs-fallback").get_text()
    data = island(html)
    assert data["defaults"] == {"model": "mistral-7b", "length": 8192, "window": 4096, "window_model": "mistral-7b"}
    assert all(m.get("disclosed", True) for m in data["models"])


def test_unknown_widget_names_the_known_ones(catalog):
    with pytest.raises(BuildError, match="known: memory, attention-mamba, context"):
        render_widget("memroy", catalog)


# --------------------------------------------------------------------------------------------------------------
# Hostile strings: a model name that tries to close the data island and inject markup
# --------------------------------------------------------------------------------------------------------------


def _hostile(catalog: Catalog) -> Catalog:
    def change(data):
        for mid in ("llama-3.1-70b", "llama-3.1-8b", "nemotron-3-nano", "mistral-7b", "gpt-3-175b", "gpt-4"):
            data["models"][mid]["name"] = HOSTILE + mid
        data["hardware"]["h100"]["name"] = HOSTILE + "h100"
    return with_data(catalog, change)


@pytest.mark.parametrize("name", list(WIDGETS))
def test_hostile_names_stay_text(catalog, name):
    html = render_widget(name, _hostile(catalog))
    assert "<img" not in html and "</script>" not in html
    assert html.count("<template") == 1 and html.count("</template>") == 1
    tpl = html[html.index("<template"):html.index("</template>")]
    body = tpl[tpl.index(">") + 1:]
    assert not set(body) & set("<>&"), "the island must not hold a raw <, > or &"
    assert "\u2028" not in body  # escaped as \u2028 in the JSON text
    doc = soup(html)
    assert not doc.find("img") and not doc.find("script")
    strings = []

    def walk(node):
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, str):
            strings.append(node)
    walk(island(html))
    assert any(s.startswith(HOSTILE) for s in strings)  # the data keeps the string as data, exactly
    text = doc.select_one(".rs-fallback").get_text()
    if name != "context":
        assert HOSTILE in text  # and the fallback shows it as text


def test_json_island_escapes_everything_that_parses_as_markup():
    out = json_island({"a": "</template><!-- & -->", "b": "\u2028\u2029", "c": 1.5})
    assert out == '{"a":"\\u003c/template\\u003e\\u003c!-- \\u0026 --\\u003e","b":"\\u2028\\u2029","c":1.5}'
    assert json.loads(out) == {"a": "</template><!-- & -->", "b": "\u2028\u2029", "c": 1.5}


def test_survives_the_sites_markdown(catalog, root):
    """Through Python-Markdown with mkdocs.yml's extensions (smarty would curl quotes in JSON if it got in)."""
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load((root / "mkdocs.yml").read_text("utf-8"), Loader=_Loader)
    exts = [next(iter(e)) if isinstance(e, dict) else e for e in config.get("markdown_extensions", [])]
    for name in WIDGETS:
        html = render_widget(name, _hostile(catalog))
        page = markdown.markdown(f"Before *it*.\n\n{html}\nAfter \"it\".\n", extensions=exts)
        assert island(page) == island(html)
        assert soup(page).select_one(".rs-fallback").get_text() == soup(html).select_one(".rs-fallback").get_text()
        assert "<img" not in page


def test_fallback_models_when_the_preferred_ones_are_missing(catalog):
    def drop(data):
        for mid in ("llama-3.1-8b", "llama-3.1-70b", "mistral-7b", "gpt-3-175b", "nemotron-3-nano"):
            del data["models"][mid]
    smaller = with_data(catalog, drop)
    assert island(render_widget("attention-mamba", smaller))["ssm"]["id"] == "nemotron-h-8b"
    assert island(render_widget("memory", smaller))["defaults"]["model"] == "gpt-1"
    ctx = island(render_widget("context", smaller))["defaults"]
    assert ctx["window_model"] is None and ctx["window"] == 4096

    def no_ssm(data):
        for m in data["models"].values():
            m.pop("ssm", None)
    with pytest.raises(BuildError, match="no model usable"):
        render_widget("attention-mamba", with_data(catalog, no_ssm))


def _with_widgets(catalog, widgets: dict) -> Catalog:
    data = copy.deepcopy(catalog.data)
    data["widgets"] = widgets
    return Catalog(catalog.path, data, catalog.marks)


def test_widget_defaults_and_lists_are_catalog_data(catalog):
    """Which model a widget starts on, and which models it lists, come from catalog.yaml `widgets:`."""
    assert catalog.data["widgets"]["attention-mamba"]["defaults"]["attention"] == "llama-3.1-8b"
    assert island(render_widget("attention-mamba", catalog))["attention"]["id"] == "llama-3.1-8b"
    other = _with_widgets(catalog, {"attention-mamba": {"defaults": {"attention": "llama-3.1-70b"}},
                                    "memory": {"models": ["mistral-7b", "gpt-1"], "defaults": {"model": "gpt-1"}},
                                    "context": {"select": "dense", "defaults": {"model": "gpt-2-xl"}}})
    assert island(render_widget("attention-mamba", other))["attention"]["id"] == "llama-3.1-70b"
    memory = island(render_widget("memory", other))
    assert [m["id"] for m in memory["models"]] == ["mistral-7b", "gpt-1"] and memory["defaults"]["model"] == "gpt-1"
    context = island(render_widget("context", other))
    assert "deepseek-v3" not in [m["id"] for m in context["models"]] and context["defaults"]["model"] == "gpt-2-xl"
    # Without a catalog default the first model that fits the role is used.
    bare = _with_widgets(catalog, {})
    assert island(render_widget("attention-mamba", bare))["ssm"]["id"] in catalog.models
