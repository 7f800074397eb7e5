"""Every way a catalog is rejected, each with file:line:column, the field, what was expected and what was found."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.catalog import load_catalog
from generator.catalog.load import MAX_BYTES
from generator.errors import CatalogError

ROOT = Path(__file__).resolve().parent.parent
GOOD = (ROOT / "catalog.yaml").read_text("utf-8")


def line_of(text: str, needle: str, nth: int = 0) -> int:
    """1-based line number of the nth occurrence of ``needle``."""
    pos = -1
    for _ in range(nth + 1):
        pos = text.index(needle, pos + 1)
    return text.count("\n", 0, pos) + 1


def mutate(old: str, new: str, count: int = 1) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, count)


def reject(tmp_path: Path, text: str | bytes) -> CatalogError:
    p = tmp_path / "catalog.yaml"
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, "utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(p)
    err = info.value
    assert err.file == str(p)
    assert str(err).startswith(str(p))
    return err


def test_the_real_catalog_loads(catalog):
    assert "gpt-3-175b" in catalog.models
    assert catalog.models["gpt-3-175b"]["params"] == 175e9  # '175.0e9' is a number, not a string
    assert catalog.models["gpt-1"]["verified"]["architecture"] == "yes"  # YAML 1.2: 'yes' stays a word


def test_malformed_yaml(tmp_path):
    text = mutate("  gpt-1:\n    name: GPT-1", "  gpt-1:\n    name: [GPT-1")
    err = reject(tmp_path, text)
    assert err.line is not None and err.line >= line_of(text, "name: [GPT-1")
    assert "well-formed YAML" in err.expected


def test_duplicate_key(tmp_path):
    text = mutate("    layers: 12\n", "    layers: 12\n    layers: 13\n")
    err = reject(tmp_path, text)
    assert err.field == "models.gpt-1.layers"
    assert err.line == line_of(text, "layers: 13")
    assert f"line {line_of(text, 'layers: 12')}" in err.found


def test_duplicate_id(tmp_path):
    block = GOOD[GOOD.index("  gpt-1:\n"):GOOD.index("  gpt-2-xl:\n")]
    text = GOOD.replace("  gpt-2-xl:\n", block + "  gpt-2-xl:\n", 1)
    err = reject(tmp_path, text)
    assert err.field == "models.gpt-1"
    assert err.line == line_of(text, "  gpt-1:\n", nth=1)
    assert "ids are the keys" in err.hint


def test_unknown_reference_id(tmp_path):
    text = mutate("sources: [brown-2020]", "sources: [brown-2021]")
    err = reject(tmp_path, text)
    assert err.field == "models.gpt-3-175b.sources[0]"
    assert "brown-2021" in err.found
    assert err.hint == "did you mean 'brown-2020'?"
    assert err.line == line_of(text, "sources: [brown-2021]")


def test_unknown_figure_read(tmp_path):
    text = mutate("reads: [hardware, facts.flash-sram-mb]\n", "reads: [hardware, facts.flash-sram-mbb]\n")
    err = reject(tmp_path, text)
    assert err.field == "figures.flash_tiling.reads[1]"
    assert "facts.flash-sram-mb" in err.hint


def test_unknown_field_read(tmp_path):
    text = mutate("models.*.released, models.*.params,", "models.*.released, models.*.param,")
    err = reject(tmp_path, text)
    assert err.field == "figures.params_over_time.reads[3]" and "'param'" in err.found
    assert "did you mean 'params'?" in err.hint
    assert err.line == line_of(text, "models.*.param,")


def test_unknown_model_in_a_figure_list(tmp_path):
    text = mutate("    models: [mistral-7b]\n    hardware: [a100-80gb]\n",
                  "    models: [mistral-7bb]\n    hardware: [a100-80gb]\n")
    err = reject(tmp_path, text)
    assert err.field == "figures.attention_cost.models[0]" and "did you mean 'mistral-7b'?" in err.hint
    text = mutate("defaults: {model: llama-3.1-70b}", "defaults: {model: llama-3.1-70}")
    err = reject(tmp_path, text)
    assert err.field == "widgets.memory.defaults.model" and "llama-3.1-70b" in err.hint
    text = mutate("    select: dense\n", "    select: denser\n")
    err = reject(tmp_path, text)
    assert err.field == "figures.scaling_law.select" and "dense" in err.hint


def test_missing_required_field(tmp_path):
    text = mutate("    d_model: 768\n", "")
    err = reject(tmp_path, text)
    assert err.field == "models.gpt-1.d_model"
    assert err.found == "it missing"
    assert err.line == line_of(text, "  gpt-1:")


def test_wrong_type(tmp_path):
    text = mutate("    layers: 96\n", "    layers: ninety-six\n")
    err = reject(tmp_path, text)
    assert err.field == "models.gpt-3-175b.layers"
    assert "integer" in err.expected and "ninety-six" in err.found
    assert (err.line, err.column) == (line_of(text, "layers: ninety-six"), 13)


@pytest.mark.parametrize("old,new,field", [
    ("    layers: 96\n", "    layers: -96\n", "models.gpt-3-175b.layers"),
    ("    memory_gb: 16\n", "    memory_gb: 0\n", "hardware.rtx-4090-laptop.memory_gb"),
    ("    params: 175.0e9\n", "    params: .nan\n", "models.gpt-3-175b.params"),
    ("    params: 175.0e9\n", "    params: .inf\n", "models.gpt-3-175b.params"),
])
def test_impossible_values(tmp_path, old, new, field):
    err = reject(tmp_path, mutate(old, new))
    assert err.field == field
    assert err.line == line_of(mutate(old, new), new.strip())


def test_kv_heads_must_divide_heads(tmp_path):
    text = mutate("    heads: 64\n    kv_heads: 8\n", "    heads: 64\n    kv_heads: 6\n")
    err = reject(tmp_path, text)
    assert err.field == "models.llama-3.1-70b.kv_heads"
    assert "divisor of heads (64)" in err.expected


def test_unknown_key_suggests_nearest(tmp_path):
    text = mutate("    d_model: 768\n", "    d_modle: 768\n")
    err = reject(tmp_path, text)
    assert err.field == "models.gpt-1.d_modle"
    assert err.hint == "did you mean 'd_model'?"
    assert err.line == line_of(text, "d_modle")


def test_enum_suggests_nearest(tmp_path):
    text = mutate("    attention: mha\n", "    attention: mhaa\n")
    err = reject(tmp_path, text)
    assert err.hint == "did you mean 'mha'?"


def test_undisclosed_model_cannot_carry_architecture(tmp_path):
    text = mutate("    disclosed: false\n", "    disclosed: false\n    layers: 120\n")
    err = reject(tmp_path, text)
    assert err.field == "models.gpt-4"
    assert "undisclosed" in err.hint


@pytest.mark.parametrize("tagged", [
    "!!python/object/apply:os.system ['echo pwned']",
    "!!python/name:os.system",
    "!!binary aGVsbG8=",
    "!custom thing",
])
def test_tags_that_construct_objects(tmp_path, tagged):
    text = mutate("    org: OpenAI\n", f"    org: {tagged}\n")
    err = reject(tmp_path, text)
    assert "tag" in err.found
    assert err.line == line_of(text, tagged)


def test_alias_bomb_is_refused_fast_in_bounded_memory(tmp_path):
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghij"):
        prev = "abcdefghij"[i]
        bomb.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    text = "\n".join(bomb) + "\n"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    err = reject(tmp_path, text)
    assert time.perf_counter() - t0 < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KiB
    assert "alias" in err.found


def test_file_over_size_limit(tmp_path):
    text = GOOD + "#" + "x" * (MAX_BYTES + 10) + "\n"
    err = reject(tmp_path, text)
    assert "bytes" in err.expected and err.line is None


def test_invalid_utf8(tmp_path):
    raw = GOOD.encode("utf-8").replace(b"name: GPT-1\n", b"name: GPT-\xff1\n", 1)
    err = reject(tmp_path, raw)
    assert err.line == line_of(GOOD, "name: GPT-1")
    assert err.column == len("    name: GPT-") + 1
    assert "0xff" in err.found


def test_not_a_mapping(tmp_path):
    err = reject(tmp_path, "- just\n- a list\n")
    assert "mapping" in err.expected


def test_format_bits_must_add_up(tmp_path):
    text = mutate("    exponent: 8\n    mantissa: 7\n", "    exponent: 8\n    mantissa: 8\n")
    err = reject(tmp_path, text)
    assert err.field == "formats.bf16.bits"


def test_cli_rejects_and_changes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(mutate("    layers: 96\n", "    layers: -1\n"), "utf-8")
    site = tmp_path / "site"
    cache = tmp_path / "cache"
    (site / "sub").mkdir(parents=True)
    (site / "index.html").write_text("previous site")
    cache.mkdir()
    (cache / "manifest.json").write_text('{"figures": {}}')
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    proc = subprocess.run([sys.executable, "-m", "generator", "build", "--catalog", str(bad), "--site", str(site),
                           "--cache", str(cache), "--quality", "draft"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2
    assert f"{bad}:{line_of(bad.read_text(), 'layers: -1')}:" in proc.stderr
    assert "models.gpt-3-175b.layers" in proc.stderr
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert before == after
