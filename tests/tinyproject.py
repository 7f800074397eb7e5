"""A tiny real project for pipeline tests: the repo's style, fonts and mkdocs.yml, two real figures, one page."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import yaml

from generator.catalog.model import load_catalog
from tests.support import ROOT

CHART = "params_over_time"
SCENE = "the_wall"

PAGE = """---
title: Tiny
---
# Tiny build

GPT-3 computes {{ num(d.attention_matrices(m['gpt-3-175b'])) }} score matrices per sequence{{ cite('brown-2020') }}.

{{ figure('%s') }}

{{ figure('%s') }}

{{ references() }}
""" % (CHART, SCENE)


def make_tiny_project(dest: Path, figures: tuple[str, ...] = (CHART, SCENE)) -> Path:
    """A project folder holding the repo's real style, fonts and mkdocs.yml, two real figures and one page."""
    (dest / "figures" / "charts").mkdir(parents=True)
    (dest / "figures" / "scenes").mkdir(parents=True)
    (dest / "figures" / "tables").mkdir(parents=True)
    for name in ("__init__.py", "chart_style.py", "style.py", "legibility.py"):
        shutil.copyfile(ROOT / "figures" / name, dest / "figures" / name)
    shutil.copytree(ROOT / "figures" / "fonts", dest / "figures" / "fonts")
    kinds = {}
    cat = load_catalog(ROOT / "catalog.yaml")
    for fid in figures:
        kind = cat.figures[fid]["kind"]
        kinds[fid] = kind
        sub = {"chart": "charts", "scene": "scenes", "table": "tables"}[kind]
        shutil.copyfile(ROOT / "figures" / sub / f"{fid}.py", dest / "figures" / sub / f"{fid}.py")
    if (ROOT / "figures" / "scenes" / "__init__.py").exists():
        shutil.copyfile(ROOT / "figures" / "scenes" / "__init__.py", dest / "figures" / "scenes" / "__init__.py")
    shutil.copyfile(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", dest / "overrides")
    shutil.copyfile(ROOT / "pyproject.toml", dest / "pyproject.toml")
    (dest / "docs").mkdir()
    shutil.copytree(ROOT / "docs" / "assets", dest / "docs" / "assets")
    (dest / "docs" / "index.md").write_text(PAGE, "utf-8")
    text = (ROOT / "catalog.yaml").read_text("utf-8")
    head, _, _ = text.partition("\nfigures:\n")
    data = yaml.safe_load(text)
    tiny = {fid: data["figures"][fid] for fid in figures}
    # The widgets' starting models (catalog data, like the figures' lists), before figures: tests append figure
    # entries at the end of the file.
    rest = {"widgets": data["widgets"]} if "widgets" in data else {}
    rest["figures"] = tiny
    (dest / "catalog.yaml").write_text(head + "\n" + yaml.safe_dump(rest, sort_keys=False), "utf-8")
    return dest


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def state(root: Path) -> tuple[dict, dict]:
    """What a failed build must leave as it was: the site's and the figure cache's files with their digests."""
    return tree_digest(root / "site"), tree_digest(root / ".cache" / "figures")


def copy_project(src: Path, dest: Path) -> Path:
    """A private copy of a (built) project: its site and figure cache too, so a build of the copy starts where the
    original's left off."""
    shutil.copytree(src, dest, symlinks=True)
    return dest


LEGIBILITY_SCENE = '''
from manim import FadeIn, FadeOut
from figures.style import BLUE, RaceScene, T_HOLD, box, text


class LegibilityCheck(RaceScene):
    def construct(self):
        self.title("Legibility")
        shape = box(3, 2, color=BLUE, fill=BLUE)
        self.add(shape)
        self.caption("A step with a label.", title="A label")
        self.play(FadeIn(text({label!r}, {size})))
        {exit}
        self.caption("The second step.", title="Second")
        self.play(FadeIn(box(2, 1, color=BLUE, fill=BLUE)))
        self.hold_caption(T_HOLD)
'''


def legibility_project(tmp_path: Path, label: str, size: int, exit: str) -> Path:
    """A tiny project whose one scene draws ``label`` at font ``size`` in its first step and then runs ``exit``
    (a wait, or a fade of everything: a step that ends on nothing); the legibility tests build or check it."""
    root = make_tiny_project(tmp_path / "proj", figures=(CHART,))
    cat = yaml.safe_load((root / "catalog.yaml").read_text("utf-8"))
    entry = {"legibility_check": {"kind": "scene", "title": "Legibility", "alt": "Animation: a labelled box.",
                                  "reads": list(cat["figures"][CHART]["reads"])}}
    text = (root / "catalog.yaml").read_text("utf-8").rstrip("\n") + "\n"
    text += "\n".join("  " + ln for ln in yaml.safe_dump(entry).splitlines()) + "\n"
    (root / "catalog.yaml").write_text(text, "utf-8")
    (root / "docs" / "index.md").write_text("---\ntitle: L\n---\n# L\n\n{{ figure('legibility_check') }}\n", "utf-8")
    scene = LEGIBILITY_SCENE.format(label=label, size=size, exit=exit)
    (root / "figures" / "scenes" / "legibility_check.py").write_text(scene, "utf-8")
    return root
