"""The site builders behind one interface: MkDocs (Material for MkDocs, the default) and Zensical, its authors'
successor. Each turns the staging tree into a site in an empty folder; build.py does everything else (the staging
tree, the link check, the atomic publish, the no-change stamp), the same for both.

Zensical reads mkdocs.yml but is run on a config of its own, written here from it, because:
- its project root is its config file's folder: docs_dir and site_dir must lie inside it, and its cache is that root's
  `.cache/`, which `zensical build --clean` empties. Run from the repository, it would empty the figure cache. So its
  project root is the build folder (build/, holding the staging tree); its cache is build/.cache/, and a build whose
  figure cache would lie there is refused.
- it has no `-d`: the output folder is `site_dir` in the config (a fresh build/site-zensical-* folder, moved into the
  folder build.py publishes from).
- it needs `theme.variant: classic` to keep Material's look, and our overrides minus the partials its own theme has
  already fixed (ZENSICAL_UNUSED_OVERRIDES).
A failure of either builder is one line (the first problem it reports); `--verbose` logs its whole output first.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.errors import BuildError
from generator.util.project import checked_site_url, site_url

log = logging.getLogger("build")

DEFAULT_BUILDER = "mkdocs"

#: Overrides Zensical does not get: its own theme carries their fix (search.html: the search dialog's accessible
#: name; Zensical's search is a different component, so Material's copy would also break it).
ZENSICAL_UNUSED_OVERRIDES = ("partials/search.html",)
#: Overrides Zensical gets in its own copy, where its theme's partial differs from Material's: overrides/zensical/
#: holds them, each under the path it replaces (partials/content.html: the article's header).
ZENSICAL_OWN = "zensical"

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class SiteJob:
    """What a builder is given: the project (mkdocs.yml, overrides/), the staging tree it builds, an empty folder to
    build into, the build folder (its scratch space) and the figure cache, which it must never be able to touch."""

    root: Path
    staging: Path
    out: Path
    work: Path
    figure_cache: Path


@dataclass(frozen=True)
class Builder:
    name: str
    #: Distributions whose versions are part of the no-change stamp (a new version rebuilds the site).
    tools: tuple[str, ...]
    run: Callable[[SiteJob], None]


def builder(name: str) -> Builder:
    """The builder called ``name``; a BuildError naming the known ones otherwise."""
    if name not in BUILDERS:
        raise BuildError(f"unknown site builder {name!r}: expected one of {', '.join(sorted(BUILDERS))}")
    return BUILDERS[name]


# ---------------------------------------------------------------------------------------------------------------
# Running a builder and saying in one line why it failed
# ---------------------------------------------------------------------------------------------------------------


def _run(tool: str, cmd: list[str], cwd: Path, env: dict[str, str], first_problem: Callable[[str], str]) -> None:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    if proc.returncode == 0:
        return
    output = _ANSI.sub("", (proc.stderr or "") + (proc.stdout or "")).strip()
    log.debug("%s output:\n%s", tool, output)
    if "Traceback (most recent call last)" in output and not first_problem(output):  # a crash: its last line
        last = output.splitlines()[-1]
        hint = "; free some disk space and build again" if "No space left on device" in last else ""
        raise BuildError(f"{tool} failed: {last}{hint}; the previous site/ is kept")
    problem = first_problem(output) or (output.splitlines() or ["no output"])[-1]
    raise BuildError(
        f"{tool} --strict failed: {problem} (--verbose shows its whole output); the previous site/ is kept"
    )


def _mkdocs_problem(output: str) -> str:
    """MkDocs' first WARNING or ERROR line, and how many more there were."""
    found = [m.group(1).strip() for m in re.finditer(r"^(?:WARNING|ERROR)\s*-\s*(.+)$", output, re.M)]
    return found[0] + (f" (and {len(found) - 1} more)" if len(found) > 1 else "") if found else ""


def _zensical_problem(output: str) -> str:
    """Zensical's first 'Warning:'/'Error:' with the file:line:column its report points at, and how many more."""
    found = []
    for m in re.finditer(r"^(?:Warning|Error):\s*(.+)$", output, re.M):
        at = re.search(r"\[\s*(\S+:\d+(?::\d+)?)\s*\]", output[m.end() : m.end() + 400])
        found.append(f"{at.group(1)}: {m.group(1).strip()}" if at else m.group(1).strip())
    return found[0] + (f" (and {len(found) - 1} more)" if len(found) > 1 else "") if found else ""


# ---------------------------------------------------------------------------------------------------------------
# MkDocs
# ---------------------------------------------------------------------------------------------------------------


def run_mkdocs(root: Path, staging: Path, out: Path, config: Path | None = None) -> None:
    """``mkdocs build --strict`` of ``staging`` into ``out`` (a new folder). Not ``--quiet``: MkDocs 1.6 counts only
    the warnings it prints, so ``--quiet`` turned strict mode off."""
    cmd = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "-f",
        str(config or root / "mkdocs.yml"),
        "-d",
        str(out),
    ]
    env = dict(os.environ, RTS_STAGING=str(staging), NO_MKDOCS_2_WARNING="1")
    if env.get("SITE_URL"):
        env["SITE_URL"] = str(checked_site_url(env["SITE_URL"]))
    _run("mkdocs build", cmd, root, env, _mkdocs_problem)


