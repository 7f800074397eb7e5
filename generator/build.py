"""The build: catalog -> figures (cached, parallel) -> pages (Jinja2) -> staging tree -> MkDocs -> site/.

Nothing in site/ or the cache changes until the step that owns it has succeeded: a bad catalog stops before any
write; a failed figure keeps the previous outputs; MkDocs builds into a fresh folder that is swapped in by rename.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .budgets import check_budgets, load_budgets
from .cache import FigureCache, atomic_write, recover_dir, replace_dir, sha256_file
from .catalog import Catalog, canonical_json, load_catalog
from .errors import BuildError
from .figures import ROOT, Figure, cache_key, registry
from .pages import FigureAssets, alt_text, catalog_export, render_pages

log = logging.getLogger("build")


@dataclass
class BuildPaths:
    """Where a build reads and writes. Defaults are the repository's own folders."""

    root: Path = ROOT
    catalog: Path | None = None
    site: Path | None = None
    cache: Path | None = None
    build: Path | None = None

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        self.catalog = Path(self.catalog or self.root / "catalog.yaml").resolve()
        self.site = Path(self.site or self.root / "site").resolve()
        self.cache = Path(self.cache or self.root / ".cache").resolve()
        self.build = Path(self.build or self.root / "build").resolve()

    @property
    def staging(self) -> Path:
        return self.build / "staging"


@dataclass
class BuildReport:
    rendered: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    mkdocs_ran: bool = False
    over_budget: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def _widget_renderer():
    try:
        from .widgets import render_widget
    except ImportError:  # widgets are optional for tiny builds and early stages
        return None
    return render_widget


def _media_kit(root: Path) -> tuple[dict[str, Path], dict]:
    """The media kit (generator/media.py, `make media`): {site path: file} it publishes under media/, and the Media
    page's context. Without media/manifest.json: no files, and a page that says how to make them."""
    from .media import site_files
    return site_files(root)


def render_figures(figs: dict[str, Figure], catalog: Catalog, cache: FigureCache, quality: str, jobs: int,
                   root: Path, report: BuildReport) -> None:
    """Render every stale figure, in parallel, each in its own process; commit each on success."""
    alts = {fid: alt_text(f, catalog) for fid, f in figs.items()}
    keys = {fid: cache_key(f, catalog, quality, root, extra=alts[fid]) for fid, f in figs.items()}
    stale = [fid for fid in figs if not cache.is_fresh(fid, keys[fid])]
    total = len(figs)
    for i, fid in enumerate(sorted(set(figs) - set(stale)), 1):
        log.info("[%2d/%d] %-22s cached", i, total, fid)
        report.cached.append(fid)
    if not stale:
        return
    # Scenes take far longer than charts: start them first so the pool stays busy.
    stale.sort(key=lambda fid: (figs[fid].kind != "scene", fid))
    failures: list[str] = []
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(root), str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env.setdefault("MPLBACKEND", "Agg")
    env["PYTHONHASHSEED"] = "0"

    def run(fid: str) -> tuple[str, float, subprocess.CompletedProcess[str], Path]:
        fig = figs[fid]
        work = cache.new_work_dir(fid)
        out = work / "out"
        data_file = work / "data.json"
        data_file.write_text(canonical_json(fig.data(catalog)), "utf-8")
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "generator.render", fig.kind, fid, str(data_file), str(out), quality, str(work),
             fig.title, alts[fid]],
            cwd=root, env=env, capture_output=True, text=True)
        return fid, time.perf_counter() - t0, proc, out

    done = len(report.cached)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = []
        for fid in stale:
            log.info("[%2s/%d] %-22s rendering (%s)...", "..", total, fid, figs[fid].kind)
            futures.append(pool.submit(run, fid))
        for fut in as_completed(futures):
            fid, secs, proc, out = fut.result()
            done += 1
            if proc.returncode != 0 or not out.is_dir() or not any(out.iterdir()):
                tail = "\n".join((proc.stderr or proc.stdout or "").strip().splitlines()[-15:])
                log.error("[%2d/%d] %-22s FAILED after %.1fs\n%s", done, total, fid, secs, tail)
                failures.append(f"{fid} ({figs[fid].source.relative_to(root)}): {tail.splitlines()[-1] if tail else 'no output'}")
                shutil.rmtree(out.parent, ignore_errors=True)
                continue
            cache.commit(fid, keys[fid], out)
            shutil.rmtree(out.parent, ignore_errors=True)
            report.rendered.append(fid)
            report.seconds[fid] = secs
            log.info("[%2d/%d] %-22s rendered in %.1fs", done, total, fid, secs)
    if failures:
        raise BuildError("figures failed to render (previous outputs kept):\n  " + "\n  ".join(failures))


