"""docs/assets/js/derive.js computes exactly what generator/derive.py computes.

A grid of calls (every catalog model, a few synthetic shapes the catalog lacks, every precision, many contexts,
batches, sequence lengths, windows and hardware sizes) runs through both: Python here, Node in one subprocess that
requires derive.js and reads the grid as JSON on stdin. Integers must match exactly, floats to 1e-12 relative,
infinities as infinities, and an input Python rejects must be rejected by JavaScript with the same error type.
"""

from __future__ import annotations

import copy
import json
import math
import shutil
import subprocess
from typing import Any

import pytest

from generator import derive
from tests.support import ROOT

DERIVE_JS = ROOT / "docs" / "assets" / "js" / "derive.js"

NODE_RUNNER = r"""
const D = require(process.argv[1]);
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const cases = JSON.parse(input);
  const out = cases.map(([fn, args]) => {
    try {
      if (typeof D[fn] !== "function") return { error: "missing:" + fn };
      return { ok: D[fn](...args) };
    } catch (err) {
      return { error: err.name };
    }
  });
  process.stdout.write(JSON.stringify(out, (key, value) => {
    if (typeof value === "number" && !Number.isFinite(value)) return { nonfinite: String(value) };
    return value;
  }));
});
"""

PRECISIONS = sorted(derive.BYTES_PER_VALUE)
CONTEXTS = [0, 1, 2, 511, 512, 1000, 2048, 4095, 4096, 4097, 8192, 32768, 131072, 262144, 1048576, 10_000_000]
BATCHES = [1, 2, 3, 8, 64]
LENGTHS = list(range(0, 40)) + [63, 64, 65, 1000, 1023, 1024, 4095, 4096, 4097, 8191, 8192, 32768, 100_000,
                                 131072, 1_000_000, 1048576, 16_777_216, 94_000_000]
WINDOWS = [None, 0, -1, 1, 2, 3, 7, 64, 512, 4096, 32768, 131072]


def node() -> str:
    path = shutil.which("node")
    if path is None:
        pytest.skip("node is not installed")
    return path


def synthetic_models(models: dict[str, Any]) -> dict[str, Any]:
    """Shapes the catalog does not have yet: MQA, a windowed MLA model, a windowed hybrid, a tiny window, local and
    global layers, a hybrid whose attention layers are MLA, a cache the formula cannot model."""
    out: dict[str, Any] = {}
    mqa = copy.deepcopy(models["gpt-3-175b"])
    mqa.update(name="GPT-3 shape with MQA", attention="mqa", kv_heads=1)
    out["synthetic-mqa"] = mqa
    mla_window = copy.deepcopy(models["deepseek-v3"])
    mla_window.update(name="MLA with a window", window=8192)
    out["synthetic-mla-window"] = mla_window
    hybrid_window = copy.deepcopy(models["nemotron-3-nano"])
    hybrid_window.update(name="hybrid with a window", window=2048)
    out["synthetic-hybrid-window"] = hybrid_window
    tiny = copy.deepcopy(models["mistral-7b"])
    tiny.update(name="tiny window", window=1, params=1.0)
    out["synthetic-tiny-window"] = tiny
    local_global = copy.deepcopy(models["llama-3.1-8b"])
    local_global.update(name="local and global layers", window=1024, window_layers=24)
    out["synthetic-local-global"] = local_global
    hybrid_mla = copy.deepcopy(models["nemotron-3-nano"])
    hybrid_mla.update(name="hybrid with MLA layers", mla={"kv_lora_rank": 512, "rope_dim": 64})
    out["synthetic-hybrid-mla"] = hybrid_mla
    unmodelled = copy.deepcopy(models["deepseek-v3"])
    unmodelled.update(name="compressed cache", cache_unmodelled="compressed along the sequence")
    out["synthetic-unmodelled"] = unmodelled
    return out


