"""Files written so that a killed build never leaves half a file or half a folder where a whole one is expected.

Every write in the pipeline goes through here: a temporary name in the same folder, then a rename, and no write at
all when the bytes are already there (so timestamps and hard links survive no-op rebuilds).
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import tempfile
from pathlib import Path


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def atomic_write(path: Path, data: bytes | str, mode: int = 0o644) -> bool:
    """Write ``data`` to ``path`` via a temporary file and a rename; skip the write if the bytes are unchanged.

    The file gets ``mode`` (readable by everyone by default: what a web server or another user expects; mkstemp's
    private 0600 would leak through). Returns True if the file was (re)written.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    path = Path(path)
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def same_bytes(a: Path, b: Path) -> bool:
    """True when both files exist and hold the same bytes (the same inode, or equal size and hash)."""
    try:
        if os.path.samefile(a, b):
            return True
        return a.stat().st_size == b.stat().st_size and sha256_file(a) == sha256_file(b)
    except FileNotFoundError:
        return False


def place(src: Path, dest: Path, link: bool = True) -> bool:
    """Make ``dest`` hold ``src``'s bytes: a hard link when ``link`` and possible, else a copy; via a temporary
    name and a rename. Returns True if ``dest`` changed."""
    if same_bytes(src, dest):
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        if not link:
            raise OSError("copy asked for")
        os.link(src, tmp)
    except OSError:
        shutil.copyfile(src, tmp)
    os.replace(tmp, dest)
    return True


def replace_dir(new: Path, target: Path) -> None:
    """Swap folder ``new`` in at ``target`` with renames, so ``target`` is always a complete folder or absent
    only for the instant between two renames (``recover_dir`` repairs that).

    A ``new`` on another file system than ``target`` (a rename would fail with EXDEV) is first copied next to
    ``target``, while the previous ``target`` is still in place; if the swap fails, the previous ``target`` is put
    back."""
    new, target = Path(new), Path(target)
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    target.parent.mkdir(parents=True, exist_ok=True)
    if os.stat(new).st_dev != os.stat(target.parent).st_dev:
        new = _copy_beside(new, target)
    had = target.exists()
    if had:
        os.replace(target, old)
    try:
        try:
            os.replace(new, target)
        except OSError as exc:
            if exc.errno != errno.EXDEV:  # e.g. two bind mounts of one file system
                raise
            os.replace(_copy_beside(new, target), target)
    except BaseException:
        if had and not target.exists():
            os.replace(old, target)
        raise
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def _copy_beside(new: Path, target: Path) -> Path:
    """Copy folder ``new`` into ``target``'s folder under a temporary name, then remove ``new``."""
    beside = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.new-"))
    try:
        shutil.copytree(new, beside, dirs_exist_ok=True)
        os.chmod(beside, os.stat(new).st_mode & 0o7777)
    except BaseException:
        shutil.rmtree(beside, ignore_errors=True)
        raise
    shutil.rmtree(new, ignore_errors=True)
    return beside


def publish_modes(tree: Path, dir_mode: int = 0o755, file_mode: int = 0o644) -> None:
    """Give a folder about to be published the modes a web server running as another user expects (mkdtemp makes
    its folder 0700, which such a server answers with 403)."""
    os.chmod(tree, dir_mode)
    for base, dirs, files in os.walk(tree):
        for d in dirs:
            os.chmod(os.path.join(base, d), dir_mode, follow_symlinks=False)
        for f in files:
            p = os.path.join(base, f)
            if not os.path.islink(p):
                os.chmod(p, file_mode)


def recover_dir(target: Path) -> None:
    """Undo a swap interrupted between its two renames."""
    old = target.with_name(target.name + ".old")
    if not target.exists() and old.exists():
        os.replace(old, target)
    elif old.exists():
        shutil.rmtree(old, ignore_errors=True)
