"""One MP4 per step (generator/media/steps.py): cut at the chapters by stream copy (no encoding), once, and again
when the source changes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
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

    def fake_cut(fig_id, mp4, meta, chapters, fps, height, work):
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


def _keyed_video(path: Path, fps: int, frames: int, keys: set[int]) -> list[np.ndarray]:
    """A small H.264 video from the project's encoder, keyframes forced at ``keys``; returns its frames (RGB)."""
    from generator.render.encode import H264
    from generator.render.specs import X264_PUBLISH
    enc = H264(path, 64, 48, fps, X264_PUBLISH)
    for i in range(frames):
        img = np.zeros((48, 64, 4), np.uint8)
        img[..., 3] = 255
        img[:, : (i * 5) % 64, 0] = 200
        img[10:30, 20:40, 1] = (i * 9) % 255
        enc.add(img, 1, key=i in keys)
    enc.close()
    import av
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def test_steps_are_cut_by_stream_copy(tmp_path, monkeypatch):
    """Each step clip is the landscape MP4's own packets from the keyframe at its chapter start to the next one:
    no encoder is opened (encoding is made to fail here), the clips' frames are the source's frames exactly and
    their packets the source's bytes. A source without a keyframe at a chapter start is refused with what to do."""
    import av

    from generator.media import steps
    fps, keys = 10, {0, 13, 27}
    src = tmp_path / "s.mp4"
    frames = _keyed_video(src, fps, 40, keys)
    meta = {"spec": {"fps": fps, "width": 64, "height": 48},
            "chapters": [{"start": 0.0, "end": 1.3}, {"start": 1.3, "end": 2.7}, {"start": 2.7, "end": 4.0}],
            "cues": [{"text": f"Step {n}.", "title": f"S{n}"} for n in (1, 2, 3)]}

    def no_encoding(*_a, **_k):
        raise AssertionError("the cut encoded")

    monkeypatch.setattr(av.container.OutputContainer, "add_stream", no_encoding)
    monkeypatch.setattr(av.VideoFrame, "reformat", no_encoding)
    files = steps.cut_steps("s", src, meta, tmp_path / "steps")
    monkeypatch.undo()
    assert [f["frames"] for f in files.values()] == [13, 14, 13]
    with av.open(str(src)) as c:
        source_packets = [bytes(p) for p in c.demux(video=0) if p.size]
    clip_packets, at = [], 0
    for name, info in files.items():
        with av.open(str(tmp_path / "steps" / name)) as c:
            clip_packets += [bytes(p) for p in c.demux(video=0) if p.size]
        with av.open(str(tmp_path / "steps" / name)) as c:
            got = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
        assert len(got) == info["frames"] and all(np.array_equal(g, frames[at + k]) for k, g in enumerate(got)), name
        at += len(got)
    assert clip_packets == source_packets, "the clips hold the source's packets, byte for byte"
    bad = tmp_path / "bad.mp4"
    _keyed_video(bad, fps, 40, {0})
    with pytest.raises(steps.StepCutError, match="no keyframe where step\\(s\\) 2, 3 start.*render s again"):
        steps.cut_steps("s", bad, meta, tmp_path / "bad-steps")
