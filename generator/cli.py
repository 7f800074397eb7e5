"""The one command line: ``python -m generator VERB`` (the Makefile calls it; ``--help`` on any verb says more).

  build         build the site (renders what changed)         check    validate the catalog and figure registry
  serve         live preview, rebuilding on change           clean    remove site/, build/, .cache/ and media/
  media         the media kit in media/ (--verify to check)  verify   decode the media kit against its manifest
  bench         build timings                                audit    Lighthouse on the built site
  plan          renders missing from the cache, as JSON      render   render exactly these cache entries
  pack          cache entries as one file each (<key>.tar)   unpack   check archives, install their entries
                (the render farm: generator/farm.py; `build --no-render` / `media --no-render` then use the cache only)
  pdf           the article as a PDF (Chromium, print sheet)  preview  one scene through manim, outside a build

Exit 0 on success, 1 on a build error, 2 on a bad catalog (the message names file:line:column, the field, what was
expected and what was found), 3 when `audit` misses a target."""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
from pathlib import Path

from generator.errors import BuildError, CatalogError, GeneratorBug
from generator.util.project import ROOT

log = logging.getLogger("cli")


def _paths(args: argparse.Namespace):
    from generator.util.project import BuildPaths

    return BuildPaths(
        root=Path(args.root),
        catalog=args.catalog,
        site=args.site,
        cache=args.cache,
        build=args.build,
        pdf=getattr(args, "pdf", None),
    )


