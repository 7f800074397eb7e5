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


def lay_out(fig_id: str, raw: Path, out: Path, spec) -> dict[str, Any]:
    """A scene's render in ``raw`` laid out under the names the site publishes (<id>.mp4, .vtt, .poster.webp), plus
    the PNG poster and the page's metadata as <id>.json; returns the render's metadata with the page's."""
    from generator.site.assembly.build import scene_site_files

    files, page_meta = scene_site_files(fig_id, raw, spec)
    for name, src in files.items():
        shutil.copyfile(src, out / name)
    shutil.copyfile(raw / f"{fig_id}-poster.png", out / f"{fig_id}.poster.png")
    (out / f"{fig_id}.json").write_text(json.dumps(page_meta, indent=2), "utf-8")
    meta = json.loads((raw / f"{fig_id}.{spec.variant}.json").read_text("utf-8"))
    return {**meta, **page_meta}


def render_for_site(fig_id: str, out: Path, work: Path) -> dict[str, Any]:
    """Render a scene as the draft site does (the kit's landscape render, with the project's WebP cap) into
    ``out``/render and lay it out as the site does."""
    from generator.render.plan import webp_cap
    from generator.render.specs import site_spec
    from generator.render.video import render_media

    spec = site_spec("draft", webp_cap(ROOT))
    render_media(fig_id, figure_data(CATALOG, fig_id), spec, out / "render", work)
    return lay_out(fig_id, out / "render", out, spec)


@pytest.fixture(scope="session")
def rendered(draft_build, tmp_path_factory):
    """Each scene as the session's draft site rendered it (its entry in the draft build's cache: no scene is drawn
    twice in one run), laid out as the site publishes it, the first time a test asks for it."""
    from generator.render.cache import FigureCache
    from generator.render.plan import scene_entry, webp_cap
    from generator.render.specs import site_spec

    cache, spec = FigureCache(draft_build.cache), site_spec("draft", webp_cap(ROOT))
    laid: dict[str, tuple[Path, dict[str, Any]]] = {}

    def get(fig_id: str) -> tuple[Path, dict[str, Any]]:
        if fig_id not in laid:
            out = tmp_path_factory.mktemp(f"scene-{fig_id}")
            shutil.copytree(cache.out_dir(scene_entry(fig_id, spec)), out / "render")
            laid[fig_id] = (out, lay_out(fig_id, out / "render", out, spec))
        return laid[fig_id]

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
    assert [s["id"] for s in specs] == data["show"]["models"], "one building per model of the entry, in its order"
    for s in specs:
        m = data["models"][s["id"]]
        if s["disclosed"]:
            assert (s["layers"], s["heads"], s["d_model"], s["params"]) == (m["layers"], m["heads"], m["d_model"],
                                                                            m["params"])
        else:
            lines = label_lines(s)
            assert "undisclosed" in lines and not any(re.search(r"\d", x) for x in lines[1:]), lines
    for s in specs:
        if data["models"][s["id"]].get("disclosed", True) is False:
            assert not s["disclosed"] and "layers" not in s, f"{s['name']}: an undisclosed size is never invented"


def _shown_models(fig_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A scene's data and the models its entry shows (its selection in catalog.yaml), in order."""
    data = figure_data(CATALOG, fig_id)
    return data, [data["models"][mid] for mid in data["show"]["models"]]


def test_wall_numbers():
    from figures.scenes.the_wall import wall_numbers
    data, models = _shown_models("the_wall")
    n = wall_numbers(data)
    assert [(r["n"], r["full"], r["causal"]) for r in n["rows"]] == [
        (6, 36, 21), (1000, 1_000_000, 500_500), (1_000_000, 10**12, 500_000_500_000)]
    m = models[0]
    assert n["model"] == m["name"] and n["matrices"] == derive.attention_matrices(m)
    assert n["per_sequence"] == n["matrices"] * derive.attention_scores(m["context"])


def test_window_numbers():
    from figures.scenes.window_propagation import TOY_LAYERS, TOY_WINDOW, window_numbers
    data, models = _shown_models("window_propagation")
    n = window_numbers(data)
    m = next(m for m in models if m.get("window"))
    assert n["model"] == m["name"] and n["span"] == derive.receptive_field(m["window"], m["layers"])
    assert n["toy_reach"] == [TOY_WINDOW * k for k in range(1, TOY_LAYERS + 1)]
    assert n["context"] == m["context"]


def test_flash_numbers():
    from figures.scenes.flash_tiling import flash_numbers
    data = figure_data(CATALOG, "flash_tiling")
    n = flash_numbers(data)
    hw = data["hardware"][data["show"]["hardware"][0]]
    assert (n["hbm_gb"], n["hbm_tbps"], n["sram_tbps"]) == (hw["memory_gb"], hw["bandwidth_tbps"],
                                                            hw["sram_bandwidth_tbps"])
    assert n["sram_kb_total"] == hw["sram_kb_per_sm"] * hw["sms"]
    assert n["sram_fact"] == CATALOG.data["facts"]["flash-sram-mb"]["value"]


def test_kv_numbers():
    from figures.scenes.kv_sharing import kv_numbers
    data, models = _shown_models("kv_sharing")
    n = kv_numbers(data)
    gqa = next(m for m in models if m.get("attention") == "gqa")
    mla = next(m for m in models if m.get("attention") == "mla")
    assert (n["llama"], n["deepseek"]) == (gqa["name"], mla["name"])
    assert n["gqa"] == derive.kv_bytes_per_token(gqa, "bf16")
    assert n["mha"] == n["gqa"] * gqa["heads"] / gqa["kv_heads"]
    assert n["mqa"] == n["gqa"] / gqa["kv_heads"]
    assert (n["latent"], n["rope"]) == (mla["mla"]["kv_lora_rank"], mla["mla"]["rope_dim"])
    assert n["mla_values"] == n["latent"] + n["rope"]
    assert n["mla"] == derive.kv_bytes_per_token(mla, "bf16") == mla["layers"] * n["mla_values"] * 2
    assert n["ds_mha"] == mla["layers"] * derive.mha_values_per_token_per_layer(mla) * 2  # BF16: 2 bytes a value
    assert n["mla_x"] == n["ds_mha"] / n["mla"] > 1
    assert n["precision"] == "BF16"


def test_mamba_numbers():
    from figures.scenes.attention_vs_mamba import mamba_numbers
    data, models = _shown_models("attention_vs_mamba")
    n = mamba_numbers(data)
    m = next(m for m in models if m.get("ssm"))
    assert n["counts"]["M"] == m["ssm"]["layers"] and n["counts"]["*"] == m["attention_layers"]
    assert sum(n["counts"].values()) == m["layers"]
    assert n["kv_per_token"] == derive.kv_bytes_per_token(m, "bf16")
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
