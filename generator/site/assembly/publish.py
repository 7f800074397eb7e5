"""What the build checks and tidies around publishing: links that leave the repository, the folder the new site is
built in (beside site/, so the swap is a rename on one file system) and what killed builds left behind. SITE_URL is
checked by generator/util/project.py (site_url, checked_site_url), below every room that writes it."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from generator.errors import BuildError

log = logging.getLogger("build")


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


def check_site_name(root: Path, title: str, where: str) -> None:
    """Refuse a mkdocs.yml whose ``site_name`` is not the catalog's ``meta.title`` (found at ``where``): the title
    is typed once, in the catalog; MkDocs reads its own file, so the build holds the two together."""
    import yaml  # here: the no-change path imports this module (READ_FOLDERS) and nothing it does not use

    config = root / "mkdocs.yml"
    lines = config.read_text("utf-8").splitlines()
    n, line = next(((i, text) for i, text in enumerate(lines, 1) if text.startswith("site_name:")), (0, ""))
    name = yaml.safe_load(line).get("site_name") if line else None
    if name != title:
        found = f"site_name {name!r}" if line else "no site_name"
        raise BuildError(
            f"{config}:{n or 1}: site_name: expected the catalog's meta.title {title!r} ({where}), found {found}; "
            "the title is typed once: copy it from the catalog"
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
