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
import time
from dataclasses import dataclass, field
from pathlib import Path

from figures import chart_style
from generator.catalog import Catalog, load_catalog
from generator.catalog.text import alt_text
from generator.errors import BuildError, os_error_text
from generator.media.page import site_files
from generator.render.cache import FigureCache
from generator.render.plan import site_jobs, webp_cap
from generator.render.pool import render_stale
from generator.render.registry import Figure, registry
from generator.render.specs import RenderSpec, file_names, site_spec
from generator.site.article.context import FigureAssets
from generator.site.article.pages import render_pages
from generator.site.article.widgets import render_widget
from generator.site.assembly.budgets import check_budgets, load_budgets
from generator.site.assembly.fonts import web_fonts
from generator.site.assembly.publish import check_sources, clean_leftovers, new_site_dir
from generator.site.extras.export import catalog_export
from generator.site.extras.figure_pages import figure_files
from generator.site.extras.talk import talk_page
from generator.site.extras.versions import site_extras
from generator.util.fs import atomic_write, place, publish_modes, recover_dir, replace_dir, sha256_file
from generator.util.lock import build_lock
from generator.util.project import BuildPaths, checked_site_url, tool_versions

log = logging.getLogger("build")


@dataclass
class BuildReport:
    rendered: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    mkdocs_ran: bool = False
    over_budget: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def render_figures(
    figs: dict[str, Figure],
    catalog: Catalog,
    cache: FigureCache,
    spec: RenderSpec,
    workers: int | None,
    root: Path,
    report: BuildReport,
    no_render: bool = False,
) -> dict[str, str]:
    """Render every stale figure through the pool (a scene as ``spec``: the media kit's landscape render); with
    ``no_render``, fail listing those that are not in the cache instead. Returns {figure id: its cache entry}."""
    jobs = site_jobs(figs, catalog, root, spec)
    entries = {j.fig_id: j.entry for j in jobs}
    result = render_stale(jobs, cache, root, workers, no_render=no_render)
    by_entry = {j.entry: j.fig_id for j in jobs}
    report.rendered += [by_entry[e] for e in result.rendered]
    report.cached += [by_entry[e] for e in result.cached]
    report.seconds.update({by_entry[e]: s for e, s in result.seconds.items()})
    return entries


#: A scene render's files -> the names the site publishes them under (figures/<id>.mp4 ...).
#: The site's names for the roles of a scene's landscape render (the kit keeps the render's own names).
SITE_SCENE_NAMES = {
    "mp4": "{id}.mp4",
    "vtt": "{id}.vtt",
    "chapters": "{id}.chapters.vtt",
    "poster-web": "{id}.poster.webp",
}


def scene_site_files(fig_id: str, folder: Path, spec: RenderSpec) -> tuple[dict[str, Path], dict]:
    """{site file name: cached file} of a scene's ``spec`` render in ``folder``, and what the page needs of it."""
    names = file_names(fig_id, spec)
    files = {site.format(id=fig_id): folder / names[role] for role, site in SITE_SCENE_NAMES.items()}
    meta = json.loads((folder / f"{fig_id}.{spec.variant}.json").read_text("utf-8"))
    page_meta = {
        "duration": meta["duration"],
        "width": spec.width,
        "height": spec.height,
        "fps": spec.fps,
        "cues": meta["cues"],
        "chapters": meta["chapters"],
        "description": meta["description"],
    }
    return files, page_meta


def _collect_assets(
    figs: dict[str, Figure], cache: FigureCache, entries: dict[str, str], spec: RenderSpec
) -> dict[str, FigureAssets]:
    assets: dict[str, FigureAssets] = {}
    for fid, fig in figs.items():
        folder = cache.out_dir(entries[fid])
        if fig.kind == "scene":
            files, meta = scene_site_files(fid, folder, spec)
        else:
            files, meta = {p.name: p for p in sorted(folder.iterdir()) if p.is_file()}, {}
        assets[fid] = FigureAssets(fig, files, meta)
    return assets


