"""The article's number goldens, in one labelled place: derived quantities of named catalog models against the
published numbers in ../shared/brief (facts.yaml and claims.md), the models' papers and configs, and the text the
pages print for them. Other tests take their models from each figure's or widget's selection and their expected
numbers from generator.derive; only here is a number typed for a model id. A catalog edit that changes one of these
numbers on purpose (a corrected config) changes it here."""

from __future__ import annotations

import math

import numpy as np
import pytest

from generator import derive as d
from generator.format import gb, nbytes, params


def test_gpt3_attention_matrices(catalog):
    assert d.attention_matrices(catalog.models["gpt-3-175b"]) == 9216


@pytest.mark.parametrize("n,full,causal", [(6, 36, 21), (1000, 10**6, 500_500), (10**6, 10**12, 500_000_500_000)])
def test_score_counts(n, full, causal):
    assert d.attention_scores(n, "full") == full
    assert d.attention_scores(n, "causal") == causal


def test_window_scores_match_brute_force():
    for n in (1, 5, 9, 30):
        for w in (1, 3, 8, 40):
            brute = sum(min(i + 1, w) for i in range(n))
            assert d.attention_scores(n, "window", w) == brute
    # Linear beyond the window: doubling n roughly doubles the count.
    assert d.attention_scores(2_000_000, "window", 4096) / d.attention_scores(1_000_000, "window", 4096) == \
        pytest.approx(2.0, rel=3e-3)


def test_bad_score_inputs():
    with pytest.raises(ValueError):
        d.attention_scores(-1)
    with pytest.raises(ValueError):
        d.attention_scores(10, "window")
    with pytest.raises(ValueError):
        d.attention_scores(10, "banded")  # type: ignore[arg-type]


@pytest.mark.parametrize("model_id,bytes_per_token", [
    ("llama-3.1-8b", 131_072), ("llama-3.1-70b", 327_680), ("llama-3.1-405b", 516_096),
    ("mistral-7b", 131_072), ("glm-4-9b", 40_960), ("deepseek-v3", 70_272), ("gpt-3-175b", 4_718_592),
    ("nemotron-3-nano", 6_144),
])
def test_kv_bytes_per_token_bf16(catalog, model_id, bytes_per_token):
    assert d.kv_bytes_per_token(catalog.models[model_id], "bf16") == bytes_per_token


def test_kv_sequences_from_claims(catalog):
    m = catalog.models
    assert d.kv_bytes_per_sequence(m["llama-3.1-8b"], 131_072) / d.GiB == 16.0
    assert d.kv_bytes_per_sequence(m["llama-3.1-70b"], 131_072) / d.GiB == 40.0
    assert d.kv_bytes_per_sequence(m["gpt-3-175b"], 2048) / d.GB == pytest.approx(9.66, abs=0.005)
    # Mistral's rolling buffer holds only the window: 0.5 GiB however long the sequence.
    assert d.kv_bytes_per_sequence(m["mistral-7b"], 8192) / d.GiB == 0.5
    assert d.kv_bytes_per_sequence(m["mistral-7b"], 1_000_000) / d.GiB == 0.5
    # DeepSeek-V3 MLA at 128K: 9.21 GB (8.58 GiB) with the RoPE key; MHA equivalent about 524 GB.
    v3 = m["deepseek-v3"]
    assert d.kv_bytes_per_sequence(v3, 131_072) / d.GB == pytest.approx(9.211, abs=0.001)
    assert d.kv_bytes_per_sequence(v3, 131_072) / d.GiB == pytest.approx(8.578, abs=0.001)
    mha = v3["layers"] * d.mha_values_per_token_per_layer(v3) * 2 * 131_072
    assert mha / d.GB == pytest.approx(523.986, abs=0.001)
    # Batch multiplies.
    assert d.kv_bytes_per_sequence(m["llama-3.1-8b"], 1000, batch=4) == 4 * d.kv_bytes_per_sequence(m["llama-3.1-8b"], 1000)


def test_gpt3_hypothetical_mqa(catalog):
    mqa = dict(catalog.models["gpt-3-175b"], kv_heads=1, attention="mqa")
    assert d.kv_bytes_per_token(mqa) == 49_152
    assert d.kv_bytes_per_token(catalog.models["gpt-3-175b"]) / d.kv_bytes_per_token(mqa) == 96


