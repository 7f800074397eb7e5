"""Content-addressed cache of rendered figures, safe against killed builds.

Layout under the cache folder (default .cache/):
  figures/<id>/...      the last successful outputs of each figure
  manifest.json         {"figures": {id: {"key": sha256, "outputs": {name: sha256}}}}, sorted, written atomically

A figure is fresh when its key (hash of every input) equals the manifest's and every recorded output still has its
recorded hash. Outputs are rendered into a temporary folder, then swapped in by rename, and the manifest records
the new key only after that. A build killed at any point therefore leaves either the old entry (re-rendered next
time, since the key or the hashes disagree) or the new one, never a half-written asset that looks fresh.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def atomic_write(path: Path, data: bytes | str) -> bool:
    """Write ``data`` to ``path`` via a temp file and rename; skip the write if the bytes are unchanged.

    Returns True if the file was (re)written.
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
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
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


class FigureCache:
    """The manifest of rendered figures and their output folders."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.figures_dir = self.root / "figures"
        self.manifest_path = self.root / "manifest.json"
        self.tmp_dir = self.root / "tmp"
        self.manifest: dict[str, Any] = {"figures": {}}
        try:
            loaded = json.loads(self.manifest_path.read_text("utf-8"))
            if isinstance(loaded, dict) and isinstance(loaded.get("figures"), dict):
                self.manifest = loaded
        except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
            pass  # a missing or corrupt manifest just means everything is stale

    def out_dir(self, fig_id: str) -> Path:
        return self.figures_dir / fig_id

    def is_fresh(self, fig_id: str, key: str) -> bool:
        entry = self.manifest["figures"].get(fig_id)
        if not entry or entry.get("key") != key:
            return False
        folder = self.out_dir(fig_id)
        outputs = entry.get("outputs") or {}
        if not outputs:
            return False
        for name, digest in outputs.items():
            p = folder / name
            try:
                if sha256_file(p) != digest:
                    return False
            except FileNotFoundError:
                return False
        return True

    def new_work_dir(self, fig_id: str) -> Path:
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=self.tmp_dir, prefix=f"{fig_id}-"))

    def commit(self, fig_id: str, key: str, rendered: Path) -> dict[str, str]:
        """Move a successful render into place, then record its key and output hashes."""
        outputs = {p.name: sha256_file(p) for p in sorted(rendered.iterdir()) if p.is_file()}
        self.figures_dir.mkdir(parents=True, exist_ok=True)
        replace_dir(rendered, self.out_dir(fig_id))
        self.manifest["figures"][fig_id] = {"key": key, "outputs": outputs}
        self.save()
        return outputs

    def save(self) -> None:
        data = {"figures": {k: self.manifest["figures"][k] for k in sorted(self.manifest["figures"])}}
        atomic_write(self.manifest_path, json.dumps(data, indent=1, sort_keys=True) + "\n")

    def prune(self, keep: set[str]) -> None:
        """Forget figures no longer in the registry and clear leftovers of killed renders."""
        for fig_id in list(self.manifest["figures"]):
            if fig_id not in keep:
                del self.manifest["figures"][fig_id]
                shutil.rmtree(self.out_dir(fig_id), ignore_errors=True)
        if self.figures_dir.exists():
            for d in self.figures_dir.iterdir():
                if d.name.endswith(".old") or (d.is_dir() and d.name not in keep):
                    shutil.rmtree(d, ignore_errors=True)
        shutil.rmtree(self.tmp_dir, ignore_errors=True)
        self.save()