def _sync_tree(target: Path, files: dict[str, bytes | Path]) -> list[str]:
    """Make ``target`` hold exactly ``files`` (relative path -> bytes or source file), touching only what changed."""
    changed: list[str] = []
    for rel, content in sorted(files.items()):
        dest = target / rel
        if isinstance(content, Path):
            if place(content, dest, link=False):
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
    cmd = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "--quiet",
        "-f",
        str(config or root / "mkdocs.yml"),
        "-d",
        str(out),
    ]
    env = dict(os.environ, RTS_STAGING=str(staging))
    if env.get("SITE_URL"):
        env["SITE_URL"] = str(checked_site_url(env["SITE_URL"]))
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        output = (proc.stderr or proc.stdout).strip()
        if "Traceback (most recent call last)" in output:  # a crash, not a strict-mode warning: its last line
            last = output.splitlines()[-1]
            hint = "; free some disk space and build again" if "No space left on device" in last else ""
            raise BuildError(f"mkdocs build failed: {last}{hint}; the previous site/ is kept")
        raise BuildError("mkdocs build --strict failed:\n" + output[-3000:])


def build(
    paths: BuildPaths | None = None,
    quality: str = "publish",
    jobs: int | None = None,
    force_mkdocs: bool = False,
    wait: bool = True,
    no_render: bool = False,
) -> BuildReport:
    """Build the site. Raises CatalogError or BuildError; on error site/ and the cache keep their last good state.

    One build per cache at a time (generator/util/lock.py): a second one waits for the first (``wait=False``: fails
    naming it). An operating-system error (a full disk, a read-only folder) is one BuildError line. With
    ``no_render`` the figures come from the cache only (a render farm's, unpacked: generator/farm.py)."""
    paths = paths or BuildPaths()
    assert paths.cache is not None and paths.catalog is not None
    checked_site_url(os.environ.get("SITE_URL"))
    t0 = time.perf_counter()
    catalog = load_catalog(paths.catalog)  # a bad catalog stops before any write, the lock file's included
    stamp = paths.catalog.stat().st_mtime_ns
    with build_lock(paths.cache, wait=wait):
        if paths.catalog.stat().st_mtime_ns != stamp:  # changed while this build waited for another
            catalog = load_catalog(paths.catalog)
        try:
            return _build(paths, catalog, quality, jobs, force_mkdocs, t0, no_render)
        except OSError as exc:
            raise BuildError(os_error_text(exc) + "; the previous site/ and cache are kept") from None


