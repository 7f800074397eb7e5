"""Shared fixtures: the repository root and the real catalog, the draft site built once per session (served
from a subpath) and the browser, every chart rendered once per session, and a tiny built project to copy and break."""

from __future__ import annotations

import shutil
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.catalog import Catalog, load_catalog
from generator.render import charts, svg, tables
from generator.site.assembly.build import build
from generator.util.project import BuildPaths
from tests.support import (
    CHARTS,
    CHROMIUM_ARGS,
    LAYOUTS,
    ROOT,
    SITE_PREFIX,
    build_served_at,
    chromium_path,
    figure_data,
    write_kit_manifest,
)
from tests.tinyproject import CHART, make_tiny_project


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(ROOT / "catalog.yaml")


# ---------------------------------------------------------------------------------------------------------------
# The draft site: the whole article built once per session at draft quality, shared by the browser, scene and
# site-check tests. Its cache lives in .cache/test-draft so a second local run re-renders nothing.
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _site_server():
    """A Range-capable server bound before the build, so the site can be built for its real URL (Material's
    instant navigation only takes over links that match site_url)."""

    from generator.site.assembly.serve import make_server

    server = make_server(ROOT / "build" / "test-site", prefix=SITE_PREFIX)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield server, f"http://{host}:{port}{SITE_PREFIX}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def draft_build(_site_server, catalog):
    """The draft site as the Pages workflow publishes it: with the media kit listed on the Media page (a manifest
    of every scene, written here instead of rendering a kit: tests.support.write_kit_manifest), so the link
    checks also cover what the kit adds."""
    from generator.util.project import BuildPaths

    _, url = _site_server
    kit = ROOT / "build" / "test-media"
    write_kit_manifest(kit, catalog)
    paths = BuildPaths(root=ROOT, site=ROOT / "build" / "test-site", cache=ROOT / ".cache" / "test-draft",
                       build=ROOT / "build" / "test", media=kit)
    build_served_at(paths, url)
    return paths


@pytest.fixture(scope="session")
def site_url(draft_build, _site_server):
    """The draft site, served from a subpath (like a GitHub Pages project site)."""
    return _site_server[1]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def rendered(catalog, tmp_path_factory) -> dict[tuple[str, str], Path]:
    """(figure id, layout) -> the rendered SVG."""
    out = tmp_path_factory.mktemp("charts")
    paths = {}
    for fid in CHARTS:
        wide = charts.render_chart(fid, figure_data(catalog, fid), out,
                                   title=catalog.figures[fid]["title"])
        assert wide == out / f"{fid}.svg"
        for layout in LAYOUTS:
            paths[fid, layout] = out / svg.chart_filename(fid, layout)
    return paths


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A tiny project (one chart) built once at draft quality."""
    root = make_tiny_project(tmp_path_factory.mktemp("hard") / "p", figures=(CHART,))
    (root / "docs" / "index.md").write_text(
        "# Tiny\n\nGPT-1 has {{ num(m['gpt-1'].layers) }} layers{{ cite('radford-2018') }}.\n\n"
        "{{ figure('%s') }}\n\n{{ references() }}\n" % CHART,
        "utf-8",
    )
    build(BuildPaths(root=root), quality="draft")
    return root


@pytest.fixture
def project(built, tmp_path) -> Path:
    """A private copy of the built project (site and cache included)."""
    dest = tmp_path / "p"
    shutil.copytree(built, dest, symlinks=True)
    return dest


@pytest.fixture(scope="session")
def table(catalog, tmp_path_factory) -> tuple[Path, ET.Element]:
    """The technique table rendered once per session, and its parsed HTML."""
    fid = "technique_table"
    path = tables.render_table(fid, figure_data(catalog, fid),
                               tmp_path_factory.mktemp("tables"), title=catalog.figures[fid]["title"])
    return path, ET.fromstring(path.read_text(encoding="utf-8"))  # well-formed, so it parses as XML
