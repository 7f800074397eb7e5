"""`make bench`: measured build timings, in one run, in throwaway folders (the real site/ and cache are untouched).

1. clean build (empty cache) at the chosen quality;
2. no-change rebuild, as the user runs it: ``make site`` in a new process (each run's wall and CPU seconds), and
   the same build called in-process (which skips MkDocs but not the pipeline);
3. one-figure-changed rebuild (one catalog value that only one figure reads);
4. a bare ``mkdocs build`` of the same staging tree (MkDocs' own command line, in a new process);
and, with --scenes, the clean render of every scene serially (1 job) and in parallel (all cores), then the cached
rebuild; with --media, the media kit right after the clean build, from the same cache (so only the renders the
site has no use for are new work). Prints a table with ratios, the load average, and writes the numbers to
bench-results.json. The target: a no-change ``make site`` takes at most half a bare MkDocs build.

Usage: python -m generator bench [--quality draft|publish] [--scenes] [--media] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from generator.catalog.model import load_catalog
from generator.media.kit import build_media
from generator.render.registry import registry
from generator.site.assembly.build import build
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


#: The target: a no-change `make site` takes at most this share of a bare `mkdocs build`.
TARGET = 0.5


def _process(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall, CPU) seconds of one command run as a new process (CPU: user + system of its children)."""
    before = os.times()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = os.times()
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def make_site_command(paths: BuildPaths, quality: str) -> list[str]:
    """``make site`` as a user types it, pointed at the bench's throwaway folders (the venv's set-up is taken as
    done: ``-o`` its stamp)."""
    venv = Path(sys.prefix)
    site_args = f"--site {paths.site} --cache {paths.cache} --build {paths.build}"
    return [
        "make",
        "-s",
        "-C",
        str(ROOT),
        "-o",
        str(venv / ".ready"),
        "site",
        f"VENV={venv}",
        f"CATALOG={paths.catalog}",
        f"QUALITY={quality}",
        f"SITE_ARGS={site_args}",
    ]


def _median_runs(label: str, runs: list[tuple[float, float]], results: dict[str, Any]) -> None:
    results[f"{label}_s"] = statistics.median(w for w, _ in runs)
    results[f"{label}_cpu_s"] = statistics.median(c for _, c in runs)
    results[f"{label}_runs"] = [[round(w, 3), round(c, 3)] for w, c in runs]


