"""Shared test fixtures: the repository root and the real catalog."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.catalog import Catalog, load_catalog

ROOT = Path(__file__).resolve().parent.parent


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

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--autoplay-policy=no-user-gesture-required"]
SITE_PREFIX = "/race-to-scale/"


def chromium_path() -> str:
    import os
    import shutil

    return os.environ.get("RTS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def _serve(folder: Path):
    """A Range-capable server for ``folder`` at SITE_PREFIX, bound before the build, so the site can be built for its
    real URL (Material's instant navigation only takes over links that match site_url)."""
    import threading

    from generator.site.serve import make_server

    server = make_server(folder, prefix=SITE_PREFIX)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}{SITE_PREFIX}"


@pytest.fixture(scope="session")
def _site_server():
    server, url = _serve(ROOT / "build" / "test-site")
    yield server, url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def draft_build(_site_server):
    from generator.site.build import BuildPaths

    _, url = _site_server
    paths = BuildPaths(root=ROOT, site=ROOT / "build" / "test-site", cache=ROOT / ".cache" / "test-draft",
                       build=ROOT / "build" / "test")
    build_served_at(paths, url)
    return paths


def build_served_at(paths, url: str | None, quality: str = "draft", **kwargs) -> None:
    """Build the site of ``paths`` for the address it will be served from (mkdocs.yml reads $SITE_URL; None keeps
    the default); the environment is as it was afterwards. ``kwargs`` go to build() (site_builder, no_render)."""
    from generator.site.build import build

    with pytest.MonkeyPatch.context() as mp:
        if url:
            mp.setenv("SITE_URL", url)
        build(paths, quality=quality, **kwargs)


@pytest.fixture(scope="session")
def site_url(draft_build, _site_server):
    """The draft site, served from a subpath (like a GitHub Pages project site)."""
    return _site_server[1]


# ---------------------------------------------------------------------------------------------------------------
# The same draft site built by each site builder (generator/site/builders.py). Zensical builds the MkDocs build's
# staging tree from its figure cache with no_render: it fails rather than render anything twice.
# ---------------------------------------------------------------------------------------------------------------

#: One page of each kind, visited on every builder's site (the MkDocs site's browser tests also visit all pages).
PAGE_KINDS = {
    "article": "",
    "media page": "media/",
    "talk mode": "talk/",
    "chart page": "figures/params_over_time/",
    "scene page": "figures/the_wall/",
    "table page": "figures/technique_table/",
    "embed view": "figures/the_wall/embed/",
}


@dataclass
class BuiltSite:
    builder: str
    paths: object  # generator.site.build.BuildPaths
    url: str


@pytest.fixture(scope="session")
def zensical_build(draft_build):
    from generator.site.build import BuildPaths

    server, url = _serve(ROOT / "build" / "test-site-zensical")
    paths = BuildPaths(root=ROOT, site=ROOT / "build" / "test-site-zensical", cache=draft_build.cache,
                       build=draft_build.build)
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


# Playwright's click checks that the element is stable and is the hit target, then scrolls it into view and presses.
# A scroll near the end of a page makes Material resize its sticky sidebars a frame or two later, which can change
# the document's height and move the element between the press and the release (seen under load: the release lands
# on the element's parent and no click reaches the button). A reader cannot click that fast; a test can.
_SETTLED = """async (el) => {
  let last = "", same = 0;
  for (let i = 0; i < 240 && same < 3; i++) {
    await new Promise((r) => requestAnimationFrame(r));
    const r = el.getBoundingClientRect();
    const key = [r.top, r.left, r.width, r.height, document.documentElement.scrollHeight, window.scrollY].join();
    same = key === last ? same + 1 : 0;
    last = key;
  }
}"""


def click_settled(page, selector: str) -> None:
    """Scroll the element into view, wait until it and the page have kept still for three frames, then click it."""
    loc = page.locator(selector).first
    loc.scroll_into_view_if_needed()
    loc.evaluate(_SETTLED)
    loc.click()
