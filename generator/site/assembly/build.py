"""The build: catalog -> figures (cached, parallel) -> pages (Jinja2) -> staging tree -> a site builder (MkDocs, or
Zensical: generator/site/assembly/builders.py) -> link check -> site/.

Nothing in site/ or the cache changes until the step that owns it has succeeded: a bad catalog stops before any
write; a failed figure keeps the previous outputs; the builder builds into a fresh folder, whose links are checked
before it is swapped in by rename.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from figures import palette
from generator.catalog.model import Catalog, load_catalog
from generator.catalog.text import alt_text
from generator.errors import BuildError, os_error_text
from generator.escape import xml
from generator.media.page import site_files
from generator.render.cache import FigureCache
from generator.render.plan import site_jobs, webp_cap
from generator.render.pool import render_stale
from generator.render.registry import Figure, registry
from generator.render.specs import RenderSpec, file_names, site_specs
from generator.site.article.context import FigureAssets
from generator.site.article.pages import check_authors_rules, render_pages
from generator.site.article.widgets import render_widget
from generator.site.assembly import uptodate
from generator.site.assembly.budgets import check_budgets, load_budgets
from generator.site.assembly.builders import DEFAULT_BUILDER, SiteJob, builder
from generator.site.assembly.fonts import web_fonts
from generator.site.assembly.publish import check_site_name, check_sources, clean_leftovers, new_site_dir
from generator.site.assembly.site_links import check_site_links
from generator.site.extras.citation import SOCIAL_CARD
from generator.site.extras.export import catalog_export
from generator.site.extras.figure_pages import figure_files
from generator.site.extras.icons import icon_files
from generator.site.extras.talk import talk_page
from generator.site.extras.versions import site_extras
from generator.util.fs import atomic_write, place, publish_modes, recover_dir, replace_dir, sha256_file
from generator.util.lock import build_lock
from generator.util.project import PDF_NAME, BuildPaths, checked_site_url, site_url, tool_versions

log = logging.getLogger("build")


@dataclass
class BuildReport:
    rendered: list[str] = field(default_factory=list)  # figures with a render drawn in this build
    cached: list[str] = field(default_factory=list)  # figures whose every render came from the cache
    renders: list[str] = field(default_factory=list)  # the cache entries drawn (a scene has one per orientation)
    mkdocs_ran: bool = False  # the site builder ran (MkDocs or Zensical)
    over_budget: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # the authors' rules' warnings (a figure placed nowhere)
    seconds: dict[str, float] = field(default_factory=dict)


def render_figures(
    figs: dict[str, Figure],
    catalog: Catalog,
    cache: FigureCache,
    specs: list[RenderSpec],
    workers: int | None,
    root: Path,
    report: BuildReport,
    no_render: bool = False,
) -> dict[str, dict[str, str]]:
    """Render every stale figure through the pool (a scene once per spec); with ``no_render``, fail listing those
    that are not in the cache instead. Returns {figure id: {variant ("" for charts and tables): cache entry}}."""
    jobs = site_jobs(figs, catalog, root, specs)
    entries: dict[str, dict[str, str]] = {}
    for j in jobs:
        entries.setdefault(j.fig_id, {})[j.spec.variant if j.spec else ""] = j.entry
    result = render_stale(jobs, cache, root, workers, no_render=no_render)
    by_entry = {j.entry: j.fig_id for j in jobs}
    report.renders += result.rendered
    report.rendered += list(dict.fromkeys(by_entry[e] for e in result.rendered))
    report.cached += [f for f in dict.fromkeys(by_entry[e] for e in result.cached) if f not in report.rendered]
    for e, seconds in result.seconds.items():
        report.seconds[by_entry[e]] = report.seconds.get(by_entry[e], 0.0) + seconds
    return entries


#: The site's names for the files of a scene's renders (the kit keeps the renders' own names): role -> name.
SITE_SCENE_NAMES = {
    "landscape": {
        "mp4": "{id}.mp4",
        "vtt": "{id}.vtt",
        "chapters": "{id}.chapters.vtt",
        "poster-web": "{id}.poster.webp",
    },
    "portrait": {"mp4-portrait": "{id}.portrait.mp4", "poster-portrait-web": "{id}.portrait.poster.webp"},
}


def scene_site_files(fig_id: str, folders: dict[str, Path], specs: list[RenderSpec]) -> tuple[dict[str, Path], dict]:
    """{site file name: cached file} of a scene's renders (``folders``: variant -> cache folder), and what the page
    needs of them (the landscape render's steps and size; the portrait render's size, same timeline)."""
    by_variant = {s.variant: s for s in specs}
    files: dict[str, Path] = {}
    for variant, roles in SITE_SCENE_NAMES.items():
        if variant in folders:
            names = file_names(fig_id, by_variant[variant])
            files.update({site.format(id=fig_id): folders[variant] / names[role] for role, site in roles.items()})
    land = by_variant["landscape"]
    meta = json.loads((folders["landscape"] / f"{fig_id}.landscape.json").read_text("utf-8"))
    page_meta = {
        "duration": meta["duration"],
        "width": land.width,
        "height": land.height,
        "fps": land.fps,
        "cues": meta["cues"],
        "chapters": meta["chapters"],
        "description": meta["description"],
    }
    if "portrait" in folders:
        port = by_variant["portrait"]
        page_meta["portrait"] = {"width": port.width, "height": port.height}
    return files, page_meta


def _collect_assets(
    figs: dict[str, Figure], cache: FigureCache, entries: dict[str, dict[str, str]], specs: list[RenderSpec]
) -> dict[str, FigureAssets]:
    assets: dict[str, FigureAssets] = {}
    for fid, fig in figs.items():
        folders = {variant: cache.out_dir(entry) for variant, entry in entries[fid].items()}
        if fig.kind == "scene":
            files, meta = scene_site_files(fid, folders, specs)
        else:
            files, meta = {p.name: p for p in sorted(folders[""].iterdir()) if p.is_file()}, {}
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


def build(
    paths: BuildPaths | None = None,
    quality: str = "publish",
    jobs: int | None = None,
    force_mkdocs: bool = False,
    wait: bool = True,
    no_render: bool = False,
    site_builder: str = DEFAULT_BUILDER,
) -> BuildReport:
    """Build the site with ``site_builder`` (builders.py: "mkdocs" or "zensical"). Raises CatalogError or BuildError;
    on error site/ and the cache keep their last good state.

    One build per cache at a time (generator/util/lock.py): a second one waits for the first (``wait=False``: fails
    naming it). An operating-system error (a full disk, a read-only folder) is one BuildError line. With
    ``no_render`` the figures come from the cache only (a render farm's, unpacked: generator/farm.py)."""
    paths = paths or BuildPaths()
    assert paths.cache is not None and paths.catalog is not None
    checked_site_url(os.environ.get("SITE_URL"))
    builder(site_builder)  # an unknown name stops before any write
    t0 = time.perf_counter()
    started = uptodate.start(paths, quality, no_render, site_builder)  # the inputs before anything is read
    catalog = load_catalog(paths.catalog)  # a bad catalog stops before any write, the lock file's included
    stamp = paths.catalog.stat().st_mtime_ns
    with build_lock(paths.cache, wait=wait):
        if paths.catalog.stat().st_mtime_ns != stamp:  # changed while this build waited for another
            catalog = load_catalog(paths.catalog)
        try:
            report = _build(paths, catalog, quality, jobs, force_mkdocs, t0, no_render, site_builder)
            warnings = [f"warning: {line}" for line in report.warnings]
            uptodate.record(paths, started, warnings + [f"over budget: {line}" for line in report.over_budget])
            return report
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
    site_builder: str = DEFAULT_BUILDER,
) -> BuildReport:
    # All set by BuildPaths.__post_init__:
    assert paths.catalog is not None and paths.site is not None and paths.cache is not None
    assert paths.build is not None
    report = BuildReport()
    recover_dir(paths.site)
    clean_leftovers(paths.site, paths.build)
    check_sources(paths.root)  # before anything is read from them: no link out of the repository
    figs = registry(catalog, paths.root / "figures")
    # The pages' rules (prose, placements) before anything renders: a bare number fails in a second, not after renders.
    report.warnings = check_authors_rules(paths.root / "docs", catalog, figs)
    for line in report.warnings:
        log.warning("warning: %s", line)
    report.seconds["load"] = time.perf_counter() - t0

    cache = FigureCache(paths.cache)
    t1 = time.perf_counter()
    specs = site_specs(quality, webp_cap(paths.root))
    entries = render_figures(figs, catalog, cache, specs, jobs, paths.root, report, no_render)
    cache.prune(set(figs))
    report.seconds["figures"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    talk = any(f.kind == "scene" for f in figs.values())
    files = _staging_files(paths, catalog, _collect_assets(figs, cache, entries, specs), talk)
    _sync_tree(paths.staging, files)
    report.seconds["pages"] = time.perf_counter() - t2

    t3 = time.perf_counter()
    report.mkdocs_ran = _publish(paths, files, force_mkdocs, site_builder)
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
        f", {site_builder}" if report.mkdocs_ran else f", {site_builder} skipped",
    )
    return report


