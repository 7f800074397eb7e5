"""What the build checks around publishing (generator/site/publish.py): links out of the repository in every folder
the build reads (issue 22, item 3), and the one site_url() every output takes the site's address from (item 6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tinyproject import CHART, make_tiny_project

from generator.errors import BuildError
from generator.site.build import BuildPaths, build
from generator.site.check import check_project
from generator.site.publish import READ_FILES, READ_FOLDERS, site_url


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return make_tiny_project(tmp_path_factory.mktemp("publish") / "p", figures=(CHART,))


@pytest.mark.parametrize(
    "where,target",
    [(f"{folder}/leak.txt", "/etc/passwd") for folder in READ_FOLDERS]
    + [("overrides/partials/environ", "/proc/self/environ"), ("docs/assets", "/etc")]
    + [(name, "/etc/hostname") for name in READ_FILES],
)
def test_a_link_out_of_the_repository_in_any_folder_the_build_reads_stops_it(tiny, where, target):
    link = tiny / where
    link.parent.mkdir(parents=True, exist_ok=True)
    kept = None
    if link.exists() or link.is_symlink():
        kept = link.with_name(link.name + ".kept")
        link.rename(kept)
    link.symlink_to(target)
    try:
        with pytest.raises(BuildError, match="outside the repository") as info:
            build(BuildPaths(root=tiny), quality="draft")
        assert str(link) in str(info.value) and "\n" not in str(info.value)
        assert not (tiny / "site").exists()  # stopped before anything was rendered or published
        with pytest.raises(BuildError, match="outside the repository"):
            check_project(tiny)
    finally:
        link.unlink()
        if kept is not None:
            kept.rename(link)


def test_site_url_is_checked_and_encoded_wherever_it_comes_from(tmp_path, monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    (tmp_path / "mkdocs.yml").write_text('site_url: !ENV [SITE_URL, "https://u.github.io/r"]\n', "utf-8")
    assert site_url(tmp_path) == "https://u.github.io/r/"
    (tmp_path / "mkdocs.yml").write_text("site_url: 'https://u.github.io/q/'\n", "utf-8")
    assert site_url(tmp_path) == "https://u.github.io/q/"  # the quotes are YAML's, not the URL's
    monkeypatch.setenv("SITE_URL", 'https://u.github.io/a"b<c>/')
    assert site_url(tmp_path) == "https://u.github.io/a%22b%3Cc%3E/"
    monkeypatch.setenv("SITE_URL", "javascript:alert(1)")
    with pytest.raises(BuildError, match="SITE_URL="):
        site_url(tmp_path)
    monkeypatch.delenv("SITE_URL")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", "utf-8")
    with pytest.raises(BuildError, match="no site_url"):
        site_url(tmp_path)
