"""Content-addressed cache of rendered figures, safe against killed builds.

Layout under the cache folder (default .cache/):
  figures/<entry>/...   the last successful outputs of each entry: a chart or table ``<id>``, or one scene render
                        ``<id>.<spec label>`` (e.g. ``the_wall.landscape-1920x1080-60``), shared by site and kit
  manifest.json         {"figures": {entry: {"key": sha256, "outputs": {name: sha256}}}}, sorted, written atomically

A figure is fresh when its key (hash of every input) equals the manifest's and every recorded output still has its
recorded hash. Outputs are rendered into a temporary folder, then swapped in by rename, and the manifest records
the new key only after that. A build killed at any point therefore leaves either the old entry (re-rendered next
time, since the key or the hashes disagree) or the new one, never a half-written asset that looks fresh.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from generator.util.fs import atomic_write, replace_dir, sha256_file


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

    def prune(self, keep_ids: set[str]) -> None:
        """Forget entries of figures no longer registered (an entry ``<id>`` or ``<id>.<variant>`` is kept when its
        ``<id>`` is in ``keep_ids``: other qualities' and orientations' renders stay, so switching back is free)
        and clear leftovers of killed renders."""

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
        shutil.rmtree(self.tmp_dir, ignore_errors=True)
        self.save()