def _no_change(paths: BuildPaths, quality: str, repeat: int, results: dict[str, Any]) -> None:
    """No-change rebuilds: ``make site`` in a new process (as the user runs it), then in-process ``build``."""
    cmd = make_site_command(paths, quality)
    _process(cmd)  # the first run after an in-process build records this command's own inputs
    _median_runs("no_change_make_site", [_process(cmd) for _ in range(repeat)], results)
    in_process = []
    for _ in range(repeat):
        t, rep = _timed(build, paths, quality=quality)
        assert not rep.rendered, rep.rendered
        in_process.append(t)
    results["no_change_in_process_s"] = statistics.median(in_process)
    forced = []  # when MkDocs cannot be skipped (the site folder was touched): the pipeline's own overhead
    for _ in range(max(1, repeat // 2)):
        t, _ = _timed(build, paths, quality=quality, force_mkdocs=True)
        forced.append(t)
    results["no_change_forced_mkdocs_s"] = statistics.median(forced)


def _one_figure(paths: BuildPaths, quality: str, results: dict[str, Any]) -> None:
    assert paths.catalog is not None
    old, new, fig = ONE_FIGURE_EDIT
    text = paths.catalog.read_text("utf-8")
    assert old in text, f"bench edit target {old!r} not in catalog"
    paths.catalog.write_text(text.replace(old, new, 1), "utf-8")
    readers = _readers(paths.catalog, "scaling.kaplan.alpha_n")
    t, rep = _timed(build, paths, quality=quality)
    results["one_figure_changed_s"] = t
    results["one_figure_rerendered"] = ",".join(rep.rendered)
    assert rep.rendered == [fig] == readers, (rep.rendered, readers)


def _bare_mkdocs(paths: BuildPaths, tmp: Path, repeat: int, results: dict[str, Any]) -> None:
    """MkDocs' own command line on the same staging tree, into a fresh folder each time."""
    out = tmp / "bare"
    cmd = [
        str(Path(sys.prefix) / "bin" / "mkdocs"),
        "build",
        "--strict",
        "--quiet",
        "-f",
        str(ROOT / "mkdocs.yml"),
        "-d",
        str(out),
    ]
    env = dict(os.environ, RTS_STAGING=str(paths.staging))
    runs = []
    for _ in range(repeat):
        shutil.rmtree(out, ignore_errors=True)
        runs.append(_process(cmd, env))
    _median_runs("bare_mkdocs", runs, results)


def _scenes(catalog: Path, tmp: Path, results: dict[str, Any]) -> None:
    """Every figure rendered at publish quality from an empty cache, serially then in parallel, then cached."""
    scenes = [f for f, fig_ in registry(load_catalog(catalog)).items() if fig_.kind == "scene"]
    for jobs in (1, os.cpu_count() or 2):
        p = BuildPaths(
            root=ROOT,
            catalog=catalog,
            site=tmp / f"scene-site-{jobs}",
            cache=tmp / f"scene-cache-{jobs}",
            build=tmp / f"scene-build-{jobs}",
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


def _media(paths: BuildPaths, tmp: Path, quality: str, results: dict[str, Any]) -> None:
    """The kit after a clean site: its landscape and portrait renders are the site's, found in the cache."""
    t, kit = _timed(build_media, ROOT, tmp / "media", quality, catalog_path=paths.catalog, cache_dir=paths.cache)
    results["media_after_site_s"] = t
    results["media_rendered"] = len(kit.rendered)
    results["media_cached"] = len(kit.cached)
    results["clean_site_plus_media_s"] = results["clean_build_s"] + t
    print(
        f"media kit after it ({quality}): {t:.2f}s, {len(kit.rendered)} renders, "
        f"{len(kit.cached)} found in the site's cache",
        flush=True,
    )


def _report(results: dict[str, Any], repeat: int) -> None:
    bare = results["bare_mkdocs_s"]
    ratio = results["no_change_make_site_s"] / bare
    results["no_change_vs_bare_ratio"] = ratio
    rows = [
        ("clean build", results["clean_build_s"]),
        ("no-change `make site` (new process)", results["no_change_make_site_s"]),
        ("no-change build, in-process", results["no_change_in_process_s"]),
        ("no-change build, MkDocs forced", results["no_change_forced_mkdocs_s"]),
        (f"one figure changed ({results['one_figure_rerendered']})", results["one_figure_changed_s"]),
        ("bare `mkdocs build` (same staging tree)", bare),
    ]
    print(
        f"\nbench ({results['quality']} quality, {results['cpus']} CPUs, load average {results['load']}; "
        f"medians of {repeat} where repeated)"
    )
    print(f"{'step':48s} {'seconds':>8s} {'x bare':>8s}")
    for name, secs in rows:
        print(f"{name:48s} {secs:8.2f} {secs / bare:8.2f}")
    print(
        f"{'CPU s: no-change make site / bare mkdocs':48s} {results['no_change_make_site_cpu_s']:8.2f} "
        f"{results['no_change_make_site_cpu_s'] / results['bare_mkdocs_cpu_s']:8.2f}"
    )
    for key in sorted(results):
        if key.startswith(("clean_publish", "media_", "clean_site_plus")) or key == "cached_publish_rebuild_s":
            print(f"{key:48s} {results[key]:8.2f}")
    print(f"site size: {results['site_bytes'] / 1e6:.1f} MB")
    verdict = "OK" if ratio <= TARGET else "OVER TARGET"
    print(f"target: no-change `make site` <= {TARGET:g} x bare `mkdocs build`: {ratio:.2f} ({verdict})")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
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
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    results: dict[str, Any] = {
        "quality": args.quality,
        "cpus": os.cpu_count() or 1,
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
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
        if args.media:
            _media(paths, tmp_path, args.quality, results)
        _no_change(paths, args.quality, args.repeat, results)
        _bare_mkdocs(paths, tmp_path, args.repeat, results)
        _one_figure(paths, args.quality, results)
        if args.scenes:
            _scenes(catalog, tmp_path, results)
        assert paths.site is not None  # set by BuildPaths.__post_init__
        results["site_bytes"] = sum(f.stat().st_size for f in paths.site.rglob("*") if f.is_file())
    _report(results, args.repeat)
    Path(args.out).write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
