"""What the site shows of the media kit (generator/media/page.py): the files it copies within the budgets, and the
Media page with links that survive the escaping."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from generator.site.assembly.build import build
from generator.util.project import BuildPaths
from tests.support import ROOT


def _fake_kit(out: Path, sizes: dict[str, int]) -> None:
    scenes = []
    for sid in ("a", "b"):
        files = []
        for role, size in sizes.items():
            path = f"{sid}/{sid}-{role}.bin"
            (out / sid).mkdir(parents=True, exist_ok=True)
            (out / path).write_bytes(b"x" * size)
            files.append({"id": f"{sid}.{role}", "path": path, "role": role, "format": role, "bytes": size,
                          "sha256": "0" * 64, "site": role != "prores", "width": 2, "height": 2, "fps": 1,
                          "duration": 1.0})
        scenes.append({"id": sid, "title": sid, "alt": sid, "description": sid, "duration": 1.0, "files": files})
    (out / "manifest.json").write_text(json.dumps({"schema": 1, "quality": "publish", "scenes": scenes,
                                                   "source": {"commit": "c" * 40, "dirty": False,
                                                              "catalog_sha256": "d" * 64}}), "utf-8")


def test_site_copies_what_fits_and_never_prores(tmp_path, monkeypatch):
    from generator.media import page as media
    out = tmp_path / "media"
    _fake_kit(out, {"mp4": 300, "prores": 50, "poster": 20, "vtt": 5})
    monkeypatch.setattr(media, "media_budgets", lambda root=None: {"webp_bytes": 10, "site_file_bytes": 250,
                                                                    "site_bytes": 60})
    files, ctx = media.site_files(tmp_path, out)
    assert ctx["available"]
    copied = {rel for rel in files if rel != "media/manifest.json"}
    # mp4 is over the per-file budget, prores never goes, and 2 x (20 + 5) fits in 60.
    assert copied == {"media/a/a-poster.bin", "media/a/a-vtt.bin", "media/b/b-poster.bin", "media/b/b-vtt.bin"}
    rows = {f["id"]: f for s in ctx["scenes"] for f in s["files"]}
    assert rows["a.prores"]["href"] is None and "too large" in rows["a.prores"]["reason"]
    assert rows["a.mp4"]["href"] is None and "budget" in rows["a.mp4"]["reason"]
    assert rows["a.poster"]["href"] == "media/a/a-poster.bin"
    (out / "b" / "b-vtt.bin").write_bytes(b"changed size")
    files, ctx = media.site_files(tmp_path, out)
    assert "media/b/b-vtt.bin" not in files, "a file that disagrees with the manifest is not published"


def test_no_manifest_no_files(tmp_path):
    from generator.media.page import site_files
    files, ctx = site_files(tmp_path, tmp_path / "media")
    assert files == {} and ctx["available"] is False and ctx["plan"]["landscape"]["width"] == 1920


def test_kit_files_have_their_own_budget(tmp_path):
    from generator.site.assembly.budgets import check_budgets, load_budgets
    site = tmp_path / "site"
    (site / "media" / "x").mkdir(parents=True)
    (site / "figures").mkdir()
    (site / "media" / "x" / "x-1080p60.mp4").write_bytes(b"v" * 5000)
    (site / "media" / "index.html").write_bytes(b"<p>page</p>")
    (site / "figures" / "y.mp4").write_bytes(b"v" * 100)
    base = {"site_bytes": 1000, "video_bytes": 200, "page_html_bytes": 100, "chart_svg_bytes": 100}
    assert check_budgets(site, base) == [], "the kit counts against the media budget only"
    over = check_budgets(site, {**base, "media_site_bytes": 4000, "media_site_file_bytes": 4500})
    assert len(over) == 2 and all("media" in line for line in over)
    b = load_budgets("publish")
    assert {"media_site_bytes", "media_site_file_bytes", "media_webp_bytes"} <= set(b)


@pytest.mark.parametrize("with_kit", [False, True])
def test_media_page_renders(tmp_path, catalog, with_kit):
    from generator.media.page import site_files
    from generator.site.article.pages import render_pages
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "media.md").write_text((ROOT / "docs" / "media.md").read_text("utf-8"), "utf-8")
    out = tmp_path / "media"
    if with_kit:
        _fake_kit(out, {"mp4": 30, "prores": 50, "poster": 20})
    _, ctx = site_files(tmp_path, out)
    text = render_pages(docs, catalog, {}, None, extra_context={"media": ctx})["media.md"]
    assert text.startswith("---\n") and "\n---\n# Media kit\n" in text, "front matter intact"
    assert "make media" in text
    if with_kit:
        assert "[a-mp4.bin](media/a/a-mp4.bin)" in text and "<code>a-prores.bin</code> \u2020" in text
        assert "too big for a static site host" in text
    else:
        assert "not built yet" in text
    # Without the build's context (another tool rendering docs/) the page still renders.
    assert "# Media kit" in render_pages(docs, catalog, {}, None)["media.md"]


def test_media_page_links_survive_the_escaping(project):
    """The Media page builds its links and poster from the kit with Markdown syntax: values there go through the
    url filter, so MkDocs --strict finds the files (an underscore escaped to &#95; would be an unknown link)."""
    shutil.copyfile(ROOT / "docs" / "media.md", project / "docs" / "media.md")
    sid, files = "the_wall", []
    for role, fmt in (("mp4", "MP4"), ("poster", "PNG"), ("vtt", "WebVTT")):
        path = f"{sid}/{sid}_{role}.bin"
        (project / "media" / sid).mkdir(parents=True, exist_ok=True)
        (project / "media" / path).write_bytes(b"x" * 10)
        files.append({"id": f"{sid}.{role}", "path": path, "role": role, "format": fmt, "bytes": 10,
                      "sha256": "0" * 64, "site": True, "width": 2, "height": 2, "fps": 1, "duration": 1.0})
    scene = {"id": sid, "title": "The *wall* [x](javascript:alert(1))", "alt": "A [b](javascript:alert(2)) wall",
             "description": "Grows {: onclick=alert(3) }", "duration": 1.0, "files": files}
    (project / "media" / "manifest.json").write_text(json.dumps(
        {"schema": 1, "quality": "publish", "scenes": [scene],
         "source": {"commit": "c" * 40, "dirty": False, "catalog_sha256": "d" * 64}}), "utf-8")
    build(BuildPaths(root=project), quality="draft")
    html = (project / "site" / "media" / "index.html").read_text("utf-8")
    assert 'href="the_wall/the_wall_mp4.bin"' in html and 'src="the_wall/the_wall_poster.bin"' in html
    assert not re.search(r'(href|src)="javascript:', html) and not re.search(r"<[^>]*\sonclick=", html)
    assert (project / "site" / "media" / "the_wall" / "the_wall_mp4.bin").exists()
