"""The media kit's folder and its manifest.json: which file is what, with sizes, hashes, licence and provenance."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from generator.catalog.model import Catalog
from generator.catalog.text import alt_text
from generator.render.cache import FigureCache
from generator.render.pool import Job
from generator.render.registry import Figure
from generator.util.fs import atomic_write, place, sha256_file
from generator.util.project import git_state, tool_version

log = logging.getLogger("media")

#: role -> (format label for people, kind, copied into the static site?)
ROLES: dict[str, tuple[str, str, bool]] = {
    "mp4": ("MP4, H.264", "video", True),
    "mp4-portrait": ("MP4, H.264, portrait 4:5", "video", True),
    "mp4-vertical": ("MP4, H.264, vertical 9:16, captions burned in", "video", True),
    "mp4-uhd": ("MP4, H.264, 4K", "video", True),
    "prores": ("ProRes 4444 with alpha (MOV)", "video", False),
    "webp": ("Animated WebP, loops", "animation", True),
    "poster": ("Poster, PNG", "image", True),
    "poster-portrait": ("Portrait poster, PNG", "image", True),
    "poster-vertical": ("Vertical poster, PNG", "image", True),
    "vtt": ("Captions, WebVTT", "captions", True),
    "srt": ("Captions, SRT", "captions", True),
    "chapters": ("Chapters (steps), WebVTT", "captions", True),
    "chapters-txt": ("Chapters (steps), 0:00 Title list", "text", True),
    "step": ("MP4, H.264, one step", "video", True),
}
ROLE_ORDER = list(ROLES)


def build_manifest(
    root: Path,
    catalog: Catalog,
    figs: dict[str, Figure],
    jobs: list[Job],
    cache: FigureCache,
    quality: str,
    budgets: dict[str, int],
    steps: dict[str, tuple[Path, dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """media/manifest.json: every file of the kit with what it is, its size and hash, licence and provenance."""
    prov = _provenance(root, catalog)
    scenes = []
    for fid in sorted(figs):
        scenes.append(_scene_entry(catalog, figs[fid], jobs, cache, prov, steps))
    return {
        "schema": 1,
        "title": f"{prov['title']}: media kit",
        "quality": quality,
        "licence": {
            "media": prov["lic_media"],
            "code": prov["lic_code"],
            "credit": prov["title"],
            "note": f"Animations, posters and captions: {prov['lic_media']}, credit \u201c{prov['title']}\u201d. The "
            f"code that makes them: {prov['lic_code']}. See LICENSE.",
        },
        "credits": prov["credits"],
        "source": prov["source"],
        "budgets": budgets,
        "scenes": scenes,
    }


def _scene_entry(
    catalog: Catalog,
    fig: Figure,
    jobs: list[Job],
    cache: FigureCache,
    prov: dict[str, Any],
    steps: dict[str, tuple[Path, dict[str, Any]]] | None,
) -> dict[str, Any]:
    """One scene of the manifest: its renders' files (each variant's), its step clips, what it shows."""
    fid = fig.id
    metas = _render_metas(fid, jobs, cache)
    land = metas["landscape"][1]
    if "portrait" in metas and [c["text"] for c in metas["portrait"][1]["cues"]] != [c["text"] for c in land["cues"]]:
        log.warning("%s: the portrait render's captions differ from the landscape one's", fid)
    desc, alt = land["description"], alt_text(catalog, fig.id)
    files = []
    for variant, (cid, m) in metas.items():
        outputs = cache.manifest["figures"][cid]["outputs"]
        for name, info in m["files"].items():
            if info["role"] in ROLES:
                entry = _file_entry(fid, fig.title, name, info, variant, desc, alt, prov, land["spec"]["fps"])
                files.append({**entry, "bytes": (cache.out_dir(cid) / name).stat().st_size, "sha256": outputs[name]})
    if steps and fid in steps:
        files += _step_files(fid, fig.title, steps[fid], metas["landscape"], desc, alt, files)
    files.sort(key=lambda f: ROLE_ORDER.index(f["role"]))
    return {
        "id": fid,
        "title": fig.title,
        "alt": alt,
        "description": desc,
        "duration": land["duration"],
        "layout_issues": {v: m["layout_issues"] for v, (_, m) in metas.items()},
        "files": files,
    }


def _provenance(root: Path, catalog: Catalog) -> dict[str, Any]:
    """Title, licences, credits and source (commit, dirty flag, catalog digest) every file of the kit carries."""
    commit, dirty = git_state(root)
    meta = catalog.data.get("meta", {})
    title = meta.get("title", "The Race to Scale")
    credits = (
        f"\u201c{title}\u201d, The Race to Scale authors. Animated with Manim Community {tool_version('manim')}; "
        "typeset in Inter (SIL Open Font License 1.1)."
    )
    return {
        "title": title,
        "lic_media": meta.get("licence_media", "CC BY 4.0"),
        "lic_code": meta.get("licence_code", "MIT"),
        "credits": credits,
        "source": {"commit": commit, "dirty": dirty, "catalog_sha256": catalog.digest()},
    }


def _render_metas(fid: str, jobs: list[Job], cache: FigureCache) -> dict[str, tuple[str, dict[str, Any]]]:
    """{variant: (cache entry, <id>.<variant>.json)} of every render of scene ``fid`` the kit made."""
    metas = {}
    for job in jobs:
        if job.fig_id == fid and job.spec is not None:
            folder = cache.out_dir(job.entry)
            variant = job.spec.variant
            metas[variant] = (job.entry, json.loads((folder / f"{fid}.{variant}.json").read_text("utf-8")))
    return metas


#: A render file's own details that the manifest lists at its top level rather than under ``details``.
TOP_LEVEL = ("role", "codec", "profile", "pix_fmt", "colour", "alpha", "width", "height", "fps", "duration")


def _file_entry(fid, title, name, info, variant, desc, alt, prov, land_fps) -> dict[str, Any]:
    """The manifest's entry for one file of a render (without its size and hash)."""
    role = info["role"]
    label, kind, in_site = ROLES[role]
    rate = f", {info['fps']:g} fps" if info.get("fps") else ""
    size = f"{info['width']}\u00d7{info['height']}" if info.get("width") else ""
    lic = prov["lic_media"]
    return {
        "id": f"{fid}.{role}",
        "path": f"{fid}/{name}",
        "role": role,
        "format": label,
        "kind": kind,
        "title": f"{title} ({label}{', ' + size if size else ''}{rate})",
        "description": desc,
        "alt": alt,
        "variant": variant,
        "duration": info.get("duration"),
        "width": info.get("width"),
        "height": info.get("height"),
        "resolution": size.replace("\u00d7", "x") or None,
        "fps": info.get("fps"),
        "codec": info.get("codec"),
        "profile": info.get("profile"),
        "pix_fmt": info.get("pix_fmt"),
        "colour": info.get("colour"),
        "alpha": info.get("alpha", False),
        "details": {k: v for k, v in info.items() if k not in TOP_LEVEL},
        "licence": lic,
        "licence_url": "https://creativecommons.org/licenses/by/4.0/" if lic == "CC BY 4.0" else None,
        "credits": prov["credits"],
        "source_commit": prov["source"]["commit"],
        "source_dirty": prov["source"]["dirty"],
        "catalog_sha256": prov["source"]["catalog_sha256"],
        "site": in_site,
        "note": _note(role, info, land_fps),
    }


