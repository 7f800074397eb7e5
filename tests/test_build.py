"""The tiny build: a small real site (one chart, one scene, one page) built, rebuilt and changed.

Asserts the cache's promises: a rebuild renders nothing and gives byte-identical output; a catalog change re-renders
exactly the figures that read it; a registry without a figure's file, or a file without a registry entry, fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from tinyproject import CHART, SCENE, make_tiny_project, tree_digest

from generator.catalog import load_catalog
from generator.errors import BuildError, CatalogError
from generator.render.registry import registry
from generator.site.build import BuildPaths, build


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = make_tiny_project(tmp_path_factory.mktemp("tiny"))
    paths = BuildPaths(root=root)
    first = build(paths, quality="draft")
    return root, paths, first


@contextmanager
def catalog_edited(root: Path, old: str, new: str) -> Iterator[None]:
    """The tiny project's catalog with its one ``old`` line replaced by ``new``, put back afterwards."""
    catalog = root / "catalog.yaml"
    text = catalog.read_text("utf-8")
    assert text.count(old) == 1, old
    catalog.write_text(text.replace(old, new), "utf-8")
    try:
        yield
    finally:
        catalog.write_text(text, "utf-8")


@pytest.mark.slow
def test_first_build_renders_both_and_publishes(tiny):
    root, paths, first = tiny
    assert sorted(first.rendered) == sorted([CHART, SCENE])
    html = (paths.site / "index.html").read_text("utf-8")
    assert "9,216 score matrices" in html
    assert f'id="fig-{CHART}"' in html and "<svg" in html
    assert "rs-chart-wide" in html and "rs-chart-narrow" in html  # both layouts inlined; CSS shows one
    for name in (f"{CHART}.svg", f"{CHART}.narrow.svg"):  # both also published standalone
        assert (paths.site / "figures" / name).exists(), name
    assert '<video class="rs-video"' in html and f"figures/{SCENE}.mp4" in html
    assert 'preload="none"' in html and "playsinline" in html and "muted" in html
    assert f'poster="figures/{SCENE}.poster.webp"' in html and (paths.site / "figures" / f"{SCENE}.poster.webp").exists()
    assert (paths.site / "figures" / f"{SCENE}.mp4").stat().st_size > 10_000
    assert (paths.site / "figures" / f"{SCENE}.vtt").read_text("utf-8").startswith("WEBVTT")
    assert (paths.site / "data" / "catalog.json").exists()
    assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    # The scene's portrait render, for phones: its own source (chosen by the page's width) and poster.
    assert f'<source src="figures/{SCENE}.portrait.mp4" type="video/mp4" media="(max-width: 699.98px)">' in html
    for name in (f"{SCENE}.portrait.mp4", f"{SCENE}.portrait.poster.webp"):
        assert (paths.site / "figures" / name).stat().st_size > 1_000, name


@pytest.mark.slow
def test_a_clean_site_and_kit_draw_each_scene_twice(tiny, tmp_path):
    """One draw per orientation: the clean site build drew the scene exactly twice (the pool's record of the
    renders it ran: landscape and portrait), and the media kit made after it, at the same quality, draws nothing:
    its landscape and portrait files are the site's renders, its 9:16 video was made by the portrait draw, and its
    step clips are cut from the landscape MP4."""
    from generator.media.kit import build_media
    from generator.render.specs import site_specs
    root, paths, first = tiny
    scene_renders = sorted(e for e in first.renders if e.startswith(f"{SCENE}."))
    assert scene_renders == sorted(f"{SCENE}.{s.label}" for s in site_specs("draft")), first.renders
    kit = build_media(root, tmp_path / "media", "draft", jobs=2, cache_dir=paths.cache)
    assert kit.rendered == [] and len(kit.cached) == 2, (kit.rendered, kit.cached)
    roles = {f["role"] for s in kit.manifest["scenes"] for f in s["files"]}
    assert {"mp4", "mp4-portrait", "mp4-vertical", "step"} <= roles


@pytest.mark.slow
def test_rebuild_renders_nothing_and_is_byte_identical(tiny):
    root, paths, _ = tiny
    before = tree_digest(paths.site)
    again = build(paths, quality="draft")
    assert again.rendered == []
    assert sorted(again.cached) == sorted([CHART, SCENE])
    assert tree_digest(paths.site) == before
    forced = build(paths, quality="draft", force_mkdocs=True)  # MkDocs itself must be reproducible too
    assert forced.mkdocs_ran and forced.rendered == []
    assert tree_digest(paths.site) == before


@pytest.mark.slow
def test_one_catalog_value_rerenders_only_its_reader(tiny):
    root, paths, _ = tiny
    with catalog_edited(root, "    params: 117.0e6\n", "    params: 118.0e6\n"):
        rep = build(paths, quality="draft")
        assert rep.rendered == [CHART]
        assert rep.cached == [SCENE]
    rep = build(paths, quality="draft")
    assert rep.rendered == [], "changed back: the earlier render is recalled from the cache, nothing renders"
    assert sorted(rep.cached) == sorted([CHART, SCENE])


@pytest.mark.slow
def test_change_and_revert_renders_nothing_the_second_time(tiny):
    """A scene is the costly case: GPT-3's layer count (read by the_wall) changed, built, changed back, built."""
    root, paths, _ = tiny
    before = tree_digest(paths.site)
    with catalog_edited(root, "    layers: 96\n", "    layers: 97\n"):
        rep = build(paths, quality="draft")
        assert SCENE in rep.rendered
    rep = build(paths, quality="draft")
    assert rep.rendered == [], rep.rendered
    assert tree_digest(paths.site) == before, "and the site is what it was"


@pytest.mark.slow
def test_a_deleted_output_is_rendered_again(tiny):
    root, paths, _ = tiny
    svg = paths.cache / "figures" / CHART / f"{CHART}.svg"
    svg.write_text("corrupt")
    rep = build(paths, quality="draft")
    assert rep.rendered == [CHART]


@pytest.mark.slow
def test_failed_page_keeps_previous_site(tiny):
    root, paths, _ = tiny
    before = tree_digest(paths.site)
    page = root / "docs" / "index.md"
    good = page.read_text("utf-8")
    page.write_text(good + "\n{{ m['gpt-3-175b'].no_such_field }}\n", "utf-8")
    try:
        with pytest.raises(BuildError) as info:
            build(paths, quality="draft")
        assert "index.md:" in str(info.value)
        assert tree_digest(paths.site) == before
    finally:
        page.write_text(good, "utf-8")


def test_registry_requires_files_and_entries(tmp_path):
    root = make_tiny_project(tmp_path / "p", figures=(CHART,))
    cat = load_catalog(root / "catalog.yaml")
    assert list(registry(cat, root / "figures")) == [CHART]
    (root / "figures" / "charts" / "orphan_chart.py").write_text("def draw(data):\n    raise SystemExit\n")
    with pytest.raises(CatalogError) as info:
        registry(cat, root / "figures")
    assert "orphan_chart" in str(info.value)
    (root / "figures" / "charts" / "orphan_chart.py").unlink()
    (root / "figures" / "charts" / f"{CHART}.py").unlink()
    with pytest.raises(CatalogError) as info:
        registry(cat, root / "figures")
    assert f"figures/charts/{CHART}.py" in str(info.value) and info.value.line is not None
