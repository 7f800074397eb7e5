"""`make release` (generator/site/extras/release.py): keeps the data, refuses an existing, malformed or older version,
rewrites CITATION.cff; the next build lists the numbers changed since (generator/site/extras/changelog.py)."""

from __future__ import annotations

import json
import re

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


def test_updates_list_changed_values_and_count_added_ones(tmp_path):
    """The page lists the numbers whose value changed (old → new) or that are gone; numbers added since the release
    are one sentence counting them by kind, linking data/changes.json, which holds every change (added ones too)."""
    old = {"catalog": {"models": {"m": {"name": "M <1>", "params": 7}}, "facts": {"f": {"text": "F", "value": 3}}}}
    new = {
        "catalog": {
            "models": {"m": {"name": "M <1>", "params": 8, "layers": 32}, "n": {"name": "N", "params": 1}},
            "hardware": {"h": {"name": "H", "memory": 80}},
        },
        "derived": {"m": {"weight_bytes": {"bf16": 16}}},
    }
    changes = changelog.number_changes(old, new)
    last = changelog.Release("1.0", "2026-11-27", "", tmp_path / "catalog.json")
    history = changelog.History([], [last])
    page = str(changelog.updates_section(history, changes))
    rows = re.findall(r'<li data-rs-path="([^"]+)">(.*?)</li>', page)
    assert [p for p, _ in rows] == ["catalog.facts.f.value", "catalog.models.m.params"]
    assert "M <1>" not in page and "M &#60;1&#62;: parameters: " in page  # catalog text through the escaper
    assert "new: " not in page
    plain = re.sub(r"<[^>]+>", "", page)
    assert "4 numbers were added (2 model values, 1 hardware value and 1 derived value)" in plain
    assert f'<a href="{changelog.CHANGES_FILE}">' in page
    published = json.loads(changelog.changes_file(history, changes)[changelog.CHANGES_FILE])
    assert published["since"] == {"version": "1.0", "date": "2026-11-27"}
    assert {r["path"]: (r["old"], r["new"]) for r in published["changes"]} == {c.path: (c.old, c.new) for c in changes}
    assert ("catalog.hardware.h.memory", None, 80) in [(r["path"], r["old"], r["new"]) for r in published["changes"]]
    only_added = changelog.number_changes(new, {**new, "catalog": {**new["catalog"], "formats": {"x": {"bits": 4}}}})
    plain = re.sub(r"<[^>]+>", "", str(changelog.updates_section(history, only_added)))
    assert "No number of version 1.0 has changed." in plain and "1 number was added (1 number-format value)" in plain
    assert changelog.changes_file(changelog.History([], []), changes) == {}
