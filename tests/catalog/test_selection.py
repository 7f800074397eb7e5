"""Which models a figure or widget shows is catalog data (generator/catalog/selection.py), never Python."""

from __future__ import annotations

import re

from generator.catalog.selection import label, resolve, select_models, shown
from generator.render.registry import registry
from tests.support import ROOT


def test_no_model_or_device_id_in_figure_code(catalog):
    """A new model reaches a figure through its catalog entry: figures/ names no model or device."""
    ids = list(catalog.models) + list(catalog.hardware)
    found = []
    for path in sorted((ROOT / "figures").rglob("*.py")):
        text = path.read_text("utf-8")
        for i in ids:
            for mo in re.finditer(rf"(?<![\w.-]){re.escape(i)}(?![\w.-])", text):
                found.append(f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, mo.start()) + 1}: {i}")
    assert not found, "model or device ids in figure code; list them in the figure's catalog entry:\n" + "\n".join(found)


def test_selection_rules(catalog):
    models = catalog.models
    everything = select_models(models, "all")
    assert everything[0] == "gpt-1" and len(everything) == len(models)
    disclosed = select_models(models, "disclosed")
    assert "gpt-4" not in disclosed and len(disclosed) == sum(1 for m in models.values() if "params" in m)
    dense = select_models(models, "dense")
    assert "deepseek-v3" not in dense and "nemotron-3-nano" not in dense
    assert [models[k]["params"] for k in dense] == sorted(models[k]["params"] for k in dense)
    per_gen = select_models(models, "per_generation")
    assert len(per_gen) == len({m["generation"] for m in models.values()})
    assert "llama-3.1-405b" in per_gen and "llama-3.1-8b" not in per_gen and "gpt-4" in per_gen


def test_labels_and_order_come_from_the_entry(catalog):
    assert label("mistral-7b", catalog.models) == "Mistral 7B"  # short_label
    assert label("gpt-1", catalog.models) == "GPT-1"  # name
    assert label("gpt-3-175b", catalog.models, catalog.figures["params_over_time"]) == "GPT-3"  # this figure's
    entry = {"models": ["deepseek-v3", "gpt-1"], "notes": {"gpt-1": "the first"}}
    show = resolve(entry, catalog.data)
    assert show["models"] == ["deepseek-v3", "gpt-1"] and show["notes"] == {"gpt-1": "the first"}
    figs = registry(catalog)
    weight = figs["weight_memory"].data(catalog)
    assert [k for k, _, _ in shown(weight)] == catalog.figures["weight_memory"]["models"]
    assert set(weight["models"]) == set(catalog.figures["weight_memory"]["models"]), "reads only what it shows"
    flash = figs["flash_tiling"].data(catalog)
    assert flash["show"]["models"] == [], "a figure that reads no model shows none (a new model changes nothing)"
