"""A scene's storyboard stills (generator/site/storyboard.py): one still per step, kept under a derived key that
covers the MP4, the cue times, the frame-picking code and the tools."""

from __future__ import annotations

import numpy as np
import pytest

from generator.site.article import storyboard


@pytest.fixture
def mp4(tmp_path):
    """A 2-second 64x36 MP4 at 10 fps whose grey level rises frame by frame."""
    import av

    path = tmp_path / "scene.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 36, "yuv420p"
        for i in range(20):
            frame = av.VideoFrame.from_ndarray(np.full((36, 64, 3), i * 10, np.uint8), format="rgb24")
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
    return path


META = {"cues": [{"start": 0.0, "end": 1.0, "text": "one"}, {"start": 1.0, "end": 2.0, "text": "two"}],
        "duration": 2.0}


def test_stills_are_kept_until_the_frame_picking_code_changes(tmp_path, mp4, monkeypatch):
    from generator.render import keys

    work = tmp_path / "stills"
    first = storyboard.stills("s", mp4, META, work)
    assert sorted(first) == ["figures/s/step-1.webp", "figures/s/step-2.webp"]
    assert all(p.is_file() for p in first.values())
    again = storyboard.stills("s", mp4, META, work)
    assert again == first, "nothing changed: the same folder, nothing decoded"

    real = keys.file_digest
    monkeypatch.setattr(keys, "file_digest", lambda p: real(p) + ("-edited" if p.name == "storyboard.py" else ""))
    changed = storyboard.stills("s", mp4, META, work)
    assert changed != first and all(p.is_file() for p in changed.values()), "new frame-picking code: new stills"
    assert not any(p.exists() for p in first.values()), "and the stale ones are gone"

    monkeypatch.undo()
    later = dict(META, cues=[dict(META["cues"][0], end=0.5), dict(META["cues"][1], start=0.5)])
    assert storyboard.stills("s", mp4, later, work) != first, "other cue times: other stills"
