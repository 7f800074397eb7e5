"""The media kit (generator/media/kit.py, manifest.py; `make media`): every file decodes and is what the manifest
says it is, a second run encodes nothing and a fresh render is byte-identical."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from generator.render.probe import SRT_TIMING as _SRT
from generator.render.probe import VTT_TIMING as _VTT
from generator.render.probe import parse_cues, top_level_boxes, webp_loop_count
from generator.render.registry import registry
from tests.support import CATALOG, ROOT, SCENE_IDS, kit_files, sha256

SCENE = "the_wall" if "the_wall" in SCENE_IDS else SCENE_IDS[0]

FILE_KEYS = {"id", "path", "title", "description", "duration", "width", "height", "fps", "codec", "bytes", "sha256",
             "licence", "credits", "source_commit", "source_dirty", "catalog_sha256", "format", "alpha"}


@pytest.mark.slow
def test_manifest_lists_every_file_with_its_hash(kit):
    out, _, report, manifest = kit
    assert [s["id"] for s in manifest["scenes"]] == [SCENE]
    roles = {f["role"] for f in kit_files(manifest)}
    assert roles == {"mp4", "mp4-portrait", "mp4-vertical", "prores", "webp", "poster", "poster-portrait",
                     "poster-vertical", "vtt", "srt", "chapters", "chapters-txt", "step"}
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {"manifest.json"}
    assert on_disk == {f["path"] for f in kit_files(manifest)}
    for f in kit_files(manifest):
        assert FILE_KEYS <= set(f), f"{f['path']}: missing {FILE_KEYS - set(f)}"
        p = out / f["path"]
        assert p.stat().st_size == f["bytes"] and sha256(p) == f["sha256"], f["path"]
        assert f["licence"] == CATALOG.data["meta"]["licence_media"]
        assert f["catalog_sha256"] == CATALOG.digest()
        assert re.fullmatch(r"[0-9a-f]{40}|unknown", f["source_commit"]) and f["source_dirty"] in (True, False, None)
    assert manifest["licence"]["code"] == CATALOG.data["meta"]["licence_code"]
    prores = next(f for f in kit_files(manifest) if f["role"] == "prores")
    assert "half" in prores["note"] and prores["fps"] * 2 == next(f["fps"] for f in kit_files(manifest)
                                                                 if f["role"] == "mp4"), "ProRes at half the rate"
    scene = manifest["scenes"][0]
    assert all(not issues for issues in scene["layout_issues"].values()), scene["layout_issues"]


@pytest.mark.slow
def test_mp4s_are_h264_high_bt709_faststart(kit):
    import av
    out, _, _, manifest = kit
    mp4s = [f for f in kit_files(manifest) if f["path"].endswith(".mp4")]
    assert sorted({f["role"] for f in mp4s}) == ["mp4", "mp4-portrait", "mp4-vertical", "step"]
    assert len(mp4s) == 3 + sum(f["role"] == "step" for f in mp4s)
    for f in mp4s:  # the step MP4s too: cut from the landscape one with the same settings
        path = out / f["path"]
        with av.open(str(path)) as c:
            s = c.streams.video[0]
            cc = s.codec_context
            assert (cc.name, cc.profile, cc.pix_fmt) == ("h264", "High", "yuv420p")
            assert (cc.width, cc.height) == (f["width"], f["height"])
            assert Fraction(s.average_rate) == f["fps"]
            assert (cc.color_primaries, cc.color_trc, cc.colorspace) == (1, 1, 1), "BT.709 primaries/transfer/matrix"
            assert not c.metadata.get("creation_time") and not s.metadata.get("creation_time")
            frames = sum(1 for _ in c.decode(s))
        assert abs(frames / f["fps"] - f["duration"]) < 1.5 / f["fps"]
        boxes = top_level_boxes(path)
        assert boxes.index("moov") < boxes.index("mdat"), f"{path.name}: {boxes}"
    by_role = {f["role"]: f for f in mp4s if f["role"] != "step"}
    port, vert = by_role["mp4-portrait"], by_role["mp4-vertical"]
    assert port["width"] * 5 == port["height"] * 4 and vert["width"] == port["width"] < vert["height"]
    assert port["duration"] == vert["duration"] == by_role["mp4"]["duration"], "one timeline"


@pytest.mark.slow
def test_prores_has_real_alpha(kit):
    import av
    out, _, _, manifest = kit
    (f,) = [f for f in kit_files(manifest) if f["role"] == "prores"]
    assert f["alpha"] is True and f["pix_fmt"] == "yuva444p10le"
    with av.open(str(out / f["path"])) as c:
        s = c.streams.video[0]
        cc = s.codec_context
        # FFmpeg's decoder hands out every ProRes 4444 frame as 12-bit; the file was encoded from 10-bit.
        assert cc.name == "prores" and cc.profile == "4444" and cc.pix_fmt.startswith("yuva444p")
        assert (cc.width, cc.height) == (f["width"], f["height"]) and Fraction(s.average_rate) == f["fps"]
        frames = list(c.decode(s))
    assert len(frames) == f["details"]["frames"]
    last = frames[-1].to_ndarray(format="rgba")
    alpha = last[..., 3]
    assert alpha.min() == 0 and alpha.max() == 255, "transparent background, opaque drawing"
    assert (alpha == 0).mean() > 0.3, "most of the frame is background"
    assert len(np.unique(alpha)) > 10, "anti-aliased edges keep partial alpha"


@pytest.mark.slow
def test_webp_loops_under_the_cap(kit):
    from PIL import Image
    out, _, _, manifest = kit
    (f,) = [f for f in kit_files(manifest) if f["role"] == "webp"]
    path = out / f["path"]
    assert f["bytes"] <= f["details"]["cap_bytes"] == manifest["budgets"]["webp_bytes"]
    assert webp_loop_count(path) == 0, "loops forever"
    with Image.open(path) as im:
        assert im.format == "WEBP" and im.is_animated and im.n_frames == f["details"]["frames"] > 1
        assert im.size == (f["width"], f["height"])
        ms = 0
        for i in range(im.n_frames):
            im.seek(i)
            im.load()
            ms += im.info["duration"]
        # The whole (cut) scene at the stated speed.
        assert abs(ms / 1000 - f["duration"]) < 0.01
        assert abs(f["duration"] * f["details"]["speed"] - manifest["scenes"][0]["duration"]) < 2 / f["fps"]
        im.seek(im.n_frames - 1)
        assert np.asarray(im.convert("L")).std() > 5


@pytest.mark.slow
def test_captions_parse_and_match(kit):
    from PIL import Image
    out, _, _, manifest = kit
    files = {f["role"]: f for f in kit_files(manifest)}
    vtt = (out / files["vtt"]["path"]).read_text("utf-8")
    srt = (out / files["srt"]["path"]).read_text("utf-8")
    assert vtt.startswith("WEBVTT\n")
    a, b = parse_cues(vtt, _VTT), parse_cues(srt, _SRT)
    assert len(a) >= 1 and a == b
    # The cues as the article sets text (RaceScene.caption: format.curly_quotes), in every caption file of the kit.
    chapters = (out / files["chapters-txt"]["path"]).read_text("utf-8")
    assert not [t for _, _, t in a if "'" in t or '"' in t] and "'" not in chapters, (a, chapters)
    assert a[-1][1] <= files["mp4"]["duration"] + 1e-6
    for role in ("poster", "poster-portrait", "poster-vertical"):
        with Image.open(out / files[role]["path"]) as im:
            assert im.format == "PNG" and im.size == (files[role]["width"], files[role]["height"])


@pytest.mark.slow
def test_second_run_encodes_nothing(kit):
    from generator.media.kit import build_media
    out, cache, first, manifest = kit
    before = {p: (sha256(p), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    again = build_media(ROOT, out, "test", jobs=2, only=[SCENE], cache_dir=cache, prores=True)
    assert again.rendered == [] and len(again.cached) == len(first.rendered) + len(first.cached)
    after = {p: (sha256(p), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    changed = [p.name for p in before if before[p] != after.get(p)]
    assert changed in ([], ["manifest.json"]) and before.keys() == after.keys()
    assert kit_files(json.loads((out / "manifest.json").read_text("utf-8"))) == kit_files(manifest)


@pytest.mark.slow
def test_a_fresh_render_is_byte_identical(kit, tmp_path):
    """No cache: the portrait render again (and its vertical video), in this process, gives the same bytes."""
    from generator.render.specs import kit_specs
    from generator.render.video import render_media
    out, _, _, manifest = kit
    spec = next(s for s in kit_specs("test", manifest["budgets"]["webp_bytes"]) if s.variant == "portrait")
    render_media(SCENE, registry(CATALOG)[SCENE].data(CATALOG), spec, tmp_path / "o", tmp_path / "w")
    for f in kit_files(manifest):
        if f["variant"] == "portrait":
            assert sha256(tmp_path / "o" / Path(f["path"]).name) == f["sha256"], f["path"]