def build_grid(catalog) -> list[tuple[str, list[Any]]]:
    models = {**catalog.models, **synthetic_models(catalog.models)}
    grid: list[tuple[str, list[Any]]] = []
    add = lambda fn, *args: grid.append((fn, list(args)))  # noqa: E731

    for p in PRECISIONS + ["fp64", "FP32", ""]:
        add("bytes_per_value", p)
    for model in [*models.values(), {"name": "x"}, {"params": 1.0}, {"disclosed": False, "params": 1.0},
                  {"disclosed": True, "params": None}, {"disclosed": None, "params": 2.0}]:
        add("disclosed", model)
    param_counts = sorted({m["params"] for m in models.values() if "params" in m}
                          | {1.0, 1e8, 1.25e8, 3.3e9, 7.0e9, 13e9, 175e9, 2e12, 0.5, 0, -1.0})
    for params in param_counts:
        for p in PRECISIONS + ["fp64"]:
            add("weight_bytes", params, p)

    for n in LENGTHS:
        add("attention_scores", n, "full", None)
        add("attention_scores", n, "causal", None)
        for w in WINDOWS:
            add("attention_scores", n, "window", w)
    add("attention_scores", -1, "full", None)
    add("attention_scores", 5, "banded", None)

    for w in [1, 64, 4096, 131072, 0, -4096]:
        for layers in [1, 32, 126, 0]:
            add("receptive_field", w, layers)

    memories = sorted({h["memory_gb"] for h in catalog.hardware.values()} | {0.5, 1, 2.5, 1000, 1e4})
    for model in models.values():
        for fn in ("attention_matrices", "attention_layer_count", "kv_values_per_token_per_layer",
                   "mha_values_per_token_per_layer", "ssm_state_values", "ssm_recurrent_values", "ssm_conv_values",
                   "windowed_layer_count"):
            add(fn, model)
        for p in PRECISIONS:
            add("kv_bytes_per_token", model, p)
            add("kv_growth_bytes_per_token", model, p)
            add("ssm_state_bytes", model, p)
        for ctx in CONTEXTS:
            add("cached_tokens", model, ctx)
            for p in PRECISIONS:
                for b in BATCHES:
                    add("kv_bytes_per_sequence", model, ctx, p, b)
        add("kv_bytes_per_sequence", model, -1, "bf16", 1)
        add("kv_bytes_per_sequence", model, 1024, "bf16", 0)
        for mem in memories:
            for wp in PRECISIONS:
                for kvp in PRECISIONS:
                    for b in (1, 4):
                        add("max_context", model, mem, wp, kvp, b, None)
            for params in (1e8, 7e9, 7.0e10, 2e12):
                add("max_context", model, mem, "int4", "fp8", 1, params)
                add("max_context", model, mem, "bf16", "bf16", 16, params)

    # Boundaries: weights sized so that exactly k tokens' cache fits (k = the window, one less, one more).
    for model in models.values():
        if model.get("disclosed", True) is False or model.get("cache_unmodelled"):
            continue
        per_token = derive.kv_bytes_per_token(model, "bf16")
        state = derive.ssm_state_bytes(model, "bf16")
        window = model.get("window") or 4096
        for k in (window - 1, window, window + 1):
            for mem in (80, 141):
                params = (mem * derive.GB - state - k * per_token) / 2
                for delta in (-1.0, 0.0, 1.0):
                    add("max_context", model, mem, "bf16", "bf16", 1, params + delta)

    totals = [0.0, 1.0, 1e9, 16e9, 16e9 + 1, 79.999e9, 80e9, 80e9 + 1, 141.1e9, 1e12, 2.8e12, 8e12]
    for total in totals:
        for mem in memories + [0, -1]:
            add("devices_needed", total, mem)
            add("fits", total, mem)
    # Every catalog model's weights plus cache against every device, the memory widget's own question.
    for model in catalog.models.values():
        if model.get("disclosed", True) is False or model.get("cache_unmodelled"):
            continue
        for p in PRECISIONS:
            total = derive.weight_bytes(model["params"], p) + derive.kv_bytes_per_sequence(model, 131072, p, 1)
            for mem in memories:
                add("devices_needed", total, mem)
                add("fits", total, mem)
    return grid


def python_results(grid: list[tuple[str, list[Any]]]) -> list[dict[str, Any]]:
    out = []
    for fn, args in grid:
        try:
            out.append({"ok": getattr(derive, fn)(*args)})
        except derive.NotApplicable:
            out.append({"error": "NotApplicable"})
        except ValueError:
            out.append({"error": "ValueError"})
        except Exception as exc:  # noqa: BLE001 - recorded and compared
            out.append({"error": type(exc).__name__})
    return out