def _published_pdf(paths: BuildPaths) -> Path | None:
    """The PDF ``--pdf`` names, checked: a file that exists and is a PDF (one BuildError line if not)."""
    if paths.pdf is None:
        return None
    try:
        with paths.pdf.open("rb") as f:
            head = f.read(5)
    except OSError as exc:
        raise BuildError(f"--pdf {paths.pdf}: {os_error_text(exc)} (make pdf prints it from the built site)") from None
    if head != b"%PDF-":
        raise BuildError(f"--pdf {paths.pdf}: not a PDF (expected a file starting with %PDF-; make pdf writes one)")
    return paths.pdf


def _staging_files(
    paths: BuildPaths, catalog: Catalog, assets: dict[str, FigureAssets], talk: bool
) -> dict[str, bytes | Path]:
    """Everything the site builder builds from: {staging path: bytes or a file to copy}. The pages (with the
    versions' extras), docs/'s other files, the figures' files, the data export, the palette, the media kit's web
    files, talk mode (``talk``: there are scenes) and the figure pages."""
    assert paths.build is not None
    check_site_name(paths.root, str(catalog.data["meta"]["title"]), catalog.where(("meta", "title")))
    media_files, media_page = site_files(paths.root, paths.media, talk=talk)
    export = catalog_export(catalog)
    pdf = _published_pdf(paths)
    # versions, updates, citation, feed (versions.py); the header's PDF link and citation_pdf_url only with a PDF
    extras = site_extras(paths.root, catalog.data, export, pdf=pdf is not None)
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
    files.update(_docs_files(paths.root / "docs"))
    for a in assets.values():
        for name, p in a.files.items():
            if a.fig.kind == "scene" or (a.fig.kind == "chart" and name.endswith(".svg")):
                files[f"figures/{name}"] = p  # charts are also published standalone, for reuse
    if pdf is not None:
        files[PDF_NAME] = pdf
    files["data/catalog.json"] = export.encode("utf-8")
    palette_css = palette.page_css()
    files["assets/css/palette.css"] = palette_css.encode("utf-8")  # also read alone by the talk page
    files[PAGE_CSS] = page_stylesheet(paths.root / "docs", palette_css)
    for rel in PAGE_CSS_PARTS[1:]:  # published inside PAGE_CSS only (fonts.css is the embed views' too)
        files.pop(rel, None)
    files.update(web_fonts(paths.build))  # Inter as WOFF2 for the page and its charts (fonts.py)
    files.update(icon_files(catalog.data["meta"]))  # the site's own icon and web manifest (icons.py)
    files.update(media_files)  # the media kit's web-sized files, under media/
    scenes = [
        {"id": fid, "title": a.fig.title, "alt": alt_text(catalog, fid), "meta": a.meta}
        for fid, a in assets.items()
        if a.fig.kind == "scene"
    ]
    if scenes:  # talk mode: every scene full screen, step by step (generator/site/extras/talk.py)
        files["talk/index.html"] = talk_page(
            str(catalog.data["meta"]["title"]), scenes, site_url(paths.root), SOCIAL_CARD
        ).encode()
    files.update(figure_files(paths.root, catalog, assets, media_page, paths.build / "stills"))  # figures/<id>/
    return files


