"""The scenes' house style (figures/style.py, figures/legibility.py): its number labels, its type scale and the
legibility rules, which a build enforces: a scene with text too small to read where the page shows it, or a step
ending on an empty frame, is refused, naming the scene file and the text or the step (a tiny scene in a tiny
project)."""

from __future__ import annotations

import pytest


def test_number_formats():
    from figures.style import bytes_label, num, params_label, power_of_ten
    assert num(131072) == "131,072" and num(2.039) == "2.039" and num(7.63, 1) == "7.6" and num(20.0) == "20"
    assert [params_label(x) for x in (117.0e6, 1.542e9, 175.0e9, 405.85e9)] == ["117M", "1.542B", "175B", "405.85B"]
    assert [params_label(x) for x in (1.0e12, 2.8e12)] == ["1T", "2.8T"]
    assert bytes_label(6_442_450_944) == "6.44 GB" and bytes_label(24_965_120) == "25 MB"
    assert power_of_ten(10**12) == "10¹²" and power_of_ten(36) is None


def test_the_type_scale_is_measured_and_reads_in_both_orientations():
    """EM_PER_FONT_SIZE is Inter's: text("H", 100) is a cap height (0.7275 em) of 100 font-size points tall. The
    smallest house size reads in both frames where the page shows them; anything smaller does not."""
    from figures.legibility import MIN_STROKE_PX, MIN_TEXT_PX
    from figures.style import EM_PER_FONT_SIZE, HAIRLINE, LANDSCAPE, SMALL_SIZE, Layout, font_size_now, text
    h = text("H", 100)
    assert abs(h.height / 100 / 0.7275 - EM_PER_FONT_SIZE) < 0.0001
    portrait = Layout.for_frame(8.0, 10.0)
    for lay in (LANDSCAPE, portrait):
        assert lay.text_px(SMALL_SIZE) >= MIN_TEXT_PX and lay.stroke_px(HAIRLINE) >= MIN_STROKE_PX
    assert portrait.text_px(SMALL_SIZE * 0.95) < MIN_TEXT_PX, "SMALL is the floor in portrait: no shrinking below"
    assert portrait.stroke_px(1.0) < MIN_STROKE_PX
    t = text("scaled", 20).scale(0.5)
    assert abs(font_size_now(t) - 10) < 0.01 and abs(font_size_now(t.rotate(1.5708)) - 10) < 0.01


@pytest.mark.slow
@pytest.mark.parametrize("case", ["small label", "empty step end"])
def test_the_build_refuses_small_text_and_a_step_ending_on_nothing(tmp_path, case):
    """A label drawn at font size 12 (7.8 CSS px in the landscape column, 7.5 on a phone) or a step whose last frame
    is empty (its content faded out before the next step began) fails the build, naming the scene file, the text or
    the step, and what the rule is."""
    from generator.errors import BuildError
    from generator.site.assembly.build import build
    from generator.util.project import BuildPaths
    from tests.tinyproject import legibility_project
    if case == "small label":
        root = legibility_project(tmp_path, "tiny print", 12, "self.wait(1)")
    else:
        root = legibility_project(tmp_path, "a label", 20, "self.play(FadeOut(*self.mobjects[1:]))")
    with pytest.raises(BuildError) as err:
        build(BuildPaths(root=root), quality="draft")
    msg = str(err.value)
    assert "figures/scenes/legibility_check.py" in msg and "layout refused" in msg, msg
    if case == "small label":
        assert "'tiny print' is too small to read" in msg and "the rule is at least 11 px" in msg, msg
    else:
        assert "step 1 'A label' ends on an empty frame" in msg and "exits belong at the start" in msg, msg
