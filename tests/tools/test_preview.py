"""`python -m generator preview SCENE`: a scene outside a build gets exactly the data a render gives it, through
RACE_FIGURE_DATA; a scene never loads the catalog itself."""

from __future__ import annotations

import json

import pytest

from generator.errors import BuildError
from generator.render.registry import registry
from generator.tools.preview import scene_command


def test_the_preview_writes_the_render_data_and_runs_manim_on_the_scene(tmp_path, catalog, root):
    data_file = tmp_path / "data.json"
    cmd = scene_command(root, root / "catalog.yaml", "tower_growth", data_file, [])
    fig = registry(catalog, root / "figures")["tower_growth"]
    assert json.loads(data_file.read_text("utf-8")) == json.loads(json.dumps(fig.data(catalog)))
    assert cmd[-2:] == [str(fig.source), "TowerGrowth"] and "-ql" in cmd
    assert cmd[cmd.index("--media_dir") + 1] == str(root / "build" / "preview"), "never into media/"
    with pytest.raises(BuildError, match="not a scene"):
        scene_command(root, root / "catalog.yaml", "params_over_time", data_file, [])


def test_a_scene_without_its_data_says_how_to_preview(monkeypatch):
    from figures import style

    monkeypatch.delenv(style.DATA_ENV, raising=False)
    with pytest.raises(RuntimeError, match="python -m generator preview the_wall"):
        style._load_data("the_wall")