#: The one stylesheet of the site's pages (mkdocs.yml extra_css): the palette, then these sheets of docs/, in order.
#: One file, not one per part: each stylesheet is a request the first paint waits for (Lighthouse mobile, medians
#: of 5 on the publish build: first contentful paint 1.97 s with three sheets and print.css, 1.81-1.86 s with one
#: and print.css loaded for print only). print.css joins last, so its rules win in print: all of them sit inside
#: @media print (tests/site/assembly/test_build.py), and as a file of its own, even linked with media="print", it
#: was one more request before the largest paint (Lighthouse's simulation: 150 ms later, for 1.7 kB gzipped).
PAGE_CSS = "assets/css/article.css"
#: fonts.css is also linked alone by the embed views (figure_embed.html), so it stays published.
PAGE_CSS_PARTS = ("assets/css/fonts.css", "assets/css/site.css", "assets/css/widgets.css", "assets/css/print.css")


def page_stylesheet(docs: Path, palette_css: str) -> bytes:
    """``PAGE_CSS``: palette.css (``palette_css``, generated by figures/palette.py) and ``PAGE_CSS_PARTS`` joined,
    each under a comment naming its source; the parts' relative url()s still resolve (the same folder)."""
    parts = [("assets/css/palette.css (generated: figures/palette.py)", palette_css)]
    parts += [(f"docs/{rel}", (docs / rel).read_text("utf-8")) for rel in PAGE_CSS_PARTS]
    return "\n".join(f"/* ---- {name} ---- */\n{text.rstrip()}\n" for name, text in parts).encode("utf-8")


