"""The history (generator/site/extras/changelog.py): CHANGELOG.yaml errors name file, line and field."""

from __future__ import annotations

import pytest

from generator.errors import BuildError
from generator.site.extras import changelog
from tests.support import catalog_only_project


def test_changelog_errors_name_file_line_and_field(tmp_path):
    root = catalog_only_project(tmp_path)
    (root / "CHANGELOG.yaml").write_text("# notes\n- date: 2026-12-01\n  what: ok\n  why: ok\n"
                                         "- date: yesterday\n  what: ok\n  why: ok\n", "utf-8")
    with pytest.raises(BuildError, match=r"CHANGELOG.yaml:5: entry 2: date: expected YYYY-MM-DD, found 'yesterday'"):
        changelog.load_changelog(root)
    (root / "CHANGELOG.yaml").write_text("- date: 2026-12-01\n  what: ''\n  why: ok\n", "utf-8")
    with pytest.raises(BuildError, match=r"CHANGELOG.yaml:1: entry 1: what: expected a non-empty sentence"):
        changelog.load_changelog(root)
