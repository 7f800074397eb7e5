"""`python -m generator preview SCENE [manim options]`: a quick look at one scene outside a build.

A scene reads its data from the file named by RACE_FIGURE_DATA, never from the catalog (so the catalog's loader is in
no scene's cache key). This writes the figure's data (its catalog slice and ``show``, exactly what a render gets)
to a temporary file and runs Manim's own command line on the scene with that variable set; options after the id
go to ``manim render`` (default ``-ql``: 480p15), and Manim writes into build/preview/ (``--media_dir`` to change
it). Nothing is cached and nothing in site/, media/ or .cache/ changes.

Usage: python -m generator preview tower_growth [-ql -s] [--root ROOT] [--catalog catalog.yaml]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from generator.util.project import ROOT


def scene_command(root: Path, catalog_path: Path, fig_id: str, data_file: Path, manim_args: list[str]) -> list[str]:
    """Write figure ``fig_id``'s data to ``data_file`` and return the ``manim render`` command for its scene."""
    from generator.catalog.model import load_catalog
    from generator.errors import BuildError
    from generator.render.registry import registry
    from generator.render.scenes import class_name

    catalog = load_catalog(catalog_path)
    figs = registry(catalog, root / "figures")
    fig = figs.get(fig_id)
    if fig is None or fig.kind != "scene":
        scenes = ", ".join(sorted(k for k, f in figs.items() if f.kind == "scene"))
        raise BuildError(f"preview: {fig_id!r} is not a scene of {catalog_path} (scenes: {scenes})")
    data_file.write_text(json.dumps(fig.data(catalog), sort_keys=True), "utf-8")
    args = manim_args or ["-ql"]
    if not any(a.startswith("--media_dir") for a in args):
        args = [*args, "--media_dir", str(root / "build" / "preview")]
    return [sys.executable, "-m", "manim", "render", *args, str(fig.source), class_name(fig_id)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator preview", description=__doc__.split("\n\n")[0])
    parser.add_argument("scene", help="the scene's figure id")
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder")
    parser.add_argument("--catalog", type=Path, default=None, help="catalog YAML (default: ROOT/catalog.yaml)")
    args, manim_args = parser.parse_known_args(argv)
    from figures.style import DATA_ENV
    from generator.errors import BuildError, CatalogError

    with tempfile.TemporaryDirectory(prefix="rts-preview-") as tmp:
        data_file = Path(tmp) / "data.json"
        try:
            cmd = scene_command(
                args.root, args.catalog or args.root / "catalog.yaml", args.scene, data_file, manim_args
            )
        except (BuildError, CatalogError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2 if isinstance(exc, CatalogError) else 1
        return subprocess.run(cmd, cwd=args.root, env={**os.environ, DATA_ENV: str(data_file)}).returncode
