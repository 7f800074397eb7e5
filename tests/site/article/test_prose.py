"""The authors' prose rules (generator/site/article/prose.py): what each accepts and refuses, and that the build's
page rendering (render_pages, which `make check` and `make site` both run) enforces them in one line naming the
file and line. tests/docs/test_prose.py runs the same rules over the real docs/."""

from __future__ import annotations

import pytest

from generator.errors import BuildError
from generator.site.article.pages import render_pages
from generator.site.article.prose import (
    allowed_names,
    check_front_matter,
    check_prose,
    numeric_literals,
    typed_comparisons,
)

# ------------------------------------------------------------------------------------------------------------------
# Bare numbers
# ------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "GPT-3 has {{ m['gpt-3-175b'].layers }} layers.",
    "In 2020, researchers found a power law; by 2022 it was revised.",
    "FP32, FP16, BF16, INT8, INT4 and FP8 E4M3 are formats; so is E5M2.",
    "Llama 3.1 and Llama 3 on an H100, H200, A100, B200, MI300X, RTX 4090 or M4 Max.",
    "DeepSeek-V2, DeepSeek-V3, Mamba-2, Nemotron 3, GLM-4, GPT-4, LLM.int8(), OPT-175B, Qwen3-30B-A3B.",
    "A number {{ num(\n  131072\n) }} across lines, {# a 42 comment #} and {% set x = 7 %} a statement.",
    "<!-- TODO: check 213 GB -->",
    "Before\n```python\nx = 96 * 96\n```\nafter.",
])
def test_checker_accepts(text: str) -> None:
    assert numeric_literals(text) == []


@pytest.mark.parametrize("text, numbers", [
    ("GPT-3 has 96 layers.", ["96"]),
    ("Its context is 2048 tokens.", ["2048"]),
    ("A 2,048-token window, 7.6× faster, 93.3% smaller.", ["2,048", "7.6", "93.3"]),
    ("Inline code is prose too: `kv_lora_rank = 512`.", ["512"]),
    ("n² scores", ["²"]),
    ("GPT-5 and Llama 7 are not on the list.", ["5", "7"]),
    ("An {{ num(1) }} expression, then 3 of them.", ["3"]),
])
def test_checker_flags(text: str, numbers: list[str]) -> None:
    assert [o.number for o in numeric_literals(text)] == numbers


def test_checker_keeps_line_numbers() -> None:
    text = "{{ num(\n1) }}\n<!--\n\n-->\nline six has 42\n"
    assert [(o.line, o.number) for o in numeric_literals(text)] == [(6, "42")]


def test_part_headings_and_links_are_prose() -> None:
    assert numeric_literals("## Part 2: the memory wall\n\nSee [Part 2](part-2.md) and [Part 3](part-3.md#kv).") == []
    assert [o.number for o in numeric_literals("Part 2 has 96 layers.")] == ["96"]


def test_the_catalogs_own_names_are_not_numbers(catalog) -> None:
    """A model, device or format the catalog names may be written as it is named (a new author's model needs no
    change to the allow-list); its numbers may not."""
    names = allowed_names(catalog.data)
    model = next(m for m in catalog.models.values() if any(c.isdigit() for c in m["name"]))
    text = f"{model['name']} came out that year; it has 96 layers."
    assert [o.number for o in numeric_literals(text, names=names)] == ["96"]
    assert numeric_literals(f"The Example-LM-72B{model['name']} is no name.", names=names) != []


# ------------------------------------------------------------------------------------------------------------------
# Comparisons typed next to a number
# ------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "At INT4 it needs {{ gb(x) }}, more than the {{ num(hw.h200.memory_gb) }} GB of one H200.",
    "Its weights fit on one {{ hw['h200'].name }} ({{ num(hw['h200'].memory_gb) }} GB).",
    "{{ gb(a) }} overflows an entire node.",
    "It needs {{ num(n) }} of them, more than an entire {{ node_gpus }}-GPU server.",
    "That is {{ times(4) }} smaller than FP32.",
])
def test_comparison_lint_flags_typed_comparisons(text: str) -> None:
    assert typed_comparisons(text), text


