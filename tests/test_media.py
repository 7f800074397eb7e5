"""The media kit (generator/media/, `make media`): every file decodes and is what the manifest says it is.

The slow tests run the real pipeline once per session for one scene at the reduced ``test`` quality (640x360 and
288x360 with its 288x512 vertical video at 10 fps, ProRes at 5 fps, the first six seconds of the scene) into a
temporary folder with its own cache, then probe every file with PyAV (the animated WebP with Pillow: FFmpeg has no
animated-WebP decoder). The portrait layout of every scene is checked without encoding (Manim skips each animation to
its end state; only the frame at each step's end is drawn).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from generator.catalog import load_catalog
from generator.render.probe import SRT_TIMING as _SRT
from generator.render.probe import VTT_TIMING as _VTT
from generator.render.probe import parse_cues, top_level_boxes, webp_loop_count
from generator.render.registry import registry

ROOT = Path(__file__).resolve().parent.parent
CATALOG = load_catalog(ROOT / "catalog.yaml")
SCENE_IDS = sorted(fid for fid, f in CATALOG.figures.items() if f["kind"] == "scene")
SCENE = "the_wall" if "the_wall" in SCENE_IDS else SCENE_IDS[0]
FILE_KEYS = {"id", "path", "title", "description", "duration", "width", "height", "fps", "codec", "bytes", "sha256",
             "licence", "credits", "source_commit", "source_dirty", "catalog_sha256", "format", "alpha"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------------------------------------------------
# Fast: specs, captions, alpha, the site's selection, budgets, the page
# ---------------------------------------------------------------------------------------------------------------

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


def test_srt_and_vtt_carry_the_same_cues():
    from generator.render.captions import srt, webvtt
    cues = [(0.0, 1.5, "one --> two"), (1.5, 3661.25, "second & <b>")]
    s = srt(cues)
    assert s == "1\n00:00:00,000 --> 00:00:01,500\none \u2192 two\n\n2\n00:00:01,500 --> 01:01:01,250\nsecond & <b>\n"
    assert [(a, b) for a, b, _ in parse_cues(s, _SRT)] == [(a, b) for a, b, _ in parse_cues(webvtt(cues), _VTT)]


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


def _fake_kit(out: Path, sizes: dict[str, int]) -> None:
    scenes = []
    for sid in ("a", "b"):
        files = []
        for role, size in sizes.items():
            path = f"{sid}/{sid}-{role}.bin"
            (out / sid).mkdir(parents=True, exist_ok=True)
            (out / path).write_bytes(b"x" * size)
            files.append({"id": f"{sid}.{role}", "path": path, "role": role, "format": role, "bytes": size,
                          "sha256": "0" * 64, "site": role != "prores", "width": 2, "height": 2, "fps": 1,
                          "duration": 1.0})
        scenes.append({"id": sid, "title": sid, "alt": sid, "description": sid, "duration": 1.0, "files": files})
    (out / "manifest.json").write_text(json.dumps({"schema": 1, "quality": "publish", "scenes": scenes,
                                                   "source": {"commit": "c" * 40, "dirty": False,
                                                              "catalog_sha256": "d" * 64}}), "utf-8")


def test_site_copies_what_fits_and_never_prores(tmp_path, monkeypatch):
    from generator.media import page as media
    out = tmp_path / "media"
    _fake_kit(out, {"mp4": 300, "prores": 50, "poster": 20, "vtt": 5})
    monkeypatch.setattr(media, "media_budgets", lambda root=None: {"webp_bytes": 10, "site_file_bytes": 250,
                                                                    "site_bytes": 60})
    files, ctx = media.site_files(tmp_path, out)
    assert ctx["available"]
    copied = {rel for rel in files if rel != "media/manifest.json"}
    # mp4 is over the per-file budget, prores never goes, and 2 x (20 + 5) fits in 60.
    assert copied == {"media/a/a-poster.bin", "media/a/a-vtt.bin", "media/b/b-poster.bin", "media/b/b-vtt.bin"}
    rows = {f["id"]: f for s in ctx["scenes"] for f in s["files"]}
    assert rows["a.prores"]["href"] is None and "too large" in rows["a.prores"]["reason"]
    assert rows["a.mp4"]["href"] is None and "budget" in rows["a.mp4"]["reason"]
    assert rows["a.poster"]["href"] == "media/a/a-poster.bin"
    (out / "b" / "b-vtt.bin").write_bytes(b"changed size")
    files, ctx = media.site_files(tmp_path, out)
    assert "media/b/b-vtt.bin" not in files, "a file that disagrees with the manifest is not published"


def test_no_manifest_no_files(tmp_path):
    from generator.media.page import site_files
    files, ctx = site_files(tmp_path, tmp_path / "media")
    assert files == {} and ctx["available"] is False and ctx["plan"]["landscape"]["width"] == 1920


def test_kit_files_have_their_own_budget(tmp_path):
    from generator.site.budgets import check_budgets, load_budgets
    site = tmp_path / "site"
    (site / "media" / "x").mkdir(parents=True)
    (site / "figures").mkdir()
    (site / "media" / "x" / "x-1080p60.mp4").write_bytes(b"v" * 5000)
    (site / "media" / "index.html").write_bytes(b"<p>page</p>")
    (site / "figures" / "y.mp4").write_bytes(b"v" * 100)
    base = {"site_bytes": 1000, "video_bytes": 200, "page_html_bytes": 100, "chart_svg_bytes": 100}
    assert check_budgets(site, base) == [], "the kit counts against the media budget only"
    over = check_budgets(site, {**base, "media_site_bytes": 4000, "media_site_file_bytes": 4500})
    assert len(over) == 2 and all("media" in line for line in over)
    b = load_budgets("publish")
    assert {"media_site_bytes", "media_site_file_bytes", "media_webp_bytes"} <= set(b)


@pytest.mark.parametrize("with_kit", [False, True])
def test_media_page_renders(tmp_path, catalog, with_kit):
    from generator.media.page import site_files
    from generator.site.pages import render_pages
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "media.md").write_text((ROOT / "docs" / "media.md").read_text("utf-8"), "utf-8")
    out = tmp_path / "media"
    if with_kit:
        _fake_kit(out, {"mp4": 30, "prores": 50, "poster": 20})
    _, ctx = site_files(tmp_path, out)
    text = render_pages(docs, catalog, {}, None, extra_context={"media": ctx})["media.md"]
    assert text.startswith("---\n") and "\n---\n# Media kit\n" in text, "front matter intact"
    assert "make media" in text
    if with_kit:
        assert "[a-mp4.bin](media/a/a-mp4.bin)" in text and "<code>a-prores.bin</code> \u2020" in text
        assert "too big for a static site host" in text
    else:
        assert "not built yet" in text
    # Without the build's context (another tool rendering docs/) the page still renders.
    assert "# Media kit" in render_pages(docs, catalog, {}, None)["media.md"]


# ---------------------------------------------------------------------------------------------------------------
# Slow: the real pipeline, one scene, test quality
# ---------------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    from generator.media.kit import build_media
    base = tmp_path_factory.mktemp("media-kit")
    out, cache = base / "media", base / "cache"
    report = build_media(ROOT, out, "test", jobs=2, only=[SCENE], cache_dir=cache, prores=True)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    return out, cache, report, manifest


def _files(manifest):
    return [f for s in manifest["scenes"] for f in s["files"]]


@pytest.mark.slow
def test_manifest_lists_every_file_with_its_hash(kit):
    out, _, report, manifest = kit
    assert [s["id"] for s in manifest["scenes"]] == [SCENE]
    roles = {f["role"] for f in _files(manifest)}
    assert roles == {"mp4", "mp4-portrait", "mp4-vertical", "prores", "webp", "poster", "poster-portrait",
                     "poster-vertical", "vtt", "srt", "chapters", "chapters-txt", "step"}
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {"manifest.json"}
    assert on_disk == {f["path"] for f in _files(manifest)}
    for f in _files(manifest):
        assert FILE_KEYS <= set(f), f"{f['path']}: missing {FILE_KEYS - set(f)}"
        p = out / f["path"]
        assert p.stat().st_size == f["bytes"] and sha256(p) == f["sha256"], f["path"]
        assert f["licence"] == CATALOG.data["meta"]["licence_media"]
        assert f["catalog_sha256"] == CATALOG.digest()
        assert re.fullmatch(r"[0-9a-f]{40}|unknown", f["source_commit"]) and f["source_dirty"] in (True, False, None)
    assert manifest["licence"]["code"] == CATALOG.data["meta"]["licence_code"]
    prores = next(f for f in _files(manifest) if f["role"] == "prores")
    assert "half" in prores["note"] and prores["fps"] * 2 == next(f["fps"] for f in _files(manifest)
                                                                 if f["role"] == "mp4"), "ProRes at half the rate"
    scene = manifest["scenes"][0]
    assert all(not issues for issues in scene["layout_issues"].values()), scene["layout_issues"]


@pytest.mark.slow
def test_mp4s_are_h264_high_bt709_faststart(kit):
    import av
    out, _, _, manifest = kit
    mp4s = [f for f in _files(manifest) if f["path"].endswith(".mp4")]
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
    (f,) = [f for f in _files(manifest) if f["role"] == "prores"]
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
    (f,) = [f for f in _files(manifest) if f["role"] == "webp"]
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
    files = {f["role"]: f for f in _files(manifest)}
    vtt = (out / files["vtt"]["path"]).read_text("utf-8")
    srt = (out / files["srt"]["path"]).read_text("utf-8")
    assert vtt.startswith("WEBVTT\n")
    a, b = parse_cues(vtt, _VTT), parse_cues(srt, _SRT)
    assert len(a) >= 1 and a == b
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
    assert _files(json.loads((out / "manifest.json").read_text("utf-8"))) == _files(manifest)


@pytest.mark.slow
def test_a_fresh_render_is_byte_identical(kit, tmp_path):
    """No cache: the portrait render again (and its vertical video), in this process, gives the same bytes."""
    from generator.render.specs import kit_specs
    from generator.render.video import render_media
    out, _, _, manifest = kit
    spec = next(s for s in kit_specs("test", manifest["budgets"]["webp_bytes"]) if s.variant == "portrait")
    render_media(SCENE, registry(CATALOG)[SCENE].data(CATALOG), spec, tmp_path / "o", tmp_path / "w")
    for f in _files(manifest):
        if f["variant"] == "portrait":
            assert sha256(tmp_path / "o" / Path(f["path"]).name) == f["sha256"], f["path"]


@pytest.mark.slow
@pytest.mark.parametrize("fig_id", SCENE_IDS)
def test_portrait_layout_is_clean(fig_id, tmp_path):
    """Every scene laid out for the 4:5 portrait frame: no text outside the frame or its band, none overlapping,
    none too small to read on a phone, no stroke too thin, no step ending on an empty frame."""
    from generator.render.specs import site_specs
    from generator.render.video import check_layout
    port = site_specs("draft")[1]
    result = check_layout(fig_id, registry(CATALOG)[fig_id].data(CATALOG), port.width, port.height, tmp_path)
    assert result["portrait"]
    assert result["layout_issues"] == [], "\n".join(result["layout_issues"])
    assert len(result["cues"]) >= 2


@pytest.mark.slow
def test_verify_passes_a_good_kit_and_names_what_is_wrong(kit, tmp_path):
    from generator.media.verify import verify_kit
    out, _, _, manifest = kit
    assert verify_kit(out, log=lambda *_: None) == []
    bad = tmp_path / "kit"
    shutil.copytree(out, bad)
    files = {f["role"]: f for f in _files(manifest)}
    # A byte flipped in the H.264 file, a manifest that lies about the vertical size, a missing caption file.
    mp4 = bad / files["mp4"]["path"]
    data = bytearray(mp4.read_bytes())
    data[len(data) // 2] ^= 0xFF
    mp4.write_bytes(bytes(data))
    (bad / files["srt"]["path"]).unlink()
    m = json.loads((bad / "manifest.json").read_text("utf-8"))
    for f in m["scenes"][0]["files"]:
        if f["role"] == "mp4-vertical":
            f["width"] += 2
    (bad / "manifest.json").write_text(json.dumps(m), "utf-8")
    problems = verify_kit(bad, log=lambda *_: None)
    assert any(p.startswith(files["mp4"]["path"] + ": SHA-256") for p in problems), problems
    assert any(p.startswith(files["srt"]["path"] + ": missing") for p in problems), problems
    assert any(p.startswith(files["mp4-vertical"]["path"] + ": size") for p in problems), problems
    assert len(problems) == 3, problems


@pytest.mark.slow
def test_steps_chapters_and_one_mp4_per_step(kit):
    """The kit carries each scene's steps: a WebVTT chapters track, a "0:00 Title" list, and one MP4 per step cut
    from the landscape MP4 (frame-accurate: the steps' frames add up to the whole video's, in chapter order)."""
    out, _, _, manifest = kit
    files = _files(manifest)
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
