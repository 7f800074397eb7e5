"""The charts' house style (figures/chart_style.py): every palette token is drawn in its own sentinel colour, which
generator/render/svg.py turns into the token's CSS variable (the palette itself: tests/figures/test_palette.py; the
labels: tests/figures/test_labels.py)."""

from __future__ import annotations

import re

from figures import chart_style as cs
from figures import palette


def test_every_token_has_its_own_sentinel():
    assert set(v for v, _ in cs.SENTINELS.values()) == set(palette.THEME_VARS)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", s) for s in cs.SENTINELS)
    assert len(set(cs.SENTINELS)) == len(palette.THEME_VARS)
    for sentinel, (var, fallback) in cs.SENTINELS.items():
        assert fallback == palette.THEME_VARS[var]["light"] and sentinel != fallback, var
