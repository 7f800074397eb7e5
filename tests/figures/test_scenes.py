"""Every registered scene (figures/scenes/<id>.py) renders, in both orientations (landscape and portrait), into
web-ready, captioned, reproducible files whose every step ends on its point and starts on a keyframe, that match its
reference frames, lays out cleanly in the portrait frame too (a dry run, no encoding), and shows the catalog's
numbers.

The slow checks read the draft site's own renders (the session's draft build, conftest.draft_build: its cache holds
each scene's landscape and portrait render), so no scene is drawn twice for the tests; one more render checks that
the same inputs give the same bytes. The numbers-on-screen checks need no render: each scene module exposes the
function that computes its labels.

Reference frames live in tests/figures/refs/<id>.png and <id>.portrait.png (64x36 / 36x45 grayscale of the frame at
80 % of the duration). After an intended visual change, regenerate them with ``RACE_UPDATE_REFS=1 pytest
tests/figures/test_scenes.py -m slow``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from generator import derive
from generator.errors import LayoutError
from generator.render.captions import check_pacing
from generator.render.probe import top_level_boxes
from generator.render.registry import registry
from tests.support import CATALOG, ROOT, SCENE_IDS, figure_data, parse_vtt

REFS = Path(__file__).resolve().parent / "refs"

DRAFT = {"landscape": (854, 480, 15), "portrait": (432, 540, 15)}
MIN_SECONDS, MAX_SECONDS = 15.0, 60.0  # paced captions: each step stays up until its text is readable
REF_SIZE = {"landscape": (64, 36), "portrait": (36, 45)}
#: The title band's share of the frame's height: landscape one line (figures/style.py TITLE_BOTTOM), portrait two.
TITLE_BAND = {"landscape": (4 - 3.05) / 8, "portrait": 0.2}
REF_MAX_MEAN_DIFF = 6.0      # of 255: tolerates font hinting / cairo version noise, not a moved element


def scene_data(fig_id: str) -> dict[str, Any]:
    """What the render of ``fig_id`` gets: its catalog slice and what its entry shows (``show``)."""
    return figure_data(CATALOG, fig_id)


@pytest.fixture(scope="module")
def rendered(draft_build):
    """The draft site's renders of a scene: (the files the site publishes, {variant: <id>.<variant>.json},
    the page's metadata, {variant: the render's cache folder})."""
    from generator.render.cache import FigureCache
    from generator.render.plan import scene_entry
    from generator.render.specs import site_specs
    from generator.site.assembly.build import scene_site_files

    cache, specs = FigureCache(draft_build.cache), site_specs("draft")

    def get(fig_id: str):
        folders = {s.variant: cache.out_dir(scene_entry(fig_id, s)) for s in specs}
        files, page_meta = scene_site_files(fig_id, folders, specs)
        metas = {v: json.loads((f / f"{fig_id}.{v}.json").read_text("utf-8")) for v, f in folders.items()}
        return files, metas, page_meta, folders

    return get


def _video(files, metas, fig_id: str, variant: str) -> Path:
    return files[f"{fig_id}.mp4" if variant == "landscape" else f"{fig_id}.portrait.mp4"]



# ---------------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------------

def thumb(img, size) -> np.ndarray:
    from PIL import Image
    return np.asarray(img.convert("L").resize(size, Image.BOX), dtype=np.float64)


def decoded(path: Path) -> tuple[list[np.ndarray], list[int]]:
    """Every frame of a video (RGB arrays) and the indices of its keyframes."""
    import av
    frames, keys = [], []
    with av.open(str(path)) as c:
        for i, f in enumerate(c.decode(video=0)):
            frames.append(f.to_ndarray(format="rgb24"))
            if f.key_frame:
                keys.append(i)
    return frames, keys


# ---------------------------------------------------------------------------------------------------------------
# Rendered output (slow): the draft site's renders
# ---------------------------------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("fig_id", SCENE_IDS)
def test_videos_are_web_ready_h264(rendered, fig_id):
    import av
    files, metas, _, _ = rendered(fig_id)
    for variant, (w, h, fps) in DRAFT.items():
        mp4 = _video(files, metas, fig_id, variant)
        with av.open(str(mp4)) as c:
            s = c.streams.video[0]
            assert s.codec_context.name == "h264" and s.codec_context.pix_fmt == "yuv420p"
            assert (s.codec_context.width, s.codec_context.height, int(s.average_rate)) == (w, h, fps)
            assert float(s.average_rate) == fps, f"irregular timestamps: average rate {s.average_rate}"
            assert not c.metadata.get("creation_time"), "no wall-clock metadata in the container"
        boxes = top_level_boxes(mp4)
        assert boxes.index("moov") < boxes.index("mdat"), f"index after the media: {boxes}"
    assert MIN_SECONDS <= metas["landscape"]["duration"] <= MAX_SECONDS, metas["landscape"]["duration"]
    assert metas["portrait"]["duration"] == metas["landscape"]["duration"], "one timeline for both renders"
    assert metas["portrait"]["chapters"] == metas["landscape"]["chapters"], "the same steps at the same times"


@pytest.mark.slow
@pytest.mark.parametrize("fig_id", SCENE_IDS)
def test_captions_cover_the_video(rendered, fig_id):
    files, metas, side, _ = rendered(fig_id)
    meta = metas["landscape"]
    cues = parse_vtt(files[f"{fig_id}.vtt"].read_text("utf-8"))
    assert len(cues) >= 2
    assert cues[0][0] <= 2.0, "the first caption comes within two seconds"
    assert abs(cues[-1][1] - meta["duration"]) < 0.1, "the last caption lasts to the end"
    for (s1, e1, _), (s2, e2, _) in zip(cues, cues[1:]):
        assert s1 < e1 <= s2 + 1e-6 and s2 < e2
        assert s2 - e1 < 0.1, "no gap between captions"
    check_pacing(f"figures/scenes/{fig_id}.py", cues)  # readable: <= 20 characters a second, >= 1.5 s
    chapters = parse_vtt(files[f"{fig_id}.chapters.vtt"].read_text("utf-8"))
    assert len(chapters) == len(cues) and chapters[0][0] == 0.0 and abs(chapters[-1][1] - meta["duration"]) < 0.1
    assert [c[0] for c in chapters[1:]] == [c[0] for c in cues[1:]], "a step (chapter) starts with its cue"
    assert all(0 < len(title) <= 40 for _, _, title in chapters), chapters
    assert side["duration"] == meta["duration"]
    assert (side["width"], side["height"], side["fps"]) == DRAFT["landscape"]
    assert (side["portrait"]["width"], side["portrait"]["height"]) == DRAFT["portrait"][:2]
    assert [c["text"] for c in side["cues"]] == [b for _, _, b in cues]
    assert len(side["description"]) > 80 and side["description"].startswith(cues[0][2][:20])


@pytest.mark.slow
@pytest.mark.parametrize("fig_id", SCENE_IDS)
def test_every_step_ends_on_its_point_and_starts_on_a_keyframe(rendered, fig_id):
    """In the encoded videos themselves: the frame the page's player pauses on (the last of each step) shows the
    step (RaceScene checks the same while drawing), and every step starts on a keyframe, where the kit cuts its
    step clips without encoding."""
    from figures.legibility import MIN_STEP_INK, hex_rgb, ink_fraction
    from figures.style import BACKGROUND
    files, metas, _, _ = rendered(fig_id)
    for variant, (_w, h, fps) in DRAFT.items():
        frames, keys = decoded(_video(files, metas, fig_id, variant))
        top = round(h * TITLE_BAND[variant])  # the content band: under the title
        for n, ch in enumerate(metas[variant]["chapters"], 1):
            start, last = int(round(ch["start"] * fps)), min(len(frames), int(round(ch["end"] * fps))) - 1
            assert start in keys, f"{fig_id} {variant}: step {n} starts at frame {start}, not a keyframe ({keys})"
            ink = ink_fraction(frames[last], hex_rgb(BACKGROUND), top, h)
            assert ink >= MIN_STEP_INK, f"{fig_id} {variant}: step {n} ends on a frame {ink:.2%} drawn"


@pytest.mark.slow
@pytest.mark.parametrize("fig_id", SCENE_IDS)
def test_text_stays_in_frame_apart_and_legible(rendered, fig_id):
    _, metas, _, _ = rendered(fig_id)
    for variant, meta in metas.items():
        assert meta["layout_issues"] == [], f"{variant}: " + "\n".join(meta["layout_issues"])


@pytest.mark.slow
@pytest.mark.parametrize("fig_id", SCENE_IDS)
def test_posters(rendered, fig_id):
    from PIL import Image
    _, _, _, folders = rendered(fig_id)
    for variant, name in (("landscape", f"{fig_id}-poster.png"), ("portrait", f"{fig_id}-portrait-poster.png"),
                          ("portrait", f"{fig_id}-vertical-poster.png")):
        with Image.open(folders[variant] / name) as im:
            assert im.format == "PNG" and np.asarray(im.convert("L")).std() > 10, f"{name} is not a blank frame"
            if "vertical" not in name:
                assert im.size == DRAFT[variant][:2]


@pytest.mark.slow
@pytest.mark.parametrize("fig_id", SCENE_IDS)
def test_reference_frames(rendered, fig_id):
    from PIL import Image

    from generator.render.probe import extract_frame
    files, metas, _, _ = rendered(fig_id)
    for variant in DRAFT:
        got = thumb(extract_frame(_video(files, metas, fig_id, variant), metas[variant]["duration"] * 0.8),
                    REF_SIZE[variant])
        ref_path = REFS / (f"{fig_id}.png" if variant == "landscape" else f"{fig_id}.portrait.png")
        if os.environ.get("RACE_UPDATE_REFS") == "1":
            REFS.mkdir(exist_ok=True)
            Image.fromarray(got.round().astype(np.uint8), "L").save(ref_path)
            continue
        assert ref_path.is_file(), f"no reference frame {ref_path.relative_to(ROOT)}: run with RACE_UPDATE_REFS=1"
        ref = np.asarray(Image.open(ref_path).convert("L"), dtype=np.float64)
        diff = float(np.abs(got - ref).mean())
        assert diff <= REF_MAX_MEAN_DIFF, (f"{fig_id} {variant}: frame at 80 % differs from {ref_path.name} by "
                                           f"{diff:.1f}/255; if intended, regenerate with RACE_UPDATE_REFS=1")


@pytest.mark.slow
def test_renders_are_reproducible(rendered, tmp_path):
    """Same inputs, same bytes: a second render of one scene gives the same MP4, posters, WebP, captions and
    metadata as the draft site's.

    Every byte comes from the project's own encoders with fixed settings and thread counts (generator/render/
    encode.py); Manim's segment writer, whose concatenation once gave a one-byte difference under load, is not used.
    """
    from generator.render.plan import webp_cap
    from generator.render.specs import site_specs
    from generator.render.video import render_media
    fig_id = "attention_vs_mamba" if "attention_vs_mamba" in SCENE_IDS else SCENE_IDS[0]
    _, _, _, folders = rendered(fig_id)
    spec = site_specs("draft", webp_cap(ROOT))[0]  # the build's spec: the project's WebP cap is in its metadata
    render_media(fig_id, scene_data(fig_id), spec, tmp_path / "again", tmp_path / "work")
    names = sorted(p.name for p in folders["landscape"].iterdir())
    assert names == sorted(p.name for p in (tmp_path / "again").iterdir())
    for name in names:
        assert (folders["landscape"] / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name


# ---------------------------------------------------------------------------------------------------------------
# Fast checks: registry, numbers on screen, layouts for any number of models
# ---------------------------------------------------------------------------------------------------------------

def test_every_registered_scene_has_its_file_and_nothing_else_does():
    """Counted from the catalog, not a number typed here: a new scene is one catalog entry and one file."""
    files = sorted(p.stem for p in (ROOT / "figures" / "scenes").glob("*.py") if not p.stem.startswith("_"))
    assert SCENE_IDS and SCENE_IDS == files


def test_tower_growth_is_laid_out_for_the_number_of_models(tmp_path):
    """More models, more streets: twelve buildings fit the landscape frame with every label at full size; where
    they cannot fit legibly (twelve in the portrait frame) the scene says so instead of shrinking them."""
    from generator.render.video import check_layout
    data = scene_data("tower_growth")
    data["show"]["models"] = (list(data["models"]) * 2)[:12]
    result = check_layout("tower_growth", data, 854, 480, tmp_path)
    assert result["layout_issues"] == [], result["layout_issues"]
    with pytest.raises(LayoutError, match=r"^figures/scenes/tower_growth\.py: 12 models need 4 streets of 3 in the "
                       r"portrait frame"):
        check_layout("tower_growth", data, 432, 540, tmp_path)
    # A refusal, not a bug: `make check` (and the render worker) report it as one line, without a traceback.
    from generator.render.layout_check import check_one

    (tmp_path / "data.json").write_text(json.dumps(data), "utf-8")
    found = check_one({"kind": "scene", "id": "tower_growth", "data": str(tmp_path / "data.json"), "work": str(tmp_path)})
    assert len(found["issues"]) == 1 and found["issues"][0].startswith("figures/scenes/tower_growth.py: 12 models")


def test_tower_numbers():
    from figures.scenes.tower_growth import label_lines, tower_specs
    data = scene_data("tower_growth")
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
    # FP32 recurrent state (the config's mamba_ssm_cache_dtype), BF16 convolution buffer (vLLM, SGLang)
    assert n["state_bytes"] == derive.ssm_recurrent_values(m) * 4 + derive.ssm_conv_values(m) * 2


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
