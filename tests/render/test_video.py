"""The encoders' colour handling (generator/render/video.py): straight alpha undoes the composite."""

from __future__ import annotations

import numpy as np


def test_straight_alpha_undoes_the_composite():
    """Manim composites over the background even with a transparent one; the LUT recovers the straight colour."""
    from generator.render.encode import straight_alpha_lut
    bg = (20, 22, 27)
    luts = straight_alpha_lut(bg)
    rng = np.random.default_rng(0)
    colour = rng.integers(0, 256, (1000, 3))
    alpha = rng.integers(1, 256, 1000)
    composite = np.rint(colour * alpha[:, None] / 255 + np.array(bg) * (255 - alpha[:, None]) / 255).astype(int)
    straight = np.stack([luts[c][alpha, composite[:, c]] for c in range(3)], axis=1).astype(int)
    # Recomposited, the straight colour gives the original pixel back (to rounding).
    again = np.rint(straight * alpha[:, None] / 255 + np.array(bg) * (255 - alpha[:, None]) / 255)
    assert np.abs(again - composite).max() <= 1
    opaque = alpha == 255
    assert (straight[opaque] == composite[opaque]).all()
    assert all((luts[c][0] == 0).all() for c in range(3)), "fully transparent pixels are black, not background"
