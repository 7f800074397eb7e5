"""Cache keys are complete by construction: every project file a render imports is in its key, found from the
import statements, so editing a helper re-renders exactly the figures that use it."""

from __future__ import annotations

from generator.catalog.model import load_catalog
from generator.render.keys import cache_key, dependencies, timeline_key
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


def test_a_scenes_timeline_key_is_shared_by_its_renders_and_follows_what_they_read(tmp_path):
    """Every render of a scene (any frame, any quality) shares one timeline key, so one render's length serves the
    others' progress; an edit to the scene's module is a new timeline (a step added changes the length)."""
    root = make_tiny_project(tmp_path / "p")
    cat = load_catalog(root / "catalog.yaml")
    scene = registry(cat, root / "figures")[SCENE]
    before = timeline_key(scene, cat, root)
    assert cache_key(scene, cat, root, spec=site_spec("draft")) != cache_key(scene, cat, root,
                                                                               spec=site_spec("publish"))
    assert before == timeline_key(scene, cat, root) and before not in {
        cache_key(scene, cat, root, spec=s) for s in (site_spec("draft"), site_spec("publish"))}
    module = root / "figures" / "scenes" / f"{SCENE}.py"
    module.write_text(module.read_text("utf-8") + "\n# an edit\n", "utf-8")
    assert timeline_key(scene, cat, root) != before


def _with(catalog, edit):
    import json

    from generator.catalog.model import Catalog

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


def test_a_derived_key_follows_imports_files_params_and_tools(tmp_path):
    """derived_key (the side caches' key: cards, stills, steps) hashes the code that makes a product with the
    project modules it imports, its input files by content, its parameters and its tools' versions."""
    import pytest

    from generator.render.keys import derived_key

    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("", "utf-8")
    (tmp_path / "pkg" / "maker.py").write_text("from pkg import palette\n", "utf-8")
    (tmp_path / "pkg" / "palette.py").write_text("INK = '#000'\n", "utf-8")
    (tmp_path / "pkg" / "other.py").write_text("X = 1\n", "utf-8")
    source = tmp_path / "in.bin"
    source.write_bytes(b"a")

    def key(params=1, tools=("pillow",)):
        return derived_key(["pkg.maker"], params, files=[source], tools=tools, root=tmp_path)

    base = key()
    assert key() == base
    # (each edit changes the size: the digests are remembered per mtime and size within a process)
    (tmp_path / "pkg" / "other.py").write_text("X = 22\n", "utf-8")
    assert key() == base, "a module it does not import"
    (tmp_path / "pkg" / "palette.py").write_text("INK = '#111111'\n", "utf-8")
    assert key() != base, "a module it imports"
    base = key()
    source.write_bytes(b"bb")
    assert key() != base, "an input file"
    base = key()
    assert key(params=2) != base and key(tools=("pillow", "av")) != base
    with pytest.raises(ValueError, match="no module"):
        derived_key(["pkg.missing"], root=tmp_path)


#: What a chart's render reads, by part: the house style (with its palette and, for a chart that labels points, the
#: label placement), the data helpers (derive, format, the selection of what it shows) and the chart renderer.
CHART_STYLE = {"figures/__init__.py", "figures/chart_style.py", "figures/palette.py", "figures/typeface.py"}
CHART_DATA = {"generator/__init__.py", "generator/derive.py", "generator/format.py", "generator/errors.py",
              "generator/catalog/__init__.py", "generator/catalog/selection.py"}
CHART_RENDERER = {"generator/render/__init__.py", "generator/render/worker.py", "generator/render/charts.py",
                  "generator/render/modules.py", "generator/render/reads.py", "generator/render/raster.py",
                  "generator/render/svg.py",
                  "generator/util/__init__.py", "generator/util/fs.py"}


def test_a_charts_key_is_exactly_its_module_style_data_helpers_and_renderer(catalog, root):
    """Pinned: a new import that widens every chart's key (the catalog's loader, the site...) fails here."""
    figs = registry(catalog, root / "figures")
    assert set(dependencies(figs["params_over_time"], root)) == (
        {"figures/charts/params_over_time.py", "figures/labels.py"} | CHART_STYLE | CHART_DATA | CHART_RENDERER)
    no_selection = CHART_DATA - {"generator/catalog/__init__.py", "generator/catalog/selection.py"}
    assert set(dependencies(figs["bit_layouts"], root)) == (
        {"figures/charts/bit_layouts.py"} | CHART_STYLE | no_selection | CHART_RENDERER), "shows no models"


def test_an_edit_to_the_catalogs_loader_makes_no_render_stale(catalog, root, monkeypatch):
    """The loader, schema and validator (generator/catalog/{load,schema,model}.py) are in no figure's key: a comment
    added to any of them (seen here as a changed digest) re-renders nothing, scenes included."""
    from generator.render import keys

    figs = registry(catalog, root / "figures")
    spec = site_spec("publish")

    def all_keys() -> dict[str, str]:
        return {fid: cache_key(f, catalog, root, alt="a", spec=spec if f.kind == "scene" else None)
                for fid, f in figs.items()}

    before = all_keys()
    real = keys.file_digest
    edited = {"load.py", "schema.py", "model.py"}
    monkeypatch.setattr(keys, "file_digest", lambda p: real(p) + ("-edited" if p.name in edited
                                                                      and p.parent.name == "catalog" else ""))
    assert all_keys() == before
    monkeypatch.setattr(keys, "file_digest", lambda p: real(p) + ("-edited" if p.name == "selection.py" else ""))
    stale = {fid for fid, key in all_keys().items() if key != before[fid]}
    assert stale and "bit_layouts" not in stale, "the check sees an edit where one is followed"
