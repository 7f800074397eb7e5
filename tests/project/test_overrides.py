"""Copied theme partials stay copies: each differs from the installed theme's file only by the change its header
comment names, so upgrading mkdocs-material (or zensical) without re-copying fails here instead of silently mixing
versions. Both builders use overrides/ (builders.py): Zensical all of it but the partials its own theme has fixed
(ZENSICAL_UNUSED_OVERRIDES), whose fix this checks is still there."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from generator.site.assembly.builders import ZENSICAL_OWN, ZENSICAL_UNUSED_OVERRIDES
from tests.support import ROOT

# override -> (text in the installed partial, what the copy has instead)
COPIES = {
    "partials/palette.html": ('data-md-component="palette"', "data-rts-palette"),
    "partials/search.html": ('role="dialog"', "role=\"dialog\" aria-label=\"{{ lang.t('search') }}\""),
    "partials/content.html": (
        '{% if "\\u003ch1" not in page.content %}',
        '{% if page.meta and page.meta.rts_header %}\n  {% include "partials/rts/article-header.html" %}\n'
        '{% elif "\\u003ch1" not in page.content %}',
    ),
}
#: The theme package each builder renders with.
THEMES = {"mkdocs": "material", "zensical": "zensical"}


def _templates(builder: str) -> Path:
    spec = importlib.util.find_spec(THEMES[builder])
    assert spec and spec.origin, f"{THEMES[builder]} is not installed (requirements.lock pins it)"
    return Path(spec.origin).parent / "templates"


def _body(text: str) -> str:
    return re.sub(r"^\{#-.*?-#\}\s*", "", text, flags=re.S).strip()


@pytest.mark.parametrize(
    "builder,name",
    [(b, n) for b in sorted(THEMES) for n in sorted(COPIES) if not (b == "zensical" and n in ZENSICAL_UNUSED_OVERRIDES)],
)
def test_copied_partial_differs_only_by_its_change(builder, name):
    original, changed = COPIES[name]
    theirs = _body((_templates(builder) / name).read_text("utf-8"))
    own = ROOT / "overrides" / ZENSICAL_OWN / name  # Zensical's own copy, where its partial differs from Material's
    ours = _body((own if builder == "zensical" and own.is_file() else ROOT / "overrides" / name).read_text("utf-8"))
    assert original in theirs, f"{name}: the installed {THEMES[builder]} partial no longer has {original!r}; re-copy it"
    assert ours == theirs.replace(original, changed, 1), f"overrides/{name} drifted from {THEMES[builder]}'s; re-copy it"


@pytest.mark.parametrize("name", ZENSICAL_UNUSED_OVERRIDES)
def test_zensical_carries_the_fix_of_each_override_it_does_not_get(name):
    original, changed = COPIES[name]
    theirs = (_templates("zensical") / name).read_text("utf-8")
    assert changed in theirs, f"Zensical's {name} lost the fix our copy makes ({changed!r}): give it our override again"


def test_every_override_is_a_known_copy_or_our_own():
    files = {p.relative_to(ROOT / "overrides").as_posix() for p in (ROOT / "overrides").rglob("*.html")}
    own = {f for f in files if f.startswith(ZENSICAL_OWN + "/")}
    assert {f.removeprefix(ZENSICAL_OWN + "/") for f in own} <= set(COPIES), own
    files -= own
    ours = {f for f in files if f.startswith("partials/rts/") or f in ("main.html", "partials/javascripts/palette.html")}
    assert files - ours == set(COPIES), files - ours
