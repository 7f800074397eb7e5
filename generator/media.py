"""The media kit: every scene as files people reuse in slides, talks and social video.

``python -m generator.media [--quality publish|4k|draft|test] [--out media] [--jobs N] [--only id,id]``

For each scene (``<out>/<id>/``; names carry the resolution and rate of the quality asked for, publish shown):

  <id>-1080p60.mp4              H.264 High, yuv420p, BT.709 primaries/transfer/matrix, fast start, 60 fps
  <id>-vertical-1080x1920.mp4   the scene laid out again for a 9:16 frame (RaceScene.portrait), not a crop
  <id>-alpha-prores4444.mov     ProRes 4444, yuva444p10le, transparent background, 30 fps (half the rate: half the
                                size, and still smooth for a lower third or an overlay in a talk)
  <id>-loop.webp                animated WebP that loops forever: the whole scene at twice the speed, 640 px wide,
                                12 fps, under a size cap ([tool.rts.budgets.media] webp_bytes)
  <id>-poster.png, <id>-vertical-poster.png   the final composition (one second before the end)
  <id>.en.vtt, <id>.en.srt      the captions (the scene's cues)
  <id>-2160p60.mp4              only with --quality 4k: 3840 x 2160
and ``<out>/manifest.json``: every file with its id, title, description, duration, resolution, frame rate, codec,
bytes, SHA-256, licence, credits, source commit (+ dirty flag) and catalog digest.

How it works:
- One Manim render per scene and orientation, in its own process and its own Manim media folder. The render has a
  transparent background; Manim (Cairo) still composites every shape over the house background in the RGB channels
  (bit for bit what an opaque render gives) and keeps the coverage in the alpha channel. So one render feeds every
  encoder at once: the RGB goes to H.264 (converted to YUV here with the BT.709 matrix, so the BT.709 tags are
  true; the site's videos are Manim's BT.601 conversion, tagged as such), RGB minus the background divided by alpha
  gives the straight-alpha colour for ProRes, and every n-th frame, scaled down, goes to the WebP.
- Frames are taken from Manim's file writer (a ``SceneFileWriter`` whose ``write_frame`` feeds our encoders), so
  Manim writes no video of its own.
- The worker (the render and its encoders) is generator/media_render.py; this file runs it, caches it, writes the
  folder and the manifest, and tells the site what to publish.
- Each render is cached like the site's figures (generator.cache.FigureCache under .cache/media, keyed by
  generator.figures.cache_key plus this render's spec and media_render.py): an unchanged scene is not encoded again,
  and editing this file (manifest, page) re-encodes nothing.
  Outputs are written to a temporary folder and swapped in; the cache records their hashes only after that.
- ``<out>`` is then made to hold exactly the files of the manifest (hard links to the cache where possible, each
  written under a temporary name and renamed); files we did not write there are left alone. The manifest is written
  last.
- Reproducible: fixed x264/ProRes/WebP settings and thread counts, ``+bitexact`` containers without creation time;
  two runs of the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import media_render
from .media_render import (  # noqa: F401 - re-exported: the kit's public names live here
    DEFAULT_WEBP_CAP, POSTER_FROM_END, QUALITY_NAMES, MediaRenderError, RenderSpec, WebpSpec, _specs, check_layout,
    file_names, render_media, straight_alpha_lut,
)

log = logging.getLogger("media")

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------------------------------------------
# Budgets and labels
# ---------------------------------------------------------------------------------------------------------------

def media_budgets(root: Path = ROOT) -> dict[str, int]:
    """[tool.rts.budgets.media]: webp_bytes (the WebP cap), site_file_bytes and site_bytes (what the site copies)."""
    defaults = {"webp_bytes": DEFAULT_WEBP_CAP, "site_file_bytes": 25_000_000, "site_bytes": 150_000_000}
    for path in (Path(root) / "pyproject.toml", ROOT / "pyproject.toml"):
        try:
            config = tomllib.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            continue
        media = config.get("tool", {}).get("rts", {}).get("budgets", {}).get("media")
        if media:
            return {**defaults, **{k: int(v) for k, v in media.items()}}
    return defaults


#: role -> (format label for people, kind, copied into the static site?)
ROLES: dict[str, tuple[str, str, bool]] = {
    "mp4": ("MP4, H.264", "video", True),
    "mp4-vertical": ("MP4, H.264, vertical", "video", True),
    "mp4-uhd": ("MP4, H.264, 4K", "video", True),
    "prores": ("ProRes 4444 with alpha (MOV)", "video", False),
    "webp": ("Animated WebP, loops", "animation", True),
    "poster": ("Poster, PNG", "image", True),
    "poster-vertical": ("Vertical poster, PNG", "image", True),
    "vtt": ("Captions, WebVTT", "captions", True),
    "srt": ("Captions, SRT", "captions", True),
}
ROLE_ORDER = list(ROLES)


# ---------------------------------------------------------------------------------------------------------------
# The kit: cache, parallel renders, the media folder and its manifest
# ---------------------------------------------------------------------------------------------------------------

@dataclass
class MediaReport:
    rendered: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)


def _git(root: Path) -> tuple[str, bool | None]:
    """HEAD's commit and whether the working tree differs from it (read-only git calls; no index refresh)."""
    env = dict(os.environ, GIT_OPTIONAL_LOCKS="0")
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, env=env,
                              timeout=30)
        if head.returncode != 0:
            return "unknown", None
        status = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True,
                                env=env, timeout=60)
        return head.stdout.strip(), bool(status.stdout.strip()) if status.returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired):
        return "unknown", None