def _collect_assets(figs: dict[str, Figure], cache: FigureCache) -> dict[str, FigureAssets]:
    assets: dict[str, FigureAssets] = {}
    for fid, fig in figs.items():
        folder = cache.out_dir(fid)
        files = {p.name: p for p in sorted(folder.iterdir()) if p.is_file()}
        meta: dict = {}
        if f"{fid}.json" in files:
            meta = json.loads(files[f"{fid}.json"].read_text("utf-8"))
        assets[fid] = FigureAssets(fig, files, meta)
    return assets


def _sync_tree(target: Path, files: dict[str, bytes | Path]) -> list[str]:
    """Make ``target`` hold exactly ``files`` (relative path -> bytes or source file), touching only what changed."""
    changed: list[str] = []
    for rel, content in sorted(files.items()):
        dest = target / rel
        if isinstance(content, Path):
            if dest.exists() and dest.stat().st_size == content.stat().st_size and \
                    sha256_file(dest) == sha256_file(content):
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_name(f".{dest.name}.tmp")
            shutil.copyfile(content, tmp)
            os.replace(tmp, dest)
            changed.append(rel)
        elif atomic_write(dest, content):
            changed.append(rel)
    if target.exists():
        for p in sorted(target.rglob("*"), reverse=True):
            rel = p.relative_to(target).as_posix()
            if p.is_file() and rel not in files:
                p.unlink()
                changed.append(rel)
            elif p.is_dir() and not any(p.iterdir()):
                p.rmdir()
    return changed


def _tree_digest(files: dict[str, bytes | Path]) -> str:
    h = hashlib.sha256()
    for rel, content in sorted(files.items()):
        h.update(rel.encode() + b"\0")
        h.update((sha256_file(content) if isinstance(content, Path) else hashlib.sha256(content).hexdigest()).encode())
    return h.hexdigest()


