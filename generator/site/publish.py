"""What the build checks and tidies around publishing: SITE_URL, links that leave the repository, the folder the new
site is built in (beside site/, so the swap is a rename on one file system) and what killed builds left behind."""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote, urlsplit

from generator.errors import BuildError

log = logging.getLogger("build")

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


def check_links(folder: Path, root: Path) -> None:
    """Refuse symbolic links under ``folder`` that resolve outside ``root`` (or nowhere): the build would publish
    what they point at (docs/passwd.txt -> /etc/passwd)."""
    if not folder.exists():
        return
    if folder.is_symlink():
        check_link(folder, root)
    for base, dirs, files in os.walk(folder, followlinks=False):
        for name in dirs + files:
            p = Path(base, name)
            if p.is_symlink():
                check_link(p, root)


def check_link(p: Path, root: Path) -> None:
    """Refuse the symbolic link ``p`` when it resolves outside ``root`` or nowhere."""
    root = root.resolve()
    try:
        real = p.resolve(strict=True)
    except (OSError, RuntimeError):
        raise BuildError(f"{p}: a symbolic link to {os.readlink(p)!r}, which does not exist; remove it") from None
    if not real.is_relative_to(root):
        raise BuildError(
            f"{p}: a symbolic link to {real}, outside the repository {root}; the build does not publish files "
            "from outside it: copy the file in or remove the link"
        )


#: Everything of the repository the build reads and may publish: the pages and their files, the media kit, the
#: theme overrides (MkDocs copies their non-template files into the site), the figures' code and fonts, the releases.
READ_FOLDERS = ("docs", "media", "overrides", "figures", "releases")
READ_FILES = ("mkdocs.yml", "CHANGELOG.yaml")


def check_sources(root: Path) -> None:
    """``check_links`` over every folder and file the build reads (READ_FOLDERS, READ_FILES): a link in any of them
    that leads out of the repository stops the build and `make check`."""
    for folder in READ_FOLDERS:
        check_links(root / folder, root)
    for name in READ_FILES:
        path = root / name
        if path.is_symlink():
            check_link(path, root)


def new_site_dir(site: Path) -> Path:
    """An empty folder beside ``site`` for MkDocs to build into: the swap is then a rename on one file system."""
    site.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=site.parent, prefix=f".{site.name}.new-"))


def clean_leftovers(site: Path, build: Path) -> list[Path]:
    """Remove the folders killed builds left (MkDocs output beside site/, and build/site-* of earlier versions).
    Called with the build lock held, so no running build owns them."""
    found = [*site.parent.glob(f".{site.name}.new-*"), *build.glob("site-*")]
    for p in found:
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
    if found:
        log.info("removed %d folder(s) left by interrupted builds", len(found))
    return found