def _mkdocs(job: SiteJob) -> None:
    run_mkdocs(job.root, job.staging, job.out)


# ---------------------------------------------------------------------------------------------------------------
# Zensical
# ---------------------------------------------------------------------------------------------------------------


class _EnvLoader(yaml.SafeLoader):
    """mkdocs.yml as MkDocs reads it: ``!ENV NAME`` or ``!ENV [NAME, ..., default]`` (pyyaml_env_tag's rules)."""


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    default = loader.construct_object(items[-1]) if len(items) > 1 else None
    for name in (str(loader.construct_scalar(n)) for n in (items[:-1] if len(items) > 1 else items)):
        if name in os.environ:  # a value is typed as YAML would type it
            value = os.environ[name]
            return loader.construct_object(
                yaml.ScalarNode(loader.resolve(yaml.ScalarNode, value, (True, False)), value)
            )
    return default


_EnvLoader.add_constructor("!ENV", _env_tag)


def load_mkdocs_config(path: Path) -> dict[str, Any]:
    """mkdocs.yml with its ``!ENV`` tags resolved from the environment (a BuildError naming the file otherwise)."""
    try:
        data = yaml.load(path.read_text("utf-8"), Loader=_EnvLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise BuildError(f"{path}: not readable as YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(data, dict):
        raise BuildError(f"{path}: expected a mapping of settings, found {type(data).__name__}")
    return data


def zensical_config(job: SiteJob, site_dir: Path, overrides: Path) -> dict[str, Any]:
    """mkdocs.yml as Zensical is given it: paths inside its project root (``job.work``), the classic variant, the
    site's address checked as for MkDocs."""
    config = load_mkdocs_config(job.root / "mkdocs.yml")
    config["docs_dir"] = job.staging.relative_to(job.work).as_posix()
    config["site_dir"] = site_dir.relative_to(job.work).as_posix()
    config["site_url"] = site_url(job.root)
    config["strict"] = True
    theme = dict(config.get("theme") or {})
    theme["variant"] = "classic"
    theme["custom_dir"] = overrides.relative_to(job.work).as_posix()
    config["theme"] = theme
    return config


def zensical_cache(work: Path) -> Path:
    """The folder Zensical keeps its cache in (and empties on --clean): ``.cache/`` of its project root."""
    return work / ".cache"


def _check_cache_apart(job: SiteJob) -> None:
    theirs, ours = zensical_cache(job.work).resolve(), job.figure_cache.resolve()
    if theirs == ours or ours.is_relative_to(theirs) or theirs.is_relative_to(ours):
        raise BuildError(
            f"the build folder {job.work} would make Zensical's cache {theirs} overlap the figure cache {ours}, "
            "which `zensical build --clean` empties: choose another build folder or cache"
        )
    if not job.staging.resolve().is_relative_to(job.work.resolve()):
        raise BuildError(f"the staging tree {job.staging} must lie inside the build folder {job.work} for Zensical")


def _zensical(job: SiteJob) -> None:
    _check_cache_apart(job)
    job.work.mkdir(parents=True, exist_ok=True)
    overrides = job.work / "zensical-overrides"
    shutil.rmtree(overrides, ignore_errors=True)
    source = job.root / "overrides"
    if source.is_dir():
        shutil.copytree(source, overrides, ignore=shutil.ignore_patterns(".*", ZENSICAL_OWN))
        if (source / ZENSICAL_OWN).is_dir():
            shutil.copytree(source / ZENSICAL_OWN, overrides, dirs_exist_ok=True)
    for rel in ZENSICAL_UNUSED_OVERRIDES:
        (overrides / rel).unlink(missing_ok=True)
    site_dir = Path(tempfile.mkdtemp(dir=job.work, prefix="site-zensical-"))  # build/site-*: a leftover is removed
    config = job.work / "zensical.yml"
    try:
        config.write_text(yaml.safe_dump(zensical_config(job, site_dir, overrides), sort_keys=False), "utf-8")
        cmd = [sys.executable, "-m", "zensical", "build", "--strict", "--clean", "-f", str(config)]
        # --clean: every run starts from an empty cache (its own, build/.cache/), so no stale state of an earlier run
        # reaches the site; it costs about a second.
        _run("zensical build", cmd, job.work, dict(os.environ), _zensical_problem)
        _move_into(site_dir, job.out)
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)


def _move_into(src: Path, dest: Path) -> None:
    """Move folder ``src`` to ``dest`` (an empty folder): a rename, or a copy across file systems."""
    try:
        os.replace(src, dest)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.ENOTEMPTY, errno.EEXIST):
            raise
        shutil.copytree(src, dest, dirs_exist_ok=True)


BUILDERS: dict[str, Builder] = {
    "mkdocs": Builder("mkdocs", ("mkdocs", "mkdocs-material"), _mkdocs),
    "zensical": Builder("zensical", ("zensical",), _zensical),
}
