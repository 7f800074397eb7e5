"""The catalog's schema (generator/catalog/schema.py): patterns match the whole string (issue 22, item 11), so an id,
a date or a URL with a trailing newline is a catalog error at its line, not a value that passes."""

from __future__ import annotations

import re

import pytest

from generator.catalog import load_catalog
from generator.errors import BuildError, CatalogError
from generator.site.extras.versions import make_release
from tests.support import ROOT


@pytest.mark.parametrize(
    "old,new,field",
    [
        ("\n  gpt-1:\n", '\n  "gpt-1\\n":\n', "models"),  # a model id
        ('    released: "2018-06"\n', '    released: "2018-06\\n"\n', "released"),
        ("    sources: [radford-2018, openai-gpt-config]\n", '    sources: ["radford-2018\\n", openai-gpt-config]\n',
         "sources"),
        (
            "    url: https://cdn.openai.com/research-covers/language-unsupervised/language_understanding_paper.pdf\n",
            '    url: "https://cdn.openai.com/x.pdf\\n"\n',
            "url",
        ),
        ("\n  params_over_time:\n", '\n  "params_over_time\\n":\n', "figures"),
    ],
)
def test_a_trailing_newline_does_not_pass_a_pattern(tmp_path, old, new, field):
    text = (ROOT / "catalog.yaml").read_text("utf-8")
    assert old in text, old
    p = tmp_path / "catalog.yaml"
    p.write_text(text.replace(old, new, 1), "utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(p)
    assert re.match(rf"{re.escape(str(p))}:\d+:\d+: ", str(info.value)) and field in str(info.value), info.value


def test_a_release_version_with_a_newline_is_refused(tmp_path):
    with pytest.raises(BuildError, match="VERSION: expected MAJOR.MINOR"):
        make_release(tmp_path, "1.1\n")
