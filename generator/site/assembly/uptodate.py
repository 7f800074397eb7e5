"""The no-change path: whether site/ already holds what a build of these inputs would make, told from file sizes and
modification times alone, before the pipeline is imported (`make site` with nothing changed does no other work).

A successful build records, in ``<cache>/uptodate.json``, a fingerprint of its inputs taken when it started and one
of its outputs taken when it finished. The inputs are every file the build may read: the catalog, the folders it
reads (publish.READ_FOLDERS: docs/, media/, overrides/, figures/, releases/) and the files at the project's top
(mkdocs.yml, pyproject.toml, CHANGELOG.yaml...), the pipeline's own code (generator/ and figures/ of this
repository), the installed packages (their folder changes when one is added, removed or upgraded), the Python that
runs it, the quality, ``--no-render``, the site builder and $SITE_URL. The
outputs are site/ and the figure cache (a damaged or removed cache file makes the next build look again). Each file
counts by its path, size and mtime (nanoseconds); nothing is read or hashed.

``site_up_to_date`` says yes only when both fingerprints match what the last build recorded, so any change, touch,
deletion or addition under those folders, a changed environment or another quality runs the full build, which
decides what really changed (content hashes, cache keys). A file saved within MTIME_SLACK_NS of the recorded
build's start could be saved again in the same timestamp tick with the same size: such a record is not trusted
(the next build is a full one and records again). The check runs under the build lock, so it never reads a
half-built site.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import sysconfig
import time
from pathlib import Path

from generator.site.assembly.publish import READ_FOLDERS
from generator.util.project import ROOT, BuildPaths

RECORD = "uptodate.json"
#: Files of the cache that change without the site's inputs or outputs changing.
CACHE_SKIP = {"build.lock", RECORD, "site-stamp.json"}
#: Nanoseconds within which two saves of a file may get the same mtime (FAT's 2 s is the coarsest in use).
MTIME_SLACK_NS = 2_000_000_000
_SKIP_DIRS = {"__pycache__", ".git", ".pytest_cache", ".mypy_cache", ".ruff_cache"}


def _walk(folder: Path, lines: list[str], newest: list[int], skip: frozenset[str] = frozenset()) -> None:
    """One line per file under ``folder`` (path, size, mtime; a symbolic link by its target's text), recursively."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if entry.name in skip:
            continue
        if entry.is_dir(follow_symlinks=False):
            if entry.name not in _SKIP_DIRS:
                _walk(Path(entry.path), lines, newest)
            continue
        st = entry.stat(follow_symlinks=False)
        target = os.readlink(entry.path) if entry.is_symlink() else ""
        lines.append(f"{entry.path}\0{st.st_size}\0{st.st_mtime_ns}\0{target}")
        newest[0] = max(newest[0], st.st_mtime_ns)


def _file(path: Path, lines: list[str], newest: list[int]) -> None:
    try:
        st = path.stat()
    except FileNotFoundError:
        lines.append(f"{path}\0missing")
        return
    lines.append(f"{path}\0{st.st_size}\0{st.st_mtime_ns}")
    newest[0] = max(newest[0], st.st_mtime_ns)


def inputs(paths: BuildPaths, quality: str, no_render: bool, builder: str) -> tuple[str, int]:
    """(fingerprint, newest mtime in ns) of everything a build of ``paths`` at ``quality`` with ``builder`` reads."""
    assert paths.catalog is not None
    lines = [
        f"quality={quality} no_render={no_render} builder={builder} site_url={os.environ.get('SITE_URL', '')}",
        f"python={sys.executable} {sys.version}",
        f"paths={paths.root} {paths.catalog} {paths.site} {paths.cache} {paths.build} pdf={paths.pdf}",
    ]
    newest = [0]
    if paths.pdf is not None:  # the PDF published with the site (--pdf)
        _file(paths.pdf, lines, newest)
    for name in READ_FOLDERS:  # the folders the build reads (publish.py), walked whole
        _walk(paths.root / name, lines, newest)
    for code in (ROOT / "generator", ROOT / "figures"):  # the pipeline's own code (a test project's figures too)
        if code != paths.root / "figures":
            _walk(code, lines, newest)
    with os.scandir(paths.root) as top:
        for entry in sorted(top, key=lambda e: e.name):
            if entry.is_file():
                _file(Path(entry.path), lines, newest)
    _file(paths.catalog, lines, newest)
    _file(Path(sysconfig.get_paths()["purelib"]), lines, [0])  # packages added, removed or upgraded
    return hashlib.sha256("\n".join(lines).encode()).hexdigest(), newest[0]


def outputs(paths: BuildPaths) -> str:
    """Fingerprint of what a build leaves: site/ and the figure cache."""
    assert paths.site is not None and paths.cache is not None
    lines: list[str] = []
    _walk(paths.site, lines, [0])
    lines.append("-- cache")
    _walk(paths.cache, lines, [0], frozenset(CACHE_SKIP))
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def start(paths: BuildPaths, quality: str, no_render: bool, builder: str) -> dict:
    """What a build notes as it starts (before it reads anything): its inputs' fingerprint and when it was taken."""
    fingerprint, newest = inputs(paths, quality, no_render, builder)
    return {"inputs": fingerprint, "newest_ns": newest, "taken_ns": time.time_ns()}


def record(paths: BuildPaths, started: dict, warnings: list[str]) -> None:
    """After a successful build: keep its start fingerprint, its outputs' and the warnings it printed."""
    assert paths.cache is not None
    from generator.util.fs import atomic_write

    doc = dict(started, outputs=outputs(paths), warnings=warnings)
    atomic_write(paths.cache / RECORD, json.dumps(doc, indent=1, sort_keys=True) + "\n")


def site_up_to_date(paths: BuildPaths, quality: str, no_render: bool, builder: str) -> list[str] | None:
    """The last build's warnings if site/ is what a build of these inputs would make, else None. Checked under the
    build lock, taken without waiting: while another build runs the answer is None (the caller builds, and waits)."""
    assert paths.cache is not None
    try:
        doc = json.loads((paths.cache / RECORD).read_text("utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(doc, dict) or int(doc.get("newest_ns", 0)) >= int(doc.get("taken_ns", 0)) - MTIME_SLACK_NS:
        return None  # an input saved just before that build: a same-size save in the same tick would not show
    from generator.errors import BuildError
    from generator.util.lock import build_lock

    try:
        with build_lock(paths.cache, wait=False):
            if doc.get("inputs") != inputs(paths, quality, no_render, builder)[0] or doc.get("outputs") != outputs(
                paths
            ):
                return None
    except BuildError:
        return None
    return [str(w) for w in doc.get("warnings", [])]