def _docs_files(docs: Path) -> dict[str, bytes | Path]:
    """docs/'s files other than pages, as they are (CSS, scripts, images); names starting with _ or . stay out."""
    out: dict[str, bytes | Path] = {}
    for p in sorted(docs.rglob("*")):
        rel = p.relative_to(docs).as_posix()
        if p.is_file() and not rel.endswith(".md") and not any(part.startswith(("_", ".")) for part in rel.split("/")):
            out[rel] = p
    return out


def _publish(paths: BuildPaths, files: dict[str, bytes | Path], force_mkdocs: bool, site_builder: str) -> bool:
    """Run ``site_builder`` (MkDocs or Zensical) on the staging tree into a new folder, check its links and swap it
    in for site/, unless the staging tree, mkdocs.yml, overrides/, SITE_URL, the builder and its tools are what
    built site/ last time and site/ was not touched since (its snapshot in ``<cache>/site-stamp.json``). Returns
    whether the builder ran."""
    assert paths.site is not None and paths.cache is not None and paths.build is not None
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
        "builder": site_builder,
        "tools": tool_versions(builder(site_builder).tools),
    }
    try:
        previous = json.loads(stamp_path.read_text("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        previous = {}
    snapshot = previous.get("snapshot")
    if not force_mkdocs and previous.get("inputs") == stamp and snapshot and snapshot == _site_snapshot(paths.site):
        log.info("site/ is up to date (%s skipped)", site_builder)
        return False
    new_site = new_site_dir(paths.site)  # beside site/: the swap is a rename on one file system
    try:
        builder(site_builder).run(SiteJob(paths.root, paths.staging, new_site, paths.build, paths.cache))
        _normalise_site(new_site, site_url(paths.root))
        check_site_links(new_site, site_url(paths.root), paths.staging)
        publish_modes(new_site)
        replace_dir(new_site, paths.site)
    finally:
        shutil.rmtree(new_site, ignore_errors=True)
    atomic_write(
        stamp_path, json.dumps({"inputs": stamp, "snapshot": _site_snapshot(paths.site)}, indent=1, sort_keys=True)
    )
    return True


#: Pages the site builder copies as they are (no Markdown behind them), which its sitemap therefore misses.
STATIC_PAGES = ("talk/",)


def _normalise_site(site: Path, url: str) -> None:
    """Remove what makes two builds of the same input differ (sitemap dates, gzip timestamps), and list the static
    pages the site has (STATIC_PAGES: talk mode) in its sitemap, at ``url`` (the site's address)."""
    import gzip
    import re

    sitemap = site / "sitemap.xml"
    if sitemap.exists():
        text = re.sub(r"\s*<lastmod>[^<]*</lastmod>", "", sitemap.read_text("utf-8"))
        extra = [
            f"    <url>\n         <loc>{xml(url + p)}</loc>\n    </url>\n"
            for p in STATIC_PAGES
            if (site / p / "index.html").is_file() and f"<loc>{xml(url + p)}</loc>" not in text
        ]
        text = text.replace("</urlset>", "".join(extra) + "</urlset>", 1)
        sitemap.write_text(text, "utf-8")
        gz = site / "sitemap.xml.gz"
        if gz.exists():
            with open(gz, "wb") as raw, gzip.GzipFile(filename="sitemap.xml", mode="wb", fileobj=raw, mtime=0) as f:
                f.write(text.encode("utf-8"))
