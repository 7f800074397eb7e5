"""`make check` runs every layout check that needs no video (generator/render/layout_check.py; issue 22, item 9):
a name that makes a chart's labels collide fails `make check` in one line, where it used to pass check and fail
`make site` after rendering with the render worker's traceback; the build's own refusal is one line too."""

from __future__ import annotations

import logging
import re

import pytest

from generator import cli
from generator.errors import BuildError, LayoutError
from generator.site.assembly.build import build
from generator.site.assembly.check import check_project
from generator.util.project import BuildPaths
from tests.tinyproject import CHART, SCENE, legibility_project, make_tiny_project

PAGE = "# T\n\n{{ figure('%s') }}\n"


def _colliding(tmp_path):
    """A project whose chart's labels collide: every model's name grows by a long word."""
    root = make_tiny_project(tmp_path / "p", figures=(CHART,))
    (root / "docs" / "index.md").write_text(PAGE % CHART, "utf-8")
    cat = root / "catalog.yaml"
    text = re.sub(r"(\n    short_label: )[^\n]*", lambda m: m.group(1) + "W" * 40, cat.read_text("utf-8"))
    text = re.sub(r"(\n    name: )([^\n]*)", lambda m: m.group(1) + m.group(2) + " " + "W" * 30, text)
    cat.write_text(text, "utf-8")
    return root


def test_colliding_labels_fail_check_in_one_line(tmp_path, capsys):
    root = _colliding(tmp_path)
    with pytest.raises(LayoutError) as info:
        check_project(root)
    msg = str(info.value)
    assert msg.startswith(f"figures/charts/{CHART}.py (") and "text collides" in msg and "\n" not in msg
    assert cli.main(["check", "--root", str(root)]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "text collides" in err[0] and "Traceback" not in err[0], err
    # Unchanged inputs: the kept result answers, no process is started.
    with pytest.raises(LayoutError):
        check_project(root)
    assert (root / ".cache" / "layout-check" / f"{CHART}.json").exists()


@pytest.mark.slow
def test_the_build_refuses_colliding_labels_in_one_line(tmp_path, caplog):
    root = _colliding(tmp_path)
    caplog.set_level(logging.INFO)
    with pytest.raises(BuildError) as info:
        build(BuildPaths(root=root), quality="draft")
    assert "text collides" in str(info.value)
    assert not any("Traceback" in r.getMessage() for r in caplog.records)
    assert not (root / "site").exists()


@pytest.mark.slow
def test_check_plays_every_scene_in_both_frames(tmp_path):
    root = make_tiny_project(tmp_path / "p")
    report = check_project(root)
    assert report.layouts == 2  # the chart and the scene (landscape and portrait)
    kept = (root / ".cache" / "layout-check" / f"{SCENE}.json").read_text("utf-8")
    assert '"issues": []' in kept


@pytest.mark.parametrize("case", ["small label", "empty step end"])
def test_check_refuses_small_text_and_a_step_ending_on_nothing(tmp_path, case):
    """The legibility rules need no video: `make check`'s dry run of the scene (both frames) refuses a label too
    small to read where the page shows it and a step that ends on an empty frame, as the build would."""
    if case == "small label":
        root = legibility_project(tmp_path, "tiny print", 12, "self.wait(1)")
    else:
        root = legibility_project(tmp_path, "a label", 20, "self.play(FadeOut(*self.mobjects[1:]))")
    with pytest.raises(LayoutError) as info:
        check_project(root)
    msg = str(info.value)
    assert msg.startswith("figures/scenes/legibility_check.py (landscape): layout refused: ") and "\n" not in msg
    assert ("'tiny print' is too small to read" if case == "small label" else "ends on an empty frame") in msg, msg
