"""The media kit on the site: which of its files the site copies (within the media budget) and what the Media page
shows, before and after `make media` has run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.render.specs import DEFAULT_WEBP_CAP, POSTER_FROM_END, kit_specs
from generator.util.project import ROOT
from generator.util.project import budgets as project_budgets


def media_budgets(root: Path = ROOT) -> dict[str, int]:
    """[tool.rts.budgets.media]: webp_bytes (the WebP cap), site_file_bytes and site_bytes (what the site copies)."""
    defaults = {"webp_bytes": DEFAULT_WEBP_CAP, "site_file_bytes": 25_000_000, "site_bytes": 150_000_000}
    return {**defaults, **project_budgets(root).get("media", {})}


SITE_DIR = "media"


#: Names with digits in them, for the Media page (its prose may not type digits: tests/docs/test_prose.py).
NAMES = {
    "mp4": "MP4",
    "uhd": "4K",
    "h264": "H.264",
    "prores": "ProRes 4444",
    "prores_pix_fmt": "yuva444p10le",
    "mp4_pix_fmt": "yuv420p",
    "bt709": "BT.709",
    "vertical_ratio": "9:16",
    "portrait_ratio": "4:5",
    "landscape_ratio": "16:9",
    "licence_url": "https://creativecommons.org/licenses/by/4.0/",
    "sha": "SHA-256",
}


def kit_plan(cap: int = DEFAULT_WEBP_CAP) -> dict[str, Any]:
    """What `make media` makes (publish, plus the 4k render), for the page to describe even before it has run."""
    specs = {s.variant: s for s in kit_specs("4k", cap, prores=True)}
    land, port, uhd = specs["landscape"], specs["portrait"], specs["uhd"]
    assert land.webp is not None and port.vertical is not None  # the landscape WebP; the portrait's 9:16 video
    return {
        "landscape": {"width": land.width, "height": land.height, "fps": land.fps},
        "portrait": {"width": port.width, "height": port.height, "fps": port.fps},
        "vertical": {"width": port.vertical.width, "height": port.vertical.height, "fps": port.fps},
        "uhd": {"width": uhd.width, "height": uhd.height, "fps": uhd.fps},
        "prores_fps": specs["alpha"].prores_fps,
        "webp": {"width": land.webp.width, "fps": land.webp.fps, "speed": land.webp.speed, "cap": cap},
        "poster_from_end": POSTER_FROM_END,
    }


def load_manifest(root: Path = ROOT, out: Path | None = None) -> dict[str, Any] | None:
    """media/manifest.json, or None if there is none (or it is unreadable)."""
    path = Path(out or Path(root) / "media") / "manifest.json"
    try:
        data = json.loads(path.read_text("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("scenes"), list) else None


def site_files(
    root: Path = ROOT, out: Path | None = None, talk: bool = False
) -> tuple[dict[str, Path], dict[str, Any]]:
    """({relative site path: source file} for the staging tree, the Media page's context). ``talk``: the site has a
    talk mode (talk/index.html: it has scenes), which the page then links to.

    The site copies the files people can use straight from a web page (MP4s, WebP, posters, captions) within the
    media budget ([tool.rts.budgets.media] site_file_bytes per file, site_bytes in all). ProRes stays out: a few
    hundred MB per scene is no file for a static host, and nobody previews it in a browser; the page lists it with
    its size and hash and says how to make it. A file that is missing or whose size disagrees with the manifest is
    not copied either (the page says so)."""
    root = Path(root)
    out = Path(out or root / "media")
    budgets = media_budgets(root)
    manifest = load_manifest(root, out)
    ctx: dict[str, Any] = {
        "available": manifest is not None,
        "budgets": budgets,
        "scenes": [],
        "site_dir": SITE_DIR,
        "command": "make media",
        "command_4k": "make media QUALITY=4k",
        "command_prores": "make media PRORES=1",
        "plan": kit_plan(budgets["webp_bytes"]),
        "names": NAMES,
        "talk": talk,
    }
    files: dict[str, Path] = {}
    if manifest is None:
        return files, ctx
    files[f"{SITE_DIR}/manifest.json"] = out / "manifest.json"
    ctx.update(
        quality=manifest.get("quality"),
        source=manifest.get("source", {}),
        licence=manifest.get("licence", {}),
        credits=manifest.get("credits", ""),
    )
    entries = [(s, f) for s in manifest["scenes"] for f in s["files"]]
    placed, reasons, total = _place(entries, out, budgets)
    files.update({rel: out / entries[i][1]["path"] for i, rel in placed.items()})
    scenes = []
    for s in manifest["scenes"]:
        rows = []
        for f in s["files"]:
            i = next(j for j, (_, g) in enumerate(entries) if g is f)
            rows.append({**f, "href": placed.get(i), "reason": reasons.get(i), "sha_short": f["sha256"][:12]})
        poster = next((r for r in rows if r["role"] == "poster" and r["href"]), None)
        scenes.append({**s, "files": rows, "poster": poster})
    ctx["scenes"] = scenes
    ctx["not_site"] = any(r.get("reason") and not r.get("site") for sc in scenes for r in sc["files"])
    ctx["missing"] = any(r.get("reason") and r.get("site") for sc in scenes for r in sc["files"])
    ctx["site_bytes"] = total
    ctx["total_bytes"] = sum(f["bytes"] for _, f in entries)
    ctx["file_count"] = len(entries)
    return files, ctx


def _place(
    entries: list[tuple[dict[str, Any], dict[str, Any]]], out: Path, budgets: dict[str, int]
) -> tuple[dict[int, str], dict[int, str], int]:
    """Which of the kit's files (``entries``: (scene, file) of the manifest) the site carries: ({entry index: site
    path}, {entry index: why not}, bytes carried). Small, most useful files first, so a tight budget drops the
    biggest videos rather than the captions."""
    order = sorted(range(len(entries)), key=lambda i: (entries[i][1]["bytes"], i))
    placed: dict[int, str] = {}
    reasons: dict[int, str] = {}
    total = 0
    for i in order:
        f = entries[i][1]
        src = out / f["path"]
        if not f.get("site", False):
            reasons[i] = "not on the website (too large for a static host): run make media"
        elif not src.is_file() or src.stat().st_size != f["bytes"]:
            reasons[i] = "missing from media/: run make media"
        elif f["bytes"] > budgets["site_file_bytes"] or total + f["bytes"] > budgets["site_bytes"]:
            reasons[i] = "over the website's media budget: run make media"
        else:
            total += f["bytes"]
            placed[i] = f"{SITE_DIR}/{f['path']}"
    return placed, reasons, total
