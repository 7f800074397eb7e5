"""Versions, corrections and citation, as the build adds them to the site: the article's version and dates, its
"Updates and corrections" section and the numbers changed since the last release (changelog.py), the "Cite this
article" block, the head's citation metadata (Highwire ``citation_*``, JSON-LD Article, Open Graph text tags) and
CITATION.cff (citation.py), and the Atom feed of releases (feed.py); ``make release`` is release.py.

Where each fact lives:
- ``CHANGELOG.yaml`` (repository root): the corrections and updates, each ``date``, ``what``, ``why``.
- ``releases/<version>/release.json`` + ``releases/<version>/catalog.json``: written by ``make release VERSION=x.y``
  (``python -m generator release x.y``): the date and the published data (data/catalog.json) of that version.
- ``catalog.yaml`` ``meta``: title, description, authors, licences.
The article's version is the latest release; it was published on the first release's date and updated on the
latest date of a release or a changelog entry. Every build compares the current numbers with the latest release.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.format import long_date
from generator.site.extras.byline import part_header
from generator.site.extras.changelog import (
    History,
    changes_file,
    changes_since_release,
    load_history,
    updates_section,
)
from generator.site.extras.citation import Citation, citation, cite_block, inject_front_matter
from generator.site.extras.feed import atom_feed
from generator.util.project import PDF_NAME, site_url


@dataclass
class SiteExtras:
    """What the build adds: page macros, the feed file, the head metadata of the page holding the cite block and
    the header of every part (generator/site/extras/byline.py)."""

    context: dict[str, Any]
    files: dict[str, bytes]
    citation: Citation
    history: History
    #: The catalog's one-line description: the dek of the article's first part.
    description: str

    @property
    def head(self) -> dict[str, Any]:
        return {"rts_meta": self.citation.head_meta(), "rts_jsonld": self.citation.jsonld()}

    def finish(self, text: str) -> str:
        values = dict(self.head) if 'class="rs-cite-this"' in text else {}
        header = part_header(self.citation, self.history, text, self.description)
        if header:
            values["rts_header"] = header
        return inject_front_matter(text, values) if values else text


def site_extras(root: Path, catalog_data: dict[str, Any], export: str, pdf: bool = False) -> SiteExtras:
    """Macros ``updates()``, ``cite_this()``, ``version``; feed.xml and data/changes.json (every number changed since
    the last release); head tags (rts_meta, rts_jsonld); headers. ``pdf``: the site carries the article's PDF
    (PDF_NAME), so the header links it and Scholar's citation_pdf_url names it."""
    history = load_history(root)
    changes = changes_since_release(history, export)
    c = citation(catalog_data["meta"], history, site_url(root))
    c.pdf = PDF_NAME if pdf else None
    context = {
        "updates": lambda: updates_section(history, changes),
        "cite_this": lambda: cite_block(c),
        "version": history.version,
        "published": long_date(history.published),
        "updated": long_date(history.updated),
    }
    files = {"feed.xml": atom_feed(c, history).encode("utf-8"), **changes_file(history, changes)}
    return SiteExtras(context, files, c, history, str(catalog_data["meta"]["description"]))
