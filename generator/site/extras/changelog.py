"""The article's history: CHANGELOG.yaml (the corrections and updates, each ``date``, ``what``, ``why``) and
releases/<version>/ (written by ``make release``: the date and the published data of that version); the numbers
changed since the last release; and the "Updates and corrections" section that lists both."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.catalog.schema import field_name
from generator.errors import BuildError
from generator.escape import Html, json_file
from generator.format import curly_quotes, long_date, num

CHANGELOG = "CHANGELOG.yaml"
RELEASES = "releases"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")


@dataclass
class Release:
    version: str
    date: str
    notes: str
    catalog: Path


@dataclass
class Change:
    """One number that differs from the last release: ``old`` or ``new`` is None when it was added or removed."""

    path: str
    label: str
    old: Any
    new: Any


@dataclass
class History:
    entries: list[dict[str, str]] = field(default_factory=list)
    releases: list[Release] = field(default_factory=list)

    @property
    def version(self) -> str:
        return self.releases[-1].version if self.releases else "unreleased"

    @property
    def published(self) -> str | None:
        return self.releases[0].date if self.releases else None

    @property
    def updated(self) -> str | None:
        dates = [r.date for r in self.releases] + [e["date"] for e in self.entries]
        return max(dates) if dates else None

    def unreleased(self) -> list[dict[str, str]]:
        last = self.releases[-1].date if self.releases else ""
        return [e for e in self.entries if e["date"] > last]


def _parse_date(value: Any, where: str) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and _DATE.match(value):
        return value
    raise BuildError(f"{where}: date: expected YYYY-MM-DD, found {value!r}")


def load_changelog(root: Path) -> list[dict[str, str]]:
    """CHANGELOG.yaml as a list of {date, what, why}, newest first; missing file: no entries."""
    path = root / CHANGELOG
    if not path.exists():
        return []
    text = path.read_text("utf-8")
    data = yaml.safe_load(text) or []
    if not isinstance(data, list):
        raise BuildError(f"{path}:1: expected a list of entries (date, what, why), found {type(data).__name__}")
    out = []
    starts = [i + 1 for i, line in enumerate(text.splitlines()) if line.startswith("- ")]
    for n, item in enumerate(data):
        line = starts[n] if n < len(starts) else "?"
        where = f"{path}:{line}: entry {n + 1}"
        if not isinstance(item, dict):
            raise BuildError(f"{where}: expected a mapping with date, what, why")
        for key in ("what", "why"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise BuildError(f"{where}: {key}: expected a non-empty sentence, found {item.get(key)!r}")
        out.append(
            {"date": _parse_date(item.get("date"), where), "what": item["what"].strip(), "why": item["why"].strip()}
        )
    return sorted(out, key=lambda e: e["date"], reverse=True)


def load_releases(root: Path) -> list[Release]:
    """releases/<version>/ in version order (oldest first)."""
    folder = root / RELEASES
    out = []
    if folder.is_dir():
        for d in folder.iterdir():
            meta = d / "release.json"
            if not d.is_dir() or not meta.exists():
                continue
            info = json.loads(meta.read_text("utf-8"))
            out.append(
                Release(
                    str(info["version"]),
                    _parse_date(info["date"], str(meta)),
                    str(info.get("notes", "")),
                    d / "catalog.json",
                )
            )
    return sorted(out, key=lambda r: tuple(int(p) for p in r.version.split(".")))


def load_history(root: Path) -> History:
    return History(load_changelog(root), load_releases(root))


# ---------------------------------------------------------------------------------------------------------------
# Numbers changed since the last release
# ---------------------------------------------------------------------------------------------------------------


def _numbers(node: Any, path: tuple[str, ...], out: dict[tuple[str, ...], Any]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            _numbers(v, (*path, str(k)), out)
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        out[path] = node


def _label(catalog: dict[str, Any], path: tuple[str, ...]) -> str:
    section = path[0] if path else ""
    if section in ("models", "hardware", "formats") and len(path) >= 3:
        entry = catalog.get(section, {}).get(path[1], {})
        owner = entry.get("name", path[1]) if isinstance(entry, dict) else path[1]
        fields = " ".join(field_name(p) for p in path[2:])
        return f"{owner}: {fields}"
    if section == "facts" and len(path) >= 2:
        fact = catalog.get("facts", {}).get(path[1], {})
        return str(fact.get("text", path[1])) if isinstance(fact, dict) else path[1]
    return ".".join(path)


def number_changes(old_export: dict[str, Any], new_export: dict[str, Any]) -> list[Change]:
    """Every number of the published data (catalog and derived values) that differs between two exports."""
    old: dict[tuple[str, ...], Any] = {}
    new: dict[tuple[str, ...], Any] = {}
    for key in ("catalog", "derived"):
        _numbers(old_export.get(key, {}), (key,), old)
        _numbers(new_export.get(key, {}), (key,), new)
    changes = []
    for path in sorted(set(old) | set(new)):
        if path[:2] in (("catalog", "figures"), ("catalog", "references"), ("catalog", "meta")):
            continue  # not numbers the article shows (reference years, figure registry)
        a, b = old.get(path), new.get(path)
        if a == b:
            continue
        if path[0] == "catalog":
            label = _label(new_export["catalog"] if b is not None else old_export["catalog"], path[1:])
        else:  # derived.<model>.<quantity>...
            models = (new_export if b is not None else old_export)["catalog"].get("models", {})
            owner = models.get(path[1], {}).get("name", path[1])
            label = f"{owner}: {' '.join(p.replace('_', ' ') for p in path[2:])} (derived)"
        changes.append(Change(".".join(path), label, a, b))
    return changes


def changes_since_release(history: History, current_export: str) -> list[Change]:
    if not history.releases:
        return []
    last = history.releases[-1]
    old = json.loads(last.catalog.read_text("utf-8"))
    return number_changes(old, json.loads(current_export))


# ---------------------------------------------------------------------------------------------------------------
# What the page shows
# ---------------------------------------------------------------------------------------------------------------


def _value(x: Any) -> str:
    return "(none)" if x is None else num(x)


def _change_row(c: Change) -> Html:
    """One number of the last release that changed: old → new, or gone from this version (says so)."""
    if c.new is None:
        body = Html('<span class="rs-old">{}</span> (removed)').format(_value(c.old))
    else:
        body = Html('<span class="rs-old">{}</span> → <span class="rs-new">{}</span>').format(
            _value(c.old), _value(c.new)
        )
    return Html('<li data-rs-path="{p}">{label}: {body}</li>').format(p=c.path, label=c.label, body=body)


#: The published list of every number changed since the last release (added ones too), linked from the page.
CHANGES_FILE = "data/changes.json"

#: What an added number is, by the first part of its path, as the page counts them (singular, plural).
_KINDS = {
    "models": ("model value", "model values"),
    "hardware": ("hardware value", "hardware values"),
    "formats": ("number-format value", "number-format values"),
    "facts": ("fact", "facts"),
    "derived": ("derived value", "derived values"),
}


def _kind(c: Change) -> str:
    parts = c.path.split(".")
    return parts[1] if parts[0] == "catalog" and len(parts) > 1 else parts[0]


def added_counts(changes: list[Change]) -> list[tuple[int, str]]:
    """The numbers new since the last release, counted by kind in _KINDS order (others last): [(count, noun)]."""
    counts: dict[str, int] = {}
    for c in changes:
        if c.old is None:
            counts[_kind(c)] = counts.get(_kind(c), 0) + 1
    order = [k for k in _KINDS if k in counts] + sorted(k for k in counts if k not in _KINDS)
    return [(counts[k], _KINDS.get(k, ("other value", "other values"))[counts[k] != 1]) for k in order]


def changes_file(history: History, changes: list[Change]) -> dict[str, bytes]:
    """{CHANGES_FILE: JSON} for the site: the last release (version, date) and every number changed since, added and
    removed ones too ({path, label, old, new}; null for none); nothing before the first release."""
    if not history.releases:
        return {}
    last = history.releases[-1]
    rows = [{"path": c.path, "label": c.label, "old": c.old, "new": c.new} for c in changes]
    return {CHANGES_FILE: json_file({"since": {"version": last.version, "date": last.date}, "changes": rows})}


def _added_sentence(changes: list[Change]) -> Html:
    """One sentence for the numbers added since the last release, by kind, linking the full list."""
    counts = added_counts(changes)
    if not counts:
        return Html("")
    total = sum(n for n, _ in counts)
    kinds = [Html("{n} {noun}").format(n=num(n), noun=noun) for n, noun in counts]
    listed = kinds[0] if len(kinds) == 1 else Html(", ").join(kinds[:-1]) + Html(" and ") + kinds[-1]
    return Html(
        '<p class="rs-added">{total} {numbers} added ({listed}); every number added or changed, old and new, is in '
        '<a href="{href}">{name}</a>.</p>'
    ).format(
        total=num(total),
        numbers="number was" if total == 1 else "numbers were",
        listed=listed,
        href=CHANGES_FILE,
        name=CHANGES_FILE,
    )


def _changes_part(last: Release, changes: list[Change]) -> Html:
    """The numbers whose value changed (or that are gone) since ``last``, old → new, and the sentence on added ones."""
    if not changes:
        return Html("<p>No number has changed since version {v}.</p>").format(v=last.version)
    rows = [_change_row(c) for c in changes if c.old is not None]
    if rows:
        listed = Html("<p>Numbers changed since version {v} ({d}), old → new:</p>").format(
            v=last.version, d=long_date(last.date)
        ) + Html('<ul class="rs-number-changes">{}</ul>').format(Html("").join(rows))
    else:
        listed = Html("<p>No number of version {v} has changed.</p>").format(v=last.version)
    return listed + _added_sentence(changes)


def updates_section(history: History, changes: list[Change]) -> Html:
    """The "Updates and corrections" body: version and dates, the changelog, the numbers whose value changed since
    the last release, and one sentence counting the numbers added, linking CHANGES_FILE (the full list)."""
    parts = [
        Html(
            '<p class="rs-version">Version {v}. Published {p}; last updated {u}. '
            '<a href="{feed}">Releases feed (Atom)</a>.</p>'
        ).format(v=history.version, p=long_date(history.published), u=long_date(history.updated), feed="feed.xml")
    ]
    if history.entries:
        items = [
            Html('<li><time datetime="{d}">{h}</time>: {what} <em>Why:</em> {why}</li>').format(
                d=e["date"], h=long_date(e["date"]), what=curly_quotes(e["what"]), why=curly_quotes(e["why"])
            )
            for e in history.entries
        ]
        parts.append(Html('<ul class="rs-changelog">{}</ul>').format(Html("").join(items)))
    if history.releases:
        parts.append(_changes_part(history.releases[-1], changes))
    return Html('<div class="rs-updates">{}</div>').format(Html("").join(parts))
