"""The two site builders (generator/site/assembly/builders.py) on a tiny real project: Zensical builds the staging
tree MkDocs built, from the same figure cache and without rendering; its cache can never reach the figure cache; the
builder is part of the no-change stamp; both builders' failures are one line, and the project's link check catches
what their strict modes miss."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from generator.errors import BuildError
from generator.site.assembly.build import build
from generator.site.assembly.builders import (
    BUILDERS,
    ZENSICAL_UNUSED_OVERRIDES,
    load_mkdocs_config,
    zensical_cache,
)
from generator.util.project import BuildPaths, site_url
from tests.support import ROOT
from tests.tinyproject import CHART, state, tree_digest

# `project` (conftest.py): a private copy of a tiny project (one chart) built once by MkDocs at draft quality.


@contextmanager
def page_with(root: Path, extra: str) -> Iterator[None]:
    """The project's page with ``extra`` appended, put back afterwards."""
    page = root / "docs" / "index.md"
    text = page.read_text("utf-8")
    page.write_text(text + "\n" + extra + "\n", "utf-8")
    try:
        yield
    finally:
        page.write_text(text, "utf-8")


def _cli(root: Path, builder: str, verbose: bool = False) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "generator", *(["--verbose"] if verbose else []), "build", "--root", str(root)]
    cmd += ["--quality", "draft", "--builder", builder]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)


def _errors(proc: subprocess.CompletedProcess) -> list[str]:
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    return [ln for ln in proc.stderr.splitlines() if ln.startswith("error: ")]


@pytest.mark.slow
def test_zensical_builds_from_the_figure_cache_which_its_clean_cannot_reach(project):
    paths = BuildPaths(root=project)
    sentinel = project / ".cache" / "keep-me"
    sentinel.write_text("the figure cache's neighbour")
    figures_before = tree_digest(project / ".cache" / "figures")
    report = build(paths, quality="draft", no_render=True, site_builder="zensical")
    assert report.rendered == [] and report.cached == [CHART] and report.mkdocs_ran
    html = (project / "site" / "index.html").read_text("utf-8")
    assert '<meta name="generator" content="zensical-' in html and f'id="fig-{CHART}"' in html
    assert (project / "site" / "figures" / f"{CHART}.svg").is_file() and (project / "site" / "search.json").is_file()
    # Zensical ran with --clean on its own cache (the build folder's), which is not the figure cache.
    assert zensical_cache(project / "build").is_dir()
    assert sentinel.read_text() == "the figure cache's neighbour"
    assert tree_digest(project / ".cache" / "figures") == figures_before
    assert not list((project / "build").glob("site-zensical-*")) and not list(project.glob(".site.new-*"))
    # Its overrides are ours minus the partials its theme has fixed itself.
    assert all(not (project / "build" / "zensical-overrides" / rel).exists() for rel in ZENSICAL_UNUSED_OVERRIDES)
    assert (project / "build" / "zensical-overrides" / "main.html").is_file()


@pytest.mark.slow
def test_the_builder_is_part_of_the_no_change_stamp_and_both_are_reproducible(project):
    paths = BuildPaths(root=project)
    build(paths, quality="draft")  # (the copy's site is at another path, so this one runs MkDocs)
    assert not build(paths, quality="draft").mkdocs_ran  # up to date
    assert build(paths, quality="draft", site_builder="zensical").mkdocs_ran  # another builder: it runs
    zensical_site = tree_digest(project / "site")
    assert not build(paths, quality="draft", site_builder="zensical").mkdocs_ran
    forced = build(paths, quality="draft", site_builder="zensical", force_mkdocs=True)
    assert forced.mkdocs_ran and tree_digest(project / "site") == zensical_site
    assert build(paths, quality="draft").mkdocs_ran  # and back to MkDocs


@pytest.mark.slow
def test_a_build_folder_holding_the_figure_cache_is_refused_before_zensical_runs(project):
    shutil.copytree(project / ".cache", project / "work" / ".cache")  # the figure cache where Zensical's would be
    paths = BuildPaths(root=project, build=project / "work", cache=project / "work" / ".cache")
    before = state(project), tree_digest(project / "work" / ".cache")
    with pytest.raises(BuildError, match=r"Zensical's cache .* overlap the figure cache .*--clean"):
        build(paths, quality="draft", no_render=True, site_builder="zensical")
    assert (state(project), tree_digest(project / "work" / ".cache")) == before


