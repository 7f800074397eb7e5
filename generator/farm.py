"""The render farm: the site's and the media kit's renders spread over machines (GitHub Actions' matrix in
.github/workflows/pages.yml), assembled into one site. No scheduler of our own: a render is already an independent,
content-addressed job (an entry of the FigureCache and the key of everything it reads), so the farm is four verbs.

  python -m generator plan [--quality Q] [--media [--prores]]   JSON list of the renders whose cache entries are
        missing or stale (heaviest first), one object per render: {"entry", "figure", "kind", "render", "key",
        "why"}; usable as a matrix's ``include:``. ``[]`` when everything is cached.
  python -m generator render ENTRY... (same flags)               render exactly those entries (or every entry of
        a figure id) into the cache
  python -m generator pack ENTRY... --out DIR (same flags)       DIR/<key>.tar per entry (generator/render/pack.py)
  python -m generator unpack FILE...                             check every archive, then install each entry

then ``python -m generator build --no-render`` and ``media --no-render`` assemble from the cache alone.
The quality flags must be the build's: they choose the renders (and so the entries and keys) a build needs.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from generator.catalog.model import load_catalog
from generator.errors import BuildError, did_you_mean
from generator.render.cache import FigureCache
from generator.render.plan import kit_jobs, site_jobs, webp_cap
from generator.render.pool import Job, heaviest_first, render_stale
from generator.render.registry import registry
from generator.render.specs import SITE_QUALITIES, kit_specs, site_specs
from generator.util.lock import build_lock
from generator.util.project import BuildPaths

log = logging.getLogger("farm")


def planned_jobs(paths: BuildPaths, quality: str, media: bool = False, prores: bool = False) -> list[Job]:
    """Every render a build at ``quality`` needs (with ``media``, the kit's as well), one job per cache entry."""
    if quality not in SITE_QUALITIES and not media:
        raise BuildError(
            f"--quality {quality}: a media-kit quality; add --media (the site is built at draft or publish)"
        )
    assert paths.catalog is not None  # set by BuildPaths.__post_init__
    catalog = load_catalog(paths.catalog)
    figs = registry(catalog, paths.root / "figures")
    cap = webp_cap(paths.root)
    jobs = site_jobs(figs, catalog, paths.root, site_specs(quality, cap))
    if media:
        scenes = {fid: f for fid, f in figs.items() if f.kind == "scene"}
        jobs += kit_jobs(scenes, catalog, paths.root, kit_specs(quality, cap, prores=prores))
    unique: dict[str, Job] = {}
    for j in jobs:  # the landscape and portrait renders are the site's and the kit's: one entry, one key
        if j.entry in unique and unique[j.entry].key != j.key:
            raise BuildError(f"{j.entry}: two keys for one cache entry ({unique[j.entry].key}, {j.key})")
        unique[j.entry] = j
    return heaviest_first(list(unique.values()))


def plan_rows(jobs: list[Job], cache: FigureCache) -> list[dict[str, str]]:
    """The jobs whose entries are neither fresh in ``cache`` nor recalled from its earlier versions, as the
    matrix's ``include:`` rows."""
    rows = []
    for j in jobs:
        why = cache.status(j.entry, j.key)
        if why != "fresh" and not cache.recall(j.entry, j.key):  # an earlier version kept: no render needed
            label = j.spec.label if j.spec is not None else ""
            rows.append(
                {"entry": j.entry, "figure": j.fig_id, "kind": j.kind, "render": label, "key": j.key, "why": why}
            )
    return rows


def select(jobs: list[Job], names: list[str]) -> list[Job]:
    """The jobs named by entry (``the_wall.landscape-1920x1080-60``) or by figure id (all of its entries)."""
    by_entry = {j.entry: j for j in jobs}
    chosen: dict[str, Job] = {}
    unknown = []
    for name in names:
        hits = [by_entry[name]] if name in by_entry else [j for j in jobs if j.fig_id == name]
        if not hits:
            unknown.append(name)
        chosen.update((j.entry, j) for j in hits)
    if unknown:
        hint = did_you_mean(unknown[0], list(by_entry) + sorted({j.fig_id for j in jobs}))
        raise BuildError(
            f"not an entry of this build's plan: {', '.join(unknown)}{' (' + hint + ')' if hint else ''}; the entries "
            f"depend on --quality and --media (see python -m generator plan)"
        )
    return [j for j in jobs if j.entry in chosen]


def _args_paths(args: argparse.Namespace) -> BuildPaths:
    return BuildPaths(root=Path(args.root), catalog=args.catalog, cache=args.cache)


def cmd_plan(args: argparse.Namespace) -> int:
    paths = _args_paths(args)
    jobs = planned_jobs(paths, args.quality, args.media, args.prores)
    assert paths.cache is not None
    rows = plan_rows(jobs, FigureCache(paths.cache))
    log.info("plan: %d of %d renders to do", len(rows), len(jobs))
    print(json.dumps(rows, separators=(",", ":")))  # one line: GITHUB_OUTPUT takes name=value lines
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    paths = _args_paths(args)
    assert paths.cache is not None
    jobs = select(planned_jobs(paths, args.quality, args.media, args.prores), args.entries)
    with build_lock(paths.cache):  # renders into the cache a build may be using: one at a time
        report = render_stale(jobs, FigureCache(paths.cache), paths.root, args.jobs)
    log.info("render: %d rendered, %d already cached", len(report.rendered), len(report.cached))
    return 0


def cmd_pack(args: argparse.Namespace) -> int:
    from generator.render.pack import pack_entry

    paths = _args_paths(args)
    assert paths.cache is not None
    cache = FigureCache(paths.cache)
    for j in select(planned_jobs(paths, args.quality, args.media, args.prores), args.entries):
        dest = pack_entry(cache, j.entry, j.key, args.out)
        log.info("%-40s -> %s (%.1f MB)", j.entry, dest, dest.stat().st_size / 1e6)
    return 0


def cmd_unpack(args: argparse.Namespace) -> int:
    from generator.render.pack import unpack_archives

    paths = _args_paths(args)
    assert paths.cache is not None
    with build_lock(paths.cache):
        installed = unpack_archives(FigureCache(paths.cache), [Path(a) for a in args.archives])
    log.info("unpack: %d installed, %d already there", len(installed), len(args.archives) - len(installed))
    return 0
