"""Derived quantities: the arithmetic behind every number the article computes.

Pure functions of plain numbers or of one catalog model entry (a mapping as validated by ``generator.schema``).
Nothing here reads files or keeps state, so the same inputs always give the same outputs, and
``docs/assets/js/derive.js`` can mirror each function line for line (``tests/docs/test_js_parity.py`` checks that the
two agree on a grid of inputs).

Units: bytes, tokens and parameters are plain counts; GB = 10**9 bytes and GiB = 2**30 bytes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any, Literal

Model = Mapping[str, Any]
ScoreKind = Literal["full", "causal", "window"]

GB = 10**9
GiB = 2**30

#: Bytes per stored value for each precision name the article and the calculators use.
BYTES_PER_VALUE: dict[str, float] = {
    "fp32": 4.0,
    "fp16": 2.0,
    "bf16": 2.0,
    "fp8": 1.0,
    "int8": 1.0,
    "int4": 0.5,
    "fp4": 0.5,
}


class NotApplicable(ValueError):
    """Raised when a quantity is undefined for a model (an undisclosed architecture, an MoE parameter recount...)."""


def bytes_per_value(precision: str) -> float:
    """Bytes one number takes in ``precision`` (a key of BYTES_PER_VALUE)."""
    try:
        return BYTES_PER_VALUE[precision]
    except KeyError:
        raise ValueError(f"unknown precision {precision!r}; expected one of {sorted(BYTES_PER_VALUE)}") from None


def disclosed(model: Model) -> bool:
    """Whether a model's architecture and size are published: the one rule every figure, widget, export and
    selection uses (derive.js ``disclosed`` is the same). The catalog marks the others ``disclosed: false`` and gives
    them no architecture field (its schema); a figure's slice of some fields may not hold the flag, but an
    undisclosed model has no ``params`` either, so a model without ``params`` counts as undisclosed."""
    return model.get("disclosed", True) is not False and "params" in model


def _require_disclosed(model: Model) -> None:
    # The catalog's flag itself, not ``disclosed``: a dict that is no model (a device passed by mistake) then fails on
    # the field it lacks, named, rather than reading as an undisclosed model.
    if model.get("disclosed", True) is False:
        raise NotApplicable(f"{model.get('name', 'model')}: architecture undisclosed")


# --------------------------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------------------------


def param_estimate(model: Model) -> float:
    """Parameter count of a dense decoder-only transformer from its shape (biases and norms ignored).

    Per layer: Q and O projections (d_model x heads x head_dim each), K and V (d_model x kv_heads x head_dim each),
    and the FFN (three d_model x ffn matrices when gated, else two). Plus the token embedding (doubled when the
    output head is untied) and learned position embeddings. Mixture-of-experts, MLA and hybrid models need their
    own accounting and raise NotApplicable.
    """
    _require_disclosed(model)
    if model.get("moe") or model.get("attention") in ("mla", "hybrid"):
        raise NotApplicable(f"{model.get('name')}: recount only implemented for dense transformers")
    d = model["d_model"]
    attn = 2 * d * model["heads"] * model["head_dim"] + 2 * d * model["kv_heads"] * model["head_dim"]
    ffn = (3 if model.get("ffn_gated") else 2) * d * model["ffn"]
    per_layer = attn + ffn
    embed = model["vocab"] * d * (2 if model.get("embeddings") == "untied" else 1)
    pos = model["context"] * d if model.get("positions") == "learned" else 0
    return float(model["layers"] * per_layer + embed + pos)


def weight_bytes(params: float, precision: str) -> float:
    """Bytes to hold ``params`` weights in ``precision``: weights only, no scales, activations or KV cache."""
    if params <= 0 or not math.isfinite(params):
        raise ValueError(f"params must be a positive finite number, got {params!r}")
    return params * bytes_per_value(precision)


# --------------------------------------------------------------------------------------------------------------
# Attention scores
# --------------------------------------------------------------------------------------------------------------


def attention_scores(n: int, kind: ScoreKind = "full", window: int | None = None) -> int:
    """Scores one head computes in one layer for a sequence of ``n`` tokens.

    full: every pair, n^2. causal: each token sees itself and earlier ones, n(n+1)/2. window: causal, but each
    token sees at most ``window`` positions (itself included), so the count grows as n x window once n > window.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if kind == "full":
        return n * n
    if kind == "causal":
        return n * (n + 1) // 2
    if kind == "window":
        if window is None or window <= 0:
            raise ValueError("a sliding window needs window > 0")
        if n <= window:
            return n * (n + 1) // 2
        return window * (window + 1) // 2 + (n - window) * window
    raise ValueError(f"unknown kind {kind!r}")


