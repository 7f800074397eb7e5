"""Content-addressed cache of rendered figures, safe against killed builds.

Layout under the cache folder (default .cache/):
  figures/<entry>/...   the last successful outputs of each entry: a chart or table ``<id>``, or one scene render
                        ``<id>.<spec label>`` (e.g. ``the_wall.landscape-1920x1080-60``), shared by site and kit
  versions/<entry>/<key>/  earlier renders of each entry (at most KEEP_VERSIONS, the least recently used dropped
                        first): changing a value and changing it back renders nothing the second time
  manifest.json         {"figures": {entry: {"key": sha256, "outputs": {name: sha256}}},
                         "versions": {entry: [{"key", "outputs", "used"}]}, "clock": n}, sorted, written atomically

A figure is fresh when its key (hash of every input) equals the manifest's and every recorded output still has its
recorded hash. Outputs are rendered into a temporary folder, then swapped in by rename, and the manifest records
the new key only after that. A build killed at any point therefore leaves either the old entry (re-rendered next
time, since the key or the hashes disagree) or the new one, never a half-written asset that looks fresh.

When a render replaces an entry, the entry's previous folder moves to ``versions/`` (a rename) instead of being
deleted. ``recall(entry, key)`` brings a stored version with that key back (checked against its recorded hashes),
so the pool asks it before rendering a stale entry.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from generator.util.fs import atomic_write, replace_dir, sha256_file

#: Earlier renders kept per entry, besides the current one.
KEEP_VERSIONS = 3


class FigureCache:
    """The manifest of rendered figures and their output folders."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.figures_dir = self.root / "figures"
        self.manifest_path = self.root / "manifest.json"
        self.tmp_dir = self.root / "tmp"
        self.versions_dir = self.root / "versions"
        self.manifest: dict[str, Any] = {"figures": {}}
        try:
            loaded = json.loads(self.manifest_path.read_text("utf-8"))
            if isinstance(loaded, dict) and isinstance(loaded.get("figures"), dict):
                self.manifest = loaded
                if not isinstance(loaded.get("versions"), dict):
                    loaded["versions"] = {}
        except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
            pass  # a missing or corrupt manifest just means everything is stale

    def out_dir(self, fig_id: str) -> Path:
        return self.figures_dir / fig_id

    def version_dir(self, entry: str, key: str) -> Path:
        return self.versions_dir / entry / key

    def _versions(self, entry: str) -> list[dict[str, Any]]:
        return self.manifest.setdefault("versions", {}).setdefault(entry, [])

    def _tick(self) -> int:
        self.manifest["clock"] = int(self.manifest.get("clock", 0)) + 1
        return self.manifest["clock"]

    def _shelve_current(self, entry: str) -> None:
        """Move the entry's current folder to versions/ (recorded, most recently used), dropping the least
        recently used versions beyond KEEP_VERSIONS."""
        current = self.manifest["figures"].get(entry)
        folder = self.out_dir(entry)
        if not current or not folder.is_dir() or not current.get("key"):
            return
        versions = [v for v in self._versions(entry) if v["key"] != current["key"]]
        dest = self.version_dir(entry, current["key"])
        if dest.exists():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(folder, dest)
        versions.append({"key": current["key"], "outputs": current.get("outputs", {}), "used": self._tick()})
        versions.sort(key=lambda v: v["used"])
        while len(versions) > KEEP_VERSIONS:
            dropped = versions.pop(0)
            shutil.rmtree(self.version_dir(entry, dropped["key"]), ignore_errors=True)
        self.manifest["versions"][entry] = versions

    def recall(self, entry: str, key: str) -> bool:
        """Make a stored earlier render of ``entry`` with ``key`` current again, if one is kept and its files still
        have their recorded hashes (a damaged one is dropped). True when the entry is now fresh."""
        version = next((v for v in self._versions(entry) if v["key"] == key), None)
        if version is None:
            return False
        folder = self.version_dir(entry, key)
        outputs = version.get("outputs") or {}
        ok = bool(outputs)
        for name, digest in outputs.items():
            try:
                ok = ok and sha256_file(folder / name) == digest
            except FileNotFoundError:
                ok = False
        self.manifest["versions"][entry] = [v for v in self._versions(entry) if v["key"] != key]
        if not ok:
            shutil.rmtree(folder, ignore_errors=True)
            self.save()
            return False
        self._shelve_current(entry)
        self.figures_dir.mkdir(parents=True, exist_ok=True)
        replace_dir(folder, self.out_dir(entry))
        self.manifest["figures"][entry] = {"key": key, "outputs": outputs}
        self.save()
        return True

    def is_fresh(self, fig_id: str, key: str) -> bool:
        return self.status(fig_id, key) == "fresh"

    def status(self, entry: str, key: str) -> str:
        """``fresh`` (rendered for ``key``, every output intact), ``missing`` (never rendered, or forgotten),
        ``stale`` (rendered for another key: an input changed) or ``damaged`` (an output is gone or changed)."""
        record = self.manifest["figures"].get(entry)
        if not record or not record.get("outputs"):
            return "missing"
        if record.get("key") != key:
            return "stale"
        folder = self.out_dir(entry)
        for name, digest in record["outputs"].items():
            try:
                if sha256_file(folder / name) != digest:
                    return "damaged"
            except FileNotFoundError:
                return "damaged"
        return "fresh"

    def outputs(self, entry: str, key: str) -> dict[str, tuple[Path, str]]:
        """{output name: (file, sha256)} of ``entry`` rendered for ``key`` (an earlier version is recalled first);
        KeyError unless that render is fresh (what a render farm packs: generator/render/pack.py)."""
        status = self.status(entry, key)
        if status != "fresh" and self.recall(entry, key):
            status = "fresh"
        if status != "fresh":
            raise KeyError(f"{entry}: {status} in the cache {self.root}")
        folder = self.out_dir(entry)
        return {
            name: (folder / name, digest) for name, digest in sorted(self.manifest["figures"][entry]["outputs"].items())
        }

    def new_work_dir(self, fig_id: str) -> Path:
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=self.tmp_dir, prefix=f"{fig_id}-"))

    def commit(self, fig_id: str, key: str, rendered: Path) -> dict[str, str]:
        """Move a successful render into place, then record its key and output hashes."""
        outputs = {p.name: sha256_file(p) for p in sorted(rendered.iterdir()) if p.is_file()}
        self._swap_in(fig_id, key, rendered, outputs)
        return outputs

    def install(self, entry: str, key: str, folder: Path, outputs: dict[str, str]) -> None:
        """Move ``folder``, a render made elsewhere (unpacked from a render farm's archive), into place as ``entry``
        for ``key``, if it holds exactly ``outputs`` ({name: sha256}); ValueError naming the first difference
        otherwise, and the cache is left as it was."""
        found = {p.name: p for p in sorted(folder.iterdir())}
        extra = sorted(set(found) - set(outputs))
        missing = sorted(set(outputs) - set(found))
        if extra or missing or not outputs:
            raise ValueError(
                f"{entry}: files differ from the record (missing {missing or 'none'}, extra {extra or 'none'})"
            )
        for name, digest in sorted(outputs.items()):
            if not found[name].is_file() or sha256_file(found[name]) != digest:
                raise ValueError(f"{entry}: {name}: SHA-256 differs from the record")
        self._swap_in(entry, key, folder, dict(outputs))

    def _swap_in(self, entry: str, key: str, folder: Path, outputs: dict[str, str]) -> None:
        """``folder`` becomes the entry's current render (the previous one shelved as a version), then the key."""
        self.figures_dir.mkdir(parents=True, exist_ok=True)
        if self.manifest["figures"].get(entry, {}).get("key") != key:
            self._shelve_current(entry)
        replace_dir(folder, self.out_dir(entry))
        self.manifest["figures"][entry] = {"key": key, "outputs": outputs}
        self.save()

    def save(self) -> None:
        versions = self.manifest.get("versions", {})
        data = {
            "figures": {k: self.manifest["figures"][k] for k in sorted(self.manifest["figures"])},
            "versions": {k: versions[k] for k in sorted(versions) if versions[k]},
            "clock": int(self.manifest.get("clock", 0)),
        }
        atomic_write(self.manifest_path, json.dumps(data, indent=1, sort_keys=True) + "\n")

    def prune(self, keep_ids: set[str]) -> None:
        """Forget entries of figures no longer registered (an entry ``<id>`` or ``<id>.<variant>`` is kept when its
        ``<id>`` is in ``keep_ids``: other qualities' and orientations' renders stay, so switching back is free)
        and clear leftovers of killed renders. Earlier versions of kept entries stay (bounded by KEEP_VERSIONS);
        those of forgotten entries, and version folders the manifest does not list, go."""

        def kept(entry: str) -> bool:
            return entry.split(".", 1)[0] in keep_ids

        for entry in list(self.manifest["figures"]):
            if not kept(entry):
                del self.manifest["figures"][entry]
                shutil.rmtree(self.out_dir(entry), ignore_errors=True)
        if self.figures_dir.exists():
            for d in self.figures_dir.iterdir():
                if d.name.endswith(".old") or (d.is_dir() and d.name not in self.manifest["figures"]):
                    shutil.rmtree(d, ignore_errors=True)
        versions = self.manifest.setdefault("versions", {})
        for entry in list(versions):
            if not kept(entry):
                del versions[entry]
        if self.versions_dir.exists():
            for d in self.versions_dir.iterdir():
                listed = {v["key"] for v in versions.get(d.name, [])}
                if not d.is_dir() or d.name not in versions:
                    shutil.rmtree(d, ignore_errors=True) if d.is_dir() else d.unlink()
                    continue
                for v in d.iterdir():
                    if v.name not in listed:
                        shutil.rmtree(v, ignore_errors=True)
        shutil.rmtree(self.tmp_dir, ignore_errors=True)
        self.save()
