"""The YAML loader (generator/catalog/load.py): malformed, duplicated, tagged, oversized, too deep or not a
regular file, each refused with file:line:column and what was found, before anything is built."""

from __future__ import annotations

import os
import resource
import threading
import time

import pytest

from generator.catalog import load as yaml_load
from generator.catalog.load import MAX_BYTES
from generator.catalog.model import load_catalog
from generator.errors import CatalogError
from tests.support import GOOD, line_of, mutate, one_error_line, reject, run_cli


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


def _catalog_error(capsys, path: str) -> str:
    rc, lines = run_cli(capsys, "check", "--catalog", path)
    assert rc == 2
    return one_error_line(lines)


def test_catalog_that_is_a_folder(tmp_path, capsys):
    assert "found a folder" in _catalog_error(capsys, str(tmp_path))


def test_catalog_that_is_a_fifo_does_not_hang(tmp_path, capsys):
    fifo = tmp_path / "catalog.yaml"
    os.mkfifo(fifo)
    result: list[str] = []
    t = threading.Thread(target=lambda: result.append(_catalog_error(capsys, str(fifo))), daemon=True)
    t.start()
    t.join(10)
    if t.is_alive():  # unblock the reader before failing
        with open(fifo, "w"):
            pass
        pytest.fail("reading a FIFO catalog hung")
    assert "named pipe" in result[0]


def test_catalog_that_is_a_device(capsys):
    assert "character device" in _catalog_error(capsys, "/dev/zero")


def test_huge_catalog_is_refused_before_reading(tmp_path, capsys):
    p = tmp_path / "catalog.yaml"
    with open(p, "wb") as f:
        f.truncate(50 * 1024**3)  # sparse: 50 GB that take no space
    assert "at most" in _catalog_error(capsys, str(p))


@pytest.mark.parametrize("depth", [40, 500, 5000])
def test_deep_nesting(tmp_path, capsys, depth):
    text = "meta:\n  title: x\n  deep: " + "[" * depth + "]" * depth + "\n"
    p = tmp_path / "catalog.yaml"
    p.write_text(text, "utf-8")
    msg = _catalog_error(capsys, str(p))
    assert msg.startswith(f"error: {p}:3:"), msg
    assert "levels of nesting" in msg


def test_alias_bomb_hint_only_with_aliases(tmp_path, monkeypatch):
    monkeypatch.setattr(yaml_load, "MAX_NODES", 500)
    plain = "meta:\n" + "".join(f"  k{i}: [1, 2, 3]\n" for i in range(200))
    bomb = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b]\n"
    for text, alias in ((plain, False), (bomb, True)):
        p = tmp_path / "catalog.yaml"
        p.write_text(text, "utf-8")
        with pytest.raises(CatalogError) as info:
            load_catalog(p)
        assert ("alias bomb" in str(info.value)) is alias, info.value