def cmd_build(args: argparse.Namespace) -> int:
    """Build the site; with nothing changed since the last build, say so without importing the pipeline."""
    from generator.site.assembly.uptodate import site_up_to_date

    paths = _paths(args)
    warnings = site_up_to_date(paths, args.quality, args.no_render, args.builder)
    if warnings is not None:
        for line in warnings:
            log.warning("%s", line)
        log.info("%s is up to date: nothing it is built from changed since the last build", paths.site)
        return 0
    from generator.site.assembly.build import build

    build(
        paths,
        quality=args.quality,
        jobs=args.jobs,
        wait=not args.no_wait,
        no_render=args.no_render,
        site_builder=args.builder,
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from generator.site.assembly.check import check_project

    report = check_project(Path(args.root), Path(args.catalog) if args.catalog else None)
    for line in report.warnings:
        print(f"warning: {line}", file=sys.stderr)
    for line in report.stale:
        print(f"warning: {line}", file=sys.stderr)
    if report.stale and args.strict:
        print(
            f"error: {len(report.stale)} dated claim(s) older than a year; re-check them and update as_of "
            "(or run without --strict)",
            file=sys.stderr,
        )
        return 1
    cat = report.catalog
    print(
        f"{cat.path}: OK ({len(cat.models)} models, {len(cat.hardware)} devices, {len(cat.formats)} formats, "
        f"{len(cat.references)} references, {report.figures} figures; {report.derived} derived values and "
        f"{report.pages} pages rendered without figures; {report.layouts} figure layouts checked)"
    )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from generator.site.assembly.serve import live_preview

    live_preview(
        _paths(args), quality=args.quality, host=args.host, port=args.port, prefix=args.prefix, builder=args.builder
    )
    return 0


def cmd_media(args: argparse.Namespace) -> int:
    from generator.media.kit import MediaKitError, build_media
    from generator.util.lock import build_lock

    only = [s.strip() for s in args.only.split(",") if s.strip()] or None
    paths = _paths(args)
    assert paths.cache is not None
    try:
        with build_lock(paths.cache):  # the kit renders into the site's cache: one of them at a time
            build_media(
                paths.root,
                args.out,
                args.quality,
                args.jobs,
                only,
                paths.catalog,
                paths.cache,
                prores=args.prores,
                no_render=args.no_render,
            )
    except MediaKitError as exc:
        raise BuildError(str(exc)) from None
    if args.verify:
        from generator.media import verify

        return verify.main(["--out", str(args.out or (paths.root / "media"))])
    return 0


def cmd_clean(args: argparse.Namespace) -> int:
    paths = _paths(args)
    assert paths.site is not None
    leftovers = list(paths.site.parent.glob(f".{paths.site.name}.new-*"))  # MkDocs output of killed builds
    for p in (paths.site, paths.cache, paths.build, Path(args.root) / "media", *leftovers):
        shutil.rmtree(p, ignore_errors=True)
        log.info("removed %s", p)
    return 0


NO_RENDER_HELP = "render nothing: assemble from the cache alone, failing with the list of what is missing or stale"

#: Verbs whose own module parses the rest of the command line: verb -> (module, help).
DELEGATED = {
    "verify": ("generator.media.verify", "decode every file of media/ and check it against media/manifest.json"),
    "bench": ("generator.tools.bench", "build timings in throwaway folders (see make bench)"),
    "audit": ("generator.tools.audit", "Lighthouse on the built site, median of 5 runs (see make audit)"),
    "pdf": ("generator.tools.pdf", "the article as a PDF, printed by Chromium (see make pdf)"),
    "preview": ("generator.tools.preview", "one scene through manim's own command line, outside a build"),
}


def cmd_release(args: argparse.Namespace) -> int:
    from generator.site.extras.release import make_release

    folder = make_release(Path(args.root), args.version, args.notes)
    print(f"release {args.version}: {folder} and CITATION.cff written; commit them")
    return 0


def builder_option(p: argparse.ArgumentParser) -> None:
    from generator.site.assembly.builders import BUILDERS, DEFAULT_BUILDER

    p.add_argument(
        "--builder",
        choices=sorted(BUILDERS),
        default=DEFAULT_BUILDER,
        help=f"what turns the staging tree into the site (default: {DEFAULT_BUILDER}; see ARCHITECTURE.md, Builders)",
    )


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", default=str(ROOT), help="project folder (docs/, figures/, mkdocs.yml)")
    p.add_argument("--catalog", default=None, help="catalog YAML (default: ROOT/catalog.yaml)")
    p.add_argument("--site", default=None, help="output folder (default: ROOT/site)")
    p.add_argument("--cache", default=None, help="figure cache (default: ROOT/.cache)")
    p.add_argument("--build", default=None, help="scratch folder: staging tree, stills, cards (default: ROOT/build)")


def _lazy(module: str, name: str):
    """A verb's function that imports its module only when that verb runs (a command imports what it uses)."""

    def run(args: argparse.Namespace) -> int:
        import importlib

        return int(getattr(importlib.import_module(module), name)(args))

    return run


def _site_verbs(sub: argparse._SubParsersAction) -> None:
    b = sub.add_parser("build", help="build the site")
    _common(b)
    b.add_argument("--quality", choices=["draft", "publish"], default="publish")
    b.add_argument("--jobs", type=int, default=None, help="parallel renders (default: CPU count)")
    b.add_argument(
        "--no-wait",
        action="store_true",
        help="fail at once, naming the holder, when another build of this checkout runs (default: wait for it)",
    )
    b.add_argument("--no-render", action="store_true", help=NO_RENDER_HELP)
    b.add_argument(
        "--pdf",
        type=Path,
        default=None,
        help="publish this PDF of the article with the site (`make pdf` prints it from a build of the same pages), "
        "linked from the article's header and its citation_pdf_url",
    )
    builder_option(b)
    b.set_defaults(func=cmd_build)

    c = sub.add_parser(
        "check", help="validate the catalog, figure registry, arithmetic, alt texts and pages (no renders)"
    )
    _common(c)
    c.add_argument(
        "--strict", action="store_true", help="fail when a dated claim (as_of) is more than twelve months old"
    )
    c.set_defaults(func=cmd_check)

    s = sub.add_parser("serve", help="live preview: rebuild on change, serve with Range support")
    _common(s)
    s.add_argument("--quality", choices=["draft", "publish"], default="draft")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--prefix", default="/", help="serve under a subpath, like GitHub Pages project sites")
    builder_option(s)
    s.set_defaults(func=cmd_serve)


def _media_verb(sub: argparse._SubParsersAction, quality_names: tuple[str, ...]) -> None:
    md = sub.add_parser("media", help="the media kit: every scene as reusable files in media/")
    _common(md)
    md.add_argument(
        "--quality",
        default="publish",
        choices=quality_names,
        help="publish (default): 1080p60 + portrait 1080x1350 + vertical 1080x1920 + WebP; 4k adds 3840x2160; "
        "draft: 480p for quick looks; test: tiny and cut short (tests)",
    )
    md.add_argument("--out", type=Path, default=None, help="output folder (default: ROOT/media)")
    md.add_argument("--jobs", type=int, default=None, help="renders at once (default: one per CPU)")
    md.add_argument("--only", default="", help="comma-separated scene ids (default: every scene)")
    md.add_argument(
        "--prores",
        action="store_true",
        help="also ProRes 4444 with alpha (a render of its own, ~0.8 GB per scene; never on the site)",
    )
    md.add_argument("--verify", action="store_true", help="then decode every file against the manifest")
    md.add_argument("--no-render", action="store_true", help=NO_RENDER_HELP)
    md.set_defaults(func=cmd_media)


def _farm_verbs(sub: argparse._SubParsersAction, quality_names: tuple[str, ...]) -> None:
    """The render farm's verbs (generator/farm.py, imported only when one of them runs)."""

    def plan_flags(p: argparse.ArgumentParser) -> None:
        _common(p)
        p.add_argument("--quality", choices=quality_names, default="publish", help="the build's (default publish)")
        p.add_argument("--media", action="store_true", help="the media kit's renders as well (make media)")
        p.add_argument("--prores", action="store_true", help="with --media: the ProRes render as well")

    p = sub.add_parser("plan", help="JSON list of the renders missing or stale in the cache (a matrix's include:)")
    plan_flags(p)
    p.set_defaults(func=_lazy("generator.farm", "cmd_plan"))
    r = sub.add_parser("render", help="render exactly these cache entries (or figure ids)")
    plan_flags(r)
    r.add_argument("entries", nargs="+", metavar="ENTRY")
    r.add_argument("--jobs", type=int, default=None, help="renders at once (default: one per CPU)")
    r.set_defaults(func=_lazy("generator.farm", "cmd_render"))
    k = sub.add_parser("pack", help="pack cache entries as OUT/<key>.tar, one file each")
    plan_flags(k)
    k.add_argument("entries", nargs="+", metavar="ENTRY")
    k.add_argument("--out", type=Path, required=True, help="folder for the archives")
    k.set_defaults(func=_lazy("generator.farm", "cmd_pack"))
    u = sub.add_parser("unpack", help="check archives made by pack, then install their entries into the cache")
    _common(u)
    u.add_argument("archives", nargs="+", metavar="FILE")
    u.set_defaults(func=_lazy("generator.farm", "cmd_unpack"))


def _other_verbs(sub: argparse._SubParsersAction) -> None:
    for verb, text in DELEGATED.items():
        sub.add_parser(verb, help=text[1], add_help=False)
    r = sub.add_parser("release", help="keep this version's data/catalog.json in releases/VERSION/ (make release)")
    r.add_argument("version", help="MAJOR.MINOR, newer than the last release")
    r.add_argument("--root", default=str(ROOT), help="project folder")
    r.add_argument("--notes", default="", help="one sentence on what this version is")
    r.set_defaults(func=cmd_release)
    k = sub.add_parser("clean", help="remove site/, the cache, build/ and media/")
    _common(k)
    k.set_defaults(func=cmd_clean)


def parser() -> argparse.ArgumentParser:
    """The command line: every verb, its flags and help (each verb's module is imported only when it runs)."""
    from generator.render.specs import QUALITY_NAMES

    out = argparse.ArgumentParser(
        prog="python -m generator", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    out.add_argument("-v", "--verbose", action="store_true")
    sub = out.add_subparsers(dest="command", required=True)
    _site_verbs(sub)
    _media_verb(sub, QUALITY_NAMES)
    _farm_verbs(sub, QUALITY_NAMES)
    _other_verbs(sub)
    return out


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in DELEGATED:
        import importlib

        return int(importlib.import_module(DELEGATED[argv[0]][0]).main(argv[1:]) or 0)
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(message)s")
    try:
        return args.func(args)
    except CatalogError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BuildError as exc:
        if args.verbose or isinstance(exc, GeneratorBug):  # a bug of ours keeps its traceback; a mistake is one line
            import traceback

            traceback.print_exception(exc.__cause__ or exc, file=sys.stderr)
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        from generator.errors import os_error_text

        print(f"error: {os_error_text(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
