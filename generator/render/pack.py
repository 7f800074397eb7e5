"""One cache entry as one file: what a render farm's job uploads and the site job downloads (generator/farm.py).

``<key>.tar`` (the entry's cache key: the hash of every input of the render) is an uncompressed tar (the videos are
compressed already) holding, in this order:

  entry.json      {"format": 1, "entry": name, "key": key, "outputs": {file name: sha256}, "bytes": {file name: size}}
  files/<name>    every output of the render, as FigureCache recorded it

Packing is deterministic: members sorted, mtime 0, owner root, mode 0644, so the same render packs to the same
bytes on any machine. Everything goes through FigureCache (``outputs`` to read a fresh entry, ``install`` to add
one), never through the cache's folders.

Unpacking checks before it writes anything: the file is a whole tar, named by the key it holds; it has exactly
entry.json and the files entry.json lists, each a regular file (not sparse) with a plain name whose size in the tar
header is the recorded size; the sizes add up to no more than the archive's own size (an uncompressed tar holds
every byte it unpacks to: a small archive cannot unpack to a large file), each file is at most MAX_FILE_BYTES, all
archives together at most MAX_TOTAL_BYTES and no more than the cache's disk has free. Only then is anything
extracted, and a file is never written past its recorded size; its SHA-256 is checked as it is copied.
Every archive given is checked first (each extracted into the cache's scratch folder); if any fails, none is
installed and the error names each bad archive and why. Each entry then goes in with FigureCache.install, which
swaps the folder in by rename and records the key after it: an entry is never half installed. The hashes catch a
truncated, corrupted or edited file; they come from the same archive, so they vouch for the transfer, not for
the archive's author (the farm's jobs are the workflow's own).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from generator.errors import BuildError
from generator.render.cache import FigureCache

log = logging.getLogger("pack")

FORMAT = 1
META = "entry.json"
FILES = "files/"
SUFFIX = ".tar"
_KEY = re.compile(r"^[0-9a-f]{64}\Z")
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*\Z")  # an output file or entry name: no folders, no dot files
#: Bounds of what unpacking writes: one file (a ProRes render of a long scene is ~1 GB), and all archives of one call.
MAX_FILE_BYTES = 4 << 30
MAX_TOTAL_BYTES = 16 << 30
#: Free space left on the cache's disk after unpacking.
DISK_MARGIN = 256 << 20


def archive_name(key: str) -> str:
    return f"{key}{SUFFIX}"


def _info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, 0, 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.type = tarfile.REGTYPE
    return info


def pack_entry(cache: FigureCache, entry: str, key: str, out_dir: Path) -> Path:
    """Write ``out_dir/<key>.tar`` holding ``entry`` as rendered for ``key`` (BuildError unless that render is in
    the cache and intact). The file appears whole or not at all (written under a temporary name, then renamed)."""
    try:
        outputs = cache.outputs(entry, key)
    except KeyError as exc:
        raise BuildError(f"pack: {exc.args[0]}; render it first (python -m generator render {entry})") from None
    sizes = {name: path.stat().st_size for name, (path, _) in outputs.items()}
    meta = {
        "format": FORMAT,
        "entry": entry,
        "key": key,
        "outputs": {name: digest for name, (_, digest) in outputs.items()},
        "bytes": sizes,
    }
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    dest = out_dir / archive_name(key)
    tmp = dest.with_name(f".{dest.name}.tmp")
    try:
        with tarfile.open(tmp, "w", format=tarfile.USTAR_FORMAT) as tar:
            raw = (json.dumps(meta, indent=1, sort_keys=True) + "\n").encode("utf-8")
            tar.addfile(_info(META, len(raw)), io.BytesIO(raw))
            for name, (path, _) in outputs.items():
                with open(path, "rb") as f:
                    tar.addfile(_info(FILES + name, sizes[name]), f)
        tmp.replace(dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest


class ArchiveError(ValueError):
    """An archive that must not be installed; the message says which file and why."""


@dataclass
class Unpacked:
    entry: str
    key: str
    outputs: dict[str, str]
    folder: Path  # in the cache's scratch folder, verified, waiting to be installed


def _copy_hashing(src: IO[bytes], dest: Path, limit: int) -> tuple[str, int]:
    """Copy ``src`` to ``dest`` hashing it; never more than ``limit`` bytes (one more is read to tell a longer file)."""
    h = hashlib.sha256()
    size = 0
    with open(dest, "wb") as out:
        while size <= limit:
            chunk = src.read(min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                break
            h.update(chunk)
            out.write(chunk)
    return h.hexdigest(), size


def _survey(archive: Path) -> int:
    """Check ``archive``'s headers against its entry.json and the bounds, writing nothing; returns the bytes it
    unpacks to. Raises ArchiveError."""
    try:
        with tarfile.open(archive, "r:") as tar:
            members = tar.getmembers()  # headers only: the data is skipped, not read
            if not members:
                raise ArchiveError(f"{archive}: empty archive")
            meta = _read_meta(tar, members[0], archive)
    except (tarfile.TarError, EOFError) as exc:
        raise ArchiveError(f"{archive}: not a whole tar archive ({exc})") from None
    except FileNotFoundError:
        raise ArchiveError(f"{archive}: no such file") from None
    sizes: dict[str, int] = meta["bytes"]
    total = members[0].size
    for member in members[1:]:
        name = member.name[len(FILES) :] if member.name.startswith(FILES) else ""
        if member.issparse() or not member.isreg() or name not in sizes:
            what = "a sparse file" if member.issparse() else "not a listed output file"
            raise ArchiveError(f"{archive}: member {member.name!r}: {what}")
        if member.size != sizes[name]:
            raise ArchiveError(f"{archive}: {name}: {member.size} bytes in the tar, {sizes[name]} in {META}")
        if member.size > MAX_FILE_BYTES:
            raise ArchiveError(f"{archive}: {name}: {member.size:,} bytes, more than the limit of {MAX_FILE_BYTES:,}")
        total += member.size
    if total > archive.stat().st_size:
        raise ArchiveError(f"{archive}: unpacks to {total:,} bytes, more than the archive's {archive.stat().st_size:,}")
    return total


def _read_meta(tar: tarfile.TarFile, member: tarfile.TarInfo, archive: Path) -> dict[str, Any]:
    if member.name != META or not member.isreg():
        raise ArchiveError(f"{archive}: first member is {member.name!r}, expected {META}")
    f = tar.extractfile(member)
    assert f is not None  # a regular file
    try:
        meta = json.loads(f.read().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArchiveError(f"{archive}: {META}: not JSON ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ArchiveError(
            f"{archive}: {META}: expected format {FORMAT}, found {meta.get('format') if isinstance(meta, dict) else meta!r}"
        )
    entry, key, outputs, sizes = meta.get("entry"), meta.get("key"), meta.get("outputs"), meta.get("bytes")
    if not isinstance(entry, str) or not _NAME.match(entry):
        raise ArchiveError(f"{archive}: {META}: entry: expected a cache entry name, found {entry!r}")
    if not isinstance(key, str) or not _KEY.match(key):
        raise ArchiveError(f"{archive}: {META}: key: expected 64 hex digits, found {key!r}")
    if not isinstance(outputs, dict) or not outputs or not isinstance(sizes, dict) or set(sizes) != set(outputs):
        raise ArchiveError(f"{archive}: {META}: outputs and bytes: expected the same non-empty set of files")
    for name, digest in outputs.items():
        if not _NAME.match(name) or not isinstance(digest, str) or not _KEY.match(digest):
            raise ArchiveError(
                f"{archive}: {META}: outputs: expected a plain file name and its SHA-256, found {name!r}"
            )
        if not isinstance(sizes[name], int) or sizes[name] < 0:
            raise ArchiveError(f"{archive}: {META}: bytes.{name}: expected a size, found {sizes[name]!r}")
    if archive.name != archive_name(key):
        raise ArchiveError(f"{archive}: named {archive.name!r} but holds key {key} (expected {archive_name(key)})")
    return meta


def _extract(archive: Path, cache: FigureCache) -> Unpacked:
    """Check ``archive`` and extract its files into a new scratch folder of ``cache`` (removed on failure)."""
    work: Path | None = None
    ok = False
    try:
        with tarfile.open(archive, "r:") as tar:
            members = iter(tar)
            first = next(members, None)
            if first is None:
                raise ArchiveError(f"{archive}: empty archive")
            meta = _read_meta(tar, first, archive)
            outputs: dict[str, str] = meta["outputs"]
            work = cache.new_work_dir(meta["entry"])
            folder = work / "out"
            folder.mkdir()
            seen: set[str] = set()
            for member in members:
                name = member.name[len(FILES) :] if member.name.startswith(FILES) else ""
                if not member.isreg() or name not in outputs or name in seen:
                    what = "a duplicate" if name in seen else "not a listed output file"
                    raise ArchiveError(f"{archive}: member {member.name!r}: {what}")
                seen.add(name)
                src = tar.extractfile(member)
                assert src is not None  # a regular file
                digest, size = _copy_hashing(src, folder / name, meta["bytes"][name])
                if size != meta["bytes"][name]:
                    raise ArchiveError(f"{archive}: {name}: {size} bytes, expected {meta['bytes'][name]}")
                if digest != outputs[name]:
                    raise ArchiveError(f"{archive}: {name}: SHA-256 {digest[:12]}..., expected {outputs[name][:12]}...")
            missing = sorted(set(outputs) - seen)
            if missing:
                raise ArchiveError(f"{archive}: incomplete: missing {', '.join(missing)}")
        ok = True
        return Unpacked(meta["entry"], meta["key"], outputs, folder)
    except (tarfile.TarError, EOFError) as exc:
        raise ArchiveError(f"{archive}: not a whole tar archive ({exc})") from None
    except FileNotFoundError:
        raise ArchiveError(f"{archive}: no such file") from None
    finally:
        if not ok and work is not None:
            shutil.rmtree(work, ignore_errors=True)


def unpack_archives(cache: FigureCache, archives: list[Path]) -> list[str]:
    """Check every archive, then install each entry into ``cache``; returns the entries installed (an entry the
    cache already holds fresh for the same key is left alone). BuildError, with nothing installed, when any
    archive fails a check or two archives hold the same entry."""
    done: list[Unpacked] = []
    errors: list[str] = []
    total = 0
    for archive in archives:  # headers and bounds first: nothing is written while any archive fails them
        try:
            total += _survey(Path(archive))
        except ArchiveError as exc:
            errors.append(str(exc))
    where = next(p for p in (cache.root, *cache.root.parents) if p.exists())
    free = shutil.disk_usage(where).free
    if not errors and (total > MAX_TOTAL_BYTES or total + DISK_MARGIN > free):
        errors.append(
            f"the archives unpack to {total:,} bytes; the limit is {MAX_TOTAL_BYTES:,} and the disk has {free:,} free"
        )
    if errors:
        raise BuildError(
            f"unpack: {len(errors)} problem(s), nothing installed (the cache is as it was):\n  " + "\n  ".join(errors)
        )
    try:
        for archive in archives:
            try:
                done.append(_extract(Path(archive), cache))
            except ArchiveError as exc:
                errors.append(str(exc))
        entries = [u.entry for u in done]
        errors += [f"{e}: in more than one archive" for e in sorted({e for e in entries if entries.count(e) > 1})]
        if errors:
            raise BuildError(
                f"unpack: {len(errors)} problem(s), nothing installed (the cache is as it was):\n  "
                + "\n  ".join(errors)
            )
        installed = []
        for u in done:
            if cache.is_fresh(u.entry, u.key):
                log.info("%-40s already in the cache", u.entry)
                continue
            cache.install(u.entry, u.key, u.folder, u.outputs)
            installed.append(u.entry)
            log.info("%-40s installed (%d files)", u.entry, len(u.outputs))
        return installed
    finally:
        for u in done:
            shutil.rmtree(u.folder.parent, ignore_errors=True)
