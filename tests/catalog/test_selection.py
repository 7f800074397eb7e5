"""Which models a figure or widget shows is catalog data (generator/catalog/selection.py), never Python."""

from __future__ import annotations

import re

import pytest

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
    """Each rule, checked as the property it promises over whatever models the catalog holds."""
    models = catalog.models
    everything = select_models(models, "all")
    assert everything == sorted(models, key=lambda k: (models[k]["released"], k)), "every model, by release"
    undisclosed = {k for k, m in models.items() if m.get("disclosed", True) is False or "params" not in m}
    assert undisclosed, "the catalog keeps an undisclosed model (GPT-4): the rules below must leave it out"
    disclosed = select_models(models, "disclosed")
    assert disclosed == [k for k in everything if k not in undisclosed]
    dense = select_models(models, "dense")
    assert not [k for k in dense if models[k].get("moe") or models[k].get("attention") == "hybrid"]
    assert set(dense) == {k for k in disclosed if not models[k].get("moe") and models[k].get("attention") != "hybrid"}
    assert [models[k]["params"] for k in dense] == sorted(models[k]["params"] for k in dense)
    per_gen = select_models(models, "per_generation")
    assert sorted(models[k]["generation"] for k in per_gen) == sorted({m["generation"] for m in models.values()})
    for k in per_gen:  # the largest of its generation; an undisclosed one counts as 0 and stays when alone
        rivals = [models[r].get("params", 0) for r in models if models[r]["generation"] == models[k]["generation"]]
        assert models[k].get("params", 0) == max(rivals), k
    assert per_gen == [k for k in everything if k in per_gen], "by release"
    moe = select_models(models, "moe")
    assert moe == [k for k in everything if models[k].get("moe")], "every model with experts, by release"
    assert moe and len(moe) < len(everything), "the catalog holds models with and without experts"


def test_labels_and_order_come_from_the_entry(catalog):
    short = next(k for k, m in catalog.models.items() if m.get("short_label"))
    plain = next(k for k, m in catalog.models.items() if not m.get("short_label"))
    assert label(short, catalog.models) == catalog.models[short]["short_label"]
    assert label(plain, catalog.models) == catalog.models[plain]["name"]
    entry = catalog.figures["params_over_time"]
    own, text = next(iter(entry["labels"].items()))
    assert label(own, catalog.models, entry) == text  # this figure's label wins
    last, first = list(catalog.models)[-1], list(catalog.models)[0]
    entry = {"models": [last, first], "notes": {first: "the first"}}
    show = resolve(entry, catalog.data)
    assert show["models"] == [last, first] and show["notes"] == {first: "the first"}
    figs = registry(catalog)
    weight = figs["weight_memory"].data(catalog)
    assert [k for k, _, _ in shown(weight)] == catalog.figures["weight_memory"]["models"]
    assert set(weight["models"]) == set(catalog.figures["weight_memory"]["models"]), "reads only what it shows"
    flash = figs["flash_tiling"].data(catalog)
    assert flash["show"]["models"] == [], "a figure that reads no model shows none (a new model changes nothing)"


def test_every_rule_is_a_select_the_schema_accepts(tmp_path):
    """The schema's select: enum is the rules themselves (one home): `select: moe` loads, an unknown rule fails."""
    from generator.catalog.model import load_catalog
    from generator.catalog.selection import RULES
    from generator.errors import CatalogError
    from tests.support import ROOT

    text = (ROOT / "catalog.yaml").read_text("utf-8")
    assert "\n    select: dense\n" in text
    p = tmp_path / "catalog.yaml"
    for rule in RULES:
        p.write_text(text.replace("\n    select: dense\n", f"\n    select: {rule}\n", 1), "utf-8")
        load_catalog(p)
    p.write_text(text.replace("\n    select: dense\n", "\n    select: experts\n", 1), "utf-8")
    with pytest.raises(CatalogError, match="select"):
        load_catalog(p)
