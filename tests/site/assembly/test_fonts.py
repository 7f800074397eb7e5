"""The site's web fonts (generator/site/assembly/fonts.py): WOFF2 subsets of the shipped Inter, made once, covering
what the article sets, and declared by the stylesheets under the names the build publishes."""

from __future__ import annotations

import io
import re

from fontTools.ttLib import TTFont

from figures import typeface
from generator.site.assembly import fonts
from tests.support import ROOT


def test_subsets_are_woff2_of_the_shipped_files_made_once(tmp_path):
    files = fonts.web_fonts(tmp_path)
    assert set(files) == set(fonts.WEB_FONTS) | {fonts.LICENCE}
    assert files[fonts.LICENCE] == typeface.LICENCE  # the OFL travels with the fonts
    for rel, weight in fonts.WEB_FONTS.items():
        data = files[rel].read_bytes()
        assert data[:4] == b"wOF2"
        font = TTFont(io.BytesIO(data))
        cmap = font.getBestCmap()
        assert {ord(c) for c in "Aa0×−≈α’“”→⁶"} <= set(cmap)  # what the article sets
        assert set(cmap) <= set(fonts.UNICODES)
        shipped = TTFont(str(typeface.font_path(weight)))
        assert font["name"].getDebugName(4) == shipped["name"].getDebugName(4)  # the same face, subset
        assert len(data) < 40_000
    stamps = {rel: p.stat().st_mtime_ns for rel, p in files.items()}
    again = fonts.web_fonts(tmp_path)
    assert {rel: p.stat().st_mtime_ns for rel, p in again.items()} == stamps  # nothing subset twice


def test_stylesheets_declare_the_published_files():
    """The faces are declared once, in fonts.css, which the pages get inside article.css and the embed views link;
    no other stylesheet declares a face."""
    from generator.site.assembly.build import PAGE_CSS_PARTS

    css = ROOT / "docs" / "assets" / "css"
    text = (css / "fonts.css").read_text("utf-8")
    for family in ("Inter", "Inter Chart"):  # the text's faces (optional) and the charts' (swap): the same files
        faces = re.findall(r'@font-face \{ font-family: "' + family + r'";[^}]*font-weight: (\d+);[^}]*url\("\.\./fonts/([^"]+)"\)', text)
        assert {("assets/fonts/" + name, int(w)) for w, name in faces} == set(fonts.WEB_FONTS.items()), family
    assert [p.name for p in css.glob("*.css") if "@font-face" in p.read_text("utf-8")] == ["fonts.css"]
    assert PAGE_CSS_PARTS[0] == "assets/css/fonts.css"
    embed = (ROOT / "generator" / "site" / "extras" / "templates" / "figure_embed.html").read_text("utf-8")
    assert embed.index("assets/css/fonts.css") < embed.index("assets/css/embed.css")
    head = (ROOT / "overrides" / "main.html").read_text("utf-8")
    for rel in fonts.WEB_FONTS:
        assert f"'{rel}' | url" in head  # preloaded with the page


def test_a_subset_is_the_same_bytes_whenever_it_is_made():
    """No clock in the file: the subset keeps the source's head.modified (fontTools would write the time of saving,
    and two builds of one project, or the farm's and one machine's, would publish different fonts)."""
    import io

    from fontTools.ttLib import TTFont

    from figures import typeface
    from generator.site.assembly.fonts import subset_woff2

    source = typeface.font_path(400)
    made = TTFont(io.BytesIO(subset_woff2(source)))
    assert made["head"].modified == TTFont(str(source))["head"].modified
