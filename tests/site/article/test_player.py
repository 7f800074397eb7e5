"""The scene player's step list (generator/site/article/player.py, templates/scene_player.html and talk.html): a step whose
caption begins with its title says the title once, in bold, as the start of the text; any other step shows its
title, then its text. The transcript is the text a screen reader and the step player read (player.js, talk.js)."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from generator.site.article.player import scene_player, scene_steps
from generator.site.extras.talk import talk_page
from tests.support import ROOT

META = {
    "width": 1920,
    "height": 1080,
    "cues": [
        {"start": 0.0, "end": 4.0, "title": "GQA", "text": "GQA, what Llama 3.1 70B really uses: 8 KV heads."},
        {"start": 4.0, "end": 9.0, "title": "Heights and widths", "text": "Heights are to scale in layers."},
        {"start": 9.0, "end": 12.0, "title": "mla", "text": "MLA caches one latent."},
    ],
}


class _Said(HTMLParser):
    """The text of each .rs-step-said, and what is bold in it."""

    def __init__(self) -> None:
        super().__init__()
        self.said: list[str] = []
        self.bold: list[str] = []
        self._depth = 0
        self._in_bold = False

    def handle_starttag(self, tag, attrs):
        if self._depth:
            self._depth += 1
        elif ("class", "rs-step-said") in attrs:
            self._depth = 1
            self.said.append("")
            self.bold.append("")
        self._in_bold = self._in_bold or (self._depth > 0 and tag == "strong")

    def handle_endtag(self, tag):
        if tag == "strong":
            self._in_bold = False
        if self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.said[-1] += data
            if self._in_bold:
                self.bold[-1] += data


def _said(html: str) -> tuple[list[str], list[str]]:
    p = _Said()
    p.feed(html)
    return p.said, p.bold


def test_a_title_that_begins_the_text_is_said_once():
    steps = scene_steps(META)
    assert (steps[0]["head"], steps[0]["rest"]) == ("GQA", ", what Llama 3.1 70B really uses: 8 KV heads.")
    assert steps[1]["head"] == "" and steps[1]["rest"] == steps[1]["text"]
    assert steps[2]["head"] == "MLA"  # matched without regard to case; the text's own casing is kept
    for html in (str(scene_player("s", META, "figures/s", "A scene", "Alt")),
                 talk_page("Site", [{"id": "s", "title": "A scene", "alt": "Alt", "meta": META}])):
        said, bold = _said(html)
        assert said == ["GQA, what Llama 3.1 70B really uses: 8 KV heads.",
                        "Heights and widths. Heights are to scale in layers.",
                        "MLA caches one latent."], said
        assert bold == ["GQA", "Heights and widths.", "MLA"], bold


def test_the_figcaption_is_the_figures_first_child():
    """HTML allows a figure's figcaption only as its first or last child (issue 22, item 12); the article sets every
    figure's title above it (issue 25, item 8), so the scene's is the first, holding the title and the links; the
    transcript and the print storyboard follow the player."""
    void = {"source", "track", "img", "br", "meta", "link", "input"}

    class Children(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[str] = []
            self.children: list[str] = []  # the figure's own children
            self.in_caption: list[str] = []

        def handle_starttag(self, tag, attrs):
            if len(self.stack) == 1:
                self.children.append(tag)
            if "figcaption" in self.stack:
                self.in_caption.append(tag)
            if tag not in void:
                self.stack.append(tag)

        def handle_endtag(self, tag):
            if self.stack and self.stack[-1] == tag:
                self.stack.pop()

    p = Children()
    storyboard = scene_player("s", META, "figures/s", "A scene", "Alt").__class__('<ol class="rs-storyboard"></ol>')
    p.feed(str(scene_player("s", META, "figures/s", "A scene", "Alt", storyboard=storyboard)))
    assert p.children == ["figcaption", "div", "details", "ol"], p.children
    assert p.in_caption == ["a"]  # the download link (and the figure page's, when there is one); not the transcript
    p = Children()  # a catalog caption (text: escaped once) sits under the transcript, before the storyboard
    html = str(scene_player("s", META, "figures/s", "A scene", "Alt", storyboard=storyboard, caption="<i>Why</i> & how"))
    p.feed(html)
    assert p.children == ["figcaption", "div", "details", "p", "ol"], p.children
    caption = re.search(r'<p class="rs-fig-caption">(.*?)</p>', html).group(1)
    assert "<" not in caption and unescape(caption) == "<i>Why</i> & how"

def test_css_and_markup_switch_where_the_rule_assumes():
    """The page's portrait switch (site.css, embed.css, the player's <source media>) is the query the legibility
    rule's widths come from, and the portrait frame's aspect ratio in the CSS is the render's."""
    from figures.legibility import PORTRAIT_MEDIA
    from generator.render.specs import site_specs
    port = site_specs("publish")[1]
    for css in ("site.css", "embed.css"):
        text = (ROOT / "docs" / "assets" / "css" / css).read_text("utf-8")
        assert f"@media {PORTRAIT_MEDIA}" in text, css
        assert f"aspect-ratio: {port.width // 270} / {port.height // 270}" in text, css
    html = str(scene_player("s", {"width": 1920, "height": 1080, "portrait": {"width": 1080, "height": 1350},
                                  "cues": []}, "f/s", "T", "A"))
    assert f'<source src="f/s.portrait.mp4" type="video/mp4" media="{PORTRAIT_MEDIA}">' in html
    assert html.index("s.portrait.mp4") < html.index('src="f/s.mp4"'), "the portrait source first: it has a query"


def test_scene_renders_read_nothing_of_the_site(catalog, root):
    """A scene's cache key follows its imports; none is the site's (a page change never draws a video again)."""
    from generator.render.keys import dependencies
    from generator.render.registry import registry

    scenes = [f for f in registry(catalog, root / "figures").values() if f.kind == "scene"]
    assert scenes
    for fig in scenes:
        deps = dependencies(fig, root)
        assert not [d for d in deps if d.startswith("generator/site/")], (fig.id, deps)
