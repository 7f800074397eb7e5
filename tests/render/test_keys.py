"""Cache keys are complete by construction: every project file a render imports is in its key, found from the
import statements, so editing a helper re-renders exactly the figures that use it."""

from __future__ import annotations

from generator.catalog import load_catalog
from generator.render.keys import cache_key, dependencies
from generator.render.registry import registry
from generator.render.specs import site_spec
from tests.tinyproject import CHART, SCENE, make_tiny_project


def _keys(root):
    cat = load_catalog(root / "catalog.yaml")
    figs = registry(cat, root / "figures")
    spec = site_spec("draft")
    return {fid: cache_key(f, cat, root, alt="a", spec=spec if f.kind == "scene" else None) for fid, f in figs.items()}


def test_a_helper_module_is_in_the_key_of_exactly_its_importers(tmp_path):
    root = make_tiny_project(tmp_path / "p")
    helper = root / "figures" / "charts" / "_common.py"
    helper.write_text("NOTE = 'shared'\n", "utf-8")
    chart = root / "figures" / "charts" / f"{CHART}.py"
    chart.write_text(chart.read_text("utf-8") + "\n\ndef _note():\n    from figures.charts._common import NOTE\n"
                     "    return NOTE\n", "utf-8")
    before = _keys(root)
    cat = load_catalog(root / "catalog.yaml")
    figs = registry(cat, root / "figures")
    deps = dependencies(figs[CHART], root)
    assert "figures/charts/_common.py" in deps and "figures/chart_style.py" in deps
    assert "{generator}/generator/derive.py" in deps, "the repository's own modules count too"
    assert not any("_common" in d for d in dependencies(figs[SCENE], root))

    helper.write_text("NOTE = 'changed'\n", "utf-8")
    after = _keys(root)
    assert after[CHART] != before[CHART], "editing a helper re-renders the chart that imports it"
    assert after[SCENE] == before[SCENE], "and nothing else"

    style = root / "figures" / "style.py"
    style.write_text(style.read_text("utf-8") + "\n# an edit\n", "utf-8")
    again = _keys(root)
    assert again[SCENE] != after[SCENE] and again[CHART] == after[CHART]


def test_scene_keys_cover_the_render_worker_and_its_spec(catalog, root):
    figs = registry(catalog, root / "figures")
    scene = next(f for f in figs.values() if f.kind == "scene")
    deps = dependencies(scene, root)
    for module in ("generator/render/video.py", "generator/render/worker.py", "generator/render/captions.py",
                   "figures/style.py", "generator/format.py"):
        assert module in deps, module
    assert not any(d.startswith(("generator/site/", "generator/media/")) for d in deps), \
        "site and kit code (pages, manifest) is not a render input"
    assert cache_key(scene, catalog, root, spec=site_spec("draft")) != cache_key(scene, catalog, root,
                                                                                spec=site_spec("publish"))


def _with(catalog, edit):
    import json

    from generator.catalog import Catalog

    data = json.loads(json.dumps(catalog.data))
    edit(data)
    return Catalog(catalog.path, data, catalog.marks)


def test_a_field_read_covers_exactly_that_field(catalog, root):
    """params_over_time reads models.*.params (and a few more fields), not whole models: a layer count changes
    nothing, a parameter count changes its key; a figure with a `models:` list reads only those models."""
    figs = registry(catalog, root / "figures")
    pot, tower, wall = figs["params_over_time"], figs["tower_growth"], figs["the_wall"]
    spec = site_spec("draft")

    def keys(cat):
        return (cache_key(pot, cat, root, alt="a"), cache_key(tower, cat, root, spec=spec),
                cache_key(wall, cat, root, spec=spec))

    base = keys(catalog)
    data = pot.data(catalog)
    assert set(data["models"]["gpt-1"]) == {"name", "released", "params"}, "only the fields it names"
    assert data["models"]["deepseek-v3"]["moe"]["active_params"] > 0 and "layers" not in data["models"]["gpt-1"]

    layers = keys(_with(catalog, lambda d: d["models"]["gpt-1"].update(layers=13)))
    assert layers[0] == base[0], "a field it does not read"
    assert layers[1] != base[1], "the tower shows GPT-1 and reads all of it"
    assert layers[2] == base[2], "the_wall shows only GPT-3"

    params = keys(_with(catalog, lambda d: d["models"]["glm-4-9b"].update(params=9.5e9)))
    assert params[0] != base[0] and params[1] == base[1] and params[2] == base[2], "GLM is in no tower"


def test_field_reads_slice_and_merge(catalog):
    out = catalog.slice(["models.*.kv_heads", "models.*.moe.active_params", "models.gpt-1"])
    assert out["models"]["llama-3.1-8b"] == {"kv_heads": 8}
    assert out["models"]["deepseek-v3"] == {"moe": {"active_params": 37.0e9}}
    assert out["models"]["gpt-1"]["layers"] == 12 and out["models"]["gpt-1"]["kv_heads"] == 12
    assert "gpt-4" not in out["models"], "an undisclosed model has neither field"
    assert "kv_heads" in catalog.models["gpt-1"] and "moe" not in catalog.models["gpt-1"], "the catalog is untouched"
