"""Captions, pacing and steps (generator/render/captions.py): every cue of a scene is readable (at most 20
characters a second, at least 1.5 s), a scene with a cue too fast is refused by the build, chapters tile the video
one per cue, and WebVTT and SRT carry the same cues."""

from __future__ import annotations

import pytest
import yaml

from generator.errors import BuildError
from generator.render.captions import (
    CUE_MAX_CPS,
    CUE_MIN_SECONDS,
    CaptionPaceError,
    chapter_spans,
    chapters_text,
    chapters_webvtt,
    check_pacing,
    clock,
    cue_seconds,
    pacing_numbers,
)
from generator.render.probe import SRT_TIMING as _SRT
from generator.render.probe import VTT_TIMING, parse_cues
from generator.render.probe import VTT_TIMING as _VTT
from generator.site.assembly.build import build
from generator.util.project import BuildPaths
from tests.support import parse_vtt
from tests.tinyproject import CHART, make_tiny_project, tree_digest

FAST = "This caption has far too many characters to read in the little time the scene leaves it up."


def test_the_rule():
    assert (CUE_MAX_CPS, CUE_MIN_SECONDS) == (20.0, 1.5)
    assert cue_seconds("short") == 1.5
    assert cue_seconds("x" * 100) == 5.0
    check_pacing("figures/scenes/ok.py", [(0.0, 1.5, "short"), (1.5, 6.5, "x" * 100)])


@pytest.mark.parametrize("cue", [(0.0, 1.2, "short"), (2.0, 6.0, "x" * 81)])
def test_a_fast_cue_is_refused_with_file_and_text(cue):
    with pytest.raises(CaptionPaceError) as err:
        check_pacing("figures/scenes/fast.py", [(0.0, 2.0, "fine"), cue])
    msg = str(err.value)
    assert msg.startswith("figures/scenes/fast.py: caption cue 2 ")
    assert repr(cue[2]) in msg and "\n" not in msg


def test_chapters_tile_the_video_one_per_cue():
    cues = [(0.8, 4.0, "First step."), (4.0, 9.5, "Second step."), (9.5, 65.0, "Third.")]
    titles = ["One", "Two & <b>", "Three"]
    assert chapter_spans(cues, 66.0) == [(0.0, 4.0), (4.0, 9.5), (9.5, 66.0)]
    vtt = chapters_webvtt(cues, titles, 66.0)
    parsed = parse_cues(vtt, VTT_TIMING)
    assert [(s, e) for s, e, _ in parsed] == [(0.0, 4.0), (4.0, 9.5), (9.5, 66.0)]
    assert "Two &amp; &lt;b>" in vtt
    assert chapters_text(cues, titles, 66.0) == "0:00 One\n0:04 Two & <b>\n0:09 Three\n"
    assert clock(3723.9) == "1:02:03"
    assert pacing_numbers(cues) == {"cues": 3, "min_seconds": 3.2, "max_cps": round(len("First step.") / 3.2, 2)}

SCENE = '''
from figures.style import BLUE, RaceScene, T_HOLD, box


class PaceCheck(RaceScene):
    def construct(self):
        self.title("Pacing")
        self.add(box(3, 2, color=BLUE, fill=BLUE))
        self.caption("The model's step.", title="Model's first")
        self.caption({second!r}, title="Second")
        {end}
'''

PAGE = """---
title: Pace
---
# Pace

{{ figure('pace_check') }}
"""


def _project(tmp_path):
    root = make_tiny_project(tmp_path / "proj", figures=(CHART,))
    cat = yaml.safe_load((root / "catalog.yaml").read_text("utf-8"))
    text = (root / "catalog.yaml").read_text("utf-8")
    entry = {"pace_check": {"kind": "scene", "title": "Pace check", "alt": "Animation: two captioned steps.",
                            "reads": list(cat["figures"][CHART]["reads"])}}
    text = text.rstrip("\n") + "\n" + "\n".join("  " + ln for ln in yaml.safe_dump(entry).splitlines()) + "\n"
    (root / "catalog.yaml").write_text(text, "utf-8")
    (root / "docs" / "index.md").write_text(PAGE, "utf-8")
    return root


def _scene(root, second: str, end: str) -> None:
    (root / "figures" / "scenes" / "pace_check.py").write_text(SCENE.format(second=second, end=end), "utf-8")


@pytest.mark.slow
def test_build_refuses_a_scene_with_a_cue_too_fast_to_read(tmp_path):
    root = _project(tmp_path)
    paths = BuildPaths(root=root)
    _scene(root, FAST, "self.hold_caption(T_HOLD)")
    build(paths, quality="draft")
    site = paths.site
    vtt = (site / "figures" / "pace_check.vtt").read_text("utf-8")
    chapters = (site / "figures" / "pace_check.chapters.vtt").read_text("utf-8")
    cues, chaps = parse_cues(vtt, VTT_TIMING), parse_cues(chapters, VTT_TIMING)
    assert [c[2] for c in chaps] == ["Model\u2019s first", "Second"] and len(cues) == 2
    # caption() records the cue as the article sets text (format.curly_quotes): tracks, kit files and page agree.
    assert cues[0][2] == "The model\u2019s step." and "'" not in vtt
    check_pacing("pace_check", cues)  # caption() held the first step until it was readable
    html = (site / "index.html").read_text("utf-8")
    assert '<track kind="chapters"' in html and "pace_check.chapters.vtt" in html

    before_site, before_cache = tree_digest(site), tree_digest(paths.cache / "figures")
    _scene(root, FAST, "self.wait(1.0)")  # the last step ends before its text can be read
    with pytest.raises(BuildError) as err:
        build(paths, quality="draft")
    msg = str(err.value)
    assert "figures/scenes/pace_check.py: caption cue 2 " in msg and FAST in msg and "too fast to read" in msg
    assert tree_digest(site) == before_site and tree_digest(paths.cache / "figures") == before_cache


def test_webvtt_format():
    from generator.render.captions import description, webvtt
    vtt = webvtt([(0.0, 1.5, "a <b> & c --> d"), (1.5, 3661.25, "second")])
    assert vtt.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\na &lt;b> &amp; c \u2192 d\n")
    assert "01:01:01.250" in vtt
    assert parse_vtt(vtt)[1] == (1.5, 3661.25, "second")
    assert description([(0, 1, "One"), (1, 2, "Two.")]) == "One. Two."


def test_srt_and_vtt_carry_the_same_cues():
    from generator.render.captions import srt, webvtt
    cues = [(0.0, 1.5, "one --> two"), (1.5, 3661.25, "second & <b>")]
    s = srt(cues)
    assert s == "1\n00:00:00,000 --> 00:00:01,500\none \u2192 two\n\n2\n00:00:01,500 --> 01:01:01,250\nsecond & <b>\n"
    assert [(a, b) for a, b, _ in parse_cues(s, _SRT)] == [(a, b) for a, b, _ in parse_cues(webvtt(cues), _VTT)]
