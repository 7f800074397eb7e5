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
    in_tower, in_wall = tower.data(catalog)["show"]["models"], wall.data(catalog)["show"]["models"]
    towered = next(k for k in in_tower if k not in in_wall and not catalog.models[k].get("moe"))  # GPT-1
    elsewhere = next(k for k, m in catalog.models.items() if k not in in_tower + in_wall and "params" in m)
    moe = next(k for k, m in catalog.models.items() if m.get("moe"))
    assert set(data["models"][towered]) == {"name", "released", "params"}, "only the fields it names"
    assert data["models"][moe]["moe"]["active_params"] > 0 and "layers" not in data["models"][towered]

    layers = keys(_with(catalog, lambda d: d["models"][towered].update(layers=13)))
    assert layers[0] == base[0], "a field it does not read"
    assert layers[1] != base[1], "the tower shows the model and reads all of it"
    assert layers[2] == base[2], "the_wall shows other models"

    params = keys(_with(catalog, lambda d: d["models"][elsewhere].update(params=9.5e9)))
    assert params[0] != base[0] and params[1] == base[1] and params[2] == base[2], "a model in no tower"


def test_field_reads_slice_and_merge(catalog):
    models = catalog.models
    whole = next(k for k, m in models.items() if "kv_heads" in m and not m.get("moe"))  # read whole and by field
    dense = next(k for k, m in models.items() if "kv_heads" in m and not m.get("moe") and k != whole)
    moe = next(k for k, m in models.items() if m.get("moe") and "kv_heads" not in m) if any(
        m.get("moe") and "kv_heads" not in m for m in models.values()) else None
    neither = next(k for k, m in models.items() if "kv_heads" not in m and not m.get("moe"))  # undisclosed
    out = catalog.slice(["models.*.kv_heads", "models.*.moe.active_params", f"models.{whole}"])
    assert out["models"][dense] == {"kv_heads": models[dense]["kv_heads"]}
    if moe:
        assert out["models"][moe] == {"moe": {"active_params": models[moe]["moe"]["active_params"]}}
    assert out["models"][whole] == models[whole], "a whole entry merged with its field read"
    assert neither not in out["models"], "a model with neither field"
    assert "kv_heads" in models[whole] and "moe" not in models[whole], "the catalog is untouched"
