"""The media kit: every scene as files people reuse in slides, talks and social video (``python -m generator media``).

For each scene (``<out>/<id>/``; names carry the resolution and rate of the quality asked for, publish shown):

  <id>-1080p60.mp4              H.264 High, yuv420p, BT.709 primaries/transfer/matrix, fast start, 60 fps
  <id>-portrait-1080x1350-60fps.mp4   the scene laid out again for a 4:5 phone frame (RaceScene.portrait), not a
                                crop: the video the site plays on phones
  <id>-vertical-1080x1920-60fps.mp4   9:16 for social video: the portrait frame with each step's caption burned in
                                under it, composed from the portrait draw as it encodes (generator/render/vertical.py)
  <id>-loop.webp                animated WebP that loops forever: the whole scene at twice the speed, 640 px wide,
                                12 fps, under a size cap ([tool.rts.budgets.media] webp_bytes)
  <id>-poster.png, <id>-portrait-poster.png, <id>-vertical-poster.png   the final composition (one second before
                                the end)
  <id>.en.vtt, <id>.en.srt      the captions (the scene's cues)
  <id>.chapters.vtt             the steps (one chapter per caption cue, with a short title), WebVTT chapters
  <id>.chapters.txt             the same as a "0:00 Title" list, as video platforms read chapters in a description
  <id>-step-01-1080p60.mp4 ...  one MP4 per step, for slide software (cut from the landscape file by stream copy:
                                steps.py)
  <id>-2160p60.mp4              only with --quality 4k: 3840 x 2160
  <id>-alpha-prores4444-1080p30.mov   only with --prores: ProRes 4444, transparent background, 30 fps
and ``<out>/manifest.json`` (generator/media/manifest.py).

One draw per scene and orientation (generator/render/video.py feeds every file of a render from its frames), run
by the same pool and cached in the same place as the site's figures: the landscape and portrait renders *are* the
site's videos, so after ``make site`` the kit draws nothing again (only the 4K video, and ProRes when asked). ProRes
needs the alpha channel, which the site's render does not keep, so it is a render of its own and off by default
(about 0.8 GB per scene, never published on the site).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.catalog.model import load_catalog
from generator.media.manifest import build_manifest, write_tree
from generator.media.page import media_budgets
from generator.media.steps import cut_steps
from generator.render.cache import FigureCache
from generator.render.plan import kit_jobs
from generator.render.pool import render_stale
from generator.render.registry import registry
from generator.render.specs import file_names, kit_specs
from generator.util.project import ROOT

log = logging.getLogger("media")


class MediaKitError(RuntimeError):
    """A media-kit request that cannot be met (an unknown scene id...); the message says what to do."""


@dataclass
class MediaReport:
    rendered: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)


def kit_steps(figs: dict, job_list: list, cache: FigureCache) -> dict[str, tuple[Path, dict[str, Any]]]:
    """{scene id: (folder, {file name: details})}: one MP4 per step, cut from each scene's landscape render
    (generator/media/steps.py), kept beside the cache in ``<cache>/steps/<render entry>/``."""
    out: dict[str, tuple[Path, dict[str, Any]]] = {}
    for job in job_list:
        if job.fig_id not in figs or job.spec is None or job.spec.variant != "landscape":
            continue
        folder = cache.out_dir(job.entry)
        meta = json.loads((folder / f"{job.fig_id}.landscape.json").read_text("utf-8"))
        mp4 = folder / file_names(job.fig_id, job.spec)["mp4"]
        steps_dir = cache.root / "steps" / job.entry
        out[job.fig_id] = (steps_dir, cut_steps(job.fig_id, mp4, meta, steps_dir))
    return out


def build_media(
    root: Path = ROOT,
    out: Path | None = None,
    quality: str = "publish",
    jobs: int | None = None,
    only: list[str] | None = None,
    catalog_path: Path | None = None,
    cache_dir: Path | None = None,
    prores: bool = False,
    no_render: bool = False,
) -> MediaReport:
    """Render what changed, then make ``out`` (default <root>/media) hold the kit and its manifest.json. With
    ``no_render`` nothing renders: BuildError listing what the cache lacks, before anything is written.

    The cache (default <root>/.cache) is the site build's: a scene's landscape render made by ``make site`` at the
    same quality is found there and not rendered again."""
    root = Path(root).resolve()
    out = Path(out or root / "media").resolve()
    cache = FigureCache(Path(cache_dir or root / ".cache"))
    report = MediaReport()
    t_start = time.perf_counter()
    catalog = load_catalog(Path(catalog_path or root / "catalog.yaml"))
    all_figs = registry(catalog, root / "figures")
    figs = {fid: f for fid, f in all_figs.items() if f.kind == "scene"}
    if only:
        unknown = sorted(set(only) - set(figs))
        if unknown:
            raise MediaKitError(f"--only: not a scene: {', '.join(unknown)}; scenes: {', '.join(sorted(figs))}")
        figs = {fid: figs[fid] for fid in only}
    budgets = media_budgets(root)
    specs = kit_specs(quality, budgets["webp_bytes"], prores=prores)
    job_list = kit_jobs(figs, catalog, root, specs)
    result = render_stale(job_list, cache, root, jobs, no_render=no_render)
    report.rendered, report.cached, report.seconds = result.rendered, result.cached, result.seconds
    cache.prune(set(all_figs))

    steps = kit_steps(figs, job_list, cache)
    manifest = build_manifest(root, catalog, figs, job_list, cache, quality, budgets, steps)
    folders = {j.entry: cache.out_dir(j.entry) for j in job_list}
    folders.update({f"{fid}.steps": folder for fid, (folder, _) in steps.items()})
    report.written = write_tree(out, manifest, folders, full=not only)
    report.manifest = manifest
    report.seconds["total"] = round(time.perf_counter() - t_start, 1)
    size = sum(f["bytes"] for s in manifest["scenes"] for f in s["files"])
    log.info(
        "media kit in %s: %d files, %.1f MB, %d rendered, %d cached, %.1fs",
        out,
        sum(len(s["files"]) for s in manifest["scenes"]),
        size / 1e6,
        len(report.rendered),
        len(report.cached),
        report.seconds["total"],
    )
    return report