def attention_matrices(model: Model) -> int:
    """Score matrices per forward pass of one sequence: one per head per attention layer."""
    _require_disclosed(model)
    return model["heads"] * attention_layer_count(model)


def attention_layer_count(model: Model) -> int:
    """Layers that run attention (all of them, except in hybrids where most layers are SSM or FFN)."""
    _require_disclosed(model)
    return model["attention_layers"] if model.get("attention") == "hybrid" else model["layers"]


def receptive_field(window: int, layers: int) -> int:
    """Theoretical reach of stacked sliding windows: each layer lets information hop one window further."""
    if window <= 0 or layers <= 0:
        raise ValueError("window and layers must be positive")
    return window * layers


# --------------------------------------------------------------------------------------------------------------
# KV cache and SSM state
# --------------------------------------------------------------------------------------------------------------


def _require_cache_formula(model: Model) -> None:
    # A model whose cache the formulas below cannot express (e.g. one compressed along the sequence) says so in
    # ``cache_unmodelled``; every cache quantity is then NotApplicable rather than a wrong number.
    if model.get("cache_unmodelled"):
        raise NotApplicable(f"{model.get('name', 'model')}: KV cache not expressible by the formula")


def kv_values_per_token_per_layer(model: Model) -> int:
    """Numbers cached per token in one attention layer.

    MHA/GQA/MQA: a key and a value vector per KV head (2 x kv_heads x head_dim). MLA (alone or in a hybrid's
    attention layers): one compressed latent plus the decoupled RoPE key shared by all heads (kv_lora_rank +
    rope_dim), which is what DeepSeek actually caches.
    """
    _require_disclosed(model)
    _require_cache_formula(model)
    if model["attention"] == "mla" or model.get("mla"):
        return model["mla"]["kv_lora_rank"] + model["mla"]["rope_dim"]
    return 2 * model["kv_heads"] * model["head_dim"]


def mha_values_per_token_per_layer(model: Model) -> int:
    """What plain multi-head attention with the model's query heads would cache: 2 x heads x head_dim."""
    _require_disclosed(model)
    return 2 * model["heads"] * model["head_dim"]


def kv_bytes_per_token(model: Model, precision: str = "bf16") -> float:
    """KV-cache bytes each new token adds, across all attention layers, for one sequence (windowed layers too,
    until their window is full: see kv_growth_bytes_per_token for what keeps growing after that)."""
    return attention_layer_count(model) * kv_values_per_token_per_layer(model) * bytes_per_value(precision)


def windowed_layer_count(model: Model) -> int:
    """Attention layers that see only a bounded window (sliding or chunked) and so cache at most ``window``
    positions: ``window_layers`` when the model interleaves local and global layers, all attention layers when it
    has a ``window`` alone, none without one."""
    _require_disclosed(model)
    if not model.get("window"):
        return 0
    return int(model.get("window_layers") or attention_layer_count(model))


def kv_growth_bytes_per_token(model: Model, precision: str = "bf16") -> float:
    """KV-cache bytes each token adds once every window is full: the global (full-attention) layers only."""
    full = attention_layer_count(model) - windowed_layer_count(model)
    return full * kv_values_per_token_per_layer(model) * bytes_per_value(precision)


