"""Files written so that a killed build never leaves half a file or half a folder where a whole one is expected.

Every write in the pipeline goes through here: a temporary name in the same folder, then a rename, and no write at
all when the bytes are already there (so timestamps and hard links survive no-op rebuilds).
"""

from __future__ import annotations

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
    only for the instant between two renames (``recover_dir`` repairs that)."""
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def recover_dir(target: Path) -> None:
    """Undo a swap interrupted between its two renames."""
    old = target.with_name(target.name + ".old")
    if not target.exists() and old.exists():
        os.replace(old, target)
    elif old.exists():
        shutil.rmtree(old, ignore_errors=True)
