"""The Makefile passes paths with spaces through to the command line (CATALOG=, PREFIX=)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import ROOT


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
    # Values reach recipes as quoted environment variables, never as text in the shell line (the tests below).
    assert dry.stdout.count('--catalog "$RTS_ARG_CATALOG"') == 2 and '--prefix "$RTS_ARG_PREFIX"' in dry.stdout


# ---------------------------------------------------------------------------------------------------------------
# The Makefile passes its variables to Python as arguments, never as shell code (issue 22, item 10).
#
# Every target runs in a copy of the Makefile whose virtual environment is a stand-in: its ``python`` records the
# arguments it was given. Each user variable is set to text that would run a command if a shell or make evaluated it
# (``;``, backticks, ``$(...)``, quotes, a glob); the test fails if any of those commands ran, and checks that Python
# received the text as it was typed.
# ---------------------------------------------------------------------------------------------------------------



def _hostile(tag: str) -> str:
    """A value that creates ``pwned-<tag>-*`` files through every way a shell or make could evaluate it."""
    return f"a b; touch pwned-{tag}-semi `touch pwned-{tag}-tick` $(touch pwned-{tag}-dollar) $(shell touch pwned-{tag}-make) '\" *"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copyfile(ROOT / "Makefile", tmp_path / "Makefile")
    for name in ("requirements.lock", "pyproject.toml"):
        shutil.copyfile(ROOT / name, tmp_path / name)
    (tmp_path / "scripts").mkdir()
    shutil.copyfile(ROOT / "scripts" / "setup.sh", tmp_path / "scripts" / "setup.sh")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("", "utf-8")
    return tmp_path


def _fake_venv(project: Path, name: str) -> Path:
    """A venv folder ``name`` whose python, ruff and mypy append their argv to calls.jsonl; marked ready."""
    venv = project / name
    (venv / "bin").mkdir(parents=True)
    for tool in ("python", "ruff", "mypy"):
        exe = venv / "bin" / tool
        exe.write_text(
            "#!/usr/bin/env python3\nimport json, sys, pathlib\n"
            f"p = pathlib.Path({str(project / 'calls.jsonl')!r})\n"
            f"p.open('a').write(json.dumps([{tool!r}] + sys.argv[1:]) + '\\n')\n",
            "utf-8",
        )
        exe.chmod(0o755)
    (venv / ".ready").touch()
    os.utime(venv / ".ready", (2**31, 2**31))  # newer than its prerequisites: no set-up runs
    return venv


def _make(project: Path, *args: str) -> list[list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "RTS_ARG_"))}
    proc = subprocess.run(["make", "-s", *args], cwd=project, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    calls = project / "calls.jsonl"
    out = [json.loads(line) for line in calls.read_text("utf-8").splitlines()] if calls.exists() else []
    calls.unlink(missing_ok=True)
    return out


def _pwned(project: Path) -> list[str]:
    return sorted(p.name for p in project.rglob("pwned-*"))


def test_release_version_and_notes_are_arguments(project):
    _fake_venv(project, ".venv")
    calls = _make(project, "release", "VERSION=1.1; touch pwned-version", "NOTES=`touch pwned-notes` $(touch pwned-n2)")
    assert calls == [
        ["python", "-m", "generator", "release", "1.1; touch pwned-version", "--notes",
         "`touch pwned-notes` $(touch pwned-n2)"]
    ]
    assert _pwned(project) == []


@pytest.mark.parametrize(
    "target,var,expect",
    [
        ("site", "CATALOG", lambda v: ["--catalog", v]),
        ("site", "QUALITY", lambda v: ["--quality", v]),
        ("site", "JOBS", lambda v: ["--jobs", v]),
        ("site", "BUILDER", lambda v: ["--builder", v]),
        ("media", "CATALOG", lambda v: ["--catalog", v]),
        ("media", "JOBS", lambda v: ["--jobs", v]),
        ("check", "CATALOG", lambda v: ["--catalog", v]),
        ("serve", "CATALOG", lambda v: ["--catalog", v]),
        ("serve", "PORT", lambda v: ["--port", v]),
        ("serve", "PREFIX", lambda v: ["--prefix", v]),
        ("serve", "BUILDER", lambda v: ["--builder", v]),
        ("pdf", "PDF", lambda v: ["--out", v]),
        ("release", "VERSION", lambda v: ["release", v]),
        ("release", "NOTES", lambda v: ["--notes", v]),
    ],
)
def test_every_variable_reaches_python_as_one_argument(project, target, var, expect):
    _fake_venv(project, ".venv")
    value = _hostile(var.lower())
    extra = ["VERSION=1.1"] if target == "release" and var != "VERSION" else []
    calls = _make(project, target, f"{var}={value}", *extra)
    assert len(calls) == 1
    argv = calls[0]
    want = expect(value)
    assert any(argv[i : i + len(want)] == want for i in range(len(argv))), argv
    assert _pwned(project) == []


@pytest.mark.parametrize("target,var", [("site", "SITE_ARGS"), ("media", "MEDIA_ARGS"), ("bench", "BENCH_ARGS")])
def test_argument_lists_are_split_into_words_not_evaluated(project, target, var):
    _fake_venv(project, ".venv")
    (project / "a-file").touch()  # a glob in the list must not expand to it
    calls = _make(project, target, f"{var}=--no-render --x; touch pwned-list `touch pwned-tick` a-*")
    assert calls[0][-7:] == ["--no-render", "--x;", "touch", "pwned-list", "`touch", "pwned-tick`", "a-*"]
    assert _pwned(project) == []


def test_media_quality_and_prores(project):
    _fake_venv(project, ".venv")
    argv = _make(project, "media", "QUALITY=4k", "PRORES=1")[0]
    assert argv[argv.index("--quality") + 1] == "4k" and "--prores" in argv
    argv = _make(project, "media", "QUALITY=x; touch pwned-q", "PRORES=`touch pwned-p`")[0]
    assert argv[argv.index("--quality") + 1] == "publish" and "--prores" in argv
    assert _pwned(project) == []


def test_venv_is_a_plain_path_and_python_an_argument(project):
    venv = _fake_venv(project, "v2.env")
    assert [c[0] for c in _make(project, "lint", f"VENV={venv.name}")] == ["ruff", "ruff", "mypy"]
    assert _make(project, "check", f"VENV={venv.name}")[0][:3] == ["python", "-m", "generator"]
    # A folder name make or a shell would act on is refused before any recipe runs.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "RTS_ARG_"))}
    for bad in ("v; touch pwned-venv", "x: ; touch pwned-rule #", "$(shell touch pwned-shell)", "`touch pwned-t`"):
        proc = subprocess.run(["make", "-s", "check", f"VENV={bad}"], cwd=project, env=env, capture_output=True,
                              text=True, timeout=60)
        assert proc.returncode != 0 and "VENV: expected a plain folder path" in proc.stderr, proc.stderr
    assert _pwned(project) == []


def test_every_default_reaches_the_command(project):
    """A variable's `?=` default takes effect (a default set after the export block was silently empty)."""
    _fake_venv(project, ".venv")
    site, pdf, bench = (_make(project, target)[0] for target in ("site", "pdf", "bench"))
    assert site[site.index("--quality") + 1] == "publish" and site[site.index("--builder") + 1] == "mkdocs"
    assert pdf[-2:] == ["--out", "build/the-race-to-scale.pdf"]
    assert bench[-1] == "--scenes"
    pytest_call = _make(project, "test")[-1]
    assert pytest_call[pytest_call.index("-n") + 1] == "2"
