"""Issue 13, hardening: no code from a catalog, one build at a time, every failure one clear line and nothing lost.

Most tests share one tiny project (one chart) built once; each copies it before breaking anything, and checks that
a failed build leaves the previous site/ and cache exactly as they were."""

from __future__ import annotations

import errno
import http.client
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from tinyproject import CHART, copy_project, make_one_chart_project, make_tiny_project, tree_digest

from generator import cli
from generator.catalog import load as yaml_load
from generator.catalog import load_catalog
from generator.errors import BuildError, CatalogError
from generator.site.build import BuildPaths, build
from generator.site.check import MODEL_FUNCTIONS, check_project
from generator.site.publish import check_links, checked_site_url
from generator.site.serve import checked_prefix, serve_directory
from generator.util import fs
from generator.util.lock import build_lock, read_holder

ROOT = Path(__file__).resolve().parent.parent
GOOD = (ROOT / "catalog.yaml").read_text("utf-8")
RCE = "{{ d.__builtins__['__import__']('os').system('touch %s') }}"


def line_of(text: str, needle: str) -> int:
    return text.count("\n", 0, text.index(needle)) + 1


def with_alt(text: str, fig_id: str, alt: str) -> str:
    """The catalog ``text`` with figure ``fig_id``'s alt text replaced (figures: is the last section)."""
    import yaml

    head, _, _ = text.partition("\nfigures:\n")
    figs = yaml.safe_load(text)["figures"]
    figs[fig_id]["alt"] = alt
    return head + "\n" + yaml.safe_dump({"figures": figs}, sort_keys=False, width=10**6, allow_unicode=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A tiny project (one chart) built once at draft quality."""
    root = make_one_chart_project(tmp_path_factory.mktemp("hard") / "p")
    build(BuildPaths(root=root), quality="draft")
    return root


@pytest.fixture
def project(built, tmp_path) -> Path:
    """A private copy of the built project (site and cache included)."""
    return copy_project(built, tmp_path / "p")


def state(root: Path) -> tuple[dict, dict]:
    return tree_digest(root / "site"), tree_digest(root / ".cache" / "figures")


def run_cli(capsys, *argv: str) -> tuple[int, list[str]]:
    """Run the command line in-process; returns its exit status and the stderr lines it printed."""
    rc = cli.main(list(argv))
    err = capsys.readouterr().err
    return rc, [ln for ln in err.splitlines() if ln.strip()]


def one_error_line(lines: list[str]) -> str:
    errors = [ln for ln in lines if ln.startswith("error: ")]
    assert len(errors) == 1, lines
    assert not any("Traceback" in ln for ln in lines), lines
    return errors[0]


# ---------------------------------------------------------------------------------------------------------------
# 1. Templates from the catalog are sandboxed, and `make check` renders them
# ---------------------------------------------------------------------------------------------------------------


def test_alt_text_cannot_run_code(project, tmp_path, capsys):
    marker = tmp_path / "pwned"
    cat = project / "catalog.yaml"
    hostile = with_alt(cat.read_text("utf-8"), CHART, RCE % marker)
    cat.write_text(hostile, "utf-8")
    before = state(project)
    rc, lines = run_cli(capsys, "check", "--root", str(project))
    msg = one_error_line(lines)
    assert rc == 2
    line = line_of(hostile, "__builtins__")
    assert msg.startswith(f"error: {cat}:{line}:"), msg
    assert f"figures.{CHART}.alt" in msg and "unsafe" in msg
    rc, lines = run_cli(capsys, "build", "--root", str(project), "--quality", "draft")
    assert rc == 2 and f"figures.{CHART}.alt" in one_error_line(lines)
    assert not marker.exists()
    assert state(project) == before


@pytest.mark.parametrize(
    "alt,found",
    [
        ("{{ num( }}", "syntax error"),
        ("{{ no_such_macro(1) }}", "no_such_macro"),
        ("{{ m['no-such-model'].layers }}", "no-such-model"),
        ("{{ fmt.__class__.__mro__ }}", "unsafe"),
        ("{% for x in range(10**9) %}{{ x }}{% endfor %}", "Range too big"),
    ],
)
def test_bad_macros_in_alt_text_are_catalog_errors(tmp_path, alt, found):
    text = with_alt(GOOD, "attention_cost", alt)
    p = tmp_path / "catalog.yaml"
    p.write_text(text, "utf-8")
    with pytest.raises(CatalogError) as info:
        check_project(ROOT, p)
    alt_line = text.count("\n", 0, text.index("\n    alt:", text.index("\n  attention_cost:"))) + 2
    assert str(info.value).startswith(f"{p}:{alt_line}:"), info.value
    assert found in str(info.value)


# ---------------------------------------------------------------------------------------------------------------
# 2. Catalog strings reach the page as text (the browser test is in tests/browser/test_hostile_catalog.py)
# ---------------------------------------------------------------------------------------------------------------


def test_catalog_strings_are_escaped_for_markdown():
    from generator.site.safe_text import md_escape

    out = str(md_escape("H100 ![x](x){: onerror=alert(1) } [docs](javascript:alert(1)) *a* _b_ `c` <i>"))
    assert not set("![](){}*_`<>") & set(out.replace("&#", "").replace(";", ""))
    import markdown

    html = markdown.markdown(out, extensions=["attr_list", "md_in_html", "smarty"])
    assert "<img" not in html and "<a" not in html and "onerror=" not in html.replace("onerror=alert", "")
    assert "<em>" not in html and "<code>" not in html and "<i>" not in html


# ---------------------------------------------------------------------------------------------------------------
# 3. SITE_URL
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "ftp://x.org/", "https://", "https://exa mple.org/", "https://x.org/?a=1",
     "https://x.org/#top", "https://a\"b.org/", "https://x.org:99999/", "//x.org/", "https://u:p@x.org/"],
)
def test_bad_site_url_is_refused(url, project, monkeypatch):
    with pytest.raises(BuildError) as info:
        checked_site_url(url)
    assert str(info.value).startswith("SITE_URL=")
    monkeypatch.setenv("SITE_URL", url)
    before = state(project)
    with pytest.raises(BuildError):
        build(BuildPaths(root=project), quality="draft")
    assert state(project) == before


def test_site_url_is_escaped():
    assert checked_site_url("https://u.github.io/r/") == "https://u.github.io/r/"
    assert checked_site_url("http://127.0.0.1:8000/x/") == "http://127.0.0.1:8000/x/"
    out = checked_site_url("https://u.github.io/a\"'<b>/")
    assert out == "https://u.github.io/a%22%27%3Cb%3E/"


# ---------------------------------------------------------------------------------------------------------------
# 4. Symbolic links that leave the repository
# ---------------------------------------------------------------------------------------------------------------


def test_symlink_out_of_the_repository_is_refused(project, capsys):
    before = state(project)
    link = project / "docs" / "passwd.txt"
    link.symlink_to("/etc/passwd")
    rc, lines = run_cli(capsys, "build", "--root", str(project), "--quality", "draft")
    msg = one_error_line(lines)
    assert rc == 1 and str(link) in msg and "outside the repository" in msg
    with pytest.raises(BuildError, match="outside the repository"):
        check_project(project)
    assert state(project) == before
    assert not (project / "site" / "passwd.txt").exists()
    # A link that stays inside the repository is published as the file it names.
    link.unlink()
    (project / "notes.txt").write_text("inside", "utf-8")
    link.symlink_to(project / "notes.txt")
    check_links(project / "docs", project)
    build(BuildPaths(root=project), quality="draft")
    assert (project / "site" / "passwd.txt").read_text("utf-8") == "inside"


def test_dangling_symlink_is_refused(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "gone").symlink_to(tmp_path / "nowhere")
    with pytest.raises(BuildError, match="does not exist"):
        check_links(tmp_path / "docs", tmp_path)


# ---------------------------------------------------------------------------------------------------------------
# 5. One build at a time
# ---------------------------------------------------------------------------------------------------------------


def _build_cmd(root: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "--quality", "draft", "--root", str(root), *extra]


@pytest.mark.slow
def test_two_builds_started_together_are_serialised(project):
    (project / "docs" / "index.md").write_text(
        (project / "docs" / "index.md").read_text("utf-8") + "\nA change.\n", "utf-8"
    )
    procs = [subprocess.Popen(_build_cmd(project), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True) for _ in range(2)]
    outs = [p.communicate(timeout=600)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    waited = [o for o in outs if "waiting for pid" in o]
    assert len(waited) == 1, outs
    holder = [p.pid for p, o in zip(procs, outs, strict=True) if o not in waited][0]
    assert f"waiting for pid {holder} (" in waited[0]
    html = (project / "site" / "index.html").read_text("utf-8")
    assert "A change." in html and html.rstrip().endswith("</html>")
    assert not list(project.glob(".site.new-*")) and not (project / "site.old").exists()
    again = subprocess.run(_build_cmd(project), cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0 and "mkdocs skipped" in again.stderr + again.stdout


def test_second_build_with_no_wait_names_the_holder(project):
    with build_lock(project / ".cache"):
        proc = subprocess.run(_build_cmd(project, "--no-wait"), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error: ")]
    assert len(errors) == 1 and f"pid {os.getpid()}" in errors[0], proc.stderr


def test_waiting_build_says_who_holds_the_lock_and_then_runs(project):
    with build_lock(project / ".cache"):
        proc = subprocess.Popen(_build_cmd(project), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True)
        assert proc.stdout is not None
        first = proc.stdout.readline()  # its first words: it waits (however slowly the machine starts it)
        assert f"waiting for pid {os.getpid()} (" in first, first
        time.sleep(1)
        assert proc.poll() is None  # still waiting
    out = proc.communicate(timeout=300)[0]
    assert proc.returncode == 0, out
    assert "built " in out


def test_stale_lock_of_a_killed_build_is_taken_over(project, caplog):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock = project / ".cache" / "build.lock"
    lock.write_text(json.dumps({"pid": dead.pid, "command": "python -m generator build", "since": 0}), "utf-8")
    caplog.set_level("INFO")
    build(BuildPaths(root=project), quality="draft", wait=False)
    assert f"took over the build lock left by pid {dead.pid}" in caplog.text
    assert read_holder(lock) == {}  # released


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


# ---------------------------------------------------------------------------------------------------------------
# 6, 7. Published modes; --site on another file system
# ---------------------------------------------------------------------------------------------------------------


def test_site_is_published_with_web_server_modes(built):
    site = built / "site"
    assert stat.S_IMODE(site.stat().st_mode) == 0o755
    for p in site.rglob("*"):
        want = 0o755 if p.is_dir() else 0o644
        assert stat.S_IMODE(p.stat().st_mode) == want, p


def test_swap_across_file_systems_copies_then_renames(tmp_path, monkeypatch):
    target = tmp_path / "a" / "site"
    target.mkdir(parents=True)
    (target / "old.txt").write_text("old")
    new = tmp_path / "b" / "new"
    new.mkdir(parents=True)
    (new / "index.html").write_text("new")
    real = os.replace

    def replace(src, dst):  # a rename between two folders is a rename between two file systems
        if Path(src).resolve().parent != Path(dst).resolve().parent:
            raise OSError(errno.EXDEV, "Invalid cross-device link", str(src))
        return real(src, dst)

    monkeypatch.setattr(fs.os, "replace", replace)
    fs.replace_dir(new, target)
    assert sorted(p.name for p in target.iterdir()) == ["index.html"]
    assert not new.exists() and not (tmp_path / "a" / "site.old").exists()
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["site"]


def test_failed_swap_puts_the_previous_site_back(tmp_path, monkeypatch):
    target = tmp_path / "site"
    target.mkdir()
    (target / "old.txt").write_text("old")
    new = tmp_path / "new"
    new.mkdir()
    real = os.replace

    def replace(src, dst):
        if Path(src) == new:
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real(src, dst)

    monkeypatch.setattr(fs.os, "replace", replace)
    with pytest.raises(OSError):
        fs.replace_dir(new, target)
    assert (target / "old.txt").read_text() == "old"


@pytest.mark.slow
def test_site_on_another_file_system(project):
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(project).st_dev:
        pytest.skip("no second file system (/dev/shm) here")
    other = Path(shutil.os.path.join(shm, f"rts-exdev-{os.getpid()}"))
    try:
        site = other / "site"
        for _ in range(2):  # a first publish, then a swap over the previous site
            proc = subprocess.run(_build_cmd(project, "--site", str(site)), cwd=ROOT, capture_output=True, text=True)
            assert proc.returncode == 0, proc.stderr
            assert (site / "index.html").read_text("utf-8").rstrip().endswith("</html>")
            assert sorted(p.name for p in other.iterdir()) == ["site"]
            (project / "docs" / "index.md").write_text(
                (project / "docs" / "index.md").read_text("utf-8") + "\nMore.\n", "utf-8")
    finally:
        shutil.rmtree(other, ignore_errors=True)


# ---------------------------------------------------------------------------------------------------------------
# 8. What derive needs, the schema requires; `make check` runs everything that cannot need a render
# ---------------------------------------------------------------------------------------------------------------


def test_model_without_ffn_fails_check(tmp_path, capsys):
    text = GOOD.replace("    ffn: 3072\n", "", 1)
    assert text != GOOD
    p = tmp_path / "catalog.yaml"
    p.write_text(text, "utf-8")
    rc, lines = run_cli(capsys, "check", "--catalog", str(p))
    msg = one_error_line(lines)
    assert rc == 2
    assert msg.startswith(f"error: {p}:{line_of(text, '  gpt-1:')}:"), msg
    assert "models.gpt-1.ffn" in msg


def test_check_runs_derive_over_every_model(catalog, monkeypatch):
    monkeypatch.setitem(MODEL_FUNCTIONS, "needs_more", lambda m: m["rotary_base"])
    with pytest.raises(CatalogError) as info:
        check_project(ROOT)
    assert "models.gpt-1.rotary_base" in str(info.value) and "derive.needs_more" in str(info.value)
    assert info.value.line == catalog.marks[("models", "gpt-1")][0]


@pytest.mark.parametrize(
    "page,found",
    [
        ("Text {{ cite('no-such-paper') }}.\n", "no-such-paper"),
        ("{{ figure('no_such_figure') }}\n", "no_such_figure"),
        ("{{ fact('no-such-fact') }}\n", "no-such-fact"),
        ("{{ m['gpt-1'].no_field }}\n", "no_field"),
        ("{% include 'missing.md' %}\n", "missing.md"),
        ("{% include '../catalog.yaml' %}\n", "../catalog.yaml"),
        ("Value `{{ num(1) }}` in a code span.\n", "code span"),
        ("[paper]({{ refs['dao-2022'].url }})\n", "url filter"),
        ("[paper]({{ 'javascript:alert(1)' | url }})\n", "not a relative path"),
    ],
)
def test_check_renders_the_pages(project, page, found, capsys):
    (project / "docs" / "index.md").write_text("# Page\n\n" + page, "utf-8")
    rc, lines = run_cli(capsys, "check", "--root", str(project))
    msg = one_error_line(lines)
    assert rc == 1 and msg.startswith(f"error: {project / 'docs' / 'index.md'}:3"), msg
    assert found in msg


def test_check_passes_on_the_repository(capsys):
    assert cli.main(["check"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"OK \(.*; \d+ derived values and \d+ pages rendered without figures\)", out), out


# ---------------------------------------------------------------------------------------------------------------
# 9. One line, nothing lost
# ---------------------------------------------------------------------------------------------------------------


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


def _fail_when(predicate, err: int):
    def fail(*args, **kwargs):
        if predicate(*args, **kwargs):
            raise OSError(err, os.strerror(err), str(args[0]))
        return fail.real(*args, **kwargs)

    return fail


def _change_page(root: Path) -> None:
    page = root / "docs" / "index.md"
    page.write_text(page.read_text("utf-8") + "\nAn edit.\n", "utf-8")


def test_full_disk_while_staging(project, monkeypatch, capsys):
    import generator.site.build as build_mod

    _change_page(project)
    before = state(project)
    fail = _fail_when(lambda path, *a, **k: "staging" in str(path), errno.ENOSPC)
    fail.real = build_mod.atomic_write
    monkeypatch.setattr(build_mod, "atomic_write", fail)
    rc, lines = run_cli(capsys, "build", "--root", str(project), "--quality", "draft")
    msg = one_error_line(lines)
    assert rc == 1 and "No space left on device" in msg and "free some disk space" in msg
    assert state(project) == before


@pytest.mark.parametrize("builder", ["mkdocs", "zensical"])
def test_full_disk_while_the_builder_runs(project, monkeypatch, capsys, builder):
    import generator.site.builders as builders_mod

    _change_page(project)
    before = state(project)
    real = subprocess.run

    def run(cmd, *args, **kwargs):
        if builder in cmd:
            if "-d" in cmd:  # MkDocs
                out = Path(cmd[cmd.index("-d") + 1])
            else:  # Zensical has no -d: its output folder is site_dir in the config it is given
                config = yaml.safe_load(Path(cmd[cmd.index("-f") + 1]).read_text("utf-8"))
                out = project / "build" / config["site_dir"]
            (out / "index.html").write_text("half a page")
            cmd = [sys.executable, "-c", "raise OSError(28, 'No space left on device')"]
        return real(cmd, *args, **kwargs)

    monkeypatch.setattr(builders_mod.subprocess, "run", run)
    rc, lines = run_cli(capsys, "build", "--root", str(project), "--quality", "draft", "--builder", builder)
    msg = one_error_line(lines)
    assert rc == 1 and "No space left on device" in msg and builder in msg and "free some disk space" in msg
    assert state(project) == before
    assert not list(project.glob(".site.new-*")) and not list((project / "build").glob("site-*"))


def test_read_only_cache(project, monkeypatch, capsys):
    import generator.util.lock as lock_mod

    before = state(project)
    fail = _fail_when(lambda path, *a, **k: str(path).endswith("build.lock"), errno.EROFS)
    fail.real = os.open
    monkeypatch.setattr(lock_mod.os, "open", fail)
    rc, lines = run_cli(capsys, "build", "--root", str(project), "--quality", "draft")
    msg = one_error_line(lines)
    assert rc == 1 and "Read-only file system" in msg and "build.lock" in msg
    assert state(project) == before


def test_cache_that_cannot_be_written(project, monkeypatch, capsys):
    import generator.render.cache as cache_mod

    before = state(project)
    fail = _fail_when(lambda path, *a, **k: True, errno.EACCES)
    fail.real = cache_mod.atomic_write
    monkeypatch.setattr(cache_mod, "atomic_write", fail)
    rc, lines = run_cli(capsys, "build", "--root", str(project), "--quality", "draft")
    msg = one_error_line(lines)
    assert rc == 1 and "Permission denied" in msg and "manifest.json" in msg
    assert state(project) == before


def test_permission_error_in_site(project, monkeypatch, capsys):
    _change_page(project)
    before = state(project)
    site = project / "site"
    fail = _fail_when(lambda src, dst, *a, **k: Path(src) == site, errno.EACCES)
    fail.real = os.replace
    monkeypatch.setattr(fs.os, "replace", fail)
    rc, lines = run_cli(capsys, "build", "--root", str(project), "--quality", "draft")
    msg = one_error_line(lines)
    assert rc == 1 and "Permission denied" in msg and str(site) in msg
    assert state(project) == before
    assert not list(project.glob(".site.new-*"))


# ---------------------------------------------------------------------------------------------------------------
# 10. Paths
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_apostrophe_in_the_checkout_path(tmp_path):
    from tinyproject import SCENE

    root = make_tiny_project(tmp_path / "it's a \"path\"" / "p", figures=(SCENE,))
    (root / "docs" / "index.md").write_text("# T\n\n{{ figure('%s') }}\n" % SCENE, "utf-8")
    proc = subprocess.run(_build_cmd(root), cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (root / "site" / "figures" / f"{SCENE}.mp4").stat().st_size > 1000


def test_catalog_path_with_spaces_in_the_makefile(tmp_path):
    folder = tmp_path / "my catalogs"
    folder.mkdir()
    shutil.copyfile(ROOT / "catalog.yaml", folder / "the catalog.yaml")
    proc = subprocess.run(["make", "-s", "check", f"CATALOG={folder / 'the catalog.yaml'}"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "the catalog.yaml: OK" in proc.stdout
    dry = subprocess.run(["make", "-n", "site", "serve", f"CATALOG={folder / 'x y.yaml'}", "PREFIX=/a b/"],
                         cwd=ROOT, capture_output=True, text=True)
    assert dry.stdout.count(f'--catalog "{folder / "x y.yaml"}"') == 2 and '--prefix "/a b/"' in dry.stdout


@pytest.mark.parametrize("prefix", ["race/", "/race", "/a b/", "/a\"/", "/../", "//", "/a/../b/"])
def test_bad_prefix_is_refused(prefix, capsys):
    with pytest.raises(BuildError, match="PREFIX="):
        checked_prefix(prefix)
    rc, lines = run_cli(capsys, "serve", "--prefix", prefix, "--port", "0")
    assert rc == 1 and "PREFIX=" in one_error_line(lines)


def test_good_prefixes():
    for p in ("/", "/race-to-scale/", "/a/b_c/~d/"):
        assert checked_prefix(p) == p


def test_leftovers_of_killed_builds_are_cleaned(project, capsys):
    for p in (project / "build" / "site-abc123", project / ".site.new-xyz"):
        (p / "assets").mkdir(parents=True)
        (p / "index.html").write_text("half")
    build(BuildPaths(root=project), quality="draft")
    assert not (project / "build" / "site-abc123").exists() and not (project / ".site.new-xyz").exists()
    (project / ".site.new-again").mkdir()
    assert run_cli(capsys, "clean", "--root", str(project))[0] == 0
    assert not (project / ".site.new-again").exists()


# ---------------------------------------------------------------------------------------------------------------
# 11. Small ones
# ---------------------------------------------------------------------------------------------------------------


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


def test_bad_figure_id_points_at_its_key(tmp_path):
    text = GOOD.replace("\n  attention_cost:\n", "\n  Attention-Cost:\n", 1)
    p = tmp_path / "catalog.yaml"
    p.write_text(text, "utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(p)
    assert info.value.line == line_of(text, "  Attention-Cost:") and info.value.field == "figures.Attention-Cost"


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


def test_media_page_links_survive_the_escaping(project):
    """The Media page builds its links and poster from the kit with Markdown syntax: values there go through the
    url filter, so MkDocs --strict finds the files (an underscore escaped to &#95; would be an unknown link)."""
    shutil.copyfile(ROOT / "docs" / "media.md", project / "docs" / "media.md")
    sid, files = "the_wall", []
    for role, fmt in (("mp4", "MP4"), ("poster", "PNG"), ("vtt", "WebVTT")):
        path = f"{sid}/{sid}_{role}.bin"
        (project / "media" / sid).mkdir(parents=True, exist_ok=True)
        (project / "media" / path).write_bytes(b"x" * 10)
        files.append({"id": f"{sid}.{role}", "path": path, "role": role, "format": fmt, "bytes": 10,
                      "sha256": "0" * 64, "site": True, "width": 2, "height": 2, "fps": 1, "duration": 1.0})
    scene = {"id": sid, "title": "The *wall* [x](javascript:alert(1))", "alt": "A [b](javascript:alert(2)) wall",
             "description": "Grows {: onclick=alert(3) }", "duration": 1.0, "files": files}
    (project / "media" / "manifest.json").write_text(json.dumps(
        {"schema": 1, "quality": "publish", "scenes": [scene],
         "source": {"commit": "c" * 40, "dirty": False, "catalog_sha256": "d" * 64}}), "utf-8")
    build(BuildPaths(root=project), quality="draft")
    html = (project / "site" / "media" / "index.html").read_text("utf-8")
    assert 'href="the_wall/the_wall_mp4.bin"' in html and 'src="the_wall/the_wall_poster.bin"' in html
    assert not re.search(r'(href|src)="javascript:', html) and "onclick=" not in html.replace("onclick=alert&#40;", "")
    assert (project / "site" / "media" / "the_wall" / "the_wall_mp4.bin").exists()
