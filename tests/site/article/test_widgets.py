"""generator/site/article/widgets.py: the widget containers, their data islands and their no-JavaScript fallback tables."""

from __future__ import annotations

import copy
import json
import math

import markdown
import pytest
from bs4 import BeautifulSoup

from generator import derive
from generator.catalog.model import Catalog
from generator.derive import disclosed
from generator.errors import BuildError
from generator.format import gb, nbytes, num, params, times
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


def defaults(catalog: Catalog, widget: str) -> dict:
    """The models a widget starts on: the catalog's ``widgets:`` section (an editorial choice, never typed here)."""
    return catalog.data["widgets"][widget]["defaults"]


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
    """Every disclosed model the widget lists has its row: parameters, weights at each precision and the BF16 KV cache
    at its full context, the numbers derive computes, formatted as the pages format them (their goldens, the
    published numbers, are in tests/test_derive.py); an undisclosed model has no row; every device has its row."""
    html = render_widget("memory", catalog)
    fallback = soup(html).select_one(".rs-fallback")
    models = fallback.select("table")[0]
    listed = [m["id"] for m in island(html)["models"]]
    every = [k for k, m in catalog.models.items() if not m.get("cache_unmodelled")]
    assert listed == every, "the memory widget lists every model whose cache derive computes (widgets: memory)"
    for mid in listed:
        m = catalog.models[mid]
        if not disclosed(m):
            assert m["name"] not in [th.get_text() for th in models.select("tbody th")], "undisclosed: no numbers"
            continue
        kv = derive.kv_bytes_per_sequence(m, m["context"], "bf16")
        weights = [gb(derive.weight_bytes(m["params"], p)) for p in ("fp32", "bf16", "fp8", "int4")]
        expected = [params(m["params"], most=2), *weights, f"{nbytes(kv, 1)} at {num(m['context'])} tokens"]
        assert row_cells(models, m["name"]) == [c.replace(NBSP, " ") for c in expected], mid
    hardware = fallback.select("table")[1]
    for h in catalog.hardware.values():
        assert row_cells(hardware, h["name"]) == [f"{num(h['memory_gb'])} GB"]
    assert len(hardware.select("tbody tr")) == len(catalog.hardware)
    assert "GB = 10\u2079 bytes" in fallback.get_text()


def test_memory_island_is_exactly_what_the_widget_needs(catalog):
    data = island(render_widget("memory", catalog))
    assert set(data) == {"models", "hardware", "precisions", "defaults"}
    assert [m["id"] for m in data["models"]] == [k for k, m in catalog.models.items() if not m.get("cache_unmodelled")]
    allowed = {"id", "name", "params", "layers", "heads", "kv_heads", "head_dim", "attention", "attention_layers",
               "window", "window_layers", "context", "mla", "ssm", "moe", "disclosed"}
    for m in data["models"]:
        assert set(m) <= allowed, set(m) - allowed
        src = catalog.models[m["id"]]
        if src.get("disclosed", True) is False:
            assert m == {"id": m["id"], "name": src["name"], "disclosed": False}
            continue
        # The island carries enough for every derive function the widget calls, with the same answers.
        assert derive.kv_bytes_per_sequence(m, 131072, "bf16") == derive.kv_bytes_per_sequence(src, 131072, "bf16")
        assert derive.max_context(m, 80, "int4", "fp8") == derive.max_context(src, 80, "int4", "fp8")
    first, device = next(iter(catalog.hardware.items()))
    assert data["hardware"][0] == {"id": first, "name": device["name"], "memory_gb": device["memory_gb"],
                                   "kind": device["kind"]}
    assert [p["id"] for p in data["precisions"]] == ["fp32", "bf16", "fp8", "int8", "int4"]
    assert all(p["id"] in derive.BYTES_PER_VALUE for p in data["precisions"])
    assert data["defaults"]["model"] == defaults(catalog, "memory")["model"]
    assert "sources" not in json.dumps(data) and "verified" not in json.dumps(data)


def test_attention_mamba_fallback_numbers(catalog):
    """The widget's two models are the catalog's defaults; each row is derive's bytes for them at that length."""
    html = render_widget("attention-mamba", catalog)
    table = soup(html).select_one(".rs-fallback table")
    data = island(html)
    assert data["attention"]["id"] == defaults(catalog, "attention-mamba")["attention"]
    assert data["ssm"]["id"] == defaults(catalog, "attention-mamba")["ssm"]
    att, hyb = catalog.models[data["attention"]["id"]], catalog.models[data["ssm"]["id"]]
    state_bytes = derive.ssm_state_bytes(hyb, "bf16")
    state = nbytes(state_bytes, 1)
    for n in (1, 1_024, 131_072, 1_048_576):
        cache = derive.kv_bytes_per_sequence(att, n, "bf16")
        expected = [nbytes(cache, 1), state, times(cache / state_bytes, None),
                    nbytes(derive.kv_bytes_per_sequence(hyb, n, "bf16"), 1)]
        assert row_cells(table, num(n)) == [c.replace(NBSP, " ") for c in expected], n
    # The crossover's own row: the cache passes the state there (the ratio is 1), and the caption says where.
    cross = state_bytes / derive.kv_bytes_per_token(att, "bf16")
    assert 1 < cross < data["range"][1]
    passed = row_cells(table, num(math.ceil(cross)))[2]  # the first whole length past the crossover
    assert passed.startswith("1") and 1 <= float(passed.rstrip("×")) < 1.01, passed
    assert f"passes the state at about {num(cross, 0)} tokens" in table.select_one("caption").get_text()
    assert derive.ssm_state_values(data["ssm"]) == derive.ssm_state_values(hyb)
    # The state in the precision the model keeps it in (its config's cache dtype), the cache in BF16.
    dtype = hyb["ssm"].get("cache_dtype", "bf16")
    assert data["precision"] == "bf16" and data["labels"] == {"kv": "BF16", "state": dtype.upper()}
    assert data["range"][0] == 1 and data["range"][1] >= hyb["context"]
    # Why these two: the catalog's note, with the models' names put in.
    names = [m.get("short_label") or m["name"] for m in (att, hyb)]
    assert all(name in data["note"] for name in names) and "{" not in data["note"]


