"""The site's JavaScript: short functions, and one ES module per widget that exports its builder.

The widgets are plain browser ES modules under docs/assets/js/widgets/ (no build step): index.js imports a module
per widget, named after the widget (memory.js exports buildMemory), and the shared format.js and shared.js.

No function in docs/assets/js/ may run past MAX_FUNCTION_LINES lines, from the line its header starts on to the line
of its closing brace. The scan is a small tokenizer (comments, strings, template literals and regular expressions
blanked out) plus brace matching; it measures `function` declarations and expressions, methods and arrow functions
with a block body. A classic script's wrapper (a top-level function whose body starts with "use strict", like the
IIFE of video.js or the UMD factory of derive.js) is the script's scope, not a function, and is not measured.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from generator.site.article.widgets import WIDGETS
from tests.support import ROOT

JS = ROOT / "docs" / "assets" / "js"
WIDGET_MODULES = JS / "widgets"
MAX_FUNCTION_LINES = 60

# After one of these (or at the start), a "/" starts a regular expression; after anything else it divides.
_REGEX_AFTER_CHARS = set("(,=:[!&|?{};+-*%<>~^")
_REGEX_AFTER_WORDS = {"return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw",
                      "instanceof", "yield", "await"}
_NOT_METHODS = {"if", "for", "while", "switch", "catch", "with", "function"}


def blank_js(src: str) -> str:
    """``src`` with comments, string and template text and regular expressions replaced by spaces (newlines kept),
    so every brace and parenthesis left is code. Template substitutions (``${...}``) stay code."""
    out = list(src)
    stack: list[str] = []  # "{" for a code brace, "`" for a template substitution's brace
    i, n = 0, len(src)

    def blank(a: int, b: int) -> None:
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    def template(i: int) -> int:
        """Blank template text from i; return the index after the closing backtick, or after "${"."""
        start = i
        while i < n:
            if src[i] == "\\":
                i += 2
            elif src[i] == "`":
                blank(start, i)
                return i + 1
            elif src.startswith("${", i):
                blank(start, i)
                stack.append("`")
                return i + 2
            else:
                i += 1
        raise ValueError("unterminated template literal")

    def regex_allowed(i: int) -> bool:
        code = "".join(out[:i]).rstrip()
        if not code or code[-1] in _REGEX_AFTER_CHARS:
            return True
        word = re.search(r"[\w$]+$", code)
        return bool(word) and word.group() in _REGEX_AFTER_WORDS

    while i < n:
        c = src[i]
        if src.startswith("//", i):
            end = src.find("\n", i)
            end = n if end < 0 else end
            blank(i, end)
            i = end
        elif src.startswith("/*", i):
            end = src.index("*/", i + 2) + 2
            blank(i, end)
            i = end
        elif c in "\"'":
            j = i + 1
            while src[j] != c:
                j += 2 if src[j] == "\\" else 1
            blank(i + 1, j)
            i = j + 1
        elif c == "`":
            i = template(i + 1)
        elif c == "/" and regex_allowed(i):
            j, in_class = i + 1, False
            while in_class or src[j] != "/":
                if src[j] == "\\":
                    j += 1
                elif src[j] == "[":
                    in_class = True
                elif src[j] == "]":
                    in_class = False
                j += 1
            blank(i + 1, j)
            i = j + 1
        elif c == "{":
            stack.append("{")
            i += 1
        elif c == "}":
            if stack and stack.pop() == "`":
                i = template(i + 1)
            else:
                i += 1
        else:
            i += 1
    return "".join(out)


@dataclass
class Function:
    name: str
    start: int  # line of the header
    end: int  # line of the closing brace
    wrapper: bool  # a classic script's top-level "use strict" wrapper

    @property
    def lines(self) -> int:
        return self.end - self.start + 1


def _matching_open(code: str, close: int) -> int:
    depth = 0
    for k in range(close, -1, -1):
        depth += {")": 1, "(": -1}.get(code[k], 0)
        if depth == 0:
            return k
    raise ValueError("unbalanced parentheses")


def _header(code: str, brace: int) -> tuple[int, str] | None:
    """If the "{" at ``brace`` opens a function body: (index where the function's header starts, its name)."""
    before = code[:brace].rstrip()
    if before.endswith("=>"):
        params = before[:-2].rstrip()
        start = _matching_open(code, len(params) - 1) if params.endswith(")") else \
            re.search(r"[\w$]+$", params).start()
        bound = re.search(r"([\w$]+)\s*[=:]\s*(?:async\s*)?$", code[:start])
        return start, (bound.group(1) if bound else "(arrow)")
    if not before.endswith(")"):
        return None
    paren = _matching_open(code, len(before) - 1)
    head = code[:paren]
    fn = re.search(r"\bfunction\b\s*\*?\s*([\w$]*)\s*$", head)
    if fn:
        bound = re.search(r"([\w$]+)\s*[=:]\s*(?:async\s*)?$", head[:fn.start()])
        return fn.start(), fn.group(1) or (bound.group(1) if bound else "(anonymous)")
    method = re.search(r"(?:\b(?:async|get|set|static)\s+)*([\w$]+)\s*$", head)
    if method and method.group(1) not in _NOT_METHODS and not re.search(r"[.\w$]$", head[:method.start()].rstrip()):
        return method.start(), method.group(1)
    return None


def js_functions(src: str) -> list[Function]:
    code = blank_js(src)
    classic = not is_module(code)
    found: list[Function] = []
    opened: list[tuple[int, tuple[int, str] | None, int]] = []  # (index, header, brace depth)
    for k, c in enumerate(code):
        if c == "{":
            opened.append((k, _header(code, k), len(opened)))
        elif c == "}":
            brace, header, depth = opened.pop()
            if header is None:
                continue
            start, name = header
            wrapper = classic and depth == 0 and bool(re.match(r"\s*[\"']use strict[\"']", src[brace + 1:]))
            found.append(Function(name, code.count("\n", 0, start) + 1, code.count("\n", 0, k) + 1, wrapper))
    assert not opened, "unbalanced braces"
    return sorted(found, key=lambda f: f.start)


def all_js() -> list[Path]:
    return sorted(JS.rglob("*.js"))


def is_module(src: str) -> bool:
    """An ES module (it imports or exports), as js_functions decides it; anything else is a classic script."""
    return bool(re.search(r"^\s*(?:import|export)\b", src, re.M))


# ---------------------------------------------------------------------------------------------------------------
# The scan itself
# ---------------------------------------------------------------------------------------------------------------

TRICKY = r"""/* a comment with { braces } and "quotes */
const a = "}{'";  // a } in a comment
const r = /[/}{]+\/"/g;
const t = `${ { a: 1 }.a } } ${`nested ${a}`} {`;
function one(x = { y: 2 }) {
  return x / 2 / 3;
}
const two = async (x) => {
  if (x) { return `}`; }
  return typeof /}/.source;
};
const o = { three(y) {
  while (y) { y--; }
  return y;
}, four: function () { return 4; } };
(function () {
  "use strict";
  [1].forEach(z => {
    return z;
  });
})();
"""


def test_scan_finds_functions_through_strings_templates_regexes_and_comments():
    found = [(f.name, f.start, f.lines, f.wrapper) for f in js_functions(TRICKY)]
    assert found == [("one", 5, 3, False), ("two", 8, 4, False), ("three", 12, 4, False), ("four", 15, 1, False),
                     ("(anonymous)", 16, 6, True), ("(arrow)", 18, 3, False)]
    blanked = blank_js(TRICKY)
    assert len(blanked) == len(TRICKY) and blanked.count("\n") == TRICKY.count("\n")
    assert blanked.count("{") == blanked.count("}")


def test_scan_measures_a_long_function():
    src = "export function big() {\n" + "  tick();\n" * 70 + "}\n"
    assert [(f.name, f.lines, f.wrapper) for f in js_functions(src)] == [("big", 72, False)]
    # In a module nothing is a wrapper, "use strict" or not.
    assert not js_functions('export const f = function () {\n  "use strict";\n};\n')[0].wrapper


@pytest.mark.parametrize("path", all_js(), ids=lambda p: str(p.relative_to(JS)))
def test_no_function_longer_than_60_lines(path):
    src = path.read_text("utf-8")
    functions = js_functions(src)
    assert functions or is_module(src), f"no functions found in {path}"  # a module may only import and call
    long = [f"{f.name} (line {f.start}): {f.lines} lines" for f in functions
            if not f.wrapper and f.lines > MAX_FUNCTION_LINES]
    assert not long, f"{path.relative_to(ROOT)}: functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(long)


def test_only_classic_scripts_have_wrappers():
    for path in all_js():
        src = path.read_text("utf-8")
        wrappers = [f for f in js_functions(src) if f.wrapper]
        if is_module(src):
            assert not wrappers, path  # modules are strict and scoped already
        else:
            assert wrappers, f"{path} is a classic script: expected its 'use strict' wrapper"


# ---------------------------------------------------------------------------------------------------------------
# The widget modules
# ---------------------------------------------------------------------------------------------------------------


def builder_name(widget: str) -> str:
    return "build" + "".join(part.capitalize() for part in widget.split("-"))


@pytest.mark.parametrize("widget", list(WIDGETS))
def test_each_widget_has_a_module_exporting_its_builder(widget):
    src = (WIDGET_MODULES / f"{widget}.js").read_text("utf-8")
    assert re.search(rf"^export function {builder_name(widget)}\(D, data\) {{$", src, re.M), widget
    index = (WIDGET_MODULES / "index.js").read_text("utf-8")
    assert f'import {{ {builder_name(widget)} }} from "./{widget}.js";' in index
    assert f'"{widget}": {builder_name(widget)}' in index


NODE_RUNNER = r"""
globalThis.window = globalThis;
globalThis.document = { readyState: "loading", addEventListener() {} };
const out = { modules: {} };
for (const file of JSON.parse(process.argv[2])) {
  const mod = await import("./" + file);
  out.modules[file] = Object.fromEntries(Object.entries(mod).map(([k, v]) => [k, typeof v]));
}
const index = await import("./index.js");
out.registry = {};
for (const [name, fn] of Object.entries(index.BUILDERS)) {
  const own = await import("./" + name + ".js");
  out.registry[name] = Object.keys(own).find((k) => own[k] === fn) || null;
}
out.api = { init: typeof window.RaceWidgets.init, format: Object.keys(window.RaceWidgets.format).sort(),
            sample: window.RaceWidgets.format.nbytes(141.1e9, { digits: 1 }) };
console.log(JSON.stringify(out));
"""


def test_modules_load_and_register_every_builder(tmp_path):
    """Node imports every module (so each relative import resolves and each file parses as a module) and the
    registry in index.js holds exactly the builder each widget's module exports; window.RaceWidgets keeps its API."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    work = tmp_path / "widgets"
    shutil.copytree(WIDGET_MODULES, work)
    (work / "package.json").write_text('{"type": "module"}', "utf-8")
    (work / "run.js").write_text(NODE_RUNNER, "utf-8")
    files = sorted(p.name for p in WIDGET_MODULES.glob("*.js") if p.name != "index.js")
    proc = subprocess.run([node, "run.js", json.dumps(files)], cwd=work, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    for widget in WIDGETS:
        assert out["modules"][f"{widget}.js"] == {builder_name(widget): "function"}, widget
    assert out["registry"] == {w: builder_name(w) for w in WIDGETS}
    assert out["api"] == {"init": "function", "format": ["nbytes", "num", "params", "times"],
                          "sample": "141.1\u00a0GB"}


def test_mkdocs_loads_derive_as_a_script_then_the_widgets_as_a_module():
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!ENV", lambda loader, node: None)
    scripts = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=Loader)["extra_javascript"]
    paths = [s if isinstance(s, str) else s["path"] for s in scripts]
    assert paths.index("assets/js/derive.js") < paths.index("assets/js/widgets/index.js")
    assert {"path": "assets/js/widgets/index.js", "type": "module"} in scripts
    # Classic (the widgets read window.RaceDerive) and deferred: deferred scripts and module scripts run in one list,
    # in document order, once the page is parsed, so derive.js still runs before the widgets.
    assert {"path": "assets/js/derive.js", "defer": True} in scripts