def _step_files(
    fid: str,
    title: str,
    steps: tuple[Path, dict[str, Any]],
    landscape: tuple[str, dict[str, Any]],
    desc: str,
    alt: str,
    files: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Manifest entries of a scene's step MP4s (generator/media/steps.py), shaped like its landscape MP4's entry."""
    folder, infos = steps
    base = next(f for f in files if f["role"] == "mp4")
    spec = landscape[1]["spec"]
    out = []
    for name, info in infos.items():
        path = folder / name
        out.append(
            {
                **base,
                "id": f"{fid}.step-{info['step']:02d}",
                "path": f"{fid}/{name}",
                "role": "step",
                "format": ROLES["step"][0],
                "title": f"{title}, step {info['step']}: {info['title']} (MP4, {spec['width']}\u00d7{spec['height']}"
                f", {spec['fps']:g} fps)",
                "description": info["text"],
                "alt": alt,
                "duration": info["duration"],
                "details": {
                    "frames": info["frames"],
                    "step": info["step"],
                    "start": info["start"],
                    "end": info["end"],
                    "chapter_title": info["title"],
                },
                "bytes": path.stat().st_size,
                "sha256": sha256_file(path),
                "site": ROLES["step"][2],
                "note": f"Step {info['step']}: from {info['start']:g} s to {info['end']:g} s of the landscape MP4, "
                "cut frame-accurately by stream copy (its own frames, not encoded again; it starts on a keyframe).",
            }
        )
    return out


def _note(role: str, info: dict[str, Any], fps: int) -> str | None:
    """A line for people about one file (the manifest's ``note``); ``fps`` is the landscape MP4's rate."""
    if role == "prores":
        rate = (
            f"{info['fps']} fps, half the {fps} fps of the MP4, to halve the size"
            if info["fps"] * 2 == fps
            else f"{info['fps']} fps"
        )
        return (
            f"{rate}. Straight (unassociated) alpha over a transparent background; the colours are made for a "
            "dark background."
        )
    if role == "webp":
        return (
            f"The whole animation at {info['speed']:g}x speed, {info['fps']:g} fps, loops forever; "
            f"at most {info['cap_bytes']:,} bytes."
        )
    if role == "mp4-vertical":
        return (
            "The portrait frame on a 9:16 canvas with each step's caption burned in under it, clear of the part "
            "of the screen apps cover; made from the portrait render's frames, not drawn again."
        )
    if role in ("mp4", "mp4-portrait", "mp4-uhd"):
        return "H.264 High, yuv420p, BT.709 matrix and tags, moov before mdat (plays while downloading)."
    if role.startswith("poster"):
        return f"The frame at {info['at']:g} s, one second before the end."
    return None


def write_tree(out: Path, manifest: dict[str, Any], folders: dict[str, Path], full: bool = True) -> list[str]:
    """Place every manifest file under ``out`` (atomically, unchanged files untouched), remove files an earlier
    manifest listed that this one does not, then write manifest.json. Files we never listed are left alone."""
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / "manifest.json"
    previous: dict[str, Any] = {}
    try:
        previous = json.loads(manifest_path.read_text("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        pass
    if not full and previous.get("scenes"):  # --only: keep the other scenes' entries
        ours = {s["id"] for s in manifest["scenes"]}
        kept = [
            s
            for s in previous["scenes"]
            if s["id"] not in ours and all((out / f["path"]).is_file() for f in s["files"])
        ]
        manifest["scenes"] = sorted(kept + manifest["scenes"], key=lambda s: s["id"])
    wanted = {f["path"] for s in manifest["scenes"] for f in s["files"]}
    written = []
    for s in manifest["scenes"]:
        for f in s["files"]:
            src = next(
                (
                    folder / Path(f["path"]).name
                    for cid, folder in folders.items()
                    if cid.split(".", 1)[0] == s["id"] and (folder / Path(f["path"]).name).is_file()
                ),
                None,
            )
            if src is None:
                continue  # kept from an earlier --only run; already in place
            if place(src, out / f["path"]):
                written.append(f["path"])
                log.info("wrote %s (%s, %.2f MB)", f["path"], f["format"], f["bytes"] / 1e6)
    for s in previous.get("scenes", []):
        for f in s.get("files", []):
            if f.get("path") not in wanted:
                p = out / f["path"]
                if p.is_file():
                    p.unlink()
                    log.info("removed %s (no longer in the kit)", f["path"])
                try:
                    p.parent.rmdir()
                except OSError:
                    pass
    atomic_write(manifest_path, json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=False) + "\n")
    return written
