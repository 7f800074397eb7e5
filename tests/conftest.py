"""Shared test fixtures: the repository root and the real catalog."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator.catalog import Catalog, load_catalog  # noqa: E402


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
def draft_build():
    from generator.build import BuildPaths, build

    paths = BuildPaths(root=ROOT, site=ROOT / "build" / "test-site", cache=ROOT / ".cache" / "test-draft",
                       build=ROOT / "build" / "test")
    build(paths, quality="draft")
    return paths


@pytest.fixture(scope="session")
def site_url(draft_build):
    """The draft site served from a subpath (like a GitHub Pages project site) by the Range-capable server."""
    from generator.serve import serve_directory

    with serve_directory(draft_build.site, prefix=SITE_PREFIX) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()
