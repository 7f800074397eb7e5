"""The build (generator/site/assembly/build.py) on a tiny real project (one chart, one scene, one page): built,
rebuilt, changed, changed back; and every failure (a page, a full disk, a read-only cache, a site it cannot write)
is one line that leaves the previous site and cache as they were."""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from generator.errors import BuildError
from generator.site.assembly.build import build
from generator.util import fs
from generator.util.project import BuildPaths
from tests.support import one_error_line, run_cli
from tests.tinyproject import CHART, SCENE, copy_project, state, tree_digest


@pytest.fixture(scope="module")
def tiny(tiny_build, tmp_path_factory):
    """This module's copy of the session's tiny build (its tests change and rebuild it), and that first build's
    report."""
    root = copy_project(tiny_build[0], tmp_path_factory.mktemp("tiny") / "p")
    return root, BuildPaths(root=root), tiny_build[2]


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
    assert f'id="fig-{CHART}"' in html
    # A box per layout (CSS shows one), which charts.js fills with the published drawing as it comes near.
    assert f'data-rs-chart="figures/{CHART}.svg"' in html and f'data-rs-chart="figures/{CHART}.narrow.svg"' in html
    for name in (f"{CHART}.svg", f"{CHART}.narrow.svg"):  # both also published standalone
        assert (paths.site / "figures" / name).exists(), name
    assert '<video class="rs-video"' in html and f"figures/{SCENE}.mp4" in html
    assert 'preload="none"' in html and "playsinline" in html and "muted" in html
    assert (
        f'poster="figures/{SCENE}.poster.webp"' in html and (paths.site / "figures" / f"{SCENE}.poster.webp").exists()
    )
    assert (paths.site / "figures" / f"{SCENE}.mp4").stat().st_size > 10_000
    assert (paths.site / "figures" / f"{SCENE}.vtt").read_text("utf-8").startswith("WEBVTT")
    assert (paths.site / "data" / "catalog.json").exists()
    assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    # One stylesheet of ours, and no other request for a sheet: the palette, fonts.css, site.css, widgets.css and
    # print.css joined, in that order (print.css last, so its rules win in print).
    ours = [h for h in re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) if "assets/css/" in h]
    assert ours == ["assets/css/article.css"], ours
    assert "print.css" not in html
    css = (paths.site / "assets" / "css" / "article.css").read_text("utf-8")
    fonts_css, site_css, widgets_css, print_css = (
        (root / "docs" / "assets" / "css" / n).read_text("utf-8").strip()
        for n in ("fonts.css", "site.css", "widgets.css", "print.css")
    )
    assert "--rs-scene-" in css.split(fonts_css)[0]
    assert css.index(fonts_css) < css.index(site_css) < css.index(widgets_css) < css.index(print_css)
    assert css.rstrip().endswith(print_css)
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


def _fail_when(predicate, err: int):
    def fail(*args, **kwargs):
        if predicate(*args, **kwargs):
            raise OSError(err, os.strerror(err), str(args[0]))
        return fail.real(*args, **kwargs)

    return fail


def _change_page(root: Path) -> None:
    page = root / "docs" / "index.md"
    page.write_text(page.read_text("utf-8") + "\nAn edit.\n", "utf-8")


def test_full_disk_while_staging(project, monkeypatch, capsys):
    import generator.site.assembly.build as build_mod

    _change_page(project)
    before = state(project)
    fail = _fail_when(lambda path, *a, **k: "staging" in str(path), errno.ENOSPC)
    fail.real = build_mod.atomic_write
    monkeypatch.setattr(build_mod, "atomic_write", fail)
    rc, lines = run_cli(capsys, "build", "--root", str(project), "--quality", "draft")
    msg = one_error_line(lines)
    assert rc == 1 and "No space left on device" in msg and "free some disk space" in msg
    assert state(project) == before


@pytest.mark.parametrize("builder", ["mkdocs", "zensical"])
def test_full_disk_while_the_builder_runs(project, monkeypatch, capsys, builder):
    import generator.site.assembly.builders as builders_mod

    _change_page(project)
    before = state(project)
    real = subprocess.run

    def run(cmd, *args, **kwargs):
        if builder in cmd:
            if "-d" in cmd:  # MkDocs
                out = Path(cmd[cmd.index("-d") + 1])
            else:  # Zensical has no -d: its output folder is site_dir in the config it is given
                config = yaml.safe_load(Path(cmd[cmd.index("-f") + 1]).read_text("utf-8"))
                out = project / "build" / config["site_dir"]
            (out / "index.html").write_text("half a page")
            cmd = [sys.executable, "-c", "raise OSError(28, 'No space left on device')"]
        return real(cmd, *args, **kwargs)

    monkeypatch.setattr(builders_mod.subprocess, "run", run)
    rc, lines = run_cli(capsys, "build", "--root", str(project), "--quality", "draft", "--builder", builder)
    msg = one_error_line(lines)
    assert rc == 1 and "No space left on device" in msg and builder in msg and "free some disk space" in msg
    assert state(project) == before
    assert not list(project.glob(".site.new-*")) and not list((project / "build").glob("site-*"))


