"""Which models (and devices) a figure or widget shows, in which order and under which labels: data, not code.

A figure's catalog entry (or a widget's entry under ``widgets:``) may say

  models: [gpt-1, gpt-2-xl, ...]      exactly these, in this order
  select: disclosed                   a rule instead of a list (default ``all``), applied to every model:
                                      all | disclosed | dense | per_generation (see RULES)
  hardware: [rtx-4090, h100, ...]     the devices it draws, in this order
  labels: {gpt-3-175b: GPT-3}         a label for this figure only (else the model's ``short_label``, else ``name``)
  notes: {gpt-4: size undisclosed}    a note a figure may print next to a model

``resolve`` turns that into ``{"models": [...], "labels": {...}, "notes": {...}, "hardware": [...]}``: the ``show``
part of the figure's data (figures read it with ``figures.chart_style.shown``), so it is part of the cache key.
"""

from __future__ import annotations

from typing import Any

from generator.derive import disclosed

#: Selection rules, by name, with the sentence the docs and error messages use.
RULES: dict[str, str] = {
    "all": "every model, by release date",
    "disclosed": "every model whose size is published, by release date",
    "dense": "every disclosed dense transformer (no mixture of experts, no SSM hybrid), smallest first",
    "per_generation": "the largest model of each generation (undisclosed ones included), by release date",
}


def _by_release(models: dict[str, Any]) -> list[str]:
    return sorted(models, key=lambda k: (models[k]["released"], k))


def select_models(models: dict[str, Any], rule: str) -> list[str]:
    """The ids ``rule`` picks from ``models`` (see RULES), in the rule's order."""
    if rule == "all":
        return _by_release(models)
    if rule == "disclosed":
        return [k for k in _by_release(models) if disclosed(models[k])]
    if rule == "dense":
        dense = [k for k, m in models.items() if disclosed(m) and not m.get("moe") and m.get("attention") != "hybrid"]
        return sorted(dense, key=lambda k: (models[k]["params"], k))
    if rule == "per_generation":
        best: dict[str, str] = {}
        for k in _by_release(models):
            gen = models[k]["generation"]
            prev = best.get(gen)
            if prev is None or models[k].get("params", 0) > models[prev].get("params", 0):
                best[gen] = k
        return [k for k in _by_release(models) if k in best.values()]
    raise ValueError(f"unknown selection rule {rule!r}")


def label(model_id: str, models: dict[str, Any], entry: dict[str, Any] | None = None) -> str:
    """The label of a model in one figure: the entry's ``labels``, the model's ``short_label``, its ``name``."""
    m = models[model_id]
    return str(((entry or {}).get("labels") or {}).get(model_id) or m.get("short_label") or m["name"])


def resolve(entry: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """What a figure or widget entry shows, resolved against the whole catalog ``data``."""
    models = data.get("models", {})
    ids = list(entry["models"]) if "models" in entry else select_models(models, entry.get("select", "all"))
    return {
        "models": ids,
        "labels": {k: label(k, models, entry) for k in ids},
        "notes": {k: v for k, v in (entry.get("notes") or {}).items() if k in ids},
        "hardware": list(entry.get("hardware") or []),
    }


def has_selection(entry: dict[str, Any]) -> bool:
    return any(k in entry for k in ("models", "select", "hardware", "labels", "notes"))


def shown(data: dict[str, Any]) -> list[tuple[str, dict[str, Any], str]]:
    """(id, model, label) of each model a figure shows, in order, from its data (``show`` or, without one, every
    model it read, by release date). For figure modules: ``for model_id, m, label in shown(data): ...``."""
    models = data.get("models", {})
    show = data.get("show")
    if show is None:
        return [(k, models[k], label(k, models)) for k in _by_release(models)]
    return [(k, models[k], show["labels"].get(k) or label(k, models)) for k in show["models"] if k in models]


def shown_hardware(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(id, device) of each device a figure shows: ``show.hardware`` in order, else every device it read."""
    hardware = data.get("hardware", {})
    ids = (data.get("show") or {}).get("hardware") or list(hardware)
    return [(k, hardware[k]) for k in ids if k in hardware]
