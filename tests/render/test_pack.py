"""Unpacking a render farm archive writes nothing it has not bounded first (issue 22, item 8): a sparse member (a
tar bomb: a few KB that unpack to a GiB), a size in a header that differs from entry.json, or sizes that add up to
more than the archive holds are refused before any file is written, and nothing is installed."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from generator.errors import BuildError
from generator.render import pack
from generator.render.cache import FigureCache

KEY = "ab" * 32


def _meta(sizes: dict[str, int], digests: dict[str, str]) -> bytes:
    doc = {"format": pack.FORMAT, "entry": "fig", "key": KEY, "outputs": digests, "bytes": sizes}
    return (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode()


def _tar(path: Path, members: list[tuple[str, bytes, int | None]]) -> Path:
    """A tar of (name, data, header size or None for len(data))."""
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data, size in members:
            info = tarfile.TarInfo(name)
            info.size = len(data) if size is None else size
            tar.addfile(info, io.BytesIO(data + b"\0" * max(0, info.size - len(data))))
    return path


def _state(cache_root: Path) -> list[str]:
    return sorted(p.relative_to(cache_root).as_posix() for p in cache_root.rglob("*")) if cache_root.exists() else []


def _refused(tmp_path: Path, archive: Path, message: str) -> None:
    cache = FigureCache(tmp_path / "cache")
    with pytest.raises(BuildError) as err:
        pack.unpack_archives(cache, [archive])
    assert message in str(err.value) and "nothing installed" in str(err.value), err.value
    assert _state(tmp_path / "cache") == []  # not a byte written: no scratch folder, no manifest


@pytest.mark.skipif(shutil.which("tar") is None, reason="GNU tar makes the sparse archive")
@pytest.mark.parametrize("fmt", ["gnu", "pax"])
def test_a_sparse_member_is_refused_before_anything_is_written(tmp_path, fmt):
    src = tmp_path / "src"
    (src / "files").mkdir(parents=True)
    size = 1 << 30  # 1 GiB of holes
    with open(src / "files" / "fig.mp4", "wb") as f:
        f.truncate(size)
    zeros = hashlib.sha256()
    block = b"\0" * (1 << 24)
    for _ in range(size // len(block)):
        zeros.update(block)
    (src / "entry.json").write_bytes(_meta({"fig.mp4": size}, {"fig.mp4": zeros.hexdigest()}))
    archive = tmp_path / f"{KEY}.tar"
    subprocess.run(["tar", f"--format={fmt}", "--sparse", "-cf", str(archive), "-C", str(src), "entry.json",
                    "files/fig.mp4"], check=True)
    assert archive.stat().st_size < 100_000  # the bomb: a few KB
    _refused(tmp_path, archive, "a sparse file")


def test_a_header_size_that_differs_from_the_record_is_refused_unwritten(tmp_path):
    data = b"x" * 4096
    digest = hashlib.sha256(data).hexdigest()
    archive = _tar(tmp_path / f"{KEY}.tar", [
        ("entry.json", _meta({"fig.mp4": 10}, {"fig.mp4": digest}), None),
        ("files/fig.mp4", data, None),
    ])
    _refused(tmp_path, archive, "fig.mp4: 4096 bytes in the tar, 10 in entry.json")


def test_sizes_beyond_the_archive_or_the_limits_are_refused(tmp_path, monkeypatch):
    data = b"y" * 50_000
    digest = hashlib.sha256(data).hexdigest()
    members = [("entry.json", _meta({"fig.mp4": len(data)}, {"fig.mp4": digest}), None), ("files/fig.mp4", data, None)]
    archive = _tar(tmp_path / f"{KEY}.tar", members)
    monkeypatch.setattr(pack, "MAX_FILE_BYTES", 10_000)
    _refused(tmp_path, archive, "more than the limit of 10,000")
    monkeypatch.setattr(pack, "MAX_FILE_BYTES", 1 << 30)
    monkeypatch.setattr(pack, "MAX_TOTAL_BYTES", 20_000)
    _refused(tmp_path, archive, "the limit is 20,000")
    monkeypatch.setattr(pack, "MAX_TOTAL_BYTES", 1 << 30)
    # The header claims more than the archive holds (the data cut short): refused before reading it.
    cut = tmp_path / "cut" / archive.name
    cut.parent.mkdir()
    cut.write_bytes(archive.read_bytes()[:20_000])
    _refused(tmp_path, cut, str(cut))
    # The same archive whole installs.
    cache = FigureCache(tmp_path / "ok")
    assert pack.unpack_archives(cache, [archive]) == ["fig"]
    assert (cache.out_dir("fig") / "fig.mp4").read_bytes() == data
