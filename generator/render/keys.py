"""Cache keys: a hash of everything a render reads, complete by construction.

A render reads its figure module, every project module that module imports (directly or through other project
modules, under any name: ``figures/charts/_common.py`` counts as soon as a chart imports it), the renderer of its
kind and everything that imports, its catalog slice, its title and alt text, the versions of the tools that draw
and encode it, and for scenes the render spec and the shipped fonts. The set of project files comes from reading
the ``import`` statements (``ast``), not from a list kept by hand, so a new helper can never be left out.

Third-party modules (matplotlib, manim, PyAV...) are covered by their versions, not their files.

Products the build derives from renders outside the figure cache (social cards, a scene's storyboard stills, its
step clips) keep their own small caches; ``derived_key`` gives them keys built the same way (the code that makes
them with its imports followed, their input files by content, their parameters, tool versions), so none of them
keeps a hand-made list of what it depends on.
"""

from __future__ import annotations

import ast
import hashlib
import json
import platform
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from generator.catalog.model import Catalog, canonical_json
from generator.render.registry import Figure
from generator.render.specs import RenderSpec
from generator.util.fs import sha256_file
from generator.util.project import ROOT, tool_versions

#: The renderer module of each kind: what the worker runs for it (its own imports are followed like a figure's).
RENDERERS = {
    "chart": "generator.render.charts",
    "table": "generator.render.tables",
    "scene": "generator.render.video",
}
#: Modules every render runs through: the worker entry point (only its own file, not the renderers it dispatches
#: to; each kind's renderer is followed on its own above).
ENTRY = "generator/render/worker.py"
TOOLS = {"chart": ("matplotlib", "numpy"), "table": (), "scene": ("manim", "av", "numpy", "ManimPango", "pillow")}
FONT_GLOB = "figures/fonts/*"

_DIGESTS: dict[Path, tuple[int, int, str]] = {}


def file_digest(path: Path) -> str:
    """SHA-256 of a file, remembered per (mtime, size) within a process."""
    st = path.stat()
    cached = _DIGESTS.get(path)
    if cached and cached[0] == st.st_mtime_ns and cached[1] == st.st_size:
        return cached[2]
    digest = sha256_file(path)
    _DIGESTS[path] = (st.st_mtime_ns, st.st_size, digest)
    return digest


def _module_file(name: str, bases: tuple[Path, ...]) -> Path | None:
    """The project file of module ``name`` (``a.b`` -> a/b.py or a/b/__init__.py) under the first base that has
    it, or None for a module that is not the project's."""
    rel = Path(*name.split("."))
    for base in bases:
        for cand in (base / rel.with_suffix(".py"), base / rel / "__init__.py"):
            if cand.is_file():
                return cand
    return None


def _package_of(path: Path, bases: tuple[Path, ...]) -> str:
    """The package a file's relative imports start from (``a/b/c.py`` and ``a/b/__init__.py`` -> ``a.b``)."""
    for base in bases:
        if path.is_relative_to(base):
            return ".".join(path.relative_to(base).parts[:-1])
    return ""


_IMPORTS: dict[tuple[Path, int, int, tuple[Path, ...]], set[str]] = {}


