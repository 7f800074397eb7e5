"""`make bench`: measured build timings, in one run, in throwaway folders (the real site/ and cache are untouched).

1. clean build (empty cache) at the chosen quality;
2. no-change rebuild;
3. one-figure-changed rebuild (one catalog value that only one figure reads);
4. a bare `mkdocs build` of the same staging tree;
and, with --scenes, the clean render of every scene serially (1 job) and in parallel (all cores), then the cached
rebuild; with --media, the media kit right after the clean build, from the same cache (so only the renders the
site has no use for are new work). Prints a table with ratios and writes the numbers to bench-results.json.

Usage: python -m generator bench [--quality draft|publish] [--scenes] [--media] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from generator.catalog import load_catalog
from generator.media.kit import build_media
from generator.render.registry import registry
from generator.site.assembly.build import build
from generator.site.assembly.builders import run_mkdocs
from generator.util.project import ROOT, BuildPaths

log = logging.getLogger("bench")

# A value only one figure reads (scaling_law reads scaling.kaplan; nothing else lists it).
ONE_FIGURE_EDIT = ("    alpha_n: 0.076\n", "    alpha_n: 0.0761\n", "scaling_law")


def _timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def _readers(catalog_path: Path, fig_path: str) -> list[str]:
    cat = load_catalog(catalog_path)
    return sorted(
        f for f, e in cat.figures.items() if any(fig_path == r or fig_path.startswith(r + ".") for r in e["reads"])
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generator bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quality", choices=["draft", "publish"], default=os.environ.get("BENCH_QUALITY", "draft"))
    parser.add_argument("--scenes", action="store_true", help="also time scene renders serial vs parallel")
    parser.add_argument(
        "--media",
        action="store_true",
        help="also time the media kit right after the clean build, from the same cache (renders it adds)",
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs of the no-change and bare MkDocs timings")
    parser.add_argument("--out", default=str(ROOT / "bench-results.json"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")

    results: dict[str, Any] = {"quality": args.quality, "cpus": os.cpu_count() or 1}
    with tempfile.TemporaryDirectory(prefix="rts-bench-") as tmp:
        tmp_path = Path(tmp)
        catalog = tmp_path / "catalog.yaml"
        shutil.copyfile(ROOT / "catalog.yaml", catalog)
        paths = BuildPaths(
            root=ROOT, catalog=catalog, site=tmp_path / "site", cache=tmp_path / "cache", build=tmp_path / "build"
        )

        t, rep = _timed(build, paths, quality=args.quality)
        results["clean_build_s"] = t
        results["figures"] = len(rep.rendered)
        results["renders"] = len(rep.renders)  # a scene is drawn once per orientation
        print(
            f"clean build ({args.quality}): {t:.2f}s, {len(rep.rendered)} figures, {len(rep.renders)} renders",
            flush=True,
        )

        if args.media:  # the kit after a clean site: its landscape and portrait renders are the site's, cached
            t, kit = _timed(
                build_media, ROOT, tmp_path / "media", args.quality, catalog_path=catalog, cache_dir=paths.cache
            )
            results["media_after_site_s"] = t
            results["media_rendered"] = len(kit.rendered)
            results["media_cached"] = len(kit.cached)
            results["clean_site_plus_media_s"] = results["clean_build_s"] + t
            print(
                f"media kit after it ({args.quality}): {t:.2f}s, {len(kit.rendered)} renders, "
                f"{len(kit.cached)} found in the site's cache",
                flush=True,
            )

        no_change = []
        for _ in range(args.repeat):
            t, rep = _timed(build, paths, quality=args.quality)
            assert not rep.rendered, rep.rendered
            no_change.append(t)
        results["no_change_rebuild_s"] = statistics.median(no_change)

        old, new, fig = ONE_FIGURE_EDIT
        text = catalog.read_text("utf-8")
        assert old in text, f"bench edit target {old!r} not in catalog"
        catalog.write_text(text.replace(old, new, 1), "utf-8")
        readers = _readers(catalog, "scaling.kaplan.alpha_n")
        t, rep = _timed(build, paths, quality=args.quality)
        results["one_figure_changed_s"] = t
        results["one_figure_rerendered"] = ",".join(rep.rendered)
        assert rep.rendered == [fig] == readers, (rep.rendered, readers)

        bare_out = tmp_path / "bare"
        bare = []
        for _ in range(args.repeat):
            shutil.rmtree(bare_out, ignore_errors=True)
            t, _ = _timed(run_mkdocs, ROOT, paths.staging, bare_out)
            bare.append(t)
        results["bare_mkdocs_s"] = statistics.median(bare)

        # No-change rebuild when MkDocs cannot be skipped (e.g. the site folder was touched): the pipeline's own
        # overhead on top of MkDocs.
        forced = []
        for _ in range(max(1, args.repeat // 2)):
            t, _ = _timed(build, paths, quality=args.quality, force_mkdocs=True)
            forced.append(t)
        results["no_change_forced_mkdocs_s"] = statistics.median(forced)

        if args.scenes:
            cat = load_catalog(catalog)
            scenes = [f for f, fig_ in registry(cat).items() if fig_.kind == "scene"]
            for jobs in (1, os.cpu_count() or 2):
                cache = tmp_path / f"scene-cache-{jobs}"
                p = BuildPaths(
                    root=ROOT,
                    catalog=catalog,
                    site=tmp_path / f"scene-site-{jobs}",
                    cache=cache,
                    build=tmp_path / f"scene-build-{jobs}",
                )
                t, rep = _timed(build, p, quality="publish", jobs=jobs)
                results[f"clean_publish_all_figures_jobs{jobs}_s"] = t
                results["scenes"] = len(scenes)
                print(
                    f"clean publish build, {jobs} job(s): {t:.1f}s "
                    f"(scene renders: {sum(rep.seconds.get(s, 0) for s in scenes):.1f}s of CPU)",
                    flush=True,
                )
            t, rep = _timed(build, p, quality="publish")
            results["cached_publish_rebuild_s"] = t

        assert paths.site is not None  # set by BuildPaths.__post_init__
        size = sum(f.stat().st_size for f in paths.site.rglob("*") if f.is_file())
        results["site_bytes"] = size

    ratio = results["no_change_rebuild_s"] / results["bare_mkdocs_s"]
    forced_ratio = results["no_change_forced_mkdocs_s"] / results["bare_mkdocs_s"]
    results["no_change_vs_bare_ratio"] = ratio
    rows = [
        ("clean build", results["clean_build_s"], results["clean_build_s"] / results["bare_mkdocs_s"]),
        ("no-change rebuild", results["no_change_rebuild_s"], ratio),
        ("no-change rebuild, MkDocs forced", results["no_change_forced_mkdocs_s"], forced_ratio),
        (
            f"one figure changed ({results['one_figure_rerendered']})",
            results["one_figure_changed_s"],
            results["one_figure_changed_s"] / results["bare_mkdocs_s"],
        ),
        ("bare mkdocs build (same staging tree)", results["bare_mkdocs_s"], 1.0),
    ]
    print(f"\nbench ({args.quality} quality, {results['cpus']} CPUs; medians of {args.repeat} where repeated)")
    print(f"{'step':48s} {'seconds':>8s} {'x bare':>8s}")
    for name, secs, r in rows:
        print(f"{name:48s} {secs:8.2f} {r:8.2f}")
    for key in sorted(results):
        if key.startswith(("clean_publish", "media_", "clean_site_plus")) or key == "cached_publish_rebuild_s":
            print(f"{key:48s} {results[key]:8.2f}")
    print(f"site size: {results['site_bytes'] / 1e6:.1f} MB")
    verdict = "OK" if ratio <= 1.3 else "OVER TARGET"
    print(f"target: no-change rebuild <= 1.3 x bare MkDocs: {ratio:.2f} ({verdict})")
    Path(args.out).write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
