"""`make pdf`: the article printed by Chromium through the print stylesheet, read back with pypdf. Scenes print as
storyboards, widgets as their fallback tables, references with their URLs; the document has its title and author,
internal links that go to places in the document, and no link back to the local server that printed it."""

from __future__ import annotations

import html
import re
import unicodedata

import pytest

from generator.catalog.schema import meta_authors

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _plain(text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).replace("\u00a0", " ").split())


@pytest.fixture(scope="module")
def article_pdf(draft_build, tmp_path_factory, root, browser):
    from generator.tools.pdf import print_pdf

    out = tmp_path_factory.mktemp("pdf") / "article.pdf"
    report = print_pdf(draft_build.site, out, root=root, browser=browser)
    return report


def test_pdf_pages_metadata_and_text(article_pdf, draft_build, catalog):
    from pypdf import PdfReader

    reader = PdfReader(str(article_pdf.path))
    assert len(reader.pages) == article_pdf.pages
    assert 12 <= article_pdf.pages <= 60, article_pdf.pages
    info = reader.metadata
    assert info.title == catalog.data["meta"]["title"]
    assert info.author == ", ".join(meta_authors(catalog.data["meta"]))  # the people, else the group
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    text = unicodedata.normalize("NFKC", text)  # Chromium sets "fi" and "fl" as ligatures
    assert catalog.data["meta"]["title"] in text
    # References show their address.
    for ref_id in ("kaplan-2020", "dao-2022"):
        url = catalog.references[ref_id]["url"]
        assert url.split("//", 1)[1][:20] in text.replace(" ", ""), ref_id
    # A storyboard: every step's text of a scene is printed (the video itself is not).
    vtt = (draft_build.site / "figures" / "the_wall.vtt").read_text("utf-8")
    cues = []
    for block in vtt.split("\n\n"):
        lines = block.strip().splitlines()
        timing = [i for i, ln in enumerate(lines) if " --> " in ln]
        if timing:
            cues.append(" ".join(lines[timing[0] + 1 :]))
    assert cues
    # The step player's controls are for the screen: the storyboard replaces them on paper.
    for control in ("Previous step", "Next step", "Link to this step"):
        assert control not in text, f"the scene player's {control!r} is printed"
    for cue in cues:
        words = " ".join(cue.split())[:40]
        assert words.replace(" ", "") in text.replace(" ", ""), words
    # Widgets: the fallback table's caption is printed.
    article = (draft_build.site / "index.html").read_text("utf-8")
    fallbacks = re.findall(r'<div class="rs-fallback">(.*?)</div>\s*</div>', article, re.S)
    assert fallbacks
    for fb in fallbacks:
        m = re.search(r"<caption[^>]*>(.*?)</caption>", fb, re.S)
        assert m, "a widget fallback without a caption"
        assert _plain(m.group(1)).replace(" ", "")[:40] in text.replace(" ", "")


def test_pdf_links_stay_inside_or_go_to_the_public_site(article_pdf):
    from pypdf import PdfReader

    reader = PdfReader(str(article_pdf.path))
    internal, external = 0, []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            if a.get("/Subtype") != "/Link":
                continue
            action = a.get("/A")
            if a.get("/Dest") is not None or (action is not None and action.get("/S") == "/GoTo"):
                internal += 1
            elif action is not None and action.get("/URI"):
                external.append(str(action["/URI"]))
    assert internal >= 10, f"only {internal} internal links (citations go to the references)"
    assert external and not [u for u in external if "127.0.0.1" in u or "localhost" in u]


def test_print_layout_fits_the_page(browser, site_url):
    """In print, at the width of an A4 page's text (182 mm), nothing is wider than the page; the storyboards show
    and the videos and widget controls do not."""
    ctx = browser.new_context(viewport={"width": 688, "height": 1000})
    page = ctx.new_page()
    page.goto(site_url, wait_until="networkidle")
    page.emulate_media(media="print")
    page.evaluate("window.RaceWidgets && window.RaceWidgets.init()")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # charts.js draws every chart
    over = page.evaluate("""() => {
      const w = document.documentElement.clientWidth;
      return Array.from(document.querySelectorAll('.md-content figure, .md-content table, .md-content img, '
                                                  + '.md-content svg, .md-content pre, .rs-widget'))
        .filter((el) => el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().right > w + 1)
        .map((el) => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right));
    }""")
    assert not over, over
    shown = page.evaluate("""() => ({
      boards: Array.from(document.querySelectorAll('.rs-storyboard')).filter((e) => e.offsetHeight > 0).length,
      videos: Array.from(document.querySelectorAll('video')).filter((e) => e.offsetHeight > 0).length,
      controls: Array.from(document.querySelectorAll('.rs-widget .rs-ui')).filter((e) => e.offsetHeight > 0).length,
      fallbacks: Array.from(document.querySelectorAll('.rs-widget .rs-fallback')).filter((e) => e.offsetHeight > 0).length,
    })""")
    assert shown["boards"] >= 1 and shown["videos"] == 0 and shown["controls"] == 0, shown
    assert shown["fallbacks"] == page.evaluate("document.querySelectorAll('.rs-widget').length"), shown
    ctx.close()


def test_pdf_first_page_has_the_first_figure_and_stills_are_frames(article_pdf, catalog, root):
    """Page 1 holds the article's header and its first figure (print.css sets charts narrower and the header
    tighter, so the first chart is not pushed to page 2, which left a quarter of page 1 blank); every storyboard
    still is printed as a frame with something drawn on it, not a black box."""
    import io

    from PIL import Image, ImageStat
    from pypdf import PdfReader

    reader = PdfReader(str(article_pdf.path))
    first = re.search(r"\{\{\s*figure\('([^']+)'\)", (root / "docs" / "index.md").read_text("utf-8")).group(1)
    title = catalog.figures[first]["title"]
    assert title in reader.pages[0].extract_text(), f"page 1 does not show the first figure, {first!r}"
    stills = [im for page in reader.pages for im in page.images]
    assert len(stills) >= 10, len(stills)
    for im in stills:
        grey = Image.open(io.BytesIO(im.data)).convert("L")
        stat = ImageStat.Stat(grey)
        # a scene's frame is dark ground with light drawing: some light pixels, and contrast
        assert grey.getextrema()[1] > 150 and stat.stddev[0] > 15, (im.name, stat.mean, stat.stddev)
