"""The preview server and `make serve` (generator/site/assembly/serve.py): prefixes checked, hostile requests
answered 400, rebuilds under the build lock on a change to anything a build reads."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from generator.errors import BuildError
from generator.site.assembly.serve import checked_prefix, serve_directory, watch_and_rebuild, watched_paths
from generator.util.lock import build_lock
from generator.util.project import BuildPaths
from tests.support import ROOT, one_error_line, run_cli


def test_serve_rebuilds_take_the_same_lock(project):
    """`make serve` rebuilds through `python -m generator build`: while another build holds the lock, it waits."""
    with build_lock(project / ".cache"):
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--root", str(project), "--port", "0"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        try:
            assert proc.stdout is not None
            lines = [proc.stdout.readline(), proc.stdout.readline()]  # "rebuilding", then the wait
            assert f"waiting for pid {os.getpid()} (" in lines[1], lines
            time.sleep(1)
            assert proc.poll() is None
        except BaseException:
            proc.kill()
            raise
    try:
        for line in proc.stdout:  # the lock released: the rebuild runs, then the server starts
            m = re.search(r"at (http://\S+) ", line)
            if m:
                with urllib.request.urlopen(m.group(1), timeout=30) as r:
                    assert r.status == 200 and b"</html>" in r.read()
                break
        else:
            pytest.fail("serve never started")
    finally:
        proc.terminate()
        proc.wait(30)


@pytest.mark.parametrize("prefix", ["race/", "/race", "/a b/", "/a\"/", "/../", "//", "/a/../b/"])
def test_bad_prefix_is_refused(prefix, capsys):
    with pytest.raises(BuildError, match="PREFIX="):
        checked_prefix(prefix)
    rc, lines = run_cli(capsys, "serve", "--prefix", prefix, "--port", "0")
    assert rc == 1 and "PREFIX=" in one_error_line(lines)


def test_good_prefixes():
    for p in ("/", "/race-to-scale/", "/a/b_c/~d/"):
        assert checked_prefix(p) == p


def test_serve_answers_400_to_hostile_requests(tmp_path):
    (tmp_path / "v.bin").write_bytes(b"x" * 1000)
    with serve_directory(tmp_path) as url:
        host, port = url.split("//")[1].rstrip("/").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", "/v.bin", headers={"Range": "bytes=" + "9" * 5000 + "-"})
        assert conn.getresponse().status == 400
        conn.close()
        for path in ("/v.bin%00", "/%00/../v.bin"):
            conn = http.client.HTTPConnection(host, int(port), timeout=10)
            conn.request("GET", path)
            assert conn.getresponse().status == 400
            conn.close()
        with socket.create_connection((host, int(port)), timeout=10) as s:  # a raw NUL byte in the request line
            s.sendall(b"GET /v\x00.bin HTTP/1.1\r\nHost: x\r\n\r\n")
            assert s.recv(100).split(b" ")[1] == b"400"
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", "/v.bin", headers={"Range": "bytes=10-19"})  # a sane range still works
        r = conn.getresponse()
        assert r.status == 206 and r.read() == b"x" * 10


def test_the_preview_watches_everything_a_build_reads(tmp_path):
    """`make serve` rebuilds on a change to the catalog, the pages, the figures, the generator, mkdocs.yml, and also
    the theme overrides, the changelog, the releases and pyproject.toml (budgets, settings)."""
    paths = BuildPaths(root=tmp_path, catalog=tmp_path / "data" / "my catalog.yaml")
    names = {p.relative_to(tmp_path).as_posix() for p in watched_paths(paths)}
    assert names == {"data/my catalog.yaml", "docs", "figures", "generator", "mkdocs.yml", "overrides",
                     "CHANGELOG.yaml", "releases", "pyproject.toml"}


@pytest.mark.parametrize("changed", ["overrides/partials/rts/social.html", "CHANGELOG.yaml",
                                     "releases/1.0/release.json", "pyproject.toml", "docs/index.md"])
def test_a_change_to_a_watched_file_rebuilds(tmp_path, monkeypatch, changed):
    from generator.site.assembly import serve

    snapped = threading.Event()  # the watcher has taken the snapshot it compares with

    def snapshot(paths):
        out = real(paths)
        snapped.set()
        return out

    real = serve._snapshot
    monkeypatch.setattr(serve, "_snapshot", snapshot)
    for rel in ("catalog.yaml", "docs/index.md", "overrides/partials/rts/social.html", "CHANGELOG.yaml",
                "pyproject.toml", "mkdocs.yml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", "utf-8")
    rebuilt, stop = threading.Event(), threading.Event()
    watcher = threading.Thread(target=watch_and_rebuild, daemon=True,
                               args=(watched_paths(BuildPaths(root=tmp_path)), rebuilt.set, stop, 0.05))
    watcher.start()
    try:
        assert snapped.wait(30)
        target = tmp_path / changed  # a file that is new (releases/1.0/...) counts as a change too
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("changed", "utf-8")
        os.utime(target, ns=(time.time_ns() + 10**9,) * 2)  # a later mtime even on a coarse clock
        assert rebuilt.wait(30), f"no rebuild after {changed} changed"
    finally:
        stop.set()
        watcher.join(30)