def test_context_fallback_numbers(catalog):
    """Scores for one head (full, causal, the default window model's window) and for the whole table model."""
    html = render_widget("context", catalog)
    table = soup(html).select_one(".rs-fallback table")
    chosen = defaults(catalog, "context")
    window_model, model = catalog.models[chosen["window_model"]], catalog.models[chosen["table_model"]]
    w, matrices = window_model["window"], derive.attention_matrices(model)
    heads = [th.get_text() for th in table.select("thead th")]
    assert f"Sliding window of {num(w)} ({window_model['name']})" in heads
    assert heads[-1] == f"{model['name']}: causal \u00d7 {num(matrices)} matrices"
    for n in (6, 1_000, 1_048_576):
        causal = derive.attention_scores(n, "causal")
        expected = [num(derive.attention_scores(n, "full")), num(causal),
                    num(derive.attention_scores(n, "window", w)), num(matrices * causal)]
        assert row_cells(table, num(n)) == expected, n
    data = island(html)
    assert data["defaults"] == {"model": chosen["model"], "length": 8192, "window": w,
                                "window_model": chosen["window_model"]}
    assert all(m.get("disclosed", True) for m in data["models"])


def test_unknown_widget_names_the_known_ones(catalog):
    with pytest.raises(BuildError, match="known: memory, attention-mamba, context"):
        render_widget("memroy", catalog)


# --------------------------------------------------------------------------------------------------------------
# Hostile strings: a model name that tries to close the data island and inject markup
# --------------------------------------------------------------------------------------------------------------


def _hostile(catalog: Catalog) -> Catalog:
    def change(data):
        for mid, m in data["models"].items():  # every model: whichever a widget starts on or lists
            m["name"] = HOSTILE + mid
        for hid, h in data["hardware"].items():
            h["name"] = HOSTILE + hid
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
    """Without the models the catalog names as defaults (and without any sliding-window model), each widget starts
    on the first model, in catalog order, that fits the role."""
    preferred = {mid for w in catalog.data["widgets"].values() for mid in w.get("defaults", {}).values()}
    gone = preferred | {mid for mid, m in catalog.models.items() if m.get("window")}

    def drop(data):
        for mid in gone:
            data["models"].pop(mid, None)
    smaller = with_data(catalog, drop)
    left = {mid: m for mid, m in catalog.models.items() if mid not in gone}
    assert island(render_widget("attention-mamba", smaller))["ssm"]["id"] == next(
        mid for mid, m in left.items() if disclosed(m) and m.get("ssm"))
    assert island(render_widget("memory", smaller))["defaults"]["model"] == next(
        mid for mid, m in left.items() if disclosed(m))
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
    start = defaults(catalog, "attention-mamba")["attention"]
    assert island(render_widget("attention-mamba", catalog))["attention"]["id"] == start
    plain = [mid for mid, m in catalog.models.items()  # models the attention role accepts, besides the default
             if disclosed(m) and m.get("attention") in ("mha", "gqa", "mqa") and not m.get("window") and mid != start]
    dense = [mid for mid, m in catalog.models.items() if disclosed(m) and not m.get("moe") and not m.get("ssm")]
    moe = next(mid for mid, m in catalog.models.items() if m.get("moe"))
    two = [dense[-1], dense[0]]  # a list in an order of the catalog's choosing, not the catalog's own
    other = _with_widgets(catalog, {"attention-mamba": {"defaults": {"attention": plain[0]}},
                                    "memory": {"models": two, "defaults": {"model": two[1]}},
                                    "context": {"select": "dense", "defaults": {"model": dense[1]}}})
    assert island(render_widget("attention-mamba", other))["attention"]["id"] == plain[0]
    memory = island(render_widget("memory", other))
    assert [m["id"] for m in memory["models"]] == two and memory["defaults"]["model"] == two[1]
    context = island(render_widget("context", other))
    assert moe not in [m["id"] for m in context["models"]] and context["defaults"]["model"] == dense[1]
    # Without a catalog default the first model that fits the role is used.
    bare = _with_widgets(catalog, {})
    assert island(render_widget("attention-mamba", bare))["ssm"]["id"] in catalog.models