def _place(src: Path, dest: Path) -> bool:
    """Make ``dest`` hold ``src``'s bytes: a hard link when possible, else a copy; via a temporary name and a rename.
    Returns True if ``dest`` changed."""
    from .cache import sha256_file
    try:
        if dest.exists() and (os.path.samefile(src, dest) or (dest.stat().st_size == src.stat().st_size
                                                              and sha256_file(dest) == sha256_file(src))):
            return False
    except FileNotFoundError:
        pass
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(src, tmp)
    except OSError:
        shutil.copyfile(src, tmp)
    os.replace(tmp, dest)
    return True


def build_media(root: Path = ROOT, out: Path | None = None, quality: str = "publish", jobs: int | None = None,
                only: list[str] | None = None, catalog_path: Path | None = None,
                cache_dir: Path | None = None, prores: bool = True) -> MediaReport:
    """Render what changed, then make ``out`` (default <root>/media) hold the kit and its manifest.json.

    ``prores=False`` leaves the ProRes files out (the site never publishes them; a CI build that only feeds the
    site saves their time and several hundred MB per scene)."""
    from .cache import FigureCache
    from .catalog import canonical_json, load_catalog
    from .figures import cache_key, registry

    root = Path(root).resolve()
    out = Path(out or root / "media").resolve()
    cache = FigureCache(Path(cache_dir or root / ".cache" / "media"))
    report = MediaReport()
    t_start = time.perf_counter()
    catalog = load_catalog(Path(catalog_path or root / "catalog.yaml"))
    figs = {fid: f for fid, f in registry(catalog, root / "figures").items() if f.kind == "scene"}
    if only:
        unknown = sorted(set(only) - set(figs))
        if unknown:
            raise MediaRenderError(f"--only: not a scene: {', '.join(unknown)}; scenes: {', '.join(sorted(figs))}")
        figs = {fid: figs[fid] for fid in only}
    budgets = media_budgets(root)
    specs = _specs(quality, budgets["webp_bytes"])
    if not prores:
        specs = [dataclasses.replace(s, prores_fps=None) for s in specs]
    # The worker's code is part of every render's key; this file (manifest, folder, site) is not.
    media_digest = hashlib.sha256(Path(media_render.__file__).read_bytes()).hexdigest()

    jobs_list: list[tuple[str, RenderSpec, str, str]] = []   # (fig id, spec, cache id, key)
    for fid in sorted(figs):
        for spec in specs:
            extra = json.dumps({"media": asdict(spec), "media_render_py": media_digest}, sort_keys=True)
            jobs_list.append((fid, spec, f"{fid}.{spec.label}", cache_key(figs[fid], catalog, "publish", root,
                                                                            extra=extra)))
    stale = [j for j in jobs_list if not cache.is_fresh(j[2], j[3])]
    total = len(jobs_list)
    done = 0
    for fid, spec, cid, _ in jobs_list:
        if all(cid != s[2] for s in stale):
            done += 1
            report.cached.append(cid)
            log.info("[%2d/%d] %-40s cached", done, total, cid)

    if stale:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(root), str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH")
                                                                       else []))
        env["PYTHONHASHSEED"] = "0"
        # Heaviest first: 4K, then the landscape render (it also feeds ProRes and the WebP), then vertical.
        weight = {"uhd": 0, "landscape": 1, "vertical": 2}
        stale.sort(key=lambda j: (weight.get(j[1].variant, 3), j[0]))
        failures: list[str] = []
        lock = threading.Lock()

        def run(job: tuple[str, RenderSpec, str, str]) -> tuple[tuple[str, RenderSpec, str, str], float, int,
                                                                  list[str], Path]:
            fid, spec, cid, _ = job
            work = cache.new_work_dir(cid)
            data_file = work / "data.json"
            data_file.write_text(canonical_json(figs[fid].data(catalog)), "utf-8")
            job_file = work / "job.json"
            job_file.write_text(json.dumps({"id": fid, "spec": asdict(spec), "data": str(data_file),
                                            "out": str(work / "out"), "work": str(work)}), "utf-8")
            t0 = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "generator.media", "--worker", str(job_file)], cwd=root,
                                    env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            tail: list[str] = []
            assert proc.stdout is not None
            for line in proc.stdout:
                line = line.rstrip()
                tail = (tail + [line])[-15:]
                with lock:
                    log.info("    %s", line)
            code = proc.wait()
            return job, time.perf_counter() - t0, code, tail, work / "out"

        with ThreadPoolExecutor(max_workers=max(1, jobs or max(1, (os.cpu_count() or 2) // 2))) as pool:
            futures = []
            for job in stale:
                log.info("[%2s/%d] %-40s rendering...", "..", total, job[2])
                futures.append(pool.submit(run, job))
            for fut in as_completed(futures):
                (fid, spec, cid, key), secs, code, tail, outdir = fut.result()
                done += 1
                if code != 0 or not outdir.is_dir() or not any(outdir.iterdir()):
                    log.error("[%2d/%d] %-40s FAILED after %.1fs", done, total, cid, secs)
                    failures.append(f"{cid}: {tail[-1] if tail else 'no output'}")
                    shutil.rmtree(outdir.parent, ignore_errors=True)
                    continue
                cache.commit(cid, key, outdir)
                shutil.rmtree(outdir.parent, ignore_errors=True)
                report.rendered.append(cid)
                report.seconds[cid] = round(secs, 1)
                log.info("[%2d/%d] %-40s rendered in %.1fs", done, total, cid, secs)
        if failures:
            raise MediaRenderError("media renders failed (previous files kept):\n  " + "\n  ".join(failures))

    # Forget renders of scenes that no longer exist; keep other qualities' renders (switching back is free).
    all_scenes = {fid for fid, f in registry(catalog, root / "figures").items() if f.kind == "scene"}
    cache.prune({cid for cid in cache.manifest["figures"] if cid.split(".", 1)[0] in all_scenes})

    manifest = _manifest(root, catalog, figs, jobs_list, cache, quality, budgets)
    report.written = _write_tree(out, manifest, {cid: cache.out_dir(cid) for _, _, cid, _ in jobs_list},
                                 full=not only)
    report.manifest = manifest
    report.seconds["total"] = round(time.perf_counter() - t_start, 1)
    size = sum(f["bytes"] for s in manifest["scenes"] for f in s["files"])
    log.info("media kit in %s: %d files, %.1f MB, %d rendered, %d cached, %.1fs", out,
             sum(len(s["files"]) for s in manifest["scenes"]), size / 1e6, len(report.rendered), len(report.cached),
             report.seconds["total"])
    return report


def _manifest(root: Path, catalog, figs: dict, jobs_list: list, cache, quality: str,
              budgets: dict[str, int]) -> dict[str, Any]:
    from .pages import alt_text

    commit, dirty = _git(root)
    meta = catalog.data.get("meta", {})
    title = meta.get("title", "The Race to Scale")
    lic_media = meta.get("licence_media", "CC BY 4.0")
    lic_code = meta.get("licence_code", "MIT")
    import importlib.metadata
    try:
        manim_version = importlib.metadata.version("manim")
    except importlib.metadata.PackageNotFoundError:
        manim_version = "?"
    credits = (f"\u201c{title}\u201d, The Race to Scale authors. Animated with Manim Community {manim_version}; "
               "typeset in Inter (SIL Open Font License 1.1).")
    source = {"commit": commit, "dirty": dirty, "catalog_sha256": catalog.digest()}
    scenes = []
    for fid in sorted(figs):
        fig = figs[fid]
        metas = {}
        for jfid, spec, cid, _ in jobs_list:
            if jfid == fid:
                folder = cache.out_dir(cid)
                metas[spec.variant] = (cid, json.loads((folder / f"{fid}.{spec.variant}.json").read_text("utf-8")))
        land = metas["landscape"][1]
        if "vertical" in metas and [c["text"] for c in metas["vertical"][1]["cues"]] != [c["text"] for c in
                                                                                         land["cues"]]:
            log.warning("%s: the vertical video's captions differ from the landscape one's", fid)
        desc = land["description"]
        alt = alt_text(fig, catalog)
        files = []
        for variant, (cid, m) in metas.items():
            outputs = cache.manifest["figures"][cid]["outputs"]
            for name, info in m["files"].items():
                role = info["role"]
                label, kind, in_site = ROLES[role]
                rate = f", {info['fps']:g} fps" if info.get("fps") else ""
                size = f"{info['width']}\u00d7{info['height']}" if info.get("width") else ""
                files.append({
                    "id": f"{fid}.{role}",
                    "path": f"{fid}/{name}",
                    "role": role,
                    "format": label,
                    "kind": kind,
                    "title": f"{fig.title} ({label}{', ' + size if size else ''}{rate})",
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
                    "details": {k: v for k, v in info.items() if k not in (
                        "role", "codec", "profile", "pix_fmt", "colour", "alpha", "width", "height", "fps",
                        "duration")},
                    "bytes": (cache.out_dir(cid) / name).stat().st_size,
                    "sha256": outputs[name],
                    "licence": lic_media,
                    "licence_url": "https://creativecommons.org/licenses/by/4.0/" if lic_media == "CC BY 4.0" else None,
                    "credits": credits,
                    "source_commit": commit,
                    "source_dirty": dirty,
                    "catalog_sha256": source["catalog_sha256"],
                    "site": in_site,
                    "note": _note(role, info, m),
                })
        files.sort(key=lambda f: ROLE_ORDER.index(f["role"]))
        scenes.append({"id": fid, "title": fig.title, "alt": alt, "description": desc, "duration": land["duration"],
                       "layout_issues": {v: m["layout_issues"] for v, (_, m) in metas.items()},
                       "files": files})
    return {
        "schema": 1,
        "title": f"{title}: media kit",
        "quality": quality,
        "licence": {"media": lic_media, "code": lic_code, "credit": title,
                    "note": f"Animations, posters and captions: {lic_media}, credit \u201c{title}\u201d. The code that "
                            f"makes them: {lic_code}. See LICENSE."},
        "credits": credits,
        "source": source,
        "budgets": budgets,
        "scenes": scenes,
    }


def _note(role: str, info: dict[str, Any], meta: dict[str, Any]) -> str | None:
    """A line for people about one file (the manifest's ``note``)."""
    fps = meta["spec"]["fps"]
    if role == "prores":
        return (f"{info['fps']} fps, half the {fps} fps of the MP4, to halve the size. Straight (unassociated) alpha "
                "over a transparent background; the colours are made for a dark background.")
    if role == "webp":
        return (f"The whole animation at {info['speed']:g}x speed, {info['fps']:g} fps, loops forever; "
                f"at most {info['cap_bytes']:,} bytes.")
    if role in ("mp4", "mp4-vertical", "mp4-uhd"):
        return "H.264 High, yuv420p, BT.709 matrix and tags, moov before mdat (plays while downloading)."
    if role.startswith("poster"):
        return f"The frame at {info['at']:g} s, one second before the end."
    return None


def _write_tree(out: Path, manifest: dict[str, Any], folders: dict[str, Path], full: bool = True) -> list[str]:
    """Place every manifest file under ``out`` (atomically, unchanged files untouched), remove files an earlier
    manifest listed that this one does not, then write manifest.json. Files we never listed are left alone."""
    out.mkdir(parents=True, exist_ok=True)
    from .cache import atomic_write
    manifest_path = out / "manifest.json"
    previous: dict[str, Any] = {}
    try:
        previous = json.loads(manifest_path.read_text("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        pass
    if not full and previous.get("scenes"):   # --only: keep the other scenes' entries
        ours = {s["id"] for s in manifest["scenes"]}
        kept = [s for s in previous["scenes"] if s["id"] not in ours and all((out / f["path"]).is_file()
                                                                             for f in s["files"])]
        manifest["scenes"] = sorted(kept + manifest["scenes"], key=lambda s: s["id"])
    wanted = {f["path"] for s in manifest["scenes"] for f in s["files"]}
    written = []
    for s in manifest["scenes"]:
        for f in s["files"]:
            src = next((folder / Path(f["path"]).name for cid, folder in folders.items()
                        if cid.split(".", 1)[0] == s["id"] and (folder / Path(f["path"]).name).is_file()), None)
            if src is None:
                continue   # kept from an earlier --only run; already in place
            if _place(src, out / f["path"]):
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
    os.chmod(manifest_path, 0o644)   # atomic_write's temporary file is private; the manifest is for everyone
    return written


# ---------------------------------------------------------------------------------------------------------------
# The site: which files it copies, and what the Media page shows
# ---------------------------------------------------------------------------------------------------------------

SITE_DIR = "media"


#: Names with digits in them, for the Media page (its prose may not type digits: tests/test_prose.py).
NAMES = {"mp4": "MP4", "uhd": "4K", "h264": "H.264", "prores": "ProRes 4444", "prores_pix_fmt": "yuva444p10le", "mp4_pix_fmt": "yuv420p",
         "bt709": "BT.709", "vertical_ratio": "9:16", "landscape_ratio": "16:9", "licence_url":
         "https://creativecommons.org/licenses/by/4.0/", "sha": "SHA-256"}


def kit_plan(cap: int = DEFAULT_WEBP_CAP) -> dict[str, Any]:
    """What `make media` makes (publish, plus the 4k render), for the page to describe even before it has run."""
    specs = {s.variant: s for s in _specs("4k", cap)}
    land, vert, uhd = specs["landscape"], specs["vertical"], specs["uhd"]
    return {
        "landscape": {"width": land.width, "height": land.height, "fps": land.fps},
        "vertical": {"width": vert.width, "height": vert.height, "fps": vert.fps},
        "uhd": {"width": uhd.width, "height": uhd.height, "fps": uhd.fps},
        "prores_fps": land.prores_fps,
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


def site_files(root: Path = ROOT, out: Path | None = None) -> tuple[dict[str, Path], dict[str, Any]]:
    """({relative site path: source file} for the staging tree, the Media page's context).

    The site copies the files people can use straight from a web page (MP4s, WebP, posters, captions) within the
    media budget ([tool.rts.budgets.media] site_file_bytes per file, site_bytes in all). ProRes stays out: a few
    hundred MB per scene is no file for a static host, and nobody previews it in a browser; the page lists it with
    its size and hash and says how to make it. A file that is missing or whose size disagrees with the manifest is
    not copied either (the page says so)."""
    root = Path(root)
    out = Path(out or root / "media")
    budgets = media_budgets(root)
    manifest = load_manifest(root, out)
    ctx: dict[str, Any] = {"available": manifest is not None, "budgets": budgets, "scenes": [], "site_dir": SITE_DIR,
                           "command": "make media", "command_4k": "make media QUALITY=4k",
                           "plan": kit_plan(budgets["webp_bytes"]), "names": NAMES}
    files: dict[str, Path] = {}
    if manifest is None:
        return files, ctx
    files[f"{SITE_DIR}/manifest.json"] = out / "manifest.json"
    total = 0
    ctx.update(quality=manifest.get("quality"), source=manifest.get("source", {}),
               licence=manifest.get("licence", {}), credits=manifest.get("credits", ""))
    # Small, most useful files first, so a tight budget drops the biggest videos rather than the captions.
    entries = [(s, f) for s in manifest["scenes"] for f in s["files"]]
    order = sorted(range(len(entries)), key=lambda i: (entries[i][1]["bytes"], i))
    placed: dict[int, str] = {}
    reasons: dict[int, str] = {}
    for i in order:
        s, f = entries[i]
        src = out / f["path"]
        if not f.get("site", False):
            reasons[i] = "not on the website (too large for a static host): run make media"
            continue
        if not src.is_file() or src.stat().st_size != f["bytes"]:
            reasons[i] = "missing from media/: run make media"
            continue
        if f["bytes"] > budgets["site_file_bytes"] or total + f["bytes"] > budgets["site_bytes"]:
            reasons[i] = "over the website's media budget: run make media"
            continue
        total += f["bytes"]
        rel = f"{SITE_DIR}/{f['path']}"
        files[rel] = src
        placed[i] = rel
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


# ---------------------------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--worker"]:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        logging.getLogger("manim").setLevel(logging.WARNING)
        return media_render.worker(Path(argv[1]))
    parser = argparse.ArgumentParser(prog="python -m generator.media", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quality", default="publish", choices=QUALITY_NAMES,
                        help="publish (default): 1080p60 + vertical + ProRes + WebP; 4k adds 3840x2160; draft: 480p "
                             "for quick looks; test: tiny and cut short (tests)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: media/)")
    parser.add_argument("--jobs", type=int, default=None, help="renders at once (default: half the CPUs, at least 1)")
    parser.add_argument("--only", default="", help="comma-separated scene ids (default: every scene)")
    parser.add_argument("--no-prores", action="store_true",
                        help="skip the ProRes files (the site does not publish them; for CI builds of the site)")
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--catalog", type=Path, default=None)
    parser.add_argument("--cache", type=Path, default=None, help="cache folder (default: .cache/media)")
    parser.add_argument("--verify", action="store_true",
                        help="then probe every file of the kit against the manifest (generator/media_verify.py)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from .errors import BuildError, CatalogError
    only = [s.strip() for s in args.only.split(",") if s.strip()] or None
    try:
        build_media(args.root, args.out, args.quality, args.jobs, only, args.catalog, args.cache,
                    prores=not args.no_prores)
    except CatalogError as exc:
        log.error("%s", exc)
        return 2
    except (MediaRenderError, BuildError) as exc:
        log.error("%s", exc)
        return 1
    if args.verify:
        from . import media_verify
        return media_verify.main(["--out", str(args.out or (args.root / "media"))])
    return 0


if __name__ == "__main__":
    sys.exit(main())
