"""Every number format (generator/format.py), and docs/assets/js/widgets/format.js formats exactly as it does: the
widgets and their no-JS fallback tables print a number the same way.

A grid of calls (num, nbytes, params, times over magnitudes from 0 to 10^20, with every named option, and the byte
counts the widgets' fallback tables print) runs through both: Python here, Node in one subprocess that imports
format.js. The same keyword arguments are passed to Python and, as one options object, to JavaScript (``num`` takes
its digits positionally in both). The four inputs on which the two once disagreed are pinned by value.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from generator import derive, format
from generator.errors import BuildError
from generator.site.article.widgets import FALLBACK_LENGTHS_MAMBA

NODE_RUNNER = r"""
import * as F from "./format.js";
import { readFileSync } from "node:fs";
const cases = JSON.parse(readFileSync(0, "utf8"));
const out = cases.map(([fn, x, opts]) => {
  try {
    return fn === "num" ? F.num(x, opts.digits) : F[fn](x, opts);
  } catch (err) {
    return "error: " + err.message;
  }
});
console.log(JSON.stringify(out));
"""

#: Inputs that once printed differently (format.js | format.py), and what both print now.
ONCE_APART = [
    ("nbytes", 5000, {"digits": 1}, "5.0\u00a0kB"),  # was "5.0 kB" | "5,000.0 bytes"
    ("nbytes", 4.7e12, {"digits": 1}, "4.7\u00a0TB"),  # was "4,700.0 GB" | "4.7 TB"
    ("params", 1.5e15, {"most": 2}, "1.5\u00a0quadrillion"),  # was "1,500 trillion" | "1500 trillion"
    ("times", 12.5, {}, "12.5\u00d7"),  # was "12×" | "12.5×"
]


def magnitudes() -> list[float]:
    values = {0.0, 0.5, 1.0, 2.0, 12.0, 117.0, 999.0, 1000.0, 1023.0, 1024.0, 131072.0, 999_999.0, 49_930_240.0,
              1.542e9, 70.55e9, 141.1e9, 175e9, 405.85e9, 671e9, 1.1e12, 4.7e12, 1.5e15, 2.5e18, 1e20}
    for k in range(0, 21):
        for m in (1.0, 1.005, 1.25, 2.675, 4.5, 9.95, 9.995, 9.9995):
            values.add(m * 10**k)
    values |= {-0.0, -0.125, -2.5, -12_345.678, -1.5e9}  # a sign, ties to even, commas
    return sorted(values)


def build_grid(catalog) -> list[tuple[str, float, dict[str, Any]]]:
    grid: list[tuple[str, float, dict[str, Any]]] = []
    for x in magnitudes():
        for digits in (None, 0, 1, 2):
            grid.append(("num", x, {"digits": digits}))
            grid.append(("nbytes", x, {"digits": digits}))
            grid.append(("params", x, {"digits": digits}))
            grid.append(("params", x, {"digits": digits, "short": True}))
            grid.append(("times", x, {"digits": digits}))
        for most in (0, 1, 2):
            grid.append(("params", x, {"most": most}))
        grid.append(("params", x, {}))
        grid.append(("times", x, {}))
        grid.append(("nbytes", x, {}))
    # What the widgets print: every model's weights and caches, as the fallback tables print them.
    for m in catalog.models.values():
        if "params" not in m:
            continue
        grid.append(("params", m["params"], {"most": 2}))
        for p in derive.BYTES_PER_VALUE:
            grid.append(("nbytes", derive.weight_bytes(m["params"], p), {"digits": 1}))
        if "layers" in m and not m.get("cache_unmodelled"):  # no cache number where derive has none
            for n in FALLBACK_LENGTHS_MAMBA:
                grid.append(("nbytes", derive.kv_bytes_per_sequence(m, n, "bf16"), {"digits": 1}))
    grid += [(fn, x, opts) for fn, x, opts, _ in ONCE_APART]
    return grid


def python_results(grid) -> list[str]:
    out = []
    for fn, x, opts in grid:
        try:
            out.append(getattr(format, fn)(x, **opts))
        except Exception as exc:  # noqa: BLE001 - compared
            out.append(f"error: {exc}")
    return out


@pytest.fixture(scope="module")
def node_results(tmp_path_factory, catalog, root):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    work = tmp_path_factory.mktemp("format-js")
    shutil.copyfile(root / "docs" / "assets" / "js" / "widgets" / "format.js", work / "format.js")
    (work / "package.json").write_text('{"type": "module"}', "utf-8")
    (work / "run.js").write_text(NODE_RUNNER, "utf-8")
    grid = build_grid(catalog)
    proc = subprocess.run([node, "run.js"], input=json.dumps(grid, allow_nan=False), cwd=work, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return grid, json.loads(proc.stdout)


def test_format_js_prints_what_format_py_prints(node_results):
    grid, js = node_results
    py = python_results(grid)
    assert len(grid) > 1500
    apart = [f"{fn}({x!r}, {opts}): python {p!r}, js {j!r}" for (fn, x, opts), p, j in zip(grid, py, js) if p != j]
    assert not apart, f"{len(apart)} of {len(grid)} differ, e.g.\n" + "\n".join(apart[:20])


@pytest.mark.parametrize(("fn", "x", "opts", "text"), ONCE_APART)
def test_the_inputs_that_once_disagreed(fn, x, opts, text):
    assert getattr(format, fn)(x, **opts) == text


def test_named_options():
    assert format.params(70.55e9) == "70.5\u00a0billion" and format.params(70.55e9, most=2) == "70.55\u00a0billion"
    assert format.params(175e9, short=True) == "175B" and format.params_short(117e6) == "117M"
    assert format.params(1.5e15, short=True) == "1,500T", "no letter past T"
    assert format.nbytes(512) == "512\u00a0bytes" and format.nbytes(512.0, 1) == "512\u00a0bytes"
    assert format.nbytes(131072) == "131\u00a0kB" and format.nbytes(2.4e6) == "2.4\u00a0MB"
    assert format.times(1024.0) == "1,024\u00d7" and format.times(2.0) == "2\u00d7" and format.times(57.34, 0) == "57\u00d7"


def test_precision_menus_come_from_one_list(catalog):
    """format.PRECISIONS (widest first) is every precision a reader picks; the others (fp16) are named with the one
    that takes the same bytes, in the widget's menu, its fallback table's columns and the weight chart's legend."""
    assert set(format.PRECISIONS) <= set(derive.BYTES_PER_VALUE)
    menu = format.precision_menu(catalog.formats)
    assert menu == [("fp32", "FP32"), ("bf16", "BF16 / FP16"), ("fp8", "FP8"), ("int8", "INT8"), ("int4", "INT4 / FP4")]
    groups = format.precision_groups(catalog.formats)
    assert [g[0] for g in groups] == sorted({derive.BYTES_PER_VALUE[p] for p in derive.BYTES_PER_VALUE}, reverse=True)
    assert [g[2] for g in groups] == ["FP32", "BF16 / FP16", "FP8 / INT8", "INT4 / FP4"]
    assert [g[2] for g in format.precision_groups(catalog.formats, named_with=False)][1] == "BF16", "the chart's"
    named = {name for label in [m[1] for m in menu] + [g[2] for g in groups] for name in label.split(" / ")}
    assert named == {format.precision_name(p, catalog.formats) for p in derive.BYTES_PER_VALUE}, "every one named"


