"""What the tests share that is not a fixture: where the repository is (ROOT, defined here once), running the
command line, the one-line error rule, the browser's settings and helpers, and the catalog text to edit."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator.catalog.model import Catalog, load_catalog
from generator.render import svg
from generator.tools import audit

#: The repository (its catalog.yaml, docs/, figures/): the project the tests build and read.
ROOT = Path(__file__).resolve().parent.parent
#: The real catalog's text, for tests that write an edited copy.
GOOD = (ROOT / "catalog.yaml").read_text("utf-8")


def line_of(text: str, needle: str, nth: int = 0) -> int:
    """1-based line number of the nth occurrence of ``needle``."""
    pos = -1
    for _ in range(nth + 1):
        pos = text.index(needle, pos + 1)
    return text.count("\n", 0, pos) + 1


def mutate(old: str, new: str, count: int = 1) -> str:
    """The real catalog's text with ``old`` replaced by ``new``."""
    assert old in GOOD, old
    return GOOD.replace(old, new, count)


def with_alt(text: str, fig_id: str, alt: str) -> str:
    """The catalog ``text`` with figure ``fig_id``'s alt text replaced (figures: is the last section)."""
    import yaml

    head, _, _ = text.partition("\nfigures:\n")
    figs = yaml.safe_load(text)["figures"]
    figs[fig_id]["alt"] = alt
    return head + "\n" + yaml.safe_dump({"figures": figs}, sort_keys=False, width=10**6, allow_unicode=True)


def reject(tmp_path: Path, text: str | bytes):
    """The CatalogError that loading ``text`` as tmp_path/catalog.yaml raises (it names that file first)."""
    from generator.catalog.model import load_catalog
    from generator.errors import CatalogError

    p = tmp_path / "catalog.yaml"
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, "utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(p)
    err = info.value
    assert err.file == str(p)
    assert str(err).startswith(str(p))
    return err


# ---------------------------------------------------------------------------------------------------------------
# The real catalog's figures, for parametrized tests (the ``catalog`` fixture is the same catalog)
# ---------------------------------------------------------------------------------------------------------------

CATALOG = load_catalog(ROOT / "catalog.yaml")
CHARTS = [fid for fid, f in CATALOG.figures.items() if f["kind"] == "chart"]
SCENE_IDS = sorted(fid for fid, f in CATALOG.figures.items() if f["kind"] == "scene")
#: The two layouts of every chart: wide (<id>.svg) and narrow (<id>.narrow.svg, for phones).
LAYOUTS = list(svg.LAYOUTS)
assert LAYOUTS == ["wide", "narrow"]
SVG = "{http://www.w3.org/2000/svg}"


def figure_data(catalog: Catalog, fig_id: str) -> dict[str, Any]:
    """What the render of ``fig_id`` gets: its catalog slice and what its entry shows (``show``)."""
    from generator.render.registry import registry

    return registry(catalog)[fig_id].data(catalog)


def svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


_TS = re.compile(r"^(\d{2}):(\d{2}):(\d{2})\.(\d{3}) --> (\d{2}):(\d{2}):(\d{2})\.(\d{3})$")


def parse_vtt(text: str) -> list[tuple[float, float, str]]:
    lines = text.split("\n")
    assert lines[0] == "WEBVTT", "a WebVTT file starts with WEBVTT"
    cues = []
    for i, line in enumerate(lines):
        m = _TS.match(line)
        if m:
            g = [int(x) for x in m.groups()]
            start = g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000
            end = g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000
            body = lines[i + 1]
            assert body.strip(), f"cue at line {i + 1} has no text"
            cues.append((start, end, body))
    return cues


