"""The render pool's progress (generator/render/progress.py): a scene's frames out of the frames it will have (its
length times the frame rate, from the cache, `make check`'s dry run, or one dry run beside its renders), with the
time left; off a terminal, numbered lines (never "[../13]") and a scene's frames every tenth."""

from __future__ import annotations

import json
import logging
import threading

import pytest

from generator.render import progress
from generator.render.cache import FigureCache
from generator.render.progress import Display, Timelines, expected_frames


def test_expected_frames_come_from_this_version_of_the_scene_only(tmp_path):
    """A length is recorded under the scene's timeline key (by a render in any frame, or make check's dry run) and
    read for that key only: a length another version of the scene recorded (a step added since) is never used."""
    cache = FigureCache(tmp_path / ".cache")
    assert expected_frames(cache, "t1", 60) is None
    progress.remember_length(cache, "t1", 40.0)
    assert expected_frames(cache, "t1", 60) == 2400
    assert expected_frames(cache, "t1", 15) == 600  # one timeline, any frame rate
    progress.remember_length(cache, "t2", 33.2)  # the scene edited: a new key, its own length
    assert expected_frames(cache, "t2", 60) == 1992
    assert expected_frames(cache, "t1", 60) == 2400
    progress.remember_length(cache, "t3", None)  # a failed dry run records nothing
    assert expected_frames(cache, "t3", 60) is None


def test_off_a_terminal_every_line_is_numbered_and_a_scene_reports_its_tenths(caplog):
    caplog.set_level(logging.INFO, logger="render")
    display = Display(total=13, done=7, live=False)
    task = display.start("s.landscape-1920x1080-60", "scene", 1000)
    chart = display.start("c", "chart", None)
    for n in range(1, 1001):
        display.frames(task, n)
    display.end(task, "s.landscape-1920x1080-60", 12.0, True)
    display.end(chart, "c", 1.0, True)
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0].startswith("[ 8/13] s.landscape-1920x1080-60") and "rendering (scene, 1,000 frames)" in lines[0]
    assert lines[1].startswith("[ 9/13] c ") and lines[1].endswith("rendering (chart)...")
    tenths = [ln for ln in lines if "frames, " in ln]
    assert len(tenths) == 10 and "100/1,000 frames, about" in tenths[0] and "left" in tenths[0], tenths
    assert lines[-2].startswith("[ 8/13] s.landscape") and "rendered in 12.0s" in lines[-2]
    assert lines[-1].startswith("[ 9/13] c ")
    assert not any("[.." in ln for ln in lines)


def test_a_scene_whose_length_is_unknown_is_played_once_for_all_its_renders(tmp_path, monkeypatch):
    played, ready = [], threading.Event()

    def fake(fig_id, data_file, root, env):
        played.append(fig_id)
        ready.wait(10)
        return 41.75

    monkeypatch.setattr(progress, "timeline_seconds", fake)
    display = Display(total=2, done=0, live=False)
    told: dict[str, int] = {}
    display.set_total = lambda task, n: told.__setitem__(task.entry, n)  # type: ignore[method-assign]
    timelines = Timelines(display, tmp_path, {})
    land = display.start("s.landscape", "scene", None)
    port = display.start("s.portrait", "scene", None)
    timelines.subscribe("s", tmp_path / "data.json", 60, land)
    timelines.subscribe("s", tmp_path / "data.json", 30, port)
    ready.set()
    for t in threading.enumerate():
        if t is not threading.current_thread() and t.daemon:
            t.join(10)
    assert played == ["s"] and told == {"s.landscape": 2505, "s.portrait": 1252}
    later = display.start("s.uhd", "scene", None)
    timelines.subscribe("s", tmp_path / "data.json", 60, later)  # known now: told at once
    assert told["s.uhd"] == 2505 and played == ["s"]


def test_a_total_learnt_after_the_render_ended_is_ignored():
    display = Display(total=1, done=0, live=False)
    task = display.start("s.landscape", "scene", None)
    display.end(task, "s.landscape", 1.0, True)
    display.set_total(task, 100)
    assert task.total is None


@pytest.mark.slow
def test_a_dry_run_finds_a_scenes_length(tmp_path, catalog):
    """``timeline_seconds`` plays the scene without drawing (layout_check's timeline job): the length it finds is
    the one the scene's cues end at, which a render's frames follow (length x fps)."""
    import os

    from generator.render.registry import registry
    from generator.render.worker import PARENT_ENV
    from tests.support import ROOT

    fig = next(f for f in registry(catalog).values() if f.kind == "scene")
    data = tmp_path / "data.json"
    data.write_text(json.dumps(fig.data(catalog)), "utf-8")
    env = dict(os.environ, PYTHONHASHSEED="0", **{PARENT_ENV: str(os.getpid())})
    seconds = progress.timeline_seconds(fig.id, data, ROOT, env)
    assert seconds is not None and seconds > 1.5
    assert progress.timeline_seconds("no_such_scene", data, ROOT, env) is None