def test_nemotron_state_is_constant(catalog):
    nano = catalog.models["nemotron-3-nano"]
    state = d.ssm_state_values(nano)
    assert state > 0
    short = d.kv_bytes_per_sequence(nano, 1000)
    long = d.kv_bytes_per_sequence(nano, 2000)
    assert long - short == 1000 * 6144  # only the six attention layers grow
    assert nano["ssm"]["cache_dtype"] == "fp32"  # mamba_ssm_cache_dtype in the model's config.json
    assert nano["layer_pattern"].count("E") == 23  # mixture-of-experts layers in its hybrid pattern
    # As vLLM and SGLang keep it: the recurrent state in FP32 (the config's cache dtype), the conv buffer in the
    # cache precision (BF16 by default): 23 x 64 x 64 x 128 x 4 + 23 x (4,096 + 2 x 8 x 128) x 3 x 2 bytes.
    recurrent, conv = d.ssm_recurrent_values(nano), d.ssm_conv_values(nano)
    assert (recurrent, conv) == (23 * 64 * 64 * 128, 23 * (4096 + 2 * 8 * 128) * 3) and recurrent + conv == state
    assert d.ssm_state_bytes(nano) == recurrent * 4 + conv * 2 == 49_082_368
    assert d.ssm_state_bytes(nano, "fp8") == recurrent * 4 + conv * 1  # only the conv buffer follows the cache
    assert round(d.ssm_state_bytes(nano) / d.kv_bytes_per_token(catalog.models["llama-3.1-8b"])) == 374
    assert d.kv_bytes_per_sequence(nano, 1_048_576) - d.ssm_state_bytes(nano) == 6 * 2**30
    h8 = catalog.models["nemotron-h-8b"]
    assert d.ssm_state_bytes(h8) == 102_137_856  # the same rule for Nemotron-H 8B (about 102.1 MB)


def test_windowed_layers_cap_only_their_own_cache():
    """Interleaved local and global layers: windowed layers hold at most the window, global layers everything."""
    m = {"name": "toy", "params": 1e9, "layers": 4, "attention": "gqa", "heads": 8, "kv_heads": 2, "head_dim": 64,
         "window": 128, "window_layers": 2}
    per_layer = 2 * 2 * 64 * 2  # bytes per token per layer in BF16
    assert d.windowed_layer_count(m) == 2 and d.kv_growth_bytes_per_token(m) == 2 * per_layer
    assert d.kv_bytes_per_sequence(m, 100) == 4 * per_layer * 100
    assert d.kv_bytes_per_sequence(m, 1000) == (2 * 1000 + 2 * 128) * per_layer
    free = 80 * d.GB - d.weight_bytes(1e9, "bf16")
    assert d.max_context(m, 80) == 128 + (free - 128 * 4 * per_layer) // (2 * per_layer)
    everywhere = {k: v for k, v in m.items() if k != "window_layers"}
    assert d.windowed_layer_count(everywhere) == 4 and d.max_context(everywhere, 80) == math.inf
    assert d.windowed_layer_count({k: v for k, v in m.items() if k != "window"}) == 0


def test_unmodelled_cache_is_not_applicable():
    m = {"name": "toy", "params": 1e9, "layers": 4, "attention": "mqa", "heads": 8, "kv_heads": 1, "head_dim": 64,
         "cache_unmodelled": "compressed along the sequence"}
    for fn in (d.kv_values_per_token_per_layer, d.kv_bytes_per_token, lambda x: d.kv_bytes_per_sequence(x, 10),
               lambda x: d.max_context(x, 80)):
        with pytest.raises(d.NotApplicable):
            fn(m)


@pytest.mark.parametrize("model_id,expected", [
    ("gpt-1", 116.5e6), ("gpt-2-xl", 1.558e9), ("gpt-3-175b", 174.6e9), ("llama-3.1-8b", 8.03e9),
    ("llama-3.1-70b", 70.55e9), ("llama-3.1-405b", 405.85e9), ("mistral-7b", 7.24e9), ("glm-4-9b", 9.40e9),
])
def test_param_estimate_matches_recounts(catalog, model_id, expected):
    assert d.param_estimate(catalog.models[model_id]) == pytest.approx(expected, rel=0.003)


def test_param_estimate_refuses_what_it_cannot_count(catalog):
    for model_id in ("gpt-4", "deepseek-v3", "nemotron-3-nano"):
        with pytest.raises(d.NotApplicable):
            d.param_estimate(catalog.models[model_id])


