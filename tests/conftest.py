"""Shared test fixtures: the repository root and the real catalog."""

from __future__ import annotations

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


@pytest.fixture(scope="session")
def _site_server():
    """A Range-capable server bound before the build, so the site can be built for its real URL (Material's
    instant navigation only takes over links that match site_url)."""
    import threading

    from generator.site.assembly.serve import make_server

    server = make_server(ROOT / "build" / "test-site", prefix=SITE_PREFIX)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield server, f"http://{host}:{port}{SITE_PREFIX}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def draft_build(_site_server):
    from generator.util.project import BuildPaths

    _, url = _site_server
    paths = BuildPaths(root=ROOT, site=ROOT / "build" / "test-site", cache=ROOT / ".cache" / "test-draft",
                       build=ROOT / "build" / "test")
    build_served_at(paths, url)
    return paths


def build_served_at(paths, url: str | None, quality: str = "draft") -> None:
    """Build the site of ``paths`` for the address it will be served from (mkdocs.yml reads $SITE_URL; None keeps
    the default); the environment is as it was afterwards."""
    from generator.site.assembly.build import build

    with pytest.MonkeyPatch.context() as mp:
        if url:
            mp.setenv("SITE_URL", url)
        build(paths, quality=quality)


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
