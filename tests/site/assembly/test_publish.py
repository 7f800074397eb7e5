"""Publishing (generator/site/assembly/publish.py): SITE_URL checked and escaped, symbolic links that leave the
repository refused, web server modes, a site on another file system, leftovers of killed builds removed."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from generator.errors import BuildError
from generator.site.assembly.build import build
from generator.site.assembly.check import check_project
from generator.site.assembly.publish import READ_FILES, READ_FOLDERS, check_links, check_site_name
from generator.util.project import BuildPaths, checked_site_url, site_url
from tests.support import ROOT, build_cmd, one_error_line, run_cli
from tests.tinyproject import CHART, make_tiny_project, state


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "ftp://x.org/", "https://", "https://exa mple.org/", "https://x.org/?a=1",
     "https://x.org/#top", "https://a\"b.org/", "https://x.org:99999/", "//x.org/", "https://u:p@x.org/"],
)
def test_bad_site_url_is_refused(url, project, monkeypatch):
    with pytest.raises(BuildError) as info:
        checked_site_url(url)
    assert str(info.value).startswith("SITE_URL=")
    monkeypatch.setenv("SITE_URL", url)
    before = state(project)
    with pytest.raises(BuildError):
        build(BuildPaths(root=project), quality="draft")
    assert state(project) == before


def test_site_url_is_escaped():
    assert checked_site_url("https://u.github.io/r/") == "https://u.github.io/r/"
    assert checked_site_url("http://127.0.0.1:8000/x/") == "http://127.0.0.1:8000/x/"
    out = checked_site_url("https://u.github.io/a\"'<b>/")
    assert out == "https://u.github.io/a%22%27%3Cb%3E/"


def test_symlink_out_of_the_repository_is_refused(project, capsys):
    before = state(project)
    link = project / "docs" / "passwd.txt"
    link.symlink_to("/etc/passwd")
    rc, lines = run_cli(capsys, "build", "--root", str(project), "--quality", "draft")
    msg = one_error_line(lines)
    assert rc == 1 and str(link) in msg and "outside the repository" in msg
    with pytest.raises(BuildError, match="outside the repository"):
        check_project(project)
    assert state(project) == before
    assert not (project / "site" / "passwd.txt").exists()
    # A link that stays inside the repository is published as the file it names.
    link.unlink()
    (project / "notes.txt").write_text("inside", "utf-8")
    link.symlink_to(project / "notes.txt")
    check_links(project / "docs", project)
    build(BuildPaths(root=project), quality="draft")
    assert (project / "site" / "passwd.txt").read_text("utf-8") == "inside"


def test_dangling_symlink_is_refused(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "gone").symlink_to(tmp_path / "nowhere")
    with pytest.raises(BuildError, match="does not exist"):
        check_links(tmp_path / "docs", tmp_path)


def test_site_is_published_with_web_server_modes(built):
    site = built / "site"
    assert stat.S_IMODE(site.stat().st_mode) == 0o755
    for p in site.rglob("*"):
        want = 0o755 if p.is_dir() else 0o644
        assert stat.S_IMODE(p.stat().st_mode) == want, p


@pytest.mark.slow
def test_site_on_another_file_system(project):
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(project).st_dev:
        pytest.skip("no second file system (/dev/shm) here")
    other = Path(shutil.os.path.join(shm, f"rts-exdev-{os.getpid()}"))
    try:
        site = other / "site"
        for _ in range(2):  # a first publish, then a swap over the previous site
            proc = subprocess.run(build_cmd(project, "--site", str(site)), cwd=ROOT, capture_output=True, text=True)
            assert proc.returncode == 0, proc.stderr
            assert (site / "index.html").read_text("utf-8").rstrip().endswith("</html>")
            assert sorted(p.name for p in other.iterdir()) == ["site"]
            (project / "docs" / "index.md").write_text(
                (project / "docs" / "index.md").read_text("utf-8") + "\nMore.\n", "utf-8")
    finally:
        shutil.rmtree(other, ignore_errors=True)


def test_leftovers_of_killed_builds_are_cleaned(project, capsys):
    for p in (project / "build" / "site-abc123", project / ".site.new-xyz"):
        (p / "assets").mkdir(parents=True)
        (p / "index.html").write_text("half")
    build(BuildPaths(root=project), quality="draft")
    assert not (project / "build" / "site-abc123").exists() and not (project / ".site.new-xyz").exists()
    (project / ".site.new-again").mkdir()
    assert run_cli(capsys, "clean", "--root", str(project))[0] == 0
    assert not (project / ".site.new-again").exists()


# ---------------------------------------------------------------------------------------------------------------
# What the build checks around publishing (generator/site/publish.py): links out of the repository in every folder
# the build reads (issue 22, item 3), and the one site_url() every output takes the site's address from (item 6).
# ---------------------------------------------------------------------------------------------------------------

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


def test_the_title_is_typed_once(tmp_path, catalog):
    """mkdocs.yml's site_name must be the catalog's meta.title (checked by make check and the build)."""
    title, where = str(catalog.data["meta"]["title"]), catalog.where(("meta", "title"))
    assert where.endswith(f"catalog.yaml:{catalog.marks[('meta', 'title')][0]}")
    shutil.copyfile(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    check_site_name(tmp_path, title, where)
    config = tmp_path / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace(f"site_name: {title}", "site_name: 'Another Title'"), "utf-8")
    with pytest.raises(BuildError, match=r"mkdocs.yml:\d+: site_name: expected the catalog's meta.title .*"
                                         r"found site_name 'Another Title'"):
        check_site_name(tmp_path, title, where)
