"""The figure registry (generator/render/registry.py): every entry needs its file and every file its entry."""

from __future__ import annotations

import pytest

from generator.catalog.model import load_catalog
from generator.errors import CatalogError
from generator.render.registry import registry
from tests.tinyproject import CHART, make_tiny_project


def test_registry_requires_files_and_entries(tmp_path):
    root = make_tiny_project(tmp_path / "p", figures=(CHART,))
    cat = load_catalog(root / "catalog.yaml")
    assert list(registry(cat, root / "figures")) == [CHART]
    (root / "figures" / "charts" / "orphan_chart.py").write_text("def draw(data):\n    raise SystemExit\n")
    with pytest.raises(CatalogError) as info:
        registry(cat, root / "figures")
    assert "orphan_chart" in str(info.value)
    (root / "figures" / "charts" / "orphan_chart.py").unlink()
    (root / "figures" / "charts" / f"{CHART}.py").unlink()
    with pytest.raises(CatalogError) as info:
        registry(cat, root / "figures")
    assert f"figures/charts/{CHART}.py" in str(info.value) and info.value.line is not None
