"""A chart or table reads only what its ``reads:`` declares: the slice it is handed says so when it reads more.

A figure sees the catalog slice its ``reads:`` names (``Catalog.slice``): ``models.*.params`` hands it each
model's ``params`` and nothing else. A field left out of ``reads:`` used to be simply missing: ``m.get("released")``
was None for every model, and the chart failed far away ("ValueError: min() arg is an empty sequence") or drew
nothing. ``guarded`` wraps the slice so that reading a field the figure did not declare, with ``m[...]``,
``m.get(...)`` or ``... in m``, raises ``UndeclaredRead``, a one-line BuildError naming the figure's file, the field
and where to declare it:

    figures/charts/params_over_time.py reads models.gpt-1.released, which its reads: does not list: add
    'models.*.released' to reads: in catalog.yaml (line 1043)

The render plan (generator/render/plan.py ``guard_spec``) describes what was declared; the pool writes it into the
data file a render worker reads, under ``GUARD_KEY`` (never into a cache key: it is derived from ``reads:``, which
the slice already reflects), and the chart and table renderers call ``guarded`` on what they load. Scenes read
their data through RaceScene (figures/style.py) and are not guarded here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.errors import BuildError

#: The key of the data file under which the pool passes a figure's declared reads to its renderer.
GUARD_KEY = "_reads"


class UndeclaredRead(BuildError):
    """A figure read a catalog field or section its ``reads:`` does not declare."""


def _refusal(spec: Mapping[str, Any], path: str, declare: str) -> UndeclaredRead:
    return UndeclaredRead(
        f"{spec['figure']} reads {path}, which its reads: does not list: add '{declare}' to reads: in "
        f"{spec['file']} (line {spec['line']})"
    )


class GuardedEntry(dict[str, Any]):
    """One catalog entry (a model, a device...) as a figure that declared some of its fields sees it."""

    def __init__(self, value: Mapping[str, Any], spec: Mapping[str, Any], section: str, ident: str, fields: set[str]):
        super().__init__(value)
        self._where = (spec, section, ident)
        self._fields = fields

    def _check(self, key: Any) -> None:
        if isinstance(key, str) and key not in self._fields:
            spec, section, ident = self._where
            raise _refusal(spec, f"{section}.{ident}.{key}", f"{section}.*.{key}")

    def __getitem__(self, key: Any) -> Any:
        self._check(key)
        return super().__getitem__(key)

    def get(self, key: Any, default: Any = None) -> Any:
        self._check(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self._check(key)
        return super().__contains__(key)


class GuardedSlice(dict[str, Any]):
    """The top of a figure's slice: ``data["hardware"]`` for a section it did not read is an UndeclaredRead."""

    def __init__(self, value: Mapping[str, Any], spec: Mapping[str, Any]):
        super().__init__(value)
        self._spec = spec

    def __getitem__(self, key: Any) -> Any:
        if key not in self and key in self._spec["catalog_sections"]:
            raise _refusal(self._spec, str(key), f"{key}' (or '{key}.*.FIELD")
        return super().__getitem__(key)


def _entry(entry: Any, spec: Mapping[str, Any], section: str, ident: str) -> Any:
    """One entry of a guarded section: as it is when read whole (``models.mistral-7b``), else guarded by the
    section's declared fields (``models.*.FIELD``) and its own (``models.mistral-7b.FIELD``)."""
    declared = spec["sections"][section]
    own = declared.get("entries", {})
    if not isinstance(entry, dict) or (ident in own and own[ident] is None):
        return entry
    return GuardedEntry(entry, spec, section, ident, set(declared["fields"]) | set(own.get(ident) or ()))


def guarded(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` (a figure's slice as its renderer loaded it) without ``GUARD_KEY``, its entries guarded by what the
    key declares; ``data`` as a plain dict when it carries no declaration (a preview, a test)."""
    spec = data.get(GUARD_KEY)
    plain = {k: v for k, v in data.items() if k != GUARD_KEY}
    if not spec:
        return plain
    for section in spec["sections"]:
        entries = plain.get(section)
        if isinstance(entries, dict):
            plain[section] = {ident: _entry(e, spec, section, ident) for ident, e in entries.items()}
    return GuardedSlice(plain, spec)


__all__ = ["GUARD_KEY", "GuardedEntry", "GuardedSlice", "UndeclaredRead", "guarded"]
