"""Facts about the project and its tools, each computed in one place: where the repository is, its pyproject
settings, the versions of the tools a render depends on, and the git commit a build came from."""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from generator.errors import BuildError

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


#: The article's PDF as the site publishes it (and `make pdf` writes it under build/).
PDF_NAME = "the-race-to-scale.pdf"


@dataclass
class BuildPaths:
    """Where a build reads and writes. Defaults are the repository's own folders."""

    root: Path = ROOT
    catalog: Path | None = None
    site: Path | None = None
    cache: Path | None = None
    build: Path | None = None
    #: The media kit the site lists and copies from (``make media`` writes it; media/ by default).
    media: Path | None = None
    #: The article as a PDF to publish with the site (`make pdf` prints it from a build of these pages; the Pages
    #: workflow passes it with --pdf): copied to the site as PDF_NAME and linked (header, citation_pdf_url). None: no
    #: PDF is published and nothing links to one.
    pdf: Path | None = None

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        self.catalog = Path(self.catalog or self.root / "catalog.yaml").resolve()
        self.site = Path(self.site or self.root / "site").resolve()
        self.cache = Path(self.cache or self.root / ".cache").resolve()
        self.build = Path(self.build or self.root / "build").resolve()
        self.media = Path(self.media or self.root / "media").resolve()
        self.pdf = Path(self.pdf).resolve() if self.pdf else None

    @property
    def staging(self) -> Path:
        assert self.build is not None  # set by __post_init__
        return self.build / "staging"


# ---------------------------------------------------------------------------------------------------------------
# The site's public address (SITE_URL)
# ---------------------------------------------------------------------------------------------------------------

_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?)+\Z|^\[[0-9A-Fa-f:.]+\]\Z")
#: Characters a URL path may carry as they are (RFC 3986 unreserved, sub-delims minus quotes, ':', '@', '/', '%').
_PATH_SAFE = "/:@!$&()*+,;=-._~%"


def checked_site_url(value: str | None) -> str | None:
    """SITE_URL as MkDocs may put it in every page's canonical link: an http(s) URL with a host name, without
    query, fragment or credentials, its path percent-encoded (a quote or '<' cannot reach the HTML)."""
    if value is None or value == "":
        return value
    what = f"SITE_URL={value!r}"
    if any(ord(c) < 33 or ord(c) == 127 for c in value):
        raise BuildError(f"{what}: expected an http(s) URL, found spaces or control characters")
    try:
        parts = urlsplit(value)
        port = parts.port  # raises ValueError when not a number
    except ValueError as exc:
        raise BuildError(f"{what}: expected an http(s) URL, found {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise BuildError(f"{what}: expected an http:// or https:// URL, found the scheme {parts.scheme or 'none'!r}")
    host = parts.hostname or ""
    if not host or not _HOST.match(parts.netloc.rsplit(":", 1)[0] if port else parts.netloc):
        raise BuildError(f"{what}: expected a host name such as USER.github.io, found {parts.netloc!r}")
    if parts.query or parts.fragment or "?" in value or "#" in value:
        raise BuildError(f"{what}: expected no query or fragment ('?', '#'): the site's address is a folder")
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    return f"{parts.scheme}://{parts.netloc}{path}"


#: mkdocs.yml's ``site_url``: ``!ENV [SITE_URL, "default"]`` or a plain value, quoted or not.
_CONFIG_URL = re.compile(r"""^site_url:\s*(?:!ENV\s*\[\s*SITE_URL\s*,\s*)?(["']?)([^"'\s\]]+)\1""", re.M)


def site_url(root: Path) -> str:
    """The site's public address as every output writes it (canonical links, embed snippets, citations, feed.xml,
    the PDF's links): $SITE_URL, else mkdocs.yml's default, checked and percent-encoded by ``checked_site_url``
    and ending with '/'. Each output then escapes it for its own context (generator/escape.py)."""
    value = os.environ.get("SITE_URL", "")
    where = "SITE_URL"
    if not value:
        config = root / "mkdocs.yml"
        m = _CONFIG_URL.search(config.read_text("utf-8")) if config.is_file() else None
        if m is None:
            raise BuildError(f"{config}: no site_url; set one (or SITE_URL) to the address the site is published at")
        value, where = m.group(2), f"{config}: site_url"
    try:
        url = str(checked_site_url(value))
    except BuildError as exc:
        raise BuildError(str(exc).replace(f"SITE_URL={value!r}", f"{where}={value!r}", 1)) from None
    return url if url.endswith("/") else url + "/"
