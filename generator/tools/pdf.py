"""`make pdf`: the article as a PDF, printed by the Chromium the browser tests use (Playwright's page.pdf).

The built site is served locally (the Range-capable server), the article opened, its print stylesheet applied
(docs/assets/css/print.css: scenes as storyboards, widgets as their fallback tables, reference URLs shown), every
chart drawn and lazy image loaded, links to other pages of the site pointed at the public address (site_url) so they still work
from a file, and the page printed on A4 with an outline, tags and page numbers. pypdf then writes the document's
title, author, subject and creator. Same-page links (citations to the references) stay internal links.

Usage: python -m generator pdf [--site site] [--out build/the-race-to-scale.pdf] [--page ""]
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.catalog.schema import meta_authors
from generator.escape import Html, pdf_info, pdf_template
from generator.site.assembly.serve import serve_directory
from generator.tools.audit import CHROMIUM_ARGS, chromium
from generator.util.fs import atomic_write
from generator.util.project import PDF_NAME, ROOT, site_url

DEFAULT_OUT = ROOT / "build" / PDF_NAME
#: Before printing: draw every chart (docs/assets/js/charts.js), load every lazy image and wait for all of them;
#: send links to other pages to the public site.
_PREPARE = """async ([served, publicBase]) => {
  if (window.RaceCharts) await window.RaceCharts.drawAll();
  for (const a of document.querySelectorAll("a[href]")) {
    const href = a.getAttribute("href");
    if (!href || href.startsWith("#")) continue;
    const abs = new URL(href, document.baseURI).href;
    if (abs.startsWith(served)) a.setAttribute("href", publicBase + abs.slice(served.length));
  }
  const imgs = Array.from(document.images);
  for (const img of imgs) img.loading = "eager";
  await Promise.all(imgs.map((img) => img.complete && img.naturalWidth ? null :
    new Promise((res) => { img.addEventListener("load", res, { once: true });
                           img.addEventListener("error", res, { once: true }); })));
  await document.fonts.ready;
  return imgs.filter((img) => !img.naturalWidth).map((img) => img.src);
}"""


def site_meta(site: Path) -> dict[str, Any]:
    """The catalog ``meta`` the site was built from (its data/catalog.json), not the repository's catalog.yaml."""
    path = site / "data" / "catalog.json"
    try:
        return dict(json.loads(path.read_text("utf-8"))["catalog"]["meta"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RuntimeError(
            f"{path}: cannot read the built site's catalog meta ({exc}); run `make site` first"
        ) from None


#: Chromium's footer template (HTML; its classes pageNumber and totalPages are filled in by Chromium).
_FOOTER = Html(
    '<div style="font: 8px system-ui, sans-serif; width: 100%; text-align: center; color: #555;">'
    '{title} · <span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


@dataclass
class PdfReport:
    path: Path
    pages: int
    bytes: int


def print_pdf(
    site: Path, out: Path, page_path: str = "", root: Path = ROOT, prefix: str = "/", browser: Any = None
) -> PdfReport:
    """Print ``site``'s page ``page_path`` (the article by default) to ``out``; returns pages and size.

    ``browser``: a Playwright Chromium already running (the tests'); by default one is launched and closed."""
    from playwright.sync_api import sync_playwright

    with serve_directory(site, prefix=prefix) as url:
        if browser is not None:
            raw = _print(browser, url, page_path, root, site)
        else:
            with sync_playwright() as pw:
                launched = pw.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
                try:
                    raw = _print(launched, url, page_path, root, site)
                finally:
                    launched.close()
    return _write(raw, out, site_meta(site))


def _print(browser: Any, url: str, page_path: str, root: Path, site: Path) -> bytes:
    """The page printed to PDF bytes by ``browser`` (print media, lazy images loaded, links made public)."""
    meta = site_meta(site)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(url + page_path, wait_until="networkidle")
        page.emulate_media(media="print")
        missing = page.evaluate(_PREPARE, [url, site_url(root)])
        if missing:
            raise RuntimeError(f"images that did not load: {missing[:5]}")
        raw: bytes = page.pdf(
            format="A4",
            print_background=True,
            prefer_css_page_size=True,
            outline=True,
            tagged=True,
            display_header_footer=True,
            header_template="<span></span>",
            footer_template=str(_FOOTER.format(title=pdf_template(meta["title"]))),
        )
    finally:
        context.close()
    return raw


def _write(raw: bytes, out: Path, meta: dict[str, Any]) -> PdfReport:
    """Set the document's metadata (title, authors, subject, creator) and write it atomically."""
    from pypdf import PdfReader, PdfWriter

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # Chromium's trailer size note is not ours to fix
    reader = PdfReader(io.BytesIO(raw))
    writer = PdfWriter(clone_from=reader)
    writer.add_metadata(
        {
            "/Title": pdf_info(meta["title"]),
            "/Author": pdf_info(", ".join(meta_authors(meta))),
            "/Subject": pdf_info(meta["description"]),
            "/Creator": pdf_info(f"{meta['title']} (make pdf: Chromium via Playwright)"),
        }
    )
    buf = io.BytesIO()
    writer.write(buf)
    atomic_write(out, buf.getvalue())
    return PdfReport(out, len(reader.pages), len(buf.getvalue()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generator pdf", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--site", default=str(ROOT / "site"))
    parser.add_argument("--out", default=str(DEFAULT_OUT))
    parser.add_argument("--page", default="", help="page path under the site root ('' = the article)")
    args = parser.parse_args(argv)
    site = Path(args.site)
    if not (site / "index.html").exists():
        print(f"error: no built site at {site}; run `make site` first", file=sys.stderr)
        return 1
    report = print_pdf(site, Path(args.out), args.page)
    print(f"wrote {report.path}: {report.pages} pages, {report.bytes / 1e6:.1f} MB")
    return 0
