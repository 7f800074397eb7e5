"""Which renders a build needs, as pool jobs with their cache keys: shared by the site build and the media kit, so
both name and key a scene's landscape and portrait renders the same way and the second finds the first's in the
cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.catalog.model import Catalog, split_path
from generator.catalog.text import alt_text
from generator.render.keys import cache_key, timeline_key
from generator.render.pool import Job
from generator.render.registry import Figure
from generator.render.specs import DEFAULT_WEBP_CAP, RenderSpec
from generator.util.project import budgets


def webp_cap(root: Path) -> int:
    """[tool.rts.budgets.media] webp_bytes: the size cap of each looping WebP."""
    return budgets(root).get("media", {}).get("webp_bytes", DEFAULT_WEBP_CAP)


def scene_entry(fig_id: str, spec: RenderSpec) -> str:
    return f"{fig_id}.{spec.label}"


def source_label(fig: Figure, root: Path) -> str:
    try:
        return fig.source.relative_to(root).as_posix()
    except ValueError:
        return str(fig.source)


def guard_spec(fig: Figure, catalog: Catalog, root: Path) -> dict[str, Any]:
    """What ``fig`` declared in ``reads:``, for its renderer's guard (generator/render/reads.py): per section read
    field by field (``models.*.params``) the declared fields, and the entries read whole or by their own fields;
    with the figure's file and the catalog line of its ``reads:``."""
    sections: dict[str, dict[str, Any]] = {}
    for path in fig.reads:
        if ".*." in path:
            section, _, rest = path.partition(".*.")
            sections.setdefault(section, {"fields": [], "entries": {}})["fields"].append(rest.split(".")[0])
    for path in fig.reads:
        parts = [] if ".*." in path else split_path(catalog.data, path)
        if not parts or parts[0] not in sections:
            continue
        if len(parts) == 1:  # the whole section: nothing to guard
            del sections[parts[0]]
            continue
        own = sections[parts[0]]["entries"]
        if len(parts) == 2 or own.get(parts[1], []) is None:
            own[parts[1]] = None  # the whole entry
        else:
            own.setdefault(parts[1], []).append(parts[2])
    line, _ = catalog.marks.get(("figures", fig.id, "reads"), (None, None))
    try:
        file = catalog.path.resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        file = str(catalog.path)
    return {
        "figure": source_label(fig, root),
        "file": file,
        "line": line or "?",
        "sections": sections,
        "catalog_sections": sorted(catalog.data),
    }


def figure_job(fig: Figure, catalog: Catalog, root: Path, alt: str) -> Job:
    """A chart or table render (its alt text is written into the output, so it is part of the key), its renderer
    guarded by what the figure declared it reads (``guard_spec``, not part of the key)."""
    return Job(
        entry=fig.id,
        key=cache_key(fig, catalog, root, alt=alt),
        kind=fig.kind,
        fig_id=fig.id,
        source=source_label(fig, root),
        data=fig.data(catalog),
        title=fig.title,
        alt=alt,
        guard=guard_spec(fig, catalog, root),
    )


def scene_job(fig: Figure, catalog: Catalog, root: Path, spec: RenderSpec) -> Job:
    """One render of a scene at ``spec``."""
    return Job(
        entry=scene_entry(fig.id, spec),
        key=cache_key(fig, catalog, root, spec=spec),
        timeline=timeline_key(fig, catalog, root),
        kind="scene",
        fig_id=fig.id,
        source=source_label(fig, root),
        data=fig.data(catalog),
        title=fig.title,
        spec=spec,
    )


def site_jobs(figs: dict[str, Figure], catalog: Catalog, root: Path, specs: list[RenderSpec]) -> list[Job]:
    """The renders the site needs: every figure, a scene once per spec of ``specs`` (generator/render/specs.py
    ``site_specs``: landscape and portrait, the media kit's renders too)."""
    jobs = []
    for f in figs.values():
        if f.kind == "scene":
            jobs += [scene_job(f, catalog, root, spec) for spec in specs]
        else:
            jobs.append(figure_job(f, catalog, root, alt_text(catalog, f.id)))
    return jobs


def kit_jobs(scenes: dict[str, Figure], catalog: Catalog, root: Path, specs: list[RenderSpec]) -> list[Job]:
    """The media kit's renders: every scene at every spec of ``specs`` (generator/render/specs.py::kit_specs)."""
    return [scene_job(scenes[fid], catalog, root, spec) for fid in sorted(scenes) for spec in specs]
