"""Size budgets for the built site (configured in pyproject.toml under [tool.rts.budgets.<quality>])."""

from __future__ import annotations

import logging
from pathlib import Path

from generator.util.project import ROOT
from generator.util.project import budgets as project_budgets

log = logging.getLogger("budgets")


def load_budgets(quality: str, root: Path = ROOT) -> dict[str, int]:
    budgets = project_budgets(root)
    out = dict(budgets[quality])
    # The media kit's files copied into site/media/ (generator/media/) have a budget of their own, the same at
    # every quality: media_site_bytes in all, media_site_file_bytes per file.
    out.update({f"media_{k}": v for k, v in budgets.get("media", {}).items()})
    return out


MEDIA_KIT = "media/"


def _is_kit_file(rel: str) -> bool:
    """A media-kit file copied into the site (the Media page itself, media/index.html, is a page like any other)."""
    return rel.startswith(MEDIA_KIT) and not rel.endswith(".html")


def check_budgets(site: Path, budgets: dict[str, int]) -> list[str]:
    """Every budget the site exceeds, as readable lines (empty when all are met)."""
    over: list[str] = []
    all_files = [p for p in site.rglob("*") if p.is_file()]
    kit = [p for p in all_files if _is_kit_file(p.relative_to(site).as_posix())]
    files = [p for p in all_files if p not in set(kit)]
    total = sum(p.stat().st_size for p in files)
    if total > budgets["site_bytes"]:
        over.append(f"site: {total:,} bytes > budget {budgets['site_bytes']:,}")
    kit_total = sum(p.stat().st_size for p in kit)
    if "media_site_bytes" in budgets and kit_total > budgets["media_site_bytes"]:
        over.append(f"media kit in the site: {kit_total:,} bytes > budget {budgets['media_site_bytes']:,}")
    for p in kit:
        if "media_site_file_bytes" in budgets and p.stat().st_size > budgets["media_site_file_bytes"]:
            over.append(
                f"{p.relative_to(site).as_posix()}: {p.stat().st_size:,} bytes > media file budget "
                f"{budgets['media_site_file_bytes']:,}"
            )
    for p in files:
        size = p.stat().st_size
        rel = p.relative_to(site).as_posix()
        if p.suffix == ".mp4" and size > budgets["video_bytes"]:
            over.append(f"{rel}: {size:,} bytes > video budget {budgets['video_bytes']:,}")
        elif p.suffix == ".html" and size > budgets["page_html_bytes"]:
            over.append(f"{rel}: {size:,} bytes > page budget {budgets['page_html_bytes']:,}")
        elif p.suffix == ".svg" and rel.startswith("figures/") and size > budgets["chart_svg_bytes"]:
            over.append(f"{rel}: {size:,} bytes > chart budget {budgets['chart_svg_bytes']:,}")
    return over