def test_number_formats():
    assert format.num(131072) == "131,072"
    assert format.num(131072.0) == "131,072"
    assert format.num(7.6) == "7.6"
    assert format.num(0.076) == "0.076"
    assert format.num(2.0 / 3, 3) == "0.667"
    assert format.num(float("inf")) == "unlimited"
    assert format.gb(9_211_740_160) == "9.2\u00a0GB"
    assert format.gib(9_211_740_160) == "8.6\u00a0GiB"
    assert format.gb(87.5e9, None) == "87.5\u00a0GB"
    assert format.params(175e9) == "175\u00a0billion"
    assert format.params(117e6) == "117\u00a0million"
    assert format.params(1.542e9) == "1.54\u00a0billion"
    assert format.params(70.55e9, 0) == "71\u00a0billion"
    assert format.params_short(671e9) == "671B"
    assert format.params_short(1.5e12) == "1.5T"
    assert format.pct(93.3) == "93.3%"
    assert format.times(56.9) == "56.9×"
    assert format.times(57.0) == "57×"
    assert format.times(96, None) == "96×"
    assert format.nbytes(131072) == "131\u00a0kB" and format.nbytes(999) == "999\u00a0bytes"
    with pytest.raises(BuildError):
        format.num("12")  # type: ignore[arg-type]


def test_curly_quotes_and_long_dates():
    from generator.format import curly_quotes, long_date

    assert curly_quotes("Llama 3.1 8B's cache; the models' state") == "Llama 3.1 8B’s cache; the models’ state"
    assert curly_quotes('NVIDIA says "up to 1M" and \'exact\'.') == "NVIDIA says “up to 1M” and ‘exact’."
    assert curly_quotes("a ' b") == "a ' b"  # a quote it cannot place stays as it is
    assert long_date("2026-12-01") == "1 December 2026" and long_date(None) == "not yet"