def cached_tokens(model: Model, context: int) -> int:
    """Positions one windowed layer holds (at most the window: a rolling buffer), or all of them without one."""
    window = model.get("window")
    return min(context, window) if window else context


def ssm_state_values(model: Model) -> int:
    """Numbers in the fixed-size recurrent state of a Mamba-2 (or linear-attention) stack, for one sequence:
    ssm_recurrent_values + ssm_conv_values. It does not grow with the context."""
    return ssm_recurrent_values(model) + ssm_conv_values(model)


def ssm_recurrent_values(model: Model) -> int:
    """The recurrent state matrices: heads x head_dim x state per layer (0 without an SSM block)."""
    ssm = model.get("ssm")
    if not ssm:
        return 0
    return ssm["layers"] * ssm["heads"] * ssm["head_dim"] * ssm["state"]


def ssm_conv_values(model: Model) -> int:
    """The rolling short-convolution input: (heads x head_dim + 2 x groups x state) x (conv_kernel - 1) per layer."""
    ssm = model.get("ssm")
    if not ssm:
        return 0
    inner = ssm["heads"] * ssm["head_dim"]
    return ssm["layers"] * (inner + 2 * ssm["groups"] * ssm["state"]) * (ssm["conv_kernel"] - 1)


def ssm_state_bytes(model: Model, precision: str = "bf16") -> float:
    """Bytes of the SSM state of one sequence, as serving engines keep it (vLLM's MambaStateDtypeCalculator,
    SGLang's mamba2_state_dtype): the recurrent state in the model's ``ssm.cache_dtype`` when the catalog gives one
    (e.g. float32), else in ``precision``; the convolution buffer in ``precision`` (the cache's, BF16 by default)."""
    ssm = model.get("ssm")
    if not ssm:
        return 0.0
    recurrent = ssm_recurrent_values(model) * bytes_per_value(ssm.get("cache_dtype") or precision)
    return recurrent + ssm_conv_values(model) * bytes_per_value(precision)


def kv_bytes_per_sequence(model: Model, context: int, precision: str = "bf16", batch: int = 1) -> float:
    """Cache bytes for ``batch`` sequences of ``context`` tokens: KV cache in ``precision`` (global layers hold every
    position, windowed layers at most the window) plus any SSM state (see ssm_state_bytes)."""
    if context < 0 or batch < 1:
        raise ValueError("context must be >= 0 and batch >= 1")
    windowed = windowed_layer_count(model)
    if windowed == 0 or windowed == attention_layer_count(model):  # one kind of layer: all hold the same positions
        per_seq = kv_bytes_per_token(model, precision) * cached_tokens(model, context)
    else:
        bounded = windowed * kv_values_per_token_per_layer(model) * bytes_per_value(precision)
        per_seq = kv_growth_bytes_per_token(model, precision) * context + bounded * cached_tokens(model, context)
    per_seq += ssm_state_bytes(model, precision)
    return per_seq * batch


# --------------------------------------------------------------------------------------------------------------
# Hardware
# --------------------------------------------------------------------------------------------------------------


def devices_needed(total_bytes: float, memory_gb: float) -> int:
    """How many devices of ``memory_gb`` it takes to hold ``total_bytes`` if it could be split evenly."""
    if memory_gb <= 0:
        raise ValueError("memory_gb must be positive")
    return max(1, math.ceil(total_bytes / (memory_gb * GB)))


def fits(total_bytes: float, memory_gb: float) -> bool:
    """Whether ``total_bytes`` fits in one device of ``memory_gb`` (decimal GB)."""
    return total_bytes <= memory_gb * GB


