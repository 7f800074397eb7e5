"""`make release` (generator/site/extras/release.py): keeps the data, refuses an existing, malformed or older version,
rewrites CITATION.cff; the next build lists the numbers changed since (generator/site/extras/changelog.py)."""

from __future__ import annotations

import json

import pytest
import yaml

from generator.errors import BuildError
from generator.site.extras import changelog, release
from tests.support import catalog_only_project


def test_release_keeps_the_data_and_lists_changes(tmp_path):
    root = catalog_only_project(tmp_path)
    folder = release.make_release(root, "1.0", "First.", today="2026-11-27")
    assert json.loads((folder / "release.json").read_text("utf-8"))["date"] == "2026-11-27"
    with pytest.raises(BuildError, match="already exists"):
        release.make_release(root, "1.0")
    with pytest.raises(BuildError, match="expected MAJOR.MINOR"):
        release.make_release(root, "one")
    from generator.catalog.model import load_catalog
    from generator.site.extras.export import catalog_export

    text = (root / "catalog.yaml").read_text("utf-8")
    models = load_catalog(root / "catalog.yaml").models
    mid, w = next((k, m["window"]) for k, m in models.items() if m.get("window"))  # a sliding-window model
    start = text.index(f"\n  {mid}:\n")
    at = text.index(f"\n    window: {w}\n", start) + 1
    (root / "catalog.yaml").write_text(text[:at] + text[at:].replace(f"    window: {w}\n", f"    window: {w // 2}\n", 1))
    history = changelog.load_history(root)
    changes = changelog.changes_since_release(history, catalog_export(load_catalog(root / "catalog.yaml")))
    by_path = {c.path: c for c in changes}
    window = by_path[f"catalog.models.{mid}.window"]
    assert (window.old, window.new) == (w, w // 2)
    assert window.label == f"{models[mid]['name']}: window tokens"
    assert f"derived.{mid}.receptive_field" in by_path  # derived numbers follow
    with pytest.raises(BuildError, match="not newer"):
        release.make_release(root, "0.9")
    release.make_release(root, "1.1", today="2026-12-02")
    cff = yaml.safe_load((root / "CITATION.cff").read_text("utf-8"))
    assert cff["version"] == "1.1" and cff["date-released"] == "2026-12-02"
