"""Size budgets for the built site (configured in pyproject.toml under [tool.rts.budgets.<quality>])."""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

from .figures import ROOT

log = logging.getLogger("budgets")


def load_budgets(quality: str, root: Path = ROOT) -> dict[str, int]:
    config = tomllib.loads((root / "pyproject.toml").read_text("utf-8")) if (root / "pyproject.toml").exists() else {}
    if not config.get("tool", {}).get("rts"):
        config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return dict(config["tool"]["rts"]["budgets"][quality])


def check_budgets(site: Path, budgets: dict[str, int]) -> list[str]:
    """Every budget the site exceeds, as readable lines (empty when all are met)."""
    over: list[str] = []
    files = [p for p in site.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    if total > budgets["site_bytes"]:
        over.append(f"site: {total:,} bytes > budget {budgets['site_bytes']:,}")
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
