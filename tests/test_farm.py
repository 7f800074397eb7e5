"""The render farm (generator/farm.py, generator/render/pack.py): plan, render one entry per machine, pack, unpack
into a clean checkout, build with --no-render; the site is byte-identical to a one-machine build. Archives that
are tampered with, truncated, renamed or carry foreign members are refused and nothing is installed."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from generator.errors import BuildError
from generator.render.cache import FigureCache
from generator.render.pack import archive_name, pack_entry, unpack_archives
from tests.support import ROOT
from tests.tinyproject import CHART, SCENE, make_tiny_project, tree_digest

KEY = "ab" * 32


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, env=env)


def ok(*args: str | Path) -> subprocess.CompletedProcess[str]:
    proc = cli(*args)
    assert proc.returncode == 0, f"{' '.join(map(str, args))}:\n{proc.stderr}"
    return proc


# --- pack and unpack on a cache entry made by hand (fast) ------------------------------------------------------


def _cache_with_entry(folder: Path, entry: str = "fig.landscape-8x8-1", key: str = KEY) -> FigureCache:
    cache = FigureCache(folder)
    work = cache.new_work_dir(entry)
    (work / "fig.mp4").write_bytes(bytes(range(256)) * 40)
    (work / "fig.en.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n", "utf-8")
    cache.commit(entry, key, work)
    return cache


def test_pack_is_one_deterministic_file_named_by_the_key(tmp_path):
    cache = _cache_with_entry(tmp_path / "c")
    a = pack_entry(cache, "fig.landscape-8x8-1", KEY, tmp_path / "a")
    b = pack_entry(cache, "fig.landscape-8x8-1", KEY, tmp_path / "b")
    assert a.name == archive_name(KEY) == f"{KEY}.tar"
    assert a.read_bytes() == b.read_bytes()
    with tarfile.open(a) as tar:
        assert tar.getnames() == ["entry.json", "files/fig.en.vtt", "files/fig.mp4"]
        assert {m.mtime for m in tar} == {0} and {m.uid for m in tar} == {0}
    with pytest.raises(BuildError, match="stale"):
        pack_entry(cache, "fig.landscape-8x8-1", "cd" * 32, tmp_path / "c2")  # not rendered for that key
    with pytest.raises(BuildError, match="missing"):
        pack_entry(cache, "other", KEY, tmp_path / "c2")


def test_unpack_installs_the_entry_into_a_clean_cache(tmp_path):
    src = _cache_with_entry(tmp_path / "src")
    archive = pack_entry(src, "fig.landscape-8x8-1", KEY, tmp_path / "out")
    dest = FigureCache(tmp_path / "dest")
    assert unpack_archives(dest, [archive]) == ["fig.landscape-8x8-1"]
    again = FigureCache(tmp_path / "dest")  # the manifest on disk records it
    assert again.status("fig.landscape-8x8-1", KEY) == "fresh"
    files = again.outputs("fig.landscape-8x8-1", KEY)
    assert files["fig.mp4"][0].read_bytes() == bytes(range(256)) * 40
    assert unpack_archives(again, [archive]) == []  # already there: left alone
    assert not (tmp_path / "dest" / "tmp").exists() or not any((tmp_path / "dest" / "tmp").iterdir())  # no scratch left behind


def _rewrite(archive: Path, dest: Path, change) -> Path:
    """A copy of ``archive`` at ``dest`` with its members passed through ``change(name, data) -> [(name, data)]``."""
    members = []
    with tarfile.open(archive) as tar:
        for m in tar:
            f = tar.extractfile(m)
            members += change(m.name, f.read() if f else b"")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(dest, "w") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return dest


def _flip(name, data):
    if name == "files/fig.mp4":
        data = bytes([data[0] ^ 1]) + data[1:]
    return [(name, data)]


def _edit_meta(name, data):
    if name == "entry.json":
        meta = json.loads(data)
        meta["outputs"]["fig.en.vtt"] = "0" * 64
        data = json.dumps(meta).encode()
    return [(name, data)]


BAD = {
    "a changed byte": (lambda a, d: _rewrite(a, d / a.name, _flip), "fig.mp4: SHA-256"),
    "a changed record": (lambda a, d: _rewrite(a, d / a.name, _edit_meta), "fig.en.vtt: SHA-256"),
    "a missing file": (lambda a, d: _rewrite(a, d / a.name, lambda n, b: [] if n == "files/fig.mp4" else [(n, b)]),
                       "incomplete: missing fig.mp4"),
    "a foreign member": (lambda a, d: _rewrite(a, d / a.name, lambda n, b: [(n, b)] + (
        [("../../evil.sh", b"rm -rf /")] if n == "entry.json" else [])), "'../../evil.sh': not a listed output"),
    "a truncated file": (lambda a, d: _write(d / a.name, a.read_bytes()[:5000]), "not a whole tar archive"),
    "another key's name": (lambda a, d: _write(d / f"{'ef' * 32}.tar", a.read_bytes()), "holds key"),
    "not a tar": (lambda a, d: _write(d / a.name, b"<html>404</html>"), "not a whole tar archive"),
}


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("what", sorted(BAD))
def test_unpack_refuses_a_bad_archive_and_installs_nothing(tmp_path, what):
    src = _cache_with_entry(tmp_path / "src")
    good_other = pack_entry(_cache_with_entry(tmp_path / "src2", "chart_x", "cd" * 32), "chart_x", "cd" * 32,
                            tmp_path / "good")
    archive = pack_entry(src, "fig.landscape-8x8-1", KEY, tmp_path / "out")
    make, message = BAD[what]
    bad = make(archive, tmp_path / "bad")
    dest = FigureCache(tmp_path / "dest")
    with pytest.raises(BuildError) as err:
        unpack_archives(dest, [good_other, bad])
    assert message in str(err.value) and str(bad) in str(err.value) and "nothing installed" in str(err.value)
    # Not even the good archive went in: the cache is as it was, with no manifest and no entry folders.
    assert not (tmp_path / "dest" / "manifest.json").exists()
    assert not (tmp_path / "dest" / "figures").exists()
    assert not (tmp_path / "dest" / "tmp").exists() or not any((tmp_path / "dest" / "tmp").iterdir())
    assert not (tmp_path / "evil.sh").exists()


# --- the whole farm on the tiny project (draft renders) ---------------------------------------------------------


@pytest.mark.slow
def test_farm_builds_the_same_site_as_one_machine(tmp_path, tiny_build):
    one_site = tree_digest(tiny_build[1].site)  # the tiny project built on one machine (once per session)

    planner = make_tiny_project(tmp_path / "planner")
    rows = json.loads(ok("plan", "--quality", "draft", "--root", planner).stdout)
    scene_entry, portrait_entry = f"{SCENE}.landscape-854x480-15", f"{SCENE}.portrait-432x540-15"
    # Heaviest first: the matrix starts the scene's two renders (one per orientation) first.
    assert [r["entry"] for r in rows] == [scene_entry, portrait_entry, CHART]
    assert {r["why"] for r in rows} == {"missing"} and all(len(r["key"]) == 64 for r in rows)
    assert rows[0]["render"] == "landscape-854x480-15" and rows[0]["figure"] == SCENE and rows[2]["kind"] == "chart"

    artifacts = tmp_path / "artifacts"
    for i, row in enumerate(rows):  # each render on its own "runner": a separate copy of the project
        runner = make_tiny_project(tmp_path / f"runner-{i}")
        ok("render", row["entry"], "--quality", "draft", "--root", runner)
        manifest = json.loads((runner / ".cache" / "manifest.json").read_text("utf-8"))
        assert list(manifest["figures"]) == [row["entry"]]  # exactly that entry, nothing else
        ok("pack", row["entry"], "--quality", "draft", "--root", runner, "--out", artifacts)
        assert (artifacts / f"{row['key']}.tar").is_file()  # named by the key the plan gave
    assert sorted(p.name for p in artifacts.iterdir()) == sorted(f"{r['key']}.tar" for r in rows)

    clean = make_tiny_project(tmp_path / "clean")
    refused = cli("build", "--no-render", "--quality", "draft", "--root", clean)
    assert refused.returncode == 1
    assert f"{CHART} (figures/charts/{CHART}.py): missing" in refused.stderr
    assert f"{scene_entry} (figures/scenes/{SCENE}.py): missing" in refused.stderr
    assert f"{portrait_entry} (figures/scenes/{SCENE}.py): missing" in refused.stderr
    assert not (clean / "site").exists()  # nothing written but the build lock (generator/util/lock.py)
    assert [p.name for p in (clean / ".cache").iterdir()] == ["build.lock"]

    ok("unpack", *sorted(artifacts.iterdir()), "--root", clean)
    assert json.loads(ok("plan", "--quality", "draft", "--root", clean).stdout) == []
    built = ok("build", "--no-render", "--quality", "draft", "--root", clean)
    assert "0 rendered, 2 cached" in built.stderr
    assert tree_digest(clean / "site") == one_site  # byte-identical to the one-machine build

    # A changed input makes its figure stale: --no-render names it and only it, and leaves the site as it was.
    catalog = clean / "catalog.yaml"
    catalog.write_text(catalog.read_text("utf-8").replace("    params: 117.0e6\n", "    params: 118.0e6\n", 1))
    stale = cli("build", "--no-render", "--quality", "draft", "--root", clean)
    assert stale.returncode == 1 and f"{CHART} (figures/charts/{CHART}.py): stale" in stale.stderr
    assert SCENE not in stale.stderr
    assert tree_digest(clean / "site") == one_site
    rows = json.loads(ok("plan", "--quality", "draft", "--root", clean).stdout)
    assert [(r["entry"], r["why"]) for r in rows] == [(CHART, "stale")]

    # The media kit needs no render the site did not make (its vertical video came with the portrait render): it
    # assembles from the unpacked cache alone, and its plan adds nothing to the site's.
    kit = cli("media", "--no-render", "--quality", "draft", "--root", clean)
    assert kit.returncode == 0 and (clean / "media" / "manifest.json").is_file(), kit.stderr
    media_rows = json.loads(ok("plan", "--quality", "draft", "--media", "--root", clean).stdout)
    assert [r["entry"] for r in media_rows] == [CHART]


def test_render_and_plan_refuse_what_is_not_in_the_plan(tmp_path):
    root = make_tiny_project(tmp_path / "p")
    bad = cli("render", f"{SCENE}.landscape-1920x1080-60", "--quality", "draft", "--root", root)
    assert bad.returncode == 1 and "not an entry of this build's plan" in bad.stderr
    assert f"did you mean '{SCENE}.landscape-854x480-15'?" in bad.stderr
    assert not (root / ".cache").exists()
    bad = cli("plan", "--quality", "4k", "--root", root)
    assert bad.returncode == 1 and "add --media" in bad.stderr
