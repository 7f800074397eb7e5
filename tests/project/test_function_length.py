"""Python functions stay short: none in generator/, figures/ or scripts/ runs past MAX_FUNCTION_LINES lines, from its
``def`` line to its last line (nested functions counted on their own too), the limit tests/docs/test_js_modules.py
holds the site's JavaScript to (tests themselves are not held to it). A function that must stay longer is named below
with the reason."""

from __future__ import annotations

import ast

MAX_FUNCTION_LINES = 60
PACKAGES = ("generator", "figures", "scripts")

#: "path::function" -> why it is longer. Keep this short; splitting a function takes it off the list.
ALLOWED: dict[str, str] = {}


def long_functions(root) -> dict[str, int]:
    """{"path::function": lines} of every function over the limit."""
    out = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            for node in ast.walk(ast.parse(path.read_text("utf-8"), filename=rel)):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    lines = (node.end_lineno or node.lineno) - node.lineno + 1
                    if lines > MAX_FUNCTION_LINES:
                        out[f"{rel}::{node.name}"] = lines
    return out


def test_python_functions_stay_short(root):
    over = long_functions(root)
    unexpected = {name: lines for name, lines in over.items() if name not in ALLOWED}
    assert not unexpected, f"over {MAX_FUNCTION_LINES} lines, split them: {unexpected}"
    stale = sorted(set(ALLOWED) - set(over))
    assert not stale, f"no longer over the limit, take them off ALLOWED: {stale}"


def test_the_measure_counts_a_long_function(tmp_path):
    (tmp_path / "generator").mkdir()
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    (tmp_path / "generator" / "m.py").write_text(f"def long():\n{body}\n\n\ndef short():\n    return 1\n", "utf-8")
    assert long_functions(tmp_path) == {"generator/m.py::long": MAX_FUNCTION_LINES + 1}