def _build(
    paths: BuildPaths,
    catalog: Catalog,
    quality: str,
    jobs: int | None,
    force_mkdocs: bool,
    t0: float,
    no_render: bool = False,
) -> BuildReport:
    # All set by BuildPaths.__post_init__:
    assert paths.catalog is not None and paths.site is not None and paths.cache is not None
    assert paths.build is not None
    report = BuildReport()
    recover_dir(paths.site)
    clean_leftovers(paths.site, paths.build)
    check_sources(paths.root)  # before anything is read from them: no link out of the repository
    figs = registry(catalog, paths.root / "figures")
    report.seconds["load"] = time.perf_counter() - t0

    cache = FigureCache(paths.cache)
    t1 = time.perf_counter()
    spec = site_spec(quality, webp_cap(paths.root))
    entries = render_figures(figs, catalog, cache, spec, jobs, paths.root, report, no_render)
    cache.prune(set(figs))
    report.seconds["figures"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    assets = _collect_assets(figs, cache, entries, spec)
    media_files, media_page = site_files(paths.root, paths.media)
    export = catalog_export(catalog)
    extras = site_extras(paths.root, catalog.data, export)  # versions, updates, citation, feed (versions.py)
    data_files: dict[str, bytes] = {}  # each page's cards, as JSON loaded on first use (provenance.py)
    pages = render_pages(
        paths.root / "docs",
        catalog,
        assets,
        render_widget,
        extra_context={"media": media_page, **extras.context},
        data_files=data_files,
    )
    files: dict[str, bytes | Path] = {rel: extras.finish(text).encode("utf-8") for rel, text in pages.items()}
    files.update(data_files)
    files.update(extras.files)
    docs = paths.root / "docs"
    for p in sorted(docs.rglob("*")):
        rel = p.relative_to(docs).as_posix()
        if p.is_file() and not rel.endswith(".md") and not any(part.startswith(("_", ".")) for part in rel.split("/")):
            files[rel] = p
    for a in assets.values():
        for name, p in a.files.items():
            if a.fig.kind == "scene" or (a.fig.kind == "chart" and name.endswith(".svg")):
                files[f"figures/{name}"] = p  # charts are also published standalone, for reuse
    files["data/catalog.json"] = export.encode("utf-8")
    files["assets/css/palette.css"] = chart_style.page_css().encode("utf-8")
    files.update(web_fonts(paths.build))  # Inter as WOFF2 for the page and its charts (fonts.py)
    files.update(media_files)  # the media kit's web-sized files, under media/
    scenes = [
        {"id": fid, "title": a.fig.title, "alt": alt_text(catalog, fid), "meta": a.meta}
        for fid, a in assets.items()
        if a.fig.kind == "scene"
    ]
    if scenes:  # talk mode: every scene full screen, step by step (generator/site/extras/talk.py)
        files["talk/index.html"] = talk_page(
            catalog.data.get("meta", {}).get("title", "The Race to Scale"), scenes
        ).encode()
    files.update(figure_files(paths.root, catalog, assets, media_page, paths.build / "stills"))  # figures/<id>/
    _sync_tree(paths.staging, files)
    report.seconds["pages"] = time.perf_counter() - t2

    t3 = time.perf_counter()
    config = paths.root / "mkdocs.yml"
    stamp_path = paths.cache / "site-stamp.json"
    stamp = {
        "staging": _tree_digest(files),
        "config": sha256_file(config),
        "overrides": {
            p.relative_to(paths.root).as_posix(): sha256_file(p)
            for p in sorted((paths.root / "overrides").rglob("*"))
            if p.is_file()
        },
        "site": str(paths.site),
        "site_url": os.environ.get("SITE_URL", ""),
        "tools": tool_versions(("mkdocs", "mkdocs-material")),
    }
    try:
        previous = json.loads(stamp_path.read_text("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        previous = {}
    unchanged = (
        not force_mkdocs
        and previous.get("inputs") == stamp
        and previous.get("snapshot") == _site_snapshot(paths.site)
        and previous.get("snapshot")
    )
    if unchanged:
        log.info("site/ is up to date (MkDocs skipped)")
    else:
        new_site = new_site_dir(paths.site)  # beside site/: the swap is a rename on one file system
        try:
            run_mkdocs(paths.root, paths.staging, new_site, config)
            _normalise_site(new_site)
            publish_modes(new_site)
            replace_dir(new_site, paths.site)
        finally:
            shutil.rmtree(new_site, ignore_errors=True)
        report.mkdocs_ran = True
        atomic_write(
            stamp_path, json.dumps({"inputs": stamp, "snapshot": _site_snapshot(paths.site)}, indent=1, sort_keys=True)
        )
    report.seconds["mkdocs"] = time.perf_counter() - t3
    report.over_budget = check_budgets(paths.site, load_budgets(quality, paths.root))
    for line in report.over_budget:
        log.warning("over budget: %s", line)
    report.seconds["total"] = time.perf_counter() - t0
    log.info(
        "built %s in %.1fs (%d rendered, %d cached%s)",
        paths.site,
        report.seconds["total"],
        len(report.rendered),
        len(report.cached),
        "" if report.mkdocs_ran else ", MkDocs skipped",
    )
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
