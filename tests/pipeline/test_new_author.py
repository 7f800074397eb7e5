"""A new author's try, as a test: add a model and a second part with a chart and a scene through catalog.yaml and
Markdown only, and build it (draft). No file under figures/ or generator/ changes.

The project starts as the tiny project with four registered figures (part 1 places two of them). The author then
1. adds a model to `models:` (with its reference) and puts it first in the kv_sharing scene's `models:` list, so
   the scene explains GQA with it, and appends it to params_over_time's `models:` list (the chart lists its models);
2. writes docs/part-2.md (front matter `part: 2`) placing the kv_cache_sizes chart and the kv_sharing scene, with
   its own citation, references list and a computed comparison, and docs/parts.md, the contents page.
"""

from __future__ import annotations

import re

import pytest
import yaml

from generator.catalog.model import load_catalog
from generator.render.registry import registry
from generator.site.assembly.build import build
from generator.util.project import BuildPaths
from tests.support import ROOT, svg_texts
from tests.tinyproject import CHART, SCENE, make_tiny_project, tree_digest

#: The new model: made up (a Qwen2.5-72B-shaped GQA model), so the real catalog can never already hold it.
NEW = "example-lm-72b"
PART2_CHART = "kv_cache_sizes"
PART2_SCENE = "kv_sharing"

MODEL = """
  example-lm-72b:
    name: Example LM 72B
    org: Example Lab
    released: "2026-09-19"
    generation: Example
    params: 72.7e9
    layers: 80
    d_model: 8192
    heads: 64
    kv_heads: 8
    head_dim: 128
    ffn: 29568
    ffn_gated: true
    vocab: 152064
    embeddings: untied
    positions: rope
    context: 131072
    attention: gqa
    techniques: [flash, gqa]
    verified: {architecture: yes, params: yes}
    sources: [example-2026]
"""

REF = """  example-2026:
    title: The Example LM Technical Report
    authors: Example Lab
    year: 2026
    url: https://example.org/example-lm
"""

PART1_FRONT = """---
title: Tiny, part one
description: The first part of the tiny series.
part: 1
---
"""

PART2 = """---
title: The memory wall
description: Why the KV cache decides how long a context one GPU can hold.
part: 2
---
{%- set q = m['example-lm-72b'] %}
# Part 2: the memory wall

{{ q.name }} keeps {{ q.kv_heads }} KV heads for its {{ q.heads }} query heads.{{ cite('example-2026') }} At
{{ num(q.context) }} tokens its cache is {{ gb(d.kv_bytes_per_sequence(q, q.context)) }}, which
{{ fits(d.kv_bytes_per_sequence(q, q.context), hw['h100'].memory_gb * d.GB, 'fits in', 'does not fit in') }} one
{{ hw['h100'].name }}. Back to [Part 1](index.md).

{{ figure('PART2_CHART') }}

{{ figure('PART2_SCENE') }}

## References

{{ references() }}
""".replace("PART2_CHART", PART2_CHART).replace("PART2_SCENE", PART2_SCENE)

CONTENTS = """---
title: All parts
description: Every part of the tiny series.
---
# All parts

{{ contents() }}
"""