def _imported_names(path: Path, bases: tuple[Path, ...]) -> set[str]:
    """Every module name an ``import`` anywhere in the file may load (functions included: lazy imports count),
    with its parent packages and, for ``from a import b``, ``a.b`` in case b is a submodule. Remembered per
    (file, mtime, size) within a process: a build asks for the same files once per figure."""
    st = path.stat()
    memo = (path, st.st_mtime_ns, st.st_size, bases)
    if memo in _IMPORTS:
        return _IMPORTS[memo]
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    names: set[str] = set()
    package = _package_of(path, bases)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".") if package else []
                parts = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
                mod = ".".join(parts + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod:
                names.add(mod)
            names.update(f"{mod}.{alias.name}" if mod else alias.name for alias in node.names)
    out: set[str] = set()
    for name in names:
        parts = name.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    _IMPORTS[memo] = out
    return out


def project_files(start: list[Path], bases: tuple[Path, ...]) -> list[Path]:
    """``start`` and every project file reachable from it through imports, sorted."""
    seen: set[Path] = set()
    todo = [p.resolve() for p in start]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in _imported_names(path, bases):
            found = _module_file(name, bases)
            if found is not None and found.resolve() not in seen:
                todo.append(found.resolve())
    return sorted(seen)


def dependencies(fig: Figure, root: Path) -> dict[str, str]:
    """{path relative to its base: sha256} of every project file the figure's render reads."""
    bases = _bases(root)
    renderer = _module_file(RENDERERS[fig.kind], (ROOT,))
    assert renderer is not None, RENDERERS[fig.kind]
    # The worker dispatches to every kind's renderer: its own bytes count, the renderers it may import do not.
    files = sorted(set(project_files([fig.source, renderer], bases)) | {(ROOT / ENTRY).resolve()})
    return {_label(f, bases): file_digest(f) for f in files}


def _bases(root: Path) -> tuple[Path, ...]:
    """Where project modules are looked for: the project, then this repository (for a test project's imports of
    the generator)."""
    root = Path(root).resolve()
    return (root,) if root == ROOT else (root, ROOT)


def _label(path: Path, bases: tuple[Path, ...]) -> str:
    """A project file's name in a key: relative to the project, ``{generator}/...`` for this repository's own files
    when the project is another (a test project), so keys agree across checkouts."""
    base = next(b for b in bases if path.is_relative_to(b))
    rel = path.relative_to(base).as_posix()
    return rel if base == bases[0] else f"{{generator}}/{rel}"


def cache_key(fig: Figure, catalog: Catalog, root: Path = ROOT, alt: str = "", spec: RenderSpec | None = None) -> str:
    """Hash of everything the render of ``fig`` (at ``spec``, for a scene) reads; see the module docstring."""
    if fig.kind == "scene" and spec is None:
        raise ValueError(f"{fig.id}: a scene's key needs its render spec")
    return _key(fig, catalog, root, alt, spec)


def timeline_key(fig: Figure, catalog: Catalog, root: Path = ROOT) -> str:
    """Hash of everything a scene's timeline (its steps' times and length) depends on: its key without the render
    spec, shared by every render of it (landscape, portrait, draft, publish) and by `make check`'s dry run."""
    return _key(fig, catalog, root, "", None)


def _key(fig: Figure, catalog: Catalog, root: Path, alt: str, spec: RenderSpec | None) -> str:
    parts: dict[str, Any] = {
        "id": fig.id,
        "kind": fig.kind,
        "files": dependencies(fig, root),
        "data": hashlib.sha256(canonical_json(fig.data(catalog)).encode()).hexdigest(),
        "tools": tool_versions(TOOLS[fig.kind]),
        "python": platform.python_version(),
    }
    if fig.kind == "scene":
        if spec is not None:
            parts["spec"] = asdict(spec)
        root = Path(root)
        fonts = sorted(root.glob(FONT_GLOB)) or sorted(ROOT.glob(FONT_GLOB))
        parts["fonts"] = {p.name: file_digest(p) for p in fonts if p.is_file()}
    else:
        parts["title"] = fig.title
        parts["alt"] = alt
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def derived_key(
    code: Iterable[str],
    params: Any = None,
    *,
    files: Iterable[Path] = (),
    tools: Iterable[str] = (),
    root: Path = ROOT,
) -> str:
    """Key of a product derived outside the figure cache: a hash of the project modules named in ``code`` (dotted
    names, usually the caller's ``__name__``) and every project file they import, followed as for a figure (so a
    card drawn by generator/render/raster.py changes with the palette in figures/chart_style.py), the bytes of
    ``files`` (sources, fonts), ``params`` (JSON) and the versions of ``tools`` and Python."""
    bases = _bases(root)
    start = []
    for name in code:
        found = _module_file(name, bases)
        if found is None:
            raise ValueError(f"derived_key: {name!r} is no module of the project")
        start.append(found)
    parts = {
        "code": {_label(f, bases): file_digest(f) for f in project_files(start, bases)},
        "files": [file_digest(Path(f)) for f in files],
        "params": params,
        "tools": tool_versions(tuple(tools)),
        "python": platform.python_version(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
