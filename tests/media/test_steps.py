"""One MP4 per step (generator/media/steps.py): cut at the chapters, once, and again when the source changes."""

from __future__ import annotations

import pytest

from generator.render.probe import VTT_TIMING as _VTT
from generator.render.probe import parse_cues
from tests.support import kit_files


@pytest.mark.slow
def test_steps_chapters_and_one_mp4_per_step(kit):
    """The kit carries each scene's steps: a WebVTT chapters track, a "0:00 Title" list, and one MP4 per step cut
    from the landscape MP4 (frame-accurate: the steps' frames add up to the whole video's, in chapter order)."""
    out, _, _, manifest = kit
    files = kit_files(manifest)
    land = next(f for f in files if f["role"] == "mp4")
    chapters = parse_cues((out / next(f for f in files if f["role"] == "chapters")["path"]).read_text("utf-8"),
                          _VTT)
    captions = parse_cues((out / next(f for f in files if f["role"] == "vtt")["path"]).read_text("utf-8"), _VTT)
    assert len(chapters) == len(captions) >= 2 and chapters[0][0] == 0.0
    listing = (out / next(f for f in files if f["role"] == "chapters-txt")["path"]).read_text("utf-8").splitlines()
    assert [ln.split(" ", 1)[1] for ln in listing] == [c[2] for c in chapters] and listing[0].startswith("0:00 ")
    steps = sorted((f for f in files if f["role"] == "step"), key=lambda f: f["details"]["step"])
    assert [f["details"]["step"] for f in steps] == list(range(1, len(chapters) + 1))
    assert sum(f["details"]["frames"] for f in steps) == land["details"]["frames"]
    for f, (start, end, title) in zip(steps, chapters, strict=True):
        assert f["details"]["chapter_title"] == title and abs(f["duration"] - (end - start)) < 0.2, f
        assert f["path"].endswith(".mp4") and f["codec"] == "h264"


def test_steps_are_cut_once_and_again_when_the_source_changes(tmp_path, monkeypatch):
    """A kit run reuses the steps it cut while the landscape MP4's bytes and the chapters are the same (the stamp
    read back from steps.json must equal the one computed: it once never did, and every `make media` cut every
    scene again, about 13 minutes of CPU for six scenes)."""
    from generator.media import steps

    calls: list[int] = []

    def fake_cut(fig_id, mp4, meta, chapters, fps, width, height, work):
        calls.append(1)
        name = steps.step_name(fig_id, 1, height, fps)
        (work / name).write_bytes(b"step")
        return {name: {"step": 1}}

    monkeypatch.setattr(steps, "_cut", fake_cut)
    mp4 = tmp_path / "s.mp4"
    mp4.write_bytes(b"landscape")
    meta = {"spec": {"fps": 60, "width": 1920, "height": 1080, "x264": {"crf": 18}},
            "chapters": [{"start": 0.0, "end": 2.5}, {"start": 2.5, "end": 6.0}]}
    out = tmp_path / "steps" / "s.landscape"
    first = steps.cut_steps("s", mp4, meta, out)
    assert steps.cut_steps("s", mp4, meta, out) == first and len(calls) == 1  # reused
    mp4.write_bytes(b"landscape, rendered again")
    steps.cut_steps("s", mp4, meta, out)
    assert len(calls) == 2  # cut again: the source changed
    meta["chapters"][1]["end"] = 6.5
    steps.cut_steps("s", mp4, meta, out)
    assert len(calls) == 3  # and again: the chapters changed
