"""The site's own link check (generator/site/assembly/site_links.py): what MkDocs' strict mode caught in Markdown (a
missing image, a missing page, a broken anchor), now caught in every page of the built site whichever builder made
it."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import BuildError
from generator.site.assembly.site_links import check_site_links, link_problems

URL = "https://example.test/race/"


def _site(tmp_path: Path, index_body: str) -> tuple[Path, Path]:
    site, staging = tmp_path / "site", tmp_path / "staging"
    for folder in (site / "figures" / "x", site / "assets", staging / "figures" / "x", staging / "talk"):
        folder.mkdir(parents=True)
    (site / "index.html").write_text(f"<html><body><h2 id='intro'>Intro</h2>{index_body}</body></html>", "utf-8")
    (site / "figures" / "x" / "index.html").write_text("<p><a name='legacy'></a><span id='fig-x'>x</span></p>")
    (site / "assets" / "a.png").write_bytes(b"png")
    (staging / "index.md").write_text("# page")
    (staging / "figures" / "x" / "index.md").write_text("# x")
    return site, staging


GOOD = (
    "<a href='#intro'>here</a> <a href='figures/x/'>x</a> <a href='figures/x/#fig-x'>x</a> <a href='#'>top</a>"
    "<a href='figures/x/index.html#legacy'>named</a> <img src='assets/a.png'> <video poster='assets/a.png'></video>"
    "<a href='https://arxiv.org/abs/1'>paper</a> <a href='mailto:a@b.c'>mail</a> <img src='data:image/png;base64,'>"
    "<a href='https://example.test/race/figures/x/'>absolute, inside</a> <link rel='canonical' href='/elsewhere/'>"
    "<a href='https://example.test/other-project/'>another site on this host</a>"
)


def test_a_site_whose_links_all_resolve_passes(tmp_path):
    site, staging = _site(tmp_path, GOOD)
    assert link_problems(site, URL, staging) == []
    check_site_links(site, URL, staging)


@pytest.mark.parametrize(
    "body,problem",
    [
        ("<img src='nope.png'>", "index.md: a link to 'nope.png' goes nowhere: nope.png is not in the built site"),
        ("<a href='other/'>p</a>", "index.md: a link to 'other/' goes nowhere: other/index.html is not in the built site"),
        ("<a href='#nope'>a</a>", "index.md: a link to '#nope' goes nowhere: index.html has no id 'nope'"),
        ("<a href='figures/x/#y'>a</a>", "index.md: a link to 'figures/x/#y' goes nowhere: figures/x/index.html has "
         "no id 'y'"),
        ("<video data-poster='figures/gone.webp'></video>", "index.md: a link to 'figures/gone.webp' goes nowhere: "
         "figures/gone.webp is not in the built site"),
        ("<a href='/figures/x/'>a</a>", "index.md: a link to '/figures/x/' leaves the site "
         f"({URL}): use a link relative to the page"),
        ("<a href='%2e%2e/x'>a</a>", f"index.md: a link to '%2e%2e/x' leaves the site ({URL}): use a link relative "
         "to the page"),
    ],
)
def test_each_kind_of_broken_link_is_named_with_its_page(tmp_path, body, problem):
    site, staging = _site(tmp_path, GOOD + body)
    assert link_problems(site, URL, staging) == [problem]
    with pytest.raises(BuildError) as err:
        check_site_links(site, URL, staging)
    assert str(err.value) == problem + "; the previous site/ is kept"


def test_pages_are_named_as_in_the_staging_tree_and_problems_counted(tmp_path):
    site, staging = _site(tmp_path, "<img src='a.png'><img src='b.png'>")
    (site / "talk").mkdir()
    (site / "talk" / "index.html").write_text("<script src='../assets/js/talk.js'></script>")
    (staging / "talk" / "index.html").write_text("raw page")
    (site / "figures" / "x" / "index.html").write_text("<img src='../../c.png'>")
    problems = link_problems(site, URL, staging)
    assert [p.split(":")[0] for p in problems] == ["figures/x/index.md", "index.md", "index.md", "talk/index.html"]
    with pytest.raises(BuildError, match=r"^figures/x/index\.md: .* \(and 3 more broken links\); the previous"):
        check_site_links(site, URL, staging)


def test_an_address_is_compared_as_a_browser_compares_it(tmp_path):
    """The site's address checked and percent-encoded (SITE_URL), a page's absolute link written with it raw."""
    site, staging = _site(tmp_path, "<a href='https://example.test/r&quot;&lt;x/figures/x/'>x</a>")
    assert link_problems(site, "https://example.test/r%22%3Cx/", staging) == []
    (site / "index.html").write_text("<a href='https://example.test/r&quot;&lt;y/'>another site on the host</a>")
    assert link_problems(site, "https://example.test/r%22%3Cx/", staging) == []
    (site / "index.html").write_text("<a href='/r&quot;&lt;y/figures/x/'>x</a>")  # a path: this site's, if any
    assert link_problems(site, "https://example.test/r%22%3Cx/", staging)[0].endswith("use a link relative to the page")


def test_without_an_address_the_site_is_its_own_root(tmp_path):
    site, _ = _site(tmp_path, "<a href='/figures/x/'>x</a>")
    assert link_problems(site) == []  # no staging tree: pages are named by their site path
    (site / "index.html").write_text("<a href='/nope/'>x</a>")
    assert link_problems(site) == ["index.html: a link to '/nope/' goes nowhere: nope/index.html is not in the built site"]
