"""The figure registry: catalog `figures:` entries, their source files, and the cache key of each.

The registry is explicit (the catalog lists every figure; nothing is discovered by scanning modules). A registered
id without its source file, or a source file without a registered id, is an error.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalog import Catalog, canonical_json
from .errors import CatalogError

ROOT = Path(__file__).resolve().parent.parent
FIGURES_DIR = ROOT / "figures"
KIND_DIRS = {"chart": "charts", "scene": "scenes", "table": "tables"}
QUALITIES = {"draft": (854, 480, 15), "publish": (1920, 1080, 60)}

# Inputs shared by every figure of a kind (besides its own source file and data slice).
_SHARED = {
    "chart": ["figures/chart_style.py", "generator/charts.py", "generator/derive.py", "generator/render.py"],
    "table": ["generator/charts.py", "generator/derive.py", "generator/render.py"],
    "scene": ["figures/style.py", "generator/scenes.py", "generator/derive.py", "generator/render.py"],
}
_FONT_GLOB = "figures/fonts/*"
_TOOLS = {"chart": ["matplotlib", "numpy"], "table": [], "scene": ["manim", "av", "numpy", "ManimPango"]}


@dataclass(frozen=True)
class Figure:
    id: str
    kind: str
    title: str
    alt: str
    reads: tuple[str, ...]
    source: Path

    def data(self, catalog: Catalog) -> dict[str, Any]:
        return catalog.slice(list(self.reads))


def registry(catalog: Catalog, figures_dir: Path = FIGURES_DIR) -> dict[str, Figure]:
    """All registered figures, checked against the files on disk."""
    figs: dict[str, Figure] = {}
    for fig_id, entry in catalog.figures.items():
        src = figures_dir / KIND_DIRS[entry["kind"]] / f"{fig_id}.py"
        if not src.is_file():
            line, col = catalog.marks.get(("figures", fig_id), (None, None))
            raise CatalogError(str(catalog.path), line, col, f"figures.{fig_id}",
                               f"a source file {src.relative_to(figures_dir.parent)}", "no such file",
                               "create it, or fix the id or kind")
        figs[fig_id] = Figure(fig_id, entry["kind"], entry["title"], entry["alt"], tuple(entry["reads"]), src)
    for kind, sub in KIND_DIRS.items():
        folder = figures_dir / sub
        if not folder.is_dir():
            continue
        for f in sorted(folder.glob("*.py")):
            if f.stem.startswith("_"):
                continue
            if f.stem not in figs:
                raise CatalogError(str(catalog.path), None, None, f"figures.{f.stem}",
                                   f"a registry entry for {f.relative_to(figures_dir.parent)}",
                                   "none", "register every figure in the catalog's figures: section")
            if figs[f.stem].kind != kind:
                raise CatalogError(str(catalog.path), None, None, f"figures.{f.stem}.kind",
                                   f"kind {kind} (the file is in figures/{sub}/)", figs[f.stem].kind)
    return figs


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


_FILE_HASHES: dict[Path, tuple[float, int, str]] = {}


def _file_digest(path: Path) -> str:
    st = path.stat()
    cached = _FILE_HASHES.get(path)
    if cached and cached[0] == st.st_mtime and cached[1] == st.st_size:
        return cached[2]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    _FILE_HASHES[path] = (st.st_mtime, st.st_size, digest)
    return digest


def cache_key(fig: Figure, catalog: Catalog, quality: str, root: Path = ROOT, extra: str = "") -> str:
    """Hash of everything the figure reads: its source, the shared style and renderer, the catalog slice, tool
    versions, quality (scenes) and fonts (scenes)."""
    parts: dict[str, Any] = {
        "id": fig.id,
        "kind": fig.kind,
        "source": _file_digest(fig.source),
        "shared": {p: _file_digest(root / p) for p in _SHARED[fig.kind] if (root / p).exists()},
        "data": hashlib.sha256(canonical_json(fig.data(catalog)).encode()).hexdigest(),
        "title": fig.title,
        "extra": extra,
        "tools": {t: _version(t) for t in _TOOLS[fig.kind]},
        "python": platform.python_version(),
    }
    if fig.kind == "scene":
        parts["quality"] = QUALITIES[quality]
        parts["fonts"] = {p.name: _file_digest(p) for p in sorted(root.glob(_FONT_GLOB)) if p.is_file()}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
