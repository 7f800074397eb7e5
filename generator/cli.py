"""Command line: ``python -m generator {build,serve,check,clean}``. Exit 0 on success, 1 on a build error,
2 on a bad catalog (the message names file:line:column, the field, what was expected and what was found)."""

from __future__ import annotations

import argparse
import logging
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from .errors import BuildError, CatalogError
from .figures import ROOT

log = logging.getLogger("cli")


def _paths(args: argparse.Namespace):
    from .build import BuildPaths

    return BuildPaths(root=Path(args.root), catalog=args.catalog, site=args.site, cache=args.cache)


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build

    build(_paths(args), quality=args.quality, jobs=args.jobs)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .catalog import load_catalog
    from .figures import registry

    cat = load_catalog(args.catalog or Path(args.root) / "catalog.yaml")
    figs = registry(cat, Path(args.root) / "figures")
    print(f"{cat.path}: OK ({len(cat.models)} models, {len(cat.hardware)} devices, {len(cat.formats)} formats, "
          f"{len(cat.references)} references, {len(figs)} figures)")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import make_server, watch_and_rebuild

    paths = _paths(args)
    build_cmd = [sys.executable, "-m", "generator", "build", "--quality", args.quality, "--root", str(paths.root),
                 "--catalog", str(paths.catalog), "--site", str(paths.site), "--cache", str(paths.cache)]

    def rebuild() -> None:
        log.info("change detected: rebuilding")
        proc = subprocess.run(build_cmd)
        if proc.returncode != 0:
            raise BuildError(f"build exited with {proc.returncode}")

    try:
        rebuild()
    except BuildError as exc:
        log.error("%s; serving the previous site if there is one", exc)
    server = make_server(paths.site, host=args.host, port=args.port, prefix=args.prefix)
    stop = threading.Event()
    watched = [paths.catalog, paths.root / "docs", paths.root / "figures", paths.root / "generator",
               paths.root / "mkdocs.yml"]
    threading.Thread(target=watch_and_rebuild, args=(watched, rebuild, stop), daemon=True).start()
    host, port = server.server_address[:2]
    log.info("serving %s at http://%s:%d%s (Ctrl-C to stop)", paths.site, host, port,
             server.prefix)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
    return 0


def cmd_clean(args: argparse.Namespace) -> int:
    paths = _paths(args)
    for p in (paths.site, paths.cache, paths.build, Path(args.root) / "media"):
        shutil.rmtree(p, ignore_errors=True)
        log.info("removed %s", p)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--root", default=str(ROOT), help="project folder (docs/, figures/, mkdocs.yml)")
        p.add_argument("--catalog", default=None, help="catalog YAML (default: ROOT/catalog.yaml)")
        p.add_argument("--site", default=None, help="output folder (default: ROOT/site)")
        p.add_argument("--cache", default=None, help="figure cache (default: ROOT/.cache)")

    b = sub.add_parser("build", help="build the site")
    common(b)
    b.add_argument("--quality", choices=["draft", "publish"], default="publish")
    b.add_argument("--jobs", type=int, default=None, help="parallel renders (default: CPU count)")
    b.set_defaults(func=cmd_build)

    c = sub.add_parser("check", help="validate the catalog and the figure registry")
    common(c)
    c.set_defaults(func=cmd_check)

    s = sub.add_parser("serve", help="live preview: rebuild on change, serve with Range support")
    common(s)
    s.add_argument("--quality", choices=["draft", "publish"], default="draft")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--prefix", default="/", help="serve under a subpath, like GitHub Pages project sites")
    s.set_defaults(func=cmd_serve)

    k = sub.add_parser("clean", help="remove site/, the cache, build/ and media/")
    common(k)
    k.set_defaults(func=cmd_clean)

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(message)s")
    try:
        return args.func(args)
    except CatalogError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
