"""Loading a scene (generator/render/scenes.py): the class named after the id, no LaTeX, and a clean error for an
unknown scene."""

from __future__ import annotations

import re

import pytest

from tests.support import ROOT, SCENE_IDS


@pytest.mark.parametrize("fig_id", SCENE_IDS)
def test_scene_class_and_no_latex(fig_id):
    from figures.style import RaceScene
    from generator.render.scenes import class_name, load_scene_class
    cls = load_scene_class(fig_id)
    assert cls.__name__ == class_name(fig_id) and issubclass(cls, RaceScene)
    src = (ROOT / "figures" / "scenes" / f"{fig_id}.py").read_text("utf-8")
    assert not re.search(r"\b(MathTex|Tex|Tex[A-Z]\w*)\(", src), "scenes use Text (Pango), never LaTeX"


def test_unknown_scene_fails_cleanly(tmp_path):
    from generator.render.scenes import SceneRenderError
    from generator.render.specs import site_spec
    from generator.render.video import render_media
    with pytest.raises(SceneRenderError, match="no scene file"):
        render_media("no_such_scene", {}, site_spec("draft"), tmp_path / "out", tmp_path / "work")
    with pytest.raises(SceneRenderError, match="snake_case"):
        render_media("../x", {}, site_spec("draft"), tmp_path / "out", tmp_path / "work")
    with pytest.raises(ValueError, match="unknown quality"):
        site_spec("4k-ultra")
    assert not (tmp_path / "out").exists(), "nothing is written on failure"
