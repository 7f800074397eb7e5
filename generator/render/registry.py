"""The figure registry: catalog `figures:` entries, their source files, and the cache key of each.

The registry is explicit (the catalog lists every figure; nothing is discovered by scanning modules). A registered
id without its source file, or a source file without a registered id, is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.catalog.model import Catalog
from generator.catalog.selection import has_selection, resolve
from generator.errors import CatalogError
from generator.util.project import ROOT

FIGURES_DIR = ROOT / "figures"
KIND_DIRS = {"chart": "charts", "scene": "scenes", "table": "tables"}


@dataclass(frozen=True)
class Figure:
    id: str
    kind: str
    title: str
    alt: str
    reads: tuple[str, ...]
    source: Path

    def data(self, catalog: Catalog) -> dict[str, Any]:
        """The catalog slice the figure reads, plus ``show`` when its entry says which models it shows
        (generator/catalog/selection.py); the models and devices read are then only those shown."""
        out = catalog.slice(list(self.reads))
        entry = catalog.figures.get(self.id, {})
        if has_selection(entry):
            show = resolve(entry, catalog.data)
            out["show"] = show
            if "models" in out:
                out["models"] = {k: v for k, v in out["models"].items() if k in show["models"]}
            else:  # a figure that reads no model shows none (adding a model must not re-render it)
                show.update(models=[], labels={}, notes={})
            if "hardware" in out and show["hardware"]:
                out["hardware"] = {k: v for k, v in out["hardware"].items() if k in show["hardware"]}
        return out


def registry(catalog: Catalog, figures_dir: Path = FIGURES_DIR) -> dict[str, Figure]:
    """All registered figures, checked against the files on disk."""
    figs: dict[str, Figure] = {}
    for fig_id, entry in catalog.figures.items():
        src = figures_dir / KIND_DIRS[entry["kind"]] / f"{fig_id}.py"
        if not src.is_file():
            line, col = catalog.marks.get(("figures", fig_id), (None, None))
            raise CatalogError(
                str(catalog.path),
                line,
                col,
                f"figures.{fig_id}",
                f"a source file {src.relative_to(figures_dir.parent)}",
                "no such file",
                "create it, or fix the id or kind",
            )
        figs[fig_id] = Figure(fig_id, entry["kind"], entry["title"], entry["alt"], tuple(entry["reads"]), src)
    for kind, sub in KIND_DIRS.items():
        folder = figures_dir / sub
        if not folder.is_dir():
            continue
        for f in sorted(folder.glob("*.py")):
            if f.stem.startswith("_"):
                continue
            if f.stem not in figs:
                raise CatalogError(
                    str(catalog.path),
                    None,
                    None,
                    f"figures.{f.stem}",
                    f"a registry entry for {f.relative_to(figures_dir.parent)}",
                    "none",
                    "register every figure in the catalog's figures: section",
                )
            if figs[f.stem].kind != kind:
                raise CatalogError(
                    str(catalog.path),
                    None,
                    None,
                    f"figures.{f.stem}.kind",
                    f"kind {kind} (the file is in figures/{sub}/)",
                    figs[f.stem].kind,
                )
    return figs