def test_weight_memory_table(catalog):
    # claims.md slider data, decimal GB, weights only.
    assert d.weight_bytes(175e9, "fp32") / d.GB == 700
    assert d.weight_bytes(175e9, "int4") / d.GB == 87.5
    assert d.weight_bytes(671e9, "bf16") / d.GB == 1342
    assert d.weight_bytes(catalog.models["llama-3.1-70b"]["params"], "int4") / d.GB == pytest.approx(35.3, abs=0.05)
    with pytest.raises(ValueError):
        d.weight_bytes(-1, "bf16")
    with pytest.raises(ValueError):
        d.weight_bytes(1e9, "fp12")


def test_hardware_fit(catalog):
    hw = catalog.hardware
    w70 = d.weight_bytes(catalog.models["llama-3.1-70b"]["params"], "int4")
    assert not d.fits(w70, hw["rtx-4090-laptop"]["memory_gb"])  # claims.md #11
    assert d.devices_needed(w70, 16) == 3
    assert d.fits(w70, hw["m4-max"]["memory_gb"])
    # GPTQ (claims.md #10): 175B at 3 bits fits one 80 GB A100, at 4 bits it does not.
    assert d.fits(175e9 * 3 / 8, 80) and not d.fits(175e9 * 4 / 8, 80)
    assert d.devices_needed(d.weight_bytes(175e9, "fp16"), 80) == 5


def test_max_context(catalog):
    m = catalog.models
    ctx = d.max_context(m["llama-3.1-8b"], 80, "bf16", "bf16")
    weights = d.weight_bytes(m["llama-3.1-8b"]["params"], "bf16")
    assert weights + ctx * 131_072 <= 80e9 < weights + (ctx + 1) * 131_072
    assert d.max_context(m["llama-3.1-70b"], 16) == 0
    assert d.max_context(m["mistral-7b"], 24) == math.inf  # rolling buffer: any length fits once the window does
    with pytest.raises(d.NotApplicable):
        d.max_context(m["gpt-4"], 80)


def test_receptive_field(catalog):
    mistral = catalog.models["mistral-7b"]
    assert d.receptive_field(mistral["window"], mistral["layers"]) == 131_072
    with pytest.raises(ValueError):
        d.receptive_field(0, 32)


def test_float_formats_against_numpy_and_catalog(catalog):
    assert d.float_max_finite(8, 23) == int(np.finfo(np.float32).max) == 340282346638528859811704183484516925440
    assert d.float_max_finite(8, 7) == 338953138925153547590470800371487866880  # BF16, (2 - 2^-7) x 2^127
    assert d.float_max_finite(5, 10) == float(np.finfo(np.float16).max) == 65504
    assert d.float_max_finite(4, 3, "nan_only") == 448 and d.float_max_finite(4, 3) == 240  # OCP E4M3 vs IEEE-like
    assert d.float_max_finite(5, 2) == 57344 and d.float_max_finite(2, 1, "none") == 6  # E5M2, FP4 E2M1
    with pytest.raises(ValueError):
        d.float_max_finite(4, 3, "sometimes")
    for fid, f in catalog.formats.items():
        if f["kind"] == "float":  # derived when the catalog loads, never typed
            assert f["max_finite"] == d.float_max_finite(f["exponent"], f["mantissa"], f.get("specials", "ieee")), fid
            assert isinstance(f["max_finite"], int), "an exact integer, printed to the last digit"
    assert catalog.formats["fp8-e4m3"]["max_finite"] == 448  # OCP E4M3 reuses the top exponent
    assert d.int_range(8) == (-128, 127) and d.int_range(4) == (-8, 7)


def test_scaling_laws(catalog):
    k = catalog.data["scaling"]["kaplan"]
    assert d.kaplan_loss(2e9, k["alpha_n"], k["n_c"]) / d.kaplan_loss(1e9, k["alpha_n"], k["n_c"]) == \
        pytest.approx(2 ** -0.076)
    c = catalog.data["scaling"]["chinchilla"]
    assert d.tokens_per_param(c["tokens"], c["params"]) == 20.0
    gpt3 = catalog.models["gpt-3-175b"]
    assert d.tokens_per_param(gpt3["training_tokens"], gpt3["params"]) == pytest.approx(1.71, abs=0.01)