@pytest.mark.slow
def test_a_missing_image_fails_both_builders_with_one_line_naming_page_and_link(project):
    before = state(project)
    with page_with(project, "![a chart](nope.png)"):
        mkdocs, zensical = _cli(project, "mkdocs"), _cli(project, "zensical")
    # MkDocs' strict mode catches it (it did not while it ran with --quiet) ...
    assert _errors(mkdocs) == [
        "error: mkdocs build --strict failed: Doc file 'index.md' contains a link 'nope.png', but the target is not "
        "found among documentation files. (--verbose shows its whole output); the previous site/ is kept"
    ], mkdocs.stderr
    # ... Zensical's does not; the project's own check does.
    assert _errors(zensical) == [
        "error: index.md: a link to 'nope.png' goes nowhere: nope.png is not in the built site; the previous site/ is kept"
    ]
    assert state(project) == before


@pytest.mark.slow
@pytest.mark.parametrize("builder", sorted(BUILDERS))
def test_a_broken_link_in_raw_html_is_caught_by_the_project_for_either_builder(project, builder):
    before = state(project)
    with page_with(project, '<p class="x"><a href="figures/gone/">gone</a></p>'):
        with pytest.raises(BuildError) as err:
            build(BuildPaths(root=project), quality="draft", site_builder=builder)
    assert str(err.value) == (
        "index.md: a link to 'figures/gone/' goes nowhere: figures/gone/index.html is not in the built site; "
        "the previous site/ is kept"
    )
    assert state(project) == before


@pytest.mark.slow
def test_a_zensical_failure_is_one_line_and_verbose_shows_its_traceback(project):
    before = state(project)
    with page_with(project, "[see](#no-such-section)"):
        quiet, verbose = _cli(project, "zensical"), _cli(project, "zensical", verbose=True)
    (line,) = _errors(quiet)
    assert line.startswith("error: zensical build --strict failed: index.md:") and line.endswith(
        ": anchor does not exist (--verbose shows its whole output); the previous site/ is kept"
    ), line
    assert verbose.returncode == 1 and "Traceback (most recent call last)" in verbose.stderr
    assert state(project) == before


@pytest.mark.slow
def test_a_zensical_build_killed_while_it_runs_leaves_the_site_and_the_next_build_cleans_up(project):
    with page_with(project, "A change."):
        cmd = [sys.executable, "-m", "generator", "build", "--root", str(project), "--quality", "draft",
               "--builder", "zensical"]
        before = state(project)
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        deadline = time.monotonic() + 300
        while not list((project / "build").glob("site-zensical-*")) and proc.poll() is None:
            assert time.monotonic() < deadline, "Zensical never started"
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        assert state(project) == before  # killed before the swap: the previous site, the cache untouched
        assert build(BuildPaths(root=project), quality="draft", site_builder="zensical").mkdocs_ran
    assert "A change." in (project / "site" / "index.html").read_text("utf-8")
    assert not list((project / "build").glob("site-zensical-*")) and not list(project.glob(".site.new-*"))


def test_an_unknown_builder_stops_before_any_write(tmp_path):
    root = tmp_path / "p"
    with pytest.raises(BuildError, match=r"unknown site builder 'hugo': expected one of mkdocs, zensical"):
        build(BuildPaths(root=root), site_builder="hugo")
    assert not root.exists()


def test_mkdocs_config_env_tags_resolve_as_mkdocs_resolves_them(tmp_path, monkeypatch):
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: t\nsite_url: !ENV [RTS_A, RTS_B, 'https://default.test/']\ndocs_dir: !ENV RTS_C\n"
        "strict: !ENV [RTS_D, false]\n",
        "utf-8",
    )
    for name in ("RTS_A", "RTS_B", "RTS_C", "RTS_D"):
        monkeypatch.delenv(name, raising=False)
    assert load_mkdocs_config(config) == {
        "site_name": "t", "site_url": "https://default.test/", "docs_dir": None, "strict": False
    }
    monkeypatch.setenv("RTS_B", "https://b.test/")
    monkeypatch.setenv("RTS_D", "true")
    monkeypatch.setenv("RTS_C", "staging")
    got = load_mkdocs_config(config)
    assert (got["site_url"], got["docs_dir"], got["strict"]) == ("https://b.test/", "staging", True)
    config.write_text("site_name: [unclosed\n", "utf-8")
    with pytest.raises(BuildError, match=r"mkdocs\.yml: not readable as YAML"):
        load_mkdocs_config(config)


def test_the_real_config_builds_for_the_checked_site_url(monkeypatch):
    monkeypatch.setenv("SITE_URL", 'https://user.github.io/race"<scale/')
    assert site_url(ROOT) == "https://user.github.io/race%22%3Cscale/"
    monkeypatch.delenv("SITE_URL")
    assert site_url(ROOT) == load_mkdocs_config(ROOT / "mkdocs.yml")["site_url"]
    assert os.environ.get("SITE_URL") is None
