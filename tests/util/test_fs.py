"""Swapping folders (generator/util/fs.py): across file systems it copies then renames, and a failed swap puts the
previous site back."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from generator.util import fs


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
