"""Facts about the project and its tools, each computed in one place: where the repository is, its pyproject
settings, the versions of the tools a render depends on, and the git commit a build came from."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

#: The repository this package was installed from (its docs/, figures/, catalog.yaml are the defaults).
ROOT = Path(__file__).resolve().parents[2]


def tool_version(dist: str) -> str:
    """The installed version of a distribution, or "absent"."""
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def tool_versions(dists: list[str] | tuple[str, ...]) -> dict[str, str]:
    return {d: tool_version(d) for d in dists}


@lru_cache(maxsize=8)
def _pyproject(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}


def rts_settings(root: Path = ROOT) -> dict[str, Any]:
    """``[tool.rts]`` of ``root``'s pyproject.toml, or of this repository's when ``root`` has none."""
    for path in (Path(root) / "pyproject.toml", ROOT / "pyproject.toml"):
        section = _pyproject(path.resolve()).get("tool", {}).get("rts")
        if section:
            return section
    return {}


def budgets(root: Path = ROOT) -> dict[str, dict[str, int]]:
    """``[tool.rts.budgets]``: {"draft": {...}, "publish": {...}, "media": {...}} in bytes."""
    return {k: {n: int(v) for n, v in section.items()} for k, section in rts_settings(root).get("budgets", {}).items()}


def git_state(root: Path) -> tuple[str, bool | None]:
    """HEAD's commit and whether the working tree differs from it (read-only git calls; no index refresh)."""
    env = dict(os.environ, GIT_OPTIONAL_LOCKS="0")
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, env=env, timeout=30
        )
        if head.returncode != 0:
            return "unknown", None
        status = subprocess.run(
            ["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, env=env, timeout=60
        )
        return head.stdout.strip(), bool(status.stdout.strip()) if status.returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired):
        return "unknown", None


@dataclass
class BuildPaths:
    """Where a build reads and writes. Defaults are the repository's own folders."""

    root: Path = ROOT
    catalog: Path | None = None
    site: Path | None = None
    cache: Path | None = None
    build: Path | None = None

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        self.catalog = Path(self.catalog or self.root / "catalog.yaml").resolve()
        self.site = Path(self.site or self.root / "site").resolve()
        self.cache = Path(self.cache or self.root / ".cache").resolve()
        self.build = Path(self.build or self.root / "build").resolve()

    @property
    def staging(self) -> Path:
        assert self.build is not None  # set by __post_init__
        return self.build / "staging"
