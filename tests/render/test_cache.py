"""The cache keeps earlier renders of each entry (bounded, least recently used dropped first), so changing a value
and changing it back renders nothing the second time; prune() still forgets unregistered figures entirely."""

from __future__ import annotations

from pathlib import Path

from generator.render.cache import KEEP_VERSIONS, FigureCache


def _render(cache: FigureCache, entry: str, key: str, body: str) -> None:
    work = cache.new_work_dir(entry)
    (work / f"{entry}.svg").write_text(body, "utf-8")
    cache.commit(entry, key, work)


def _body(cache: FigureCache, entry: str) -> str:
    return (cache.out_dir(entry) / f"{entry}.svg").read_text("utf-8")


def test_change_and_revert_recalls_the_earlier_render(tmp_path: Path) -> None:
    cache = FigureCache(tmp_path)
    _render(cache, "chart", "k1", "one")
    _render(cache, "chart", "k2", "two")
    assert not cache.is_fresh("chart", "k1")
    assert cache.recall("chart", "k1") and cache.is_fresh("chart", "k1") and _body(cache, "chart") == "one"
    # ... and the one it replaced is kept in turn, also across a fresh FigureCache (the manifest records it)
    again = FigureCache(tmp_path)
    assert again.recall("chart", "k2") and _body(again, "chart") == "two"
    assert not again.recall("chart", "k9")


def test_versions_are_bounded_least_recently_used_first(tmp_path: Path) -> None:
    cache = FigureCache(tmp_path)
    for n in range(1, KEEP_VERSIONS + 3):  # k1 .. k5: current k5, kept k2 k3 k4, k1 dropped
        _render(cache, "chart", f"k{n}", f"body {n}")
    kept = {v["key"] for v in cache.manifest["versions"]["chart"]}
    assert kept == {"k2", "k3", "k4"}
    assert not (cache.versions_dir / "chart" / "k1").exists()
    assert cache.recall("chart", "k2")  # now recently used; k5 shelved
    _render(cache, "chart", "k6", "body 6")  # shelves k2 again (most recent): k3 is the least recently used
    kept = {v["key"] for v in cache.manifest["versions"]["chart"]}
    assert kept == {"k4", "k5", "k2"}, kept
    assert sorted(p.name for p in (cache.versions_dir / "chart").iterdir()) == ["k2", "k4", "k5"]


def test_a_damaged_version_is_not_recalled(tmp_path: Path) -> None:
    cache = FigureCache(tmp_path)
    _render(cache, "chart", "k1", "one")
    _render(cache, "chart", "k2", "two")
    (cache.versions_dir / "chart" / "k1" / "chart.svg").write_text("tampered", "utf-8")
    assert not cache.recall("chart", "k1")
    assert cache.is_fresh("chart", "k2") and not (cache.versions_dir / "chart" / "k1").exists()


def test_prune_keeps_versions_of_registered_figures_only(tmp_path: Path) -> None:
    cache = FigureCache(tmp_path)
    for entry in ("kept", "gone"):
        _render(cache, entry, "k1", "one")
        _render(cache, entry, "k2", "two")
    (cache.versions_dir / "kept" / "stray").mkdir()  # a folder the manifest does not list
    cache.prune({"kept"})
    assert (cache.versions_dir / "kept" / "k1").is_dir() and not (cache.versions_dir / "kept" / "stray").exists()
    assert not (cache.versions_dir / "gone").exists() and "gone" not in cache.manifest["versions"]
    assert FigureCache(tmp_path).recall("kept", "k1")