def max_context(
    model: Model,
    memory_gb: float,
    weight_precision: str = "bf16",
    kv_precision: str = "bf16",
    batch: int = 1,
    params: float | None = None,
) -> float:
    """Longest context (tokens) whose weights plus cache fit in one device; 0 if the weights alone do not fit.

    Up to the window every attention layer grows; past it only the global layers do. When every layer is windowed
    the cache stops growing at the window, so once that fits every length fits: the result is then ``math.inf``.
    """
    _require_disclosed(model)
    weights = weight_bytes(params if params is not None else model["params"], weight_precision)
    free = memory_gb * GB - weights - ssm_state_bytes(model, kv_precision) * batch
    if free < 0:
        return 0
    per_token = kv_bytes_per_token(model, kv_precision) * batch
    longest = math.floor(free / per_token)
    window = model.get("window")
    if not window or longest < window:
        return longest
    growth = kv_growth_bytes_per_token(model, kv_precision) * batch
    if growth == 0:
        return math.inf
    return window + math.floor((free - window * per_token) / growth)


# --------------------------------------------------------------------------------------------------------------
# Scaling laws and number formats
# --------------------------------------------------------------------------------------------------------------


def kaplan_loss(params: float, alpha_n: float, n_c: float) -> float:
    """Kaplan et al. (2020) loss in nats per token for ``params`` non-embedding parameters: (N_c / N)^alpha_N."""
    if params <= 0:
        raise ValueError("params must be positive")
    return (n_c / params) ** alpha_n


def tokens_per_param(tokens: float, params: float) -> float:
    """Training tokens per parameter (Chinchilla's rule of thumb is about 20)."""
    return tokens / params


#: How a float format spends its top exponent field (catalog ``formats.*.specials``): ieee keeps it for Inf and
#: NaN (FP32, FP16, BF16, FP8 E5M2); nan_only uses it for numbers except the single all-ones pattern, NaN (OCP FP8
#: E4M3, "fn"); none has no Inf or NaN at all, every code is a number (FP4 E2M1, the OCP MX element).
SPECIALS = ("ieee", "nan_only", "none")


def float_max_finite(exponent_bits: int, mantissa_bits: int, specials: str = "ieee") -> int | float:
    """Largest finite value of a binary float format with ``exponent_bits`` and ``mantissa_bits``, exactly (an int
    when it is a whole number, as for every format the article shows), computed from the bits by its rule:

    ieee: (2 - 2^-m) x 2^(2^(e-1) - 1); nan_only: (2 - 2^-(m-1)) x 2^(2^(e-1)); none: (2 - 2^-m) x 2^(2^(e-1)).
    """
    if exponent_bits < 1 or mantissa_bits < 0:
        raise ValueError("a float needs at least one exponent bit and no negative mantissa")
    top = 2 ** (exponent_bits - 1)  # largest exponent when the all-ones field holds numbers (bias 2^(e-1) - 1)
    if specials == "ieee":
        value = (2 - Fraction(1, 2**mantissa_bits)) * Fraction(2) ** (top - 1)
    elif specials == "nan_only":
        if mantissa_bits < 1:
            raise ValueError("nan_only needs a mantissa bit (the all-ones pattern is NaN)")
        value = (2 - Fraction(1, 2 ** (mantissa_bits - 1))) * Fraction(2) ** top
    elif specials == "none":
        value = (2 - Fraction(1, 2**mantissa_bits)) * Fraction(2) ** top
    else:
        raise ValueError(f"unknown specials {specials!r}; expected one of {list(SPECIALS)}")
    return int(value) if value.denominator == 1 else float(value)


def block_bits_per_value(bits: int, block_size: int, scale_bits: int) -> float:
    """Storage per value of a block-scaled format, its share of the block's scale included: bits + scale / block
    (MXFP4: 4 + 8 / 32 = 4.25; NVFP4: 4 + 8 / 16 = 4.5, before its one FP32 scale per tensor)."""
    if block_size <= 0:
        raise ValueError("block_size must be positive")
    return bits + scale_bits / block_size


def int_range(bits: int, signed: bool = True) -> tuple[int, int]:
    """Smallest and largest value of a two's-complement (or unsigned) integer of ``bits`` bits."""
    if signed:
        return -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    return 0, 2**bits - 1
