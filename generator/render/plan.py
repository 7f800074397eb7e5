"""Which renders a build needs, as pool jobs with their cache keys: shared by the site build and the media kit, so
both name and key a scene's landscape and portrait renders the same way and the second finds the first's in the
cache."""

from __future__ import annotations

from pathlib import Path

from generator.catalog.model import Catalog
from generator.catalog.text import alt_text
from generator.render.keys import cache_key
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


def figure_job(fig: Figure, catalog: Catalog, root: Path, alt: str) -> Job:
    """A chart or table render (its alt text is written into the output, so it is part of the key)."""
    return Job(
        entry=fig.id,
        key=cache_key(fig, catalog, root, alt=alt),
        kind=fig.kind,
        fig_id=fig.id,
        source=source_label(fig, root),
        data=fig.data(catalog),
        title=fig.title,
        alt=alt,
    )


def scene_job(fig: Figure, catalog: Catalog, root: Path, spec: RenderSpec) -> Job:
    """One render of a scene at ``spec``."""
    return Job(
        entry=scene_entry(fig.id, spec),
        key=cache_key(fig, catalog, root, spec=spec),
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