def node_results(grid: list[tuple[str, list[Any]]]) -> list[dict[str, Any]]:
    proc = subprocess.run([node(), "-e", NODE_RUNNER, str(DERIVE_JS)], input=json.dumps(grid, allow_nan=False),
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    for r in results:
        if isinstance(r.get("ok"), dict) and "nonfinite" in r["ok"]:
            r["ok"] = float(r["ok"]["nonfinite"].replace("Infinity", "inf"))
    return results


def same(py: Any, js: Any) -> bool:
    if isinstance(py, bool) or isinstance(js, bool):
        return py is js
    if isinstance(py, int):
        return isinstance(js, (int, float)) and float(js).is_integer() and int(js) == py
    if isinstance(py, float):
        if not isinstance(js, (int, float)):
            return False
        if math.isinf(py) or math.isinf(js):
            return py == js
        return py == js or math.isclose(py, js, rel_tol=1e-12, abs_tol=0.0)
    return py == js


@pytest.fixture(scope="module")
def results(catalog):
    grid = build_grid(catalog)
    return grid, python_results(grid), node_results(grid)


def test_grid_is_broad(results):
    grid, py, _ = results
    fns = {fn for fn, _ in grid}
    assert fns >= {"bytes_per_value", "weight_bytes", "attention_scores", "attention_matrices",
                   "attention_layer_count", "receptive_field", "kv_values_per_token_per_layer",
                   "mha_values_per_token_per_layer", "kv_bytes_per_token", "cached_tokens", "ssm_state_values",
                   "ssm_state_bytes", "kv_bytes_per_sequence", "devices_needed", "fits", "max_context",
                   "ssm_recurrent_values", "ssm_conv_values", "windowed_layer_count", "kv_growth_bytes_per_token"}
    assert len(grid) > 10_000
    outcomes = {("error" if "error" in r else "inf" if r["ok"] == math.inf else "ok") for r in py}
    assert outcomes == {"ok", "error", "inf"}, "the grid should reach values, errors and unlimited contexts"


def test_js_matches_python(results):
    grid, py, js = results
    assert len(js) == len(py)
    mismatches = []
    for (fn, args), p, j in zip(grid, py, js):
        if "error" in p or "error" in j:
            ok = p.get("error") == j.get("error")
        else:
            ok = same(p["ok"], j["ok"])
        if not ok:
            shown = [a.get("name", "model") if isinstance(a, dict) else a for a in args]
            mismatches.append(f"{fn}{tuple(shown)}: python {p} != js {j}")
    assert not mismatches, f"{len(mismatches)} mismatches, first ones:\n" + "\n".join(mismatches[:20])


def test_known_values_in_node(catalog):
    """Spot checks of the numbers the article quotes, through derive.js alone."""
    m = catalog.models
    grid = [
        ("weight_bytes", [m["llama-3.1-70b"]["params"], "bf16"]),
        ("kv_bytes_per_sequence", [m["llama-3.1-8b"], 131072, "bf16", 1]),
        ("kv_bytes_per_sequence", [m["deepseek-v3"], 131072, "bf16", 1]),
        ("attention_matrices", [m["gpt-3-175b"]]),
        ("receptive_field", [m["mistral-7b"]["window"], m["mistral-7b"]["layers"]]),
        ("max_context", [m["mistral-7b"], 24, "bf16", "bf16", 1, None]),
        ("ssm_state_values", [m["nemotron-3-nano"]]),
    ]
    js = [r["ok"] for r in node_results(grid)]
    assert js[0] == 141.1e9
    assert js[1] == 17_179_869_184
    assert js[2] == 61 * 576 * 2 * 131072  # 9.21 GB (claims.md #6)
    assert js[3] == 9216
    assert js[4] == 131072
    assert js[5] == math.inf
    assert js[6] == 12_482_560


def test_js_refuses_inexact_integers():
    """Past 2**53 JavaScript cannot hold the exact count Python returns: derive.js must say so, not round."""
    grid = [("attention_scores", [94_906_266, "full", None]), ("attention_scores", [94_906_265, "full", None]),
            ("attention_scores", [200_000_000, "causal", None])]
    js = node_results(grid)
    assert js[0] == {"error": "RangeError"}
    assert js[1] == {"ok": 94_906_265**2}
    assert js[2] == {"error": "RangeError"}


def test_derive_js_has_the_same_bytes_per_value(root):
    """The precision table itself, key for key (the grid only asks the keys Python knows)."""
    script = "const D = require(process.argv[1]); console.log(JSON.stringify(D.BYTES_PER_VALUE));"
    proc = subprocess.run([node(), "-e", script, str(DERIVE_JS)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == derive.BYTES_PER_VALUE
    assert list(json.loads(proc.stdout)) == list(derive.BYTES_PER_VALUE), "in the same order"
