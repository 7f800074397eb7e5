"""Every registered scene (figures/scenes/<id>.py) renders at draft quality into web-ready, captioned, reproducible
files that match its reference frame, lays out cleanly in the vertical frame too, and shows the catalog's numbers."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from generator import derive
from generator.render.captions import check_pacing
from generator.render.probe import top_level_boxes
from generator.render.registry import registry
from tests.support import CATALOG, ROOT, SCENE_IDS, figure_data, parse_vtt

REFS = Path(__file__).resolve().parent / "refs"


DRAFT = (854, 480, 15)

MIN_SECONDS, MAX_SECONDS = 15.0, 50.0  # paced captions: each step stays up until its text is readable

REF_SIZE = (64, 36)

REF_MAX_MEAN_DIFF = 6.0      # of 255: tolerates font hinting / cairo version noise, not a moved element


def render_for_site(fig_id: str, out: Path, work: Path) -> dict[str, Any]:
    """Render a scene as the draft site does (the kit's landscape render) and lay its files out under the names the
    site publishes (<id>.mp4, .vtt, .poster.webp) plus the PNG poster and the page's metadata as <id>.json."""

    from generator.render.specs import site_spec
    from generator.render.video import render_media
    from generator.site.assembly.build import scene_site_files

    raw = out / "render"
    spec = site_spec("draft")
    meta = render_media(fig_id, figure_data(CATALOG, fig_id), spec, raw, work)
    files, page_meta = scene_site_files(fig_id, raw, spec)
    for name, src in files.items():
        shutil.copyfile(src, out / name)
    shutil.copyfile(raw / f"{fig_id}-poster.png", out / f"{fig_id}.poster.png")
    (out / f"{fig_id}.json").write_text(json.dumps(page_meta, indent=2), "utf-8")
    return {**meta, **page_meta}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Render a scene at draft quality the first time a test asks for it; later calls reuse the files."""
    cache: dict[str, tuple[Path, dict[str, Any]]] = {}
    work = tmp_path_factory.mktemp("scene-work")

    def get(fig_id: str) -> tuple[Path, dict[str, Any]]:
        if fig_id not in cache:
            out = tmp_path_factory.mktemp(f"scene-{fig_id}")
            cache[fig_id] = (out, render_for_site(fig_id, out, work))
        return cache[fig_id]

    return get


def frame_at(path: Path, fraction: float, duration: float):
    from generator.render.probe import extract_frame
    return extract_frame(path, duration * fraction)


def thumb(img) -> np.ndarray:
    from PIL import Image
    return np.asarray(img.convert("L").resize(REF_SIZE, Image.BOX), dtype=np.float64)


@pytest.mark.slow
@pytest.mark.parametrize("fig_id", SCENE_IDS)
def test_video_is_web_ready_h264(rendered, fig_id):
    import av
    out, meta = rendered(fig_id)
    mp4 = out / f"{fig_id}.mp4"
    with av.open(str(mp4)) as c:
        s = c.streams.video[0]
        assert s.codec_context.name == "h264"
        assert s.codec_context.pix_fmt == "yuv420p"
        w, h = s.codec_context.width, s.codec_context.height
        assert w % 2 == 0 and h % 2 == 0
        assert (w, h, int(s.average_rate)) == DRAFT
        assert float(s.average_rate) == DRAFT[2], f"irregular timestamps: average rate {s.average_rate}"
        assert not c.metadata.get("creation_time"), "no wall-clock metadata in the container"
    assert MIN_SECONDS <= meta["duration"] <= MAX_SECONDS, f"{fig_id} runs {meta['duration']} s"


@pytest.mark.slow
@pytest.mark.parametrize("fig_id", SCENE_IDS)
def test_faststart_moov_before_mdat(rendered, fig_id):
    out, _ = rendered(fig_id)
    boxes = top_level_boxes(out / f"{fig_id}.mp4")
    assert "moov" in boxes and "mdat" in boxes, boxes
    assert boxes.index("moov") < boxes.index("mdat"), f"index after the media: {boxes}"


@pytest.mark.slow
@pytest.mark.parametrize("fig_id", SCENE_IDS)
def test_captions_cover_the_video(rendered, fig_id):
    out, meta = rendered(fig_id)
    cues = parse_vtt((out / f"{fig_id}.vtt").read_text("utf-8"))
    assert len(cues) >= 2
    assert cues[0][0] <= 2.0, "the first caption comes within two seconds"
    assert abs(cues[-1][1] - meta["duration"]) < 0.1, "the last caption lasts to the end"
    for (s1, e1, _), (s2, e2, _) in zip(cues, cues[1:]):
        assert s1 < e1 <= s2 + 1e-6 and s2 < e2
        assert s2 - e1 < 0.1, "no gap between captions"
    for s, e, body in cues:
        assert e - s >= 1.0, f"caption shown for under a second: {body!r}"
    check_pacing(f"figures/scenes/{fig_id}.py", cues)  # readable: <= 20 characters a second, >= 1.5 s
    chapters = parse_vtt((out / f"{fig_id}.chapters.vtt").read_text("utf-8"))
    assert len(chapters) == len(cues) and chapters[0][0] == 0.0 and abs(chapters[-1][1] - meta["duration"]) < 0.1
    assert [c[0] for c in chapters[1:]] == [c[0] for c in cues[1:]], "a step (chapter) starts with its cue"
    assert all(0 < len(title) <= 40 for _, _, title in chapters), chapters
    side = json.loads((out / f"{fig_id}.json").read_text("utf-8"))
    assert side["duration"] == meta["duration"]
    assert (side["width"], side["height"], side["fps"]) == DRAFT
    assert [c["text"] for c in side["cues"]] == [b for _, _, b in cues]
    assert len(side["description"]) > 80 and side["description"].startswith(cues[0][2][:20])


@pytest.mark.slow
@pytest.mark.parametrize("fig_id", SCENE_IDS)
def test_text_stays_in_frame_and_apart(rendered, fig_id):
    _, meta = rendered(fig_id)
    assert meta["layout_issues"] == [], "\n".join(meta["layout_issues"])


@pytest.mark.slow
@pytest.mark.parametrize("fig_id", SCENE_IDS)
def test_poster(rendered, fig_id):
    from PIL import Image
    out, _ = rendered(fig_id)
    with Image.open(out / f"{fig_id}.poster.png") as im:
        assert im.format == "PNG" and im.size == DRAFT[:2]
        assert np.asarray(im.convert("L")).std() > 10, "the poster is not a blank frame"


@pytest.mark.slow
@pytest.mark.parametrize("fig_id", SCENE_IDS)
def test_landscape_frames_carry_no_burned_in_captions(rendered, fig_id):
    """The site's video leaves the caption band empty (captions travel as WebVTT and as the page's step text; the
    control bar sits there): in frames across the video, the band is the plain background."""
    from generator.render.probe import extract_frame

    out, meta = rendered(fig_id)
    band = int(round(DRAFT[1] * (4 - 2.95 + 0.05) / 8))  # the caption band of figures/style.py, bottom of frame
    for at in (0.3, 0.6, 0.9):
        frame = np.asarray(extract_frame(out / f"{fig_id}.mp4", meta["duration"] * at).convert("L"))
        assert frame[-band:].std() < 2.0, f"{fig_id}: something drawn in the caption band at {at:.0%}"


@pytest.mark.slow
@pytest.mark.parametrize("fig_id", SCENE_IDS)
def test_reference_frame(rendered, fig_id):
    from PIL import Image
    out, meta = rendered(fig_id)
    got = thumb(frame_at(out / f"{fig_id}.mp4", 0.8, meta["duration"]))
    ref_path = REFS / f"{fig_id}.png"
    if os.environ.get("RACE_UPDATE_REFS") == "1":
        REFS.mkdir(exist_ok=True)
        Image.fromarray(got.round().astype(np.uint8), "L").save(ref_path)
        pytest.skip(f"wrote {ref_path.relative_to(ROOT)}")
    assert ref_path.is_file(), f"no reference frame {ref_path.relative_to(ROOT)}: run with RACE_UPDATE_REFS=1"
    ref = np.asarray(Image.open(ref_path).convert("L"), dtype=np.float64)
    diff = float(np.abs(got - ref).mean())
    assert diff <= REF_MAX_MEAN_DIFF, (f"{fig_id}: frame at 80 % differs from {ref_path.name} by {diff:.1f}/255; "
                                       "if intended, regenerate with RACE_UPDATE_REFS=1")


@pytest.mark.slow
def test_renders_are_reproducible(rendered, tmp_path):
    """Same inputs, same bytes: a second render of one scene gives the same MP4, poster, captions and metadata.

    Every byte comes from the project's own encoders with fixed settings and thread counts (generator/render/
    video.py); Manim's segment writer, whose concatenation once gave a one-byte difference under load, is not used.
    """
    fig_id = "attention_vs_mamba" if "attention_vs_mamba" in SCENE_IDS else SCENE_IDS[0]
    first, _ = rendered(fig_id)
    again = tmp_path / "again"
    again.mkdir()
    render_for_site(fig_id, again, tmp_path / "work")
    for suffix in (".mp4", ".poster.png", ".poster.webp", ".vtt", ".json"):
        a, b = (first / f"{fig_id}{suffix}").read_bytes(), (again / f"{fig_id}{suffix}").read_bytes()
        assert a == b, f"{fig_id}{suffix} differs between two renders"
    for name in sorted(p.name for p in (first / "render").iterdir()):
        assert (first / "render" / name).read_bytes() == (again / "render" / name).read_bytes(), name


def test_every_registered_scene_has_its_file_and_nothing_else_does():
    """Counted from the catalog, not a number typed here: a new scene is one catalog entry and one file."""
    files = sorted(p.stem for p in (ROOT / "figures" / "scenes").glob("*.py") if not p.stem.startswith("_"))
    assert SCENE_IDS and SCENE_IDS == files


def test_tower_numbers():
    from figures.scenes.tower_growth import label_lines, tower_specs
    data = figure_data(CATALOG, "tower_growth")
    specs = tower_specs(data)
    assert [s["id"] for s in specs][:3] == ["gpt-1", "gpt-2-xl", "gpt-3-175b"]
    for s in specs:
        m = data["models"][s["id"]]
        if s["disclosed"]:
            assert (s["layers"], s["heads"], s["d_model"], s["params"]) == (m["layers"], m["heads"], m["d_model"],
                                                                            m["params"])
        else:
            lines = label_lines(s)
            assert "undisclosed" in lines and not any(re.search(r"\d", x) for x in lines[1:]), lines
    gpt4 = next(s for s in specs if s["id"] == "gpt-4")
    assert not gpt4["disclosed"] and "layers" not in gpt4, "GPT-4's size is never invented"


def test_wall_numbers():
    from figures.scenes.the_wall import wall_numbers
    n = wall_numbers(figure_data(CATALOG, "the_wall"))
    assert [(r["n"], r["full"], r["causal"]) for r in n["rows"]] == [
        (6, 36, 21), (1000, 1_000_000, 500_500), (1_000_000, 10**12, 500_000_500_000)]
    m = CATALOG.models["gpt-3-175b"]
    assert n["matrices"] == derive.attention_matrices(m) == 9216
    assert n["per_sequence"] == 9216 * derive.attention_scores(2048)


def test_window_numbers():
    from figures.scenes.window_propagation import TOY_LAYERS, TOY_WINDOW, window_numbers
    n = window_numbers(figure_data(CATALOG, "window_propagation"))
    m = CATALOG.models["mistral-7b"]
    assert n["span"] == derive.receptive_field(m["window"], m["layers"]) == 131_072
    assert n["toy_reach"] == [TOY_WINDOW * k for k in range(1, TOY_LAYERS + 1)]
    assert n["context"] == m["context"]


def test_flash_numbers():
    from figures.scenes.flash_tiling import flash_numbers
    n = flash_numbers(figure_data(CATALOG, "flash_tiling"))
    hw = CATALOG.hardware["a100-80gb"]
    assert (n["hbm_gb"], n["hbm_tbps"], n["sram_tbps"]) == (hw["memory_gb"], hw["bandwidth_tbps"],
                                                            hw["sram_bandwidth_tbps"])
    assert n["sram_kb_total"] == 192 * 108 and n["sram_fact"] == CATALOG.data["facts"]["flash-sram-mb"]["value"]


def test_kv_numbers():
    from figures.scenes.kv_sharing import kv_numbers
    n = kv_numbers(figure_data(CATALOG, "kv_sharing"))
    llama = CATALOG.models["llama-3.1-70b"]
    assert n["gqa"] == derive.kv_bytes_per_token(llama, "bf16") == 327_680
    assert n["mha"] == n["gqa"] * llama["heads"] / llama["kv_heads"] == 2_621_440
    assert n["mqa"] == n["gqa"] / llama["kv_heads"] == 40_960
    assert (n["latent"], n["rope"], n["mla_values"]) == (512, 64, 576)
    assert n["mla"] == derive.kv_bytes_per_token(CATALOG.models["deepseek-v3"], "bf16") == 70_272
    assert n["ds_mha"] == 61 * 2 * 128 * 128 * 2 and round(n["mla_x"]) == 57
    assert n["precision"] == "BF16"


def test_mamba_numbers():
    from figures.scenes.attention_vs_mamba import mamba_numbers
    n = mamba_numbers(figure_data(CATALOG, "attention_vs_mamba"))
    m = CATALOG.models["nemotron-3-nano"]
    assert n["counts"] == {"M": m["ssm"]["layers"], "E": 23, "*": m["attention_layers"]}
    assert sum(n["counts"].values()) == m["layers"]
    assert n["kv_per_token"] == derive.kv_bytes_per_token(m, "bf16") == 6 * 1024
    assert n["state_bytes"] == derive.ssm_state_values(m) * 4  # FP32: the config's mamba_ssm_cache_dtype


@pytest.mark.slow
@pytest.mark.parametrize("fig_id", SCENE_IDS)
def test_vertical_layout_is_clean(fig_id, tmp_path):
    """Every scene laid out for the 9:16 frame: no text outside the frame or its band, none overlapping."""
    from generator.render.video import check_layout
    result = check_layout(fig_id, registry(CATALOG)[fig_id].data(CATALOG), 1080, 1920, tmp_path)
    assert result["portrait"]
    assert result["layout_issues"] == [], "\n".join(result["layout_issues"])
    assert len(result["cues"]) >= 2