@pytest.mark.parametrize("text", [
    "At INT4 it needs {{ gb(x) }}, {{ than(x, y) }} the {{ num(hw.h200.memory_gb) }} GB of one H200.",
    "Its weights {{ fits(a, b, 'fit on', 'do not fit on') }} one H200.",
    "Attention is more than a lookup table.{{ cite('dao-2022') }}",
    "It needs {{ gb(x) }}. Later models are larger than that, and much more than anyone planned for.",
])
def test_comparison_lint_accepts_computed_or_unrelated_words(text: str) -> None:
    assert typed_comparisons(text) == [], text


def test_check_prose_is_one_line_with_the_count() -> None:
    with pytest.raises(BuildError) as info:
        check_prose("ok\nGPT-3 has 96 layers and 2048 tokens.\n", "docs/part-2.md")
    msg = str(info.value)
    assert msg.startswith("docs/part-2.md:2: '96' is a number typed into the prose;") and "(and 1 more)" in msg
    assert "\n" not in msg
    with pytest.raises(BuildError, match=r"^docs/x.md:1: 'more than' is a comparison typed .* than\(a, b\)"):
        check_prose("It needs {{ gb(x) }}, more than the {{ num(y) }} GB.", "docs/x.md")


# ------------------------------------------------------------------------------------------------------------------
# The front matter
# ------------------------------------------------------------------------------------------------------------------

FRONT = "---\ntitle: Two\ndescription: The second part.\n---\n"


@pytest.mark.parametrize("head", ["{%- set x = 1 -%}\n", "{#- a note -#}\n", "\n{%- set x = 1 -%}\n"])
def test_whitespace_control_that_eats_the_front_matters_end_is_refused(tmp_path, catalog, head) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(FRONT + head + "# Part two\n\ntext\n", "utf-8")
    with pytest.raises(BuildError) as info:
        render_pages(docs, catalog, {}, None)
    line = (FRONT + head).count("\n")
    assert str(info.value).startswith(f"{docs / 'index.md'}:{line}: the template code after the front matter")
    assert "'{%' or '{#' (no '-')" in str(info.value)


@pytest.mark.parametrize("head", ["{%- set x = 1 %}\n", "{% set x = 1 -%}\n", "{# a note -#}\n{%- set x = 1 -%}\n"])
def test_whitespace_control_that_keeps_the_line_break_is_fine(tmp_path, catalog, head) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(FRONT + head + "# Part two\n\ntext\n", "utf-8")
    assert render_pages(docs, catalog, {}, None)["index.md"].startswith(FRONT)


def test_check_front_matter_without_front_matter_is_silent() -> None:
    check_front_matter("# A page\n", "# A page\n", "docs/a.md")


# ------------------------------------------------------------------------------------------------------------------
# In the build's page rendering (make check and make site)
# ------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page, expected", [
    ("# T\n\nGPT-3 has 96 layers.\n", ":3: '96' is a number typed into the prose"),
    ("# T\n\n{% include '_part.md' %}\n", "_part.md:1: '512' is a number typed into the prose"),
    ("# T\n\nIt needs {{ gb(5e9) }}, more than the {{ num(2) }} GB.\n", ":3: 'more than' is a comparison"),
])
def test_render_pages_refuses_prose_rules_in_pages_and_includes(tmp_path, catalog, page, expected) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(page, "utf-8")
    (docs / "_part.md").write_text("an include with 512 in it\n", "utf-8")
    if "include" not in page:
        (docs / "_part.md").unlink()
    with pytest.raises(BuildError) as info:
        render_pages(docs, catalog, {}, None)
    assert expected in str(info.value) and "\n" not in str(info.value)
