"""What each render makes at each quality (generator/render/specs.py)."""

from __future__ import annotations


def test_quality_specs():
    from generator.render.specs import QUALITY_NAMES, SITE_QUALITIES, file_names, kit_specs, site_spec, site_specs
    for q in QUALITY_NAMES:
        specs = kit_specs(q, 4_000_000, prores=True)
        variants = [s.variant for s in specs]
        assert variants[:2] == ["landscape", "portrait"] and variants[-1] == "alpha"
        assert specs[0] == site_spec(q, 4_000_000), "the site's video is the kit's landscape render"
        assert specs[:2] == site_specs(q, 4_000_000), "the site's two renders are the kit's: drawn once each"
        assert specs[0].prores_fps is None and specs[-1].x264 is None, "ProRes is its own render, off by default"
        assert "alpha" not in [s.variant for s in kit_specs(q, 4_000_000)]
        for s in specs:
            assert s.width % 2 == 0 and s.height % 2 == 0
            if s.prores_fps:
                assert s.fps % s.prores_fps == 0
            names = file_names("x", s)
            assert len(set(names.values())) == len(names)
        land, port = specs[0], specs[1]
        assert port.width * 5 == port.height * 4 and port.fps == land.fps, "portrait: 4:5, the landscape's rate"
        v = port.vertical
        assert v is not None and v.width == port.width and abs(v.height / v.width - 16 / 9) < 0.01
        assert v.top + port.height < v.height * 0.8, "the caption has room under the portrait frame"
        assert "mp4-vertical" in file_names("x", port), "the 9:16 video comes from the portrait draw"
    assert set(SITE_QUALITIES) <= set(QUALITY_NAMES)
    publish = kit_specs("publish", 1, prores=True)
    assert (publish[0].width, publish[0].height, publish[0].fps) == (1920, 1080, 60)
    assert (publish[-1].width, publish[-1].height, publish[-1].prores_fps) == (1920, 1080, 30)
    assert publish[0].x264["profile"] == "high" and "colormatrix=bt709" in publish[0].x264["x264-params"]
    assert [s.variant for s in kit_specs("4k", 1)][-1] == "uhd" and kit_specs("4k", 1)[-1].width == 3840
