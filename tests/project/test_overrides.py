"""Copied Material partials stay copies: each differs from the installed theme's file only by the change its header
comment names, so upgrading mkdocs-material without re-copying fails here instead of silently mixing versions."""

from __future__ import annotations

import re
from pathlib import Path

import material
import pytest

from tests.support import ROOT

THEME = Path(material.__file__).parent / "templates"

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


def _body(text: str) -> str:
    return re.sub(r"^\{#-.*?-#\}\s*", "", text, flags=re.S).strip()


@pytest.mark.parametrize("name", sorted(COPIES))
def test_copied_partial_differs_only_by_its_change(name):
    original, changed = COPIES[name]
    theirs = _body((THEME / name).read_text("utf-8"))
    ours = _body((ROOT / "overrides" / name).read_text("utf-8"))
    assert original in theirs, f"{name}: the installed Material partial no longer has {original!r}; re-copy it"
    assert ours == theirs.replace(original, changed, 1), f"overrides/{name} drifted from Material's {name}; re-copy it"