def kit_files(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """Every file of a media kit's manifest."""
    return [f for s in manifest["scenes"] for f in s["files"]]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def catalog_only_project(tmp_path: Path) -> Path:
    """A project folder holding only the real catalog.yaml and mkdocs.yml (for what reads just those)."""
    import shutil

    root = tmp_path / "proj"
    root.mkdir()
    shutil.copyfile(ROOT / "catalog.yaml", root / "catalog.yaml")
    shutil.copyfile(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


# ---------------------------------------------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------------------------------------------


def build_cmd(root: Path, *extra: str) -> list[str]:
    """The command line of a draft build of the project at ``root`` (run it with ``cwd=ROOT``)."""
    return [sys.executable, "-m", "generator", "build", "--quality", "draft", "--root", str(root), *extra]


def run_build(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(build_cmd(root, *extra), cwd=ROOT, capture_output=True, text=True)


def run_cli(capsys, *argv: str) -> tuple[int, list[str]]:
    """Run the command line in-process; returns its exit status and the stderr lines it printed."""
    from generator import cli

    rc = cli.main(list(argv))
    err = capsys.readouterr().err
    return rc, [ln for ln in err.splitlines() if ln.strip()]


def one_error_line(lines: list[str]) -> str:
    """The one ``error:`` line of a failed command, which printed no traceback."""
    errors = [ln for ln in lines if ln.startswith("error: ")]
    assert len(errors) == 1, lines
    assert not any("Traceback" in ln for ln in lines), lines
    return errors[0]


#: The project's Chromium flags (generator/tools/audit.py, used by make pdf and make audit too), and videos that may
#: play without a click.
CHROMIUM_ARGS = [*audit.CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"]
SITE_PREFIX = "/race-to-scale/"


def chromium_path() -> str:
    import os
    import shutil

    return os.environ.get("RTS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def write_kit_manifest(out: Path, catalog: Catalog) -> Path:
    """A media kit's manifest.json in ``out`` listing every registered scene, each with one file that a static
    site does not carry (ProRes): what the Media page shows once ``make media`` has run, without rendering a kit.
    The site's pages then hold every link the kit adds (scene sections, glossary terms in their descriptions,
    the parts that show them, the manifest)."""
    import json

    from generator.catalog.text import alt_text

    scenes = [
        {
            "id": fid,
            "title": f["title"],
            "description": alt_text(catalog, fid),
            "alt": alt_text(catalog, fid),
            "files": [
                {
                    "path": f"{fid}/{fid}.mov",
                    "role": "prores",
                    "format": "ProRes 4444",
                    "bytes": 10**8,
                    "sha256": "0" * 64,
                    "site": False,
                    "width": 1920,
                    "height": 1080,
                    "fps": 30,
                    "duration": 20.0,
                }
            ],
        }
        for fid, f in catalog.figures.items()
        if f["kind"] == "scene"
    ]
    out.mkdir(parents=True, exist_ok=True)
    path = out / "manifest.json"
    path.write_text(
        json.dumps(
            {
                "scenes": scenes,
                "quality": "draft",
                "source": {"commit": "0" * 40, "dirty": False, "catalog_sha256": "0" * 64},
            }
        ),
        "utf-8",
    )
    return path


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


def serve_in_pieces(folder: Path, cuts: list[int], stall: float):
    """Serve ``folder`` at SITE_PREFIX as the tests' server does, except its front page, whose HTML is sent
    uncompressed in pieces: the server stops for ``stall`` seconds at each byte offset in ``cuts``. The browser
    parses and draws what it has at each stop, as it does when a page comes over a slow network or a busy machine
    parses it in slices: the page is drawn half-built. A context manager; yields the page's URL."""
    from generator.site.assembly.serve import RangeRequestHandler, serve_directory

    html = (folder / "index.html").read_bytes()
    offsets = sorted(set(c for c in cuts if 0 < c < len(html)))

    class InPieces(RangeRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the base class's name
            if self.path.split("?", 1)[0] != SITE_PREFIX:
                return super().do_GET()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            start = 0
            for end in [*offsets, len(html)]:
                self.wfile.write(html[start:end])
                self.wfile.flush()
                start = end
                if end < len(html):
                    time.sleep(stall)

    return serve_directory(folder, prefix=SITE_PREFIX, base=InPieces)


@dataclass
class BuiltSite:
    builder: str
    paths: Any  # generator.util.project.BuildPaths
    url: str


def build_served_at(paths, url: str | None, quality: str = "draft", **kwargs: Any) -> None:
    """Build the site of ``paths`` for the address it will be served from (mkdocs.yml reads $SITE_URL; None keeps
    the default); the environment is as it was afterwards. ``kwargs`` go to build() (site_builder, no_render)."""
    from generator.site.assembly.build import build

    with pytest.MonkeyPatch.context() as mp:
        if url:
            mp.setenv("SITE_URL", url)
        build(paths, quality=quality, **kwargs)


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


def reader_context(browser, width: int, scheme: str = "light", **options: Any):
    """A reader's browser context: a phone under 600 px (844 px tall, mobile emulation, touch) or a laptop (800 px
    tall), in the light or dark ``scheme``; ``options`` go to ``new_context`` as they are."""
    phone = width < 600
    return browser.new_context(
        viewport={"width": width, "height": 844 if phone else 800},
        is_mobile=phone,
        has_touch=phone,
        color_scheme=scheme,
        **options,
    )
