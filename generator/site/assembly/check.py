"""`make check`: everything that can fail a build for catalog or page reasons, without rendering a figure.

Loads and validates the catalog, checks the figure registry against figures/, runs every derive function over
every model (an arithmetic that needs a field the schema let through is reported at that model's line), renders
every alt text in the sandbox, and renders every page with placeholder figures (unknown names, figure, fact and
reference ids, includes, widgets), refuses links that leave the repository, and runs every layout check that needs
no video (generator/render/layout_check.py: each chart drawn in both layouts, each scene played without drawing a
frame in the landscape and vertical frames).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from generator import derive
from generator.catalog.model import Catalog, load_catalog
from generator.catalog.text import alt_text, caption_text
from generator.errors import BuildError, CatalogError
from generator.render.registry import Figure, registry
from generator.site.article.context import FigureAssets
from generator.site.article.pages import RenderedPages, render_pages
from generator.site.assembly.publish import check_site_name, check_sources


@dataclass
class CheckReport:
    catalog: Catalog
    figures: int
    pages: int
    derived: int
    layouts: int = 0
    warnings: list[str] = field(default_factory=list)  # the authors' rules' warnings (a figure placed nowhere)
    stale: list[str] = field(default_factory=list)


#: A dated claim ("largest", "today", "latest": an ``as_of`` in the catalog) older than this is listed by `make check`.
STALE_AFTER_MONTHS = 12


def _months(d: date) -> int:
    return d.year * 12 + d.month - 1


def stale_claims(catalog: Catalog, today: date) -> list[str]:
    """One line per catalog entry whose ``as_of`` is more than STALE_AFTER_MONTHS whole months before ``today``:
    "catalog.yaml:LINE: facts.<id>: as of 2024-11 (25 months ago): <text>". A month-only date counts from its first
    day."""
    out = []
    for section in ("facts", "hardware"):
        for key, entry in catalog.data.get(section, {}).items():
            stamp = entry.get("as_of")
            if not stamp:
                continue
            year, month, *day = (int(x) for x in stamp.split("-"))
            checked = date(year, month, day[0] if day else 1)
            age = _months(today) - _months(checked) - (1 if today.day < checked.day else 0)
            if age > STALE_AFTER_MONTHS:
                what = entry.get("text") or entry.get("name") or ""
                out.append(
                    f"{catalog.where((section, key, 'as_of'))}: {section}.{key}: as of {stamp} "
                    f"({age} months ago): {what}"
                )
    return out


#: derive's per-model arithmetic, as the pages, figures and calculators call it.
MODEL_FUNCTIONS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "param_estimate": derive.param_estimate,
    "attention_matrices": derive.attention_matrices,
    "kv_values_per_token_per_layer": derive.kv_values_per_token_per_layer,
    "mha_values_per_token_per_layer": derive.mha_values_per_token_per_layer,
    "kv_bytes_per_token": derive.kv_bytes_per_token,
    "ssm_state_values": derive.ssm_state_values,
    "kv_bytes_per_sequence": lambda m: derive.kv_bytes_per_sequence(m, m["context"]),
    "max_context": lambda m: derive.max_context(m, 80.0),
}


def check_derive(catalog: Catalog) -> int:
    """Run every model function of derive over every model; NotApplicable is an answer, anything else a
    CatalogError at the model (a missing field: at the field it needs). Returns how many results were computed."""
    done = 0
    for model_id, model in catalog.models.items():
        for name, fn in MODEL_FUNCTIONS.items():
            try:
                fn(model)
                done += 1
            except derive.NotApplicable:
                continue
            except KeyError as exc:
                line, col = catalog.marks.get(("models", model_id), (None, None))
                raise CatalogError(
                    str(catalog.path),
                    line,
                    col,
                    f"models.{model_id}.{exc.args[0]}",
                    f"this field (derive.{name} needs it)",
                    "it missing",
                ) from None
            except (TypeError, ValueError, ZeroDivisionError, OverflowError) as exc:
                line, col = catalog.marks.get(("models", model_id), (None, None))
                raise CatalogError(
                    str(catalog.path), line, col, f"models.{model_id}", f"values derive.{name} can use", str(exc)
                ) from None
    for f in catalog.formats.values():
        if f["kind"] == "float":
            derive.float_max_finite(f["exponent"], f["mantissa"])
        else:
            derive.int_range(f["bits"], bool(f["sign"]))
        done += 1
    return done


_PLACEHOLDER_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"></svg>'


def _placeholder_assets(figs: dict[str, Figure], folder: Path) -> dict[str, FigureAssets]:
    """Assets that let pages place every figure without its render: an empty SVG, an empty table, scene metadata."""
    svg = folder / "placeholder.svg"
    svg.write_text(_PLACEHOLDER_SVG, "utf-8")
    table = folder / "placeholder.html"
    table.write_text("<table><tr><td></td></tr></table>", "utf-8")
    out: dict[str, FigureAssets] = {}
    for fid, fig in figs.items():
        if fig.kind == "chart":
            out[fid] = FigureAssets(fig, {f"{fid}.svg": svg, f"{fid}.narrow.svg": svg})
        elif fig.kind == "table":
            out[fid] = FigureAssets(fig, {f"{fid}.html": table})
        else:
            out[fid] = FigureAssets(fig, {}, {"description": "", "cues": [], "duration": 1.0})
    return out


#: A printed value between backticks: Markdown would show its escapes literally (pages use <code>{{ }}</code>).
_CODE_SPAN_VALUE = re.compile(r"`[^`\n]*\{\{[^`\n]*`")
#: A printed value as a Markdown link destination without the url filter: its escapes would break the link.
_LINK_VALUE = re.compile(r"\]\(\s*\{\{(?![^}]*\|\s*url\s*\}\})")


def check_pages(docs: Path, catalog: Catalog, figs: dict[str, Figure], root: Path) -> RenderedPages:
    from generator.media.page import site_files
    from generator.site.article.widgets import render_widget

    for page in sorted(docs.rglob("*.md")):
        for n, line in enumerate(page.read_text("utf-8").splitlines(), 1):
            if _CODE_SPAN_VALUE.search(line):
                raise BuildError(
                    f"{page}:{n}: a {{{{ value }}}} inside a `code span` would show escaped; write <code>{{{{ ... }}}}</code>"
                )
            if _LINK_VALUE.search(line):
                raise BuildError(
                    f"{page}:{n}: a link destination from {{{{ value }}}} needs the url filter: ({{{{ x | url }}}})"
                )
    from generator.site.extras.export import catalog_export
    from generator.site.extras.versions import site_extras

    _, media_page = site_files(root, talk=any(f.kind == "scene" for f in figs.values()))
    extras = site_extras(root, catalog.data, catalog_export(catalog))  # the names the build adds (updates, version...)
    context = {"media": media_page, **extras.context}
    with tempfile.TemporaryDirectory(prefix="rts-check-") as tmp:
        return render_pages(docs, catalog, _placeholder_assets(figs, Path(tmp)), render_widget, context)


def check_project(root: Path, catalog_path: Path | None = None, today: date | None = None) -> CheckReport:
    """Everything `make check` checks; raises CatalogError or BuildError at the first problem. Dated claims older
    than a year (stale_claims, against ``today``) are reported, not raised: the caller decides (``--strict``)."""
    root = Path(root)
    catalog = load_catalog(catalog_path or root / "catalog.yaml")
    figs = registry(catalog, root / "figures")
    derived = check_derive(catalog)
    for fig in figs.values():
        alt_text(catalog, fig.id)
        caption_text(catalog, fig.id)
    check_sources(root)
    check_site_name(root, str(catalog.data["meta"]["title"]), catalog.where(("meta", "title")))
    pages = check_pages(root / "docs", catalog, figs, root)
    from generator.render.layout_check import check_layouts

    layouts = check_layouts(figs, catalog, root)  # charts drawn, scenes played without frames (no video)
    stale = stale_claims(catalog, today or date.today())
    return CheckReport(catalog, len(figs), len(pages), derived, layouts, pages.warnings, stale)
