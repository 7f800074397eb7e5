"""HTML conformance (issue 22, item 12): the Nu HTML Checker (vnu.jar, pinned in package-lock.json as the npm
package vnu-jar; Java from Debian, both installed by scripts/setup.sh) finds no error in the project's own markup
on any page of the draft site: the article, every figure page and embed view, the talk page, the Media page.

The only errors allowed are two that come from Material for MkDocs' own templates, each recognised by the markup
it quotes (the checker's extract) and the theme file it comes from, so an error of ours with the same message still
fails:

* ``<input ... id="__drawer" autocomplete="off">`` and ``id="__search"``: material/templates/base.html (the
  navigation and search toggles are checkboxes; the checker allows autocomplete on text-like inputs only);
* ``<label class="md-nav__title" for="__toc">``: material/templates/partials/toc.html, on pages outside the
  navigation (the figure pages: ``not_in_nav``), where Material renders the table of contents' label without the
  ``__toc`` checkbox it points to.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

#: (message pattern, extract pattern, the theme template that writes it)
THEME_ERRORS = [
    (
        r"^Attribute “autocomplete” is only allowed when the input type is",
        r'<input class="md-toggle" data-md-toggle="(drawer|search)" type="checkbox" id="__(drawer|search)" '
        r'autocomplete="off">',
        "base.html",
    ),
    (
        r"^The value of the “for” attribute of the “label” element must be the ID of a non-hidden form control",
        r'<label class="md-nav__title" for="__toc">',
        "partials/toc.html",
    ),
]


def _theme_file(name: str) -> str:
    import material

    return (Path(material.__file__).parent / "templates" / name).read_text("utf-8")


def vnu_errors(pages: list[Path]) -> list[dict]:
    """The checker's errors for ``pages`` (its JSON report, which it writes to standard error)."""
    proc = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--errors-only", *map(str, pages)],
        capture_output=True, text=True, timeout=600,
    )
    return [m for m in json.loads(proc.stderr)["messages"] if m.get("type") == "error"]


def _theme_error(m: dict) -> bool:
    extract = " ".join(m.get("extract", "").split())
    for message, markup, template in THEME_ERRORS:
        if re.search(message, m["message"]) and re.search(markup, extract):
            # The markup quoted is the theme's own: its template writes exactly this tag.
            tag = re.search(markup, extract).group(0)
            assert re.sub(r"__(drawer|search)|drawer|search", "X", tag) in re.sub(
                r"__(drawer|search)|drawer|search", "X", " ".join(_theme_file(template).split())
            ), (tag, template)
            return True
    return False


@pytest.mark.skipif(not VNU.exists() or shutil.which("java") is None,
                    reason="the Nu HTML Checker needs `make setup` (npm ci: vnu-jar) and Java")
def test_no_page_has_an_error_in_our_markup(draft_build):
    site = draft_build.site
    pages = sorted(site.rglob("*.html"))
    kinds = {p.relative_to(site).parts[0] if len(p.relative_to(site).parts) > 1 else p.name for p in pages}
    assert {"index.html", "figures", "talk", "media"} <= kinds, kinds
    errors = vnu_errors(pages)
    ours = [f"{m['url'].split(site.name + '/', 1)[-1]}:{m.get('lastLine')}: {m['message']} "
            f"[{' '.join(m.get('extract', '').split())[:120]}]" for m in errors if not _theme_error(m)]
    assert ours == [], "\n".join(ours[:40])


@pytest.mark.skipif(not VNU.exists() or shutil.which("java") is None, reason="needs vnu.jar and Java")
def test_the_checker_finds_what_issue_22_found(tmp_path):
    """The old scene figure (figcaption between the video and the transcript) and the old citation <pre>s fail."""
    page = tmp_path / "old.html"
    page.write_text(
        "<!doctype html><html lang=en><title>t</title><figure><div>v</div><figcaption>c</figcaption>"
        "<details><summary>s</summary>x</details></figure><p id=l>Plain</p>"
        '<pre aria-labelledby="l"><code>x</code></pre>', "utf-8")
    messages = " ".join(m["message"] for m in vnu_errors([page]))
    assert "“details” not allowed as child of element “figure”" in messages and "aria-labelledby" in messages
