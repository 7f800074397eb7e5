"""Shared fixtures: the repository root and the real catalog, the draft site built once per session (served
from a subpath) and the browser, every chart rendered once per session, and a tiny built project to copy and break."""

from __future__ import annotations

import os
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.catalog.model import Catalog, load_catalog
from generator.catalog.text import alt_text
from generator.render import charts, svg, tables
from generator.site.assembly.build import build
from generator.util.project import BuildPaths
from tests.support import (
    CHARTS,
    CHROMIUM_ARGS,
    LAYOUTS,
    ROOT,
    SITE_PREFIX,
    BuiltSite,
    build_served_at,
    chromium_path,
    figure_data,
    write_kit_manifest,
)
from tests.tinyproject import CHART, copy_project, make_tiny_project

#: Builds several test files share, by the fixture that makes them: ``make test`` runs the tests in two processes
#: (pytest-xdist, --dist loadgroup), and a group runs whole in one of them, so each build is made once per run. The
#: draft site's group also takes the charts rendered in process, which one of its tests compares with the site's.
SHARED_BUILDS = {"draft_build": "draft", "rendered": "draft", "tiny_build": "tiny", "built": "built", "kit": "kit",
                 "table": "table"}


def pytest_itemcollected(item):
    """Each test joins the group of the first shared build it uses (the draft site first), else its file's group,
    so a file's own session or module fixtures are made once as well."""
    groups = [SHARED_BUILDS[f] for f in getattr(item, "fixturenames", ()) if f in SHARED_BUILDS]
    group = "draft" if "draft" in groups else groups[0] if groups else item.nodeid.split("::")[0]
    item.add_marker(pytest.mark.xdist_group(group))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """pytest-xdist's loadgroup schedules by an ``@group`` suffix on each node id, which xdist 3.8 writes into
    ``item._nodeid``, an attribute pytest 9 no longer reads (its node ids live in ``item._id``): without this the
    groups are ignored and each process makes every shared build. Remove once xdist sets the suffix itself."""
    if not getattr(config.option, "loadgroup", False):  # set in the worker processes of --dist loadgroup
        return
    from _pytest.nodeid import coerce_node_id

    for item in items:
        names = sorted({str(m.args[0]) for m in item.iter_markers("xdist_group")})
        if names and "@" not in item.nodeid:
            item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(names)}")


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


#: Each test process (pytest-xdist worker) builds and serves its own copy of a site: a site is built for the address
#: it is served at, and two workers serve at two ports, so one folder shared by both would hold whichever address
#: was built last (a talk page's canonical link pointed at the other worker's port). The figure cache is shared:
#: builds take its lock, and renders are made once.
_WORKER = f"-{os.environ['PYTEST_XDIST_WORKER']}" if os.environ.get("PYTEST_XDIST_WORKER") else ""


def _serve(folder: Path):
    """A Range-capable server for ``folder`` at SITE_PREFIX, bound before the build, so the site can be built for its
    real URL (Material's instant navigation only takes over links that match site_url)."""
    from generator.site.assembly.serve import make_server

    server = make_server(folder, prefix=SITE_PREFIX)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}{SITE_PREFIX}"


@pytest.fixture(scope="session")
def _site_server():
    server, url = _serve(ROOT / "build" / f"test-site{_WORKER}")
    yield server, url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def draft_build(_site_server, catalog):
    """The draft site as the Pages workflow publishes it: with the media kit listed on the Media page (a manifest
    of every scene, written here instead of rendering a kit: tests.support.write_kit_manifest), so the link
    checks also cover what the kit adds."""
    from generator.util.project import BuildPaths

    _, url = _site_server
    kit = ROOT / "build" / f"test-media{_WORKER}"
    write_kit_manifest(kit, catalog)
    paths = BuildPaths(root=ROOT, site=ROOT / "build" / f"test-site{_WORKER}", cache=ROOT / ".cache" / "test-draft",
                       build=ROOT / "build" / f"test{_WORKER}", media=kit)
    build_served_at(paths, url)
    return paths


@pytest.fixture(scope="session")
def site_url(draft_build, _site_server):
    """The draft site, served from a subpath (like a GitHub Pages project site)."""
    return _site_server[1]


# ---------------------------------------------------------------------------------------------------------------
# The same draft site built by each site builder (generator/site/assembly/builders.py). Zensical builds the MkDocs
# build's staging tree from its figure cache with no_render: it fails rather than render anything twice.
# ---------------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def zensical_build(draft_build):
    server, url = _serve(ROOT / "build" / f"test-site-zensical{_WORKER}")
    paths = BuildPaths(root=ROOT, site=ROOT / "build" / f"test-site-zensical{_WORKER}", cache=draft_build.cache,
                       build=draft_build.build, media=draft_build.media)
    build_served_at(paths, url, site_builder="zensical", no_render=True)
    yield BuiltSite("zensical", paths, url)
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session", params=["mkdocs", "zensical"])
def built_site(request) -> BuiltSite:
    """The draft site as each builder built it, served from SITE_PREFIX."""
    if request.param == "zensical":
        return request.getfixturevalue("zensical_build")
    return BuiltSite("mkdocs", request.getfixturevalue("draft_build"), request.getfixturevalue("site_url"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def rendered(catalog, tmp_path_factory) -> dict[tuple[str, str], Path]:
    """(figure id, layout) -> the rendered SVG: every chart rendered once per session, in this process."""
    out = tmp_path_factory.mktemp("charts")
    paths = {}
    for fid in CHARTS:
        wide = charts.render_chart(fid, figure_data(catalog, fid), out, title=catalog.figures[fid]["title"],
                                   desc=alt_text(catalog, fid))  # as the build's render worker calls it
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
    return copy_project(built, tmp_path / "p")


@pytest.fixture(scope="session")
def tiny_build(tmp_path_factory):
    """The tiny project (one chart, one scene, one page: tests/tinyproject.py) built once per session at draft
    quality: (root, paths, the build's report). Tests copy it (``copy_project``) before they change anything."""
    root = make_tiny_project(tmp_path_factory.mktemp("tiny") / "p")
    paths = BuildPaths(root=root)
    return root, paths, build(paths, quality="draft")


@pytest.fixture(scope="session")
def table(catalog, tmp_path_factory) -> tuple[Path, ET.Element]:
    """The technique table rendered once per session, and its parsed HTML."""
    fid = "technique_table"
    path = tables.render_table(fid, figure_data(catalog, fid),
                               tmp_path_factory.mktemp("tables"), title=catalog.figures[fid]["title"])
    return path, ET.fromstring(path.read_text(encoding="utf-8"))  # well-formed, so it parses as XML
