"""``make release VERSION=x.y``: this version's published data kept in releases/<version>/, and CITATION.cff
rewritten for it."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from generator.catalog.model import load_catalog
from generator.errors import BuildError
from generator.site.extras.changelog import RELEASES, load_history
from generator.site.extras.citation import citation
from generator.site.extras.export import catalog_export
from generator.util.fs import atomic_write
from generator.util.project import site_url

_VERSION = re.compile(r"^\d+\.\d+(\.\d+)?\Z")


def make_release(root: Path, version: str, notes: str = "", today: str | None = None) -> Path:
    """Keep this version's published data in the repository: releases/<version>/{catalog.json, release.json}, and
    rewrite CITATION.cff for it. Refuses an existing or malformed version."""
    if not _VERSION.match(version):
        raise BuildError(f"release: VERSION: expected MAJOR.MINOR such as 1.1, found {version!r}")
    folder = root / RELEASES / version
    if folder.exists():
        raise BuildError(f"release: {folder} already exists; releases are kept as published")
    history = load_history(root)
    if history.releases:
        newest = tuple(int(p) for p in history.releases[-1].version.split("."))
        if tuple(int(p) for p in version.split(".")) <= newest:
            raise BuildError(f"release: VERSION {version} is not newer than {history.releases[-1].version}")
    catalog = load_catalog(root / "catalog.yaml")
    date = today or dt.date.today().isoformat()
    atomic_write(folder / "catalog.json", catalog_export(catalog))
    atomic_write(
        folder / "release.json",
        json.dumps({"version": version, "date": date, "notes": notes or f"Version {version}."}, indent=1) + "\n",
    )
    history = load_history(root)
    c = citation(catalog.data["meta"], history, site_url(root))
    atomic_write(root / "CITATION.cff", c.cff())
    return folder
