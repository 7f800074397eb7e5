"""Figure modules: ``figures/<kind>/<id>.py`` imported by id, with a clear error when one is missing or breaks its
contract. Shared by the chart, table and scene renderers."""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from typing import Any

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*\Z")


class FigureModuleError(RuntimeError):
    """A figure module is missing or does not return what its contract says."""


def check_id(fig_id: str) -> None:
    if not _ID_RE.match(fig_id):
        raise ValueError(f"figure id {fig_id!r}: expected snake_case (lowercase letters, digits, underscores)")


def load_module(package: str, fig_id: str) -> Any:
    """Import (or re-import, so an edited file is picked up in a long-running process) ``figures.<package>.<id>``."""
    check_id(fig_id)
    name = f"figures.{package}.{fig_id}"
    try:
        return importlib.reload(sys.modules[name]) if name in sys.modules else importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name in (name, f"figures.{package}", "figures"):
            raise FigureModuleError(f"figure {fig_id!r}: no file figures/{package}/{fig_id}.py") from None
        raise


def load_attr(package: str, fig_id: str, func: str) -> Any:
    """``figures/<package>/<id>.py``'s function ``func``, or a FigureModuleError saying what is missing."""
    module = load_module(package, fig_id)
    if not callable(getattr(module, func, None)):
        raise FigureModuleError(f"figures/{package}/{fig_id}.py must define {func}(data)")
    return getattr(module, func)


def accepts_keyword(func: Any, name: str) -> bool:
    """Whether ``func`` takes a keyword argument ``name`` (True when its signature cannot be read)."""
    try:
        return name in inspect.signature(func).parameters
    except (TypeError, ValueError):
        return True