@pytest.mark.slow
def test_a_model_and_a_second_part_through_catalog_and_markdown_only(tmp_path):
    root = make_tiny_project(tmp_path / "p", figures=(CHART, SCENE, PART2_CHART, PART2_SCENE))
    figures_before = tree_digest(root / "figures")

    # 1. The catalog: a model, its reference, and the scene's list of models.
    cat_path = root / "catalog.yaml"
    text = cat_path.read_text("utf-8")
    assert NEW not in load_catalog(ROOT / "catalog.yaml").models, "the new model must be new"
    text = text.replace("\nreferences:\n", "\nreferences:\n" + REF, 1)
    text = text.replace("\nmodels:\n", "\nmodels:\n" + MODEL.lstrip("\n") + "\n", 1)
    shown = yaml.safe_load(text)["figures"][PART2_SCENE]["models"]  # the tiny catalog writes it one id a line
    listed = "    models:\n" + "".join(f"    - {mid}\n" for mid in shown)
    assert text.count(listed) == 1, listed
    text = text.replace(listed, "    models:\n" + "".join(f"    - {mid}\n" for mid in [NEW, *shown[1:]]), 1)
    # The parameters chart lists its models (README: "a figure with a models: [...] list shows it once you add its
    # id there"): the new model goes at the end of its list.
    charted = yaml.safe_load(text)["figures"][CHART]["models"]
    listed = "    models:\n" + "".join(f"    - {mid}\n" for mid in charted)
    assert text.count(listed) == 1, listed
    text = text.replace(listed, listed + f"    - {NEW}\n", 1)
    cat_path.write_text(text, "utf-8")

    # 2. The pages: part 1 gets its number, part 2 and the contents page are new.
    index = root / "docs" / "index.md"
    index.write_text(PART1_FRONT + index.read_text("utf-8").split("---\n", 2)[2], "utf-8")
    (root / "docs" / "part-2.md").write_text(PART2, "utf-8")
    (root / "docs" / "parts.md").write_text(CONTENTS, "utf-8")

    paths = BuildPaths(root=root)
    report = build(paths, quality="draft")
    assert report.warnings == [], report.warnings  # every registered figure is placed, once
    assert sorted(report.rendered) == sorted([CHART, SCENE, PART2_CHART, PART2_SCENE])
    assert tree_digest(root / "figures") == figures_before, "no figure code changed"

    catalog = load_catalog(cat_path)
    figs = registry(catalog, root / "figures")
    assert figs[PART2_SCENE].data(catalog)["show"]["models"][0] == NEW
    assert NEW in figs[CHART].data(catalog)["show"]["models"], "shown once its id is in the chart's list"

    site = paths.site
    part1 = (site / "index.html").read_text("utf-8")
    part2 = (site / "part-2" / "index.html").read_text("utf-8")
    contents = (site / "parts" / "index.html").read_text("utf-8")
    # The new model on part 1's chart (a label, or an entry of the numbered legend under it), which the page draws
    # from the published file (charts.js).
    assert f'data-rs-chart="figures/{CHART}.svg"' in part1
    assert "Example LM 72B" in " ".join(svg_texts(site / "figures" / f"{CHART}.svg"))
    # Part 2: its chart and scene, its own citation numbered from 1, its own references, the computed sentence.
    assert f'id="fig-{PART2_CHART}"' in part2 and f"figures/{PART2_SCENE}.mp4" in part2
    assert 'href="#ref-example-2026"' in part2 and ">1</a>" in part2 and 'id="ref-example-2026"' in part2
    assert 'id="ref-example-2026"' not in part1
    assert "does not fit in one" in part2 or "fits in one" in part2
    # Navigation between the parts, both ways, and the contents page.
    assert 'rel="next" href="part-2/"' in part1 and "Part 2: The memory wall" in part1
    assert 'rel="prev" href="../"' in part2 and "Part 1: Tiny, part one" in part2
    assert 'href="../parts/"' in part2 and "Part 2 of 2" in part2
    assert "Part 1: Tiny, part one" in contents and "Part 2: The memory wall" in contents
    assert "Why the KV cache decides" in contents
    # Each figure page links back to the part that places the figure (it linked to part 1 whatever the part).
    for fid, where in ((CHART, ""), (PART2_CHART, "part-2/"), (PART2_SCENE, "part-2/")):
        page = (site / "figures" / fid / "index.html").read_text("utf-8")
        assert f'<a href="../../{where}#fig-{fid}">See it in the article</a>' in page, fid
    # ...and lists the sources of what it draws: the new model's reference on the all-models chart's page.
    assert "The Example LM Technical Report" in (site / "figures" / CHART / "index.html").read_text("utf-8")

    # A field of a model only the all-models chart reads in full re-renders that chart alone: params_over_time
    # reads named fields, the scenes read only the models they show.
    shown_by_scenes = {mid for fid in (SCENE, PART2_SCENE) for mid in figs[fid].data(catalog)["show"]["models"]}
    charted = figs[PART2_CHART].data(catalog)["show"]["models"]  # the cache chart reads whole models it shows
    other = next(mid for mid in charted if "ffn" in catalog.models[mid] and mid not in shown_by_scenes)
    assert "ffn" not in str(catalog.figures[CHART]["reads"]), "params_over_time reads named fields, not ffn"
    text = _with_field(text, other, "ffn", catalog.models[other]["ffn"] + 1)
    cat_path.write_text(text, "utf-8")
    again = build(paths, quality="draft")
    assert again.rendered == [PART2_CHART], again.rendered


def _with_field(text: str, model_id: str, field: str, value: int) -> str:
    """The catalog ``text`` with ``models.<model_id>.<field>`` set to ``value`` (a one-line field, as authors edit)."""
    start = text.index(f"\n  {model_id}:\n")
    end = re.compile(r"^  \S", re.M).search(text, start + 2)
    block = text[start : end.start() if end else len(text)]
    edited, n = re.subn(rf"^(    {field}: ).*$", rf"\g<1>{value}", block, count=1, flags=re.M)
    assert n == 1, (model_id, field)
    return text.replace(block, edited, 1)
