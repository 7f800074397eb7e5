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

_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?)+$|^\[[0-9A-Fa-f:.]+\]$")
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


def check_links(folder: Path, root: Path) -> None:
    """Refuse symbolic links under ``folder`` that resolve outside ``root`` (or nowhere): the build would publish
    what they point at (docs/passwd.txt -> /etc/passwd)."""
    if not folder.exists():
        return
    root = root.resolve()
    for base, dirs, files in os.walk(folder, followlinks=False):
        for name in dirs + files:
            p = Path(base, name)
            if not p.is_symlink():
                continue
            try:
                real = p.resolve(strict=True)
            except (OSError, RuntimeError):
                raise BuildError(
                    f"{p}: a symbolic link to {os.readlink(p)!r}, which does not exist; remove it"
                ) from None
            if not real.is_relative_to(root):
                raise BuildError(
                    f"{p}: a symbolic link to {real}, outside the repository {root}; the build does not publish files "
                    "from outside it: copy the file in or remove the link"
                )


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
