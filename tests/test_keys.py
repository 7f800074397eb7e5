"""Cache keys are complete by construction: every project file a render imports is in its key, found from the
import statements, so editing a helper re-renders exactly the figures that use it."""

from __future__ import annotations

from tinyproject import CHART, SCENE, make_tiny_project

from generator.catalog import load_catalog
from generator.render.keys import cache_key, dependencies
from generator.render.registry import registry
from generator.render.specs import site_spec


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