def test_read_only_cache(project, monkeypatch, capsys):
    import generator.util.lock as lock_mod

    before = state(project)
    fail = _fail_when(lambda path, *a, **k: str(path).endswith("build.lock"), errno.EROFS)
    fail.real = os.open
    monkeypatch.setattr(lock_mod.os, "open", fail)
    rc, lines = run_cli(capsys, "build", "--root", str(project), "--quality", "draft")
    msg = one_error_line(lines)
    assert rc == 1 and "Read-only file system" in msg and "build.lock" in msg
    assert state(project) == before


def test_cache_that_cannot_be_written(project, monkeypatch, capsys):
    import generator.render.cache as cache_mod

    before = state(project)
    fail = _fail_when(lambda path, *a, **k: True, errno.EACCES)
    fail.real = cache_mod.atomic_write
    monkeypatch.setattr(cache_mod, "atomic_write", fail)
    rc, lines = run_cli(capsys, "build", "--root", str(project), "--quality", "draft")
    msg = one_error_line(lines)
    assert rc == 1 and "Permission denied" in msg and "manifest.json" in msg
    assert state(project) == before


def test_permission_error_in_site(project, monkeypatch, capsys):
    _change_page(project)
    before = state(project)
    site = project / "site"
    fail = _fail_when(lambda src, dst, *a, **k: Path(src) == site, errno.EACCES)
    fail.real = os.replace
    monkeypatch.setattr(fs.os, "replace", fail)
    rc, lines = run_cli(capsys, "build", "--root", str(project), "--quality", "draft")
    msg = one_error_line(lines)
    assert rc == 1 and "Permission denied" in msg and str(site) in msg
    assert state(project) == before
    assert not list(project.glob(".site.new-*"))


@pytest.mark.slow
def test_a_pdf_given_is_published_and_a_bad_one_refused(tiny, tmp_path):
    """--pdf FILE (the Pages workflow's second build, after make pdf): the site carries the PDF, and the next build
    without it does not (nothing links to a file the site lacks); a file that is not a PDF is one line naming it,
    and the site is left as it was."""
    from generator.util.project import PDF_NAME

    root, paths, _ = tiny
    pdf = tmp_path / "article.pdf"
    pdf.write_bytes(b"%PDF-1.7\n% a test document\n")
    build(BuildPaths(root=root, pdf=pdf), quality="draft")
    assert (paths.site / PDF_NAME).read_bytes() == pdf.read_bytes()
    build(paths, quality="draft")
    assert not (paths.site / PDF_NAME).exists()
    before = tree_digest(paths.site)
    bad = tmp_path / "not-a.pdf"
    bad.write_text("<html>", "utf-8")
    with pytest.raises(BuildError, match=r"--pdf .*not-a\.pdf: not a PDF") as err:
        build(BuildPaths(root=root, pdf=bad), quality="draft")
    assert "\n" not in str(err.value)
    assert tree_digest(paths.site) == before


def test_the_print_stylesheet_holds_print_rules_only():
    """print.css joins the page's one stylesheet (build.py PAGE_CSS_PARTS), so a rule outside its @media print block
    would apply on screen too (and, when print.css was linked with media="print", a rule there silently stopped
    applying on screen: the storyboard's display: none once did); site.css holds the screen's."""
    from tests.support import ROOT

    text = re.sub(r"/\*.*?\*/", "", (ROOT / "docs" / "assets" / "css" / "print.css").read_text("utf-8"), flags=re.S)
    outside, depth, i = [], 0, 0
    while i < len(text):
        if depth == 0 and text.startswith("@media print", i):
            j = text.index("{", i)
            depth, i = 1, j + 1
            continue
        ch = text[i]
        if depth:
            depth += {"{": 1, "}": -1}.get(ch, 0)
        else:
            outside.append(ch)
        i += 1
    assert depth == 0 and not "".join(outside).strip(), "".join(outside).strip()[:200]
    from generator.site.assembly.build import PAGE_CSS_PARTS

    assert PAGE_CSS_PARTS[-1] == "assets/css/print.css"