#: What the pages print for named models (the widgets' fallback tables, the hover cards): model -> {what: text}.
PRINTED = {
    "llama-3.1-70b": {"params": "70.55 billion", "fp32": "282.2 GB", "bf16": "141.1 GB", "fp8": "70.5 GB",
                      "int4": "35.3 GB", "kv at its context": "42.9 GB"},  # 327,680 bytes per token x 131,072
    "gpt-3-175b": {"fp32": "700.0 GB", "bf16": "350.0 GB", "fp8": "175.0 GB", "int4": "87.5 GB"},
    "deepseek-v3": {"kv at its context": "9.2 GB"},  # MLA: 576 numbers x 61 layers
    "llama-3.1-8b": {"kv 1,024": "134.2 MB", "kv 131,072": "17.2 GB", "kv 1,048,576": "137.4 GB"},
    # 12,482,560 state numbers: 12,058,624 recurrent in FP32 (its config's mamba_ssm_cache_dtype) and 423,936 of
    # convolution buffer in BF16 (vLLM, SGLang), plus 6 attention layers of 2 KV heads x 128 x 2 = 6,144 B per token.
    "nemotron-3-nano": {"state": "49.1 MB", "kv 1,024": "55.4 MB", "kv 131,072": "854.4 MB",
                        "kv 1,048,576": "6.5 GB"},
}


@pytest.mark.parametrize("model_id", sorted(PRINTED))
def test_printed_goldens(catalog, model_id):
    m = catalog.models[model_id]
    got = {"params": params(m["params"], most=2) if "params" in m else None,
           "state": nbytes(d.ssm_state_bytes(m, "bf16"), 1) if m.get("ssm") else None}
    for p in ("fp32", "bf16", "fp8", "int4"):
        got[p] = gb(d.weight_bytes(m["params"], p))
    got["kv at its context"] = nbytes(d.kv_bytes_per_sequence(m, m["context"], "bf16"), 1)
    for n in (1_024, 131_072, 1_048_576):
        got[f"kv {n:,}"] = nbytes(d.kv_bytes_per_sequence(m, n, "bf16"), 1)
    want = PRINTED[model_id]
    assert {k: got[k].replace("\u00a0", " ") for k in want} == want


def test_hardware_goldens(catalog):
    assert catalog.hardware["b200"]["memory_gb"] == 180
    assert d.ssm_state_values(catalog.models["nemotron-3-nano"]) == 12_482_560
    assert d.attention_matrices(catalog.models["gpt-3-175b"]) * d.attention_scores(6, "causal") == 193_536


def test_bytes_per_value_agree_with_the_catalog_formats(catalog):
    """d.BYTES_PER_VALUE (and derive.js's copy, tests/test_js_parity.py) says what the catalog's formats say:
    a precision's bytes are its formats' bits / 8 (fp8 covers fp8-e4m3 and fp8-e5m2), and every format and every
    precision has its counterpart."""
    formats = catalog.formats
    covered = set()
    for precision, width in d.BYTES_PER_VALUE.items():
        ids = [k for k in formats if k == precision or k.startswith(precision + "-")]
        assert ids, f"no catalog format for precision {precision}"
        for k in ids:
            assert formats[k]["bits"] / 8 == width, (k, formats[k]["bits"], width)
        covered.update(ids)
    assert covered == set(formats), f"formats with no precision in derive: {sorted(set(formats) - covered)}"
    widths = list(d.BYTES_PER_VALUE.values())
    assert widths == sorted(widths, reverse=True), "widest first: menus and tables list them in this order"


def test_one_disclosed_rule(catalog, root):
    """derive.disclosed is the one rule (the flag, and a parameter count, which a figure's slice of some fields keeps
    for disclosed models only); nothing else reads the flag (derive.js has the same function, parity-tested)."""
    import re

    assert not d.disclosed(catalog.models["gpt-4"]) and d.disclosed(catalog.models["gpt-3-175b"])
    assert not d.disclosed({"name": "GPT-4", "released": "2023-03"}), "a slice without the flag or params"
    assert d.disclosed({"params": 1.0}) and not d.disclosed({"disclosed": False, "params": 1.0})
    reads = re.compile(r"""get\(\s*["']disclosed["']|\[\s*["']disclosed["']\s*\]|\.disclosed\s*[!=]==?""")
    homes = {"generator/derive.py", "docs/assets/js/derive.js", "generator/catalog/schema.py"}  # + its definition
    #: The scenes helper's file (issue 23); it moves to derive.disclosed when that work lands.
    allowed = {"figures/scenes/tower_growth.py"}
    files = [*root.glob("generator/**/*.py"), *root.glob("figures/**/*.py"), *root.glob("docs/assets/js/**/*.js")]
    readers = {f.relative_to(root).as_posix() for f in files if reads.search(f.read_text("utf-8"))}
    assert readers - homes - allowed == set(), "read the flag through derive.disclosed"