def _site_snapshot(site: Path) -> str:
    h = hashlib.sha256()
    if not site.is_dir():
        return ""
    for p in sorted(site.rglob("*")):
        if p.is_file():
            st = p.stat()
            h.update(f"{p.relative_to(site).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def run_mkdocs(root: Path, staging: Path, out: Path, config: Path | None = None) -> None:
    """``mkdocs build --strict`` of ``staging`` into ``out`` (a new folder)."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
           "-f", str(config or root / "mkdocs.yml"), "-d", str(out)]
    env = dict(os.environ, RTS_STAGING=str(staging))
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise BuildError("mkdocs build --strict failed:\n" + (proc.stderr or proc.stdout).strip()[-3000:])


def build(paths: BuildPaths | None = None, quality: str = "publish", jobs: int | None = None,
          force_mkdocs: bool = False) -> BuildReport:
    """Build the site. Raises CatalogError or BuildError; on error site/ and the cache keep their last good state."""
    paths = paths or BuildPaths()
    report = BuildReport()
    t0 = time.perf_counter()
    recover_dir(paths.site)
    catalog = load_catalog(paths.catalog)
    figs = registry(catalog, paths.root / "figures")
    report.seconds["load"] = time.perf_counter() - t0

    cache = FigureCache(paths.cache)
    t1 = time.perf_counter()
    render_figures(figs, catalog, cache, quality, jobs or os.cpu_count() or 2, paths.root, report)
    cache.prune(set(figs))
    report.seconds["figures"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    assets = _collect_assets(figs, cache)
    media_files, media_page = _media_kit(paths.root)
    pages = render_pages(paths.root / "docs", paths.staging, catalog, assets, _widget_renderer(),
                         extra_context={"media": media_page})
    files: dict[str, bytes | Path] = {rel: text.encode("utf-8") for rel, text in pages.items()}
    docs = paths.root / "docs"
    for p in sorted(docs.rglob("*")):
        rel = p.relative_to(docs).as_posix()
        if p.is_file() and not rel.endswith(".md") and not any(part.startswith(("_", ".")) for part in rel.split("/")):
            files[rel] = p
    for fid, a in assets.items():
        for name, p in a.files.items():
            if a.fig.kind == "scene" and not name.endswith((".json", ".poster.png")):  # the page uses the WebP
                files[f"figures/{name}"] = p
            elif a.fig.kind == "chart" and name.endswith(".svg"):
                files[f"figures/{name}"] = p  # also published standalone, for reuse
    files["data/catalog.json"] = catalog_export(catalog).encode("utf-8")
    files.update(media_files)  # the media kit's web-sized files, under media/
    _sync_tree(paths.staging, files)
    report.seconds["pages"] = time.perf_counter() - t2

    t3 = time.perf_counter()
    config = paths.root / "mkdocs.yml"
    stamp_path = paths.cache / "site-stamp.json"
    stamp = {
        "staging": _tree_digest(files),
        "config": sha256_file(config),
        "overrides": {p.relative_to(paths.root).as_posix(): sha256_file(p)
                      for p in sorted((paths.root / "overrides").rglob("*")) if p.is_file()},
        "site": str(paths.site),
        "site_url": os.environ.get("SITE_URL", ""),
        "tools": {name: _version(name) for name in ("mkdocs", "mkdocs-material")},
    }
    try:
        previous = json.loads(stamp_path.read_text("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        previous = {}
    unchanged = (not force_mkdocs and previous.get("inputs") == stamp
                 and previous.get("snapshot") == _site_snapshot(paths.site) and previous.get("snapshot"))
    if unchanged:
        log.info("site/ is up to date (MkDocs skipped)")
    else:
        paths.build.mkdir(parents=True, exist_ok=True)
        new_site = Path(tempfile.mkdtemp(dir=paths.build, prefix="site-"))
        try:
            run_mkdocs(paths.root, paths.staging, new_site, config)
            _normalise_site(new_site)
            replace_dir(new_site, paths.site)
        finally:
            shutil.rmtree(new_site, ignore_errors=True)
        report.mkdocs_ran = True
        atomic_write(stamp_path, json.dumps({"inputs": stamp, "snapshot": _site_snapshot(paths.site)},
                                            indent=1, sort_keys=True))
    report.seconds["mkdocs"] = time.perf_counter() - t3
    report.over_budget = check_budgets(paths.site, load_budgets(quality, paths.root))
    for line in report.over_budget:
        log.warning("over budget: %s", line)
    report.seconds["total"] = time.perf_counter() - t0
    log.info("built %s in %.1fs (%d rendered, %d cached%s)", paths.site, report.seconds["total"],
             len(report.rendered), len(report.cached), "" if report.mkdocs_ran else ", MkDocs skipped")
    return report


def _normalise_site(site: Path) -> None:
    """Remove what makes two builds of the same input differ: sitemap dates and gzip timestamps."""
    import gzip
    import re

    sitemap = site / "sitemap.xml"
    if sitemap.exists():
        text = re.sub(r"\s*<lastmod>[^<]*</lastmod>", "", sitemap.read_text("utf-8"))
        sitemap.write_text(text, "utf-8")
        gz = site / "sitemap.xml.gz"
        if gz.exists():
            with open(gz, "wb") as raw, gzip.GzipFile(filename="sitemap.xml", mode="wb", fileobj=raw, mtime=0) as f:
                f.write(text.encode("utf-8"))


def _version(dist: str) -> str:
    import importlib.metadata

    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "absent"
