"""Incremental builds: after every kind of change, public/ is byte for byte a clean build."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from typing import Any
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.commands.build import WHOLE_POSTS_UP_TO, Resident, build
from generator.cli import main
from generator.core.errors import SiteError
from sites import REPO, SAMPLE, comparable, make_site, snapshot

BLOG = "content/2023-07-08-russia-ukraine-news"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = make_site(tmp_path / "site", site_toml=(REPO / "site.toml").read_text(encoding="utf-8"))
    result = CliRunner().invoke(main, ["--site", str(root), "import", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    return root


def post_file(root: Path, hhmm: str) -> Path:
    return next((root / BLOG).glob(f"2023-07-08-{hhmm}-*.md"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_post(root: Path) -> None:
    edit(post_file(root, "0906"), "Earlier, officials", "Earlier on Saturday, officials")


def retitle_post(root: Path) -> None:
    edit(post_file(root, "0855"), "title: No date set yet", "title: Still no date set")


def add_post(root: Path) -> None:
    text = post_file(root, "0412").read_text(encoding="utf-8")
    text = text.replace("2023-07-08-0412-", "2023-07-09-0030-", 1).replace(
        "published: 2023-07-08T04:12:00-04:00", "published: 2023-07-09T00:30:00-04:00")
    (root / BLOG / "2023-07-09-0030-a-new-day.md").write_text(text, encoding="utf-8")


def delete_post(root: Path) -> None:
    post_file(root, "0705").unlink()


def rename_topic(root: Path) -> None:
    for path in (root / BLOG).glob("2023-*.md"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(", NATO,", ", North Atlantic alliance,").replace(
            ", NATO]", ", North Atlantic alliance]"), encoding="utf-8")


def change_template(root: Path) -> None:
    (root / "templates" / "day.html").write_text(
        (REPO / "generator/theme/templates/day.html").read_text(encoding="utf-8").replace(
            '<p class="count">', '<p class="count day-count">'), encoding="utf-8")


def change_static(root: Path) -> None:
    (root / "static" / "extra.css").write_text("body { margin: 0; }\n", encoding="utf-8")


def change_config(root: Path) -> None:
    edit(root / "site.toml", 'post_order = "newest-first"', 'post_order = "oldest-first"')


def draft_post(root: Path) -> None:
    edit(post_file(root, "1547"), "position: 5\n", "position: 5\ndraft: true\n")


def remove_template_override(root: Path) -> None:
    (root / "templates" / "day.html").unlink()


STEPS: list[tuple[str, Callable[[Path], None]]] = [
    ("edit a post", edit_post),
    ("retitle a post", retitle_post),
    ("add a post on a new day", add_post),
    ("delete a post", delete_post),
    ("rename a topic", rename_topic),
    ("change a template", change_template),
    ("add a static file", change_static),
    ("change site.toml", change_config),
    ("mark a post draft", draft_post),
    ("remove the template override", remove_template_override),
]


# Archives past WHOLE_POSTS_UP_TO content files stream: the model keeps entries
# and whole posts are read back from the content cache. 0 forces that here.
MODES = {"in memory": WHOLE_POSTS_UP_TO, "streaming": 0}


@pytest.mark.parametrize("mode", MODES)
def test_incremental_equals_clean_after_every_change(site: Path, tmp_path: Path, mode: str) -> None:
    public = site / "public"
    first = build(site, whole_posts_up_to=MODES[mode])
    assert not first.incremental
    again = build(site, whole_posts_up_to=MODES[mode])
    assert again.incremental and again.written == () and again.removed == ()
    for number, (name, change) in enumerate(STEPS):
        change(site)
        report = build(site, whole_posts_up_to=MODES[mode])
        assert report.incremental, name
        # The clean build holds every post in memory: streaming must give the same bytes.
        clean = build(site, output=tmp_path / f"clean-{number}", full=True)
        assert not clean.incremental
        assert comparable(snapshot(public)) == comparable(snapshot(clean.output)), name


@pytest.mark.parametrize("mode", MODES)
def test_resident_builds_equal_clean_after_every_change(site: Path, tmp_path: Path, mode: str) -> None:
    """serve's builds: one Resident kept between them, files replaced in place."""
    out = tmp_path / "served"
    resident = Resident()
    assert not build(site, output=out, whole_posts_up_to=MODES[mode], resident=resident).incremental
    assert build(site, output=out, whole_posts_up_to=MODES[mode], resident=resident).written == ()
    for number, (name, change) in enumerate(STEPS):
        change(site)
        report = build(site, output=out, whole_posts_up_to=MODES[mode], resident=resident)
        assert report.incremental, name
        clean = build(site, output=tmp_path / f"clean-{number}", full=True)
        assert comparable(snapshot(out)) == comparable(snapshot(clean.output)), name
    assert not any(path.name.endswith(".new") for path in out.rglob("*"))  # no temporary file left


def test_a_failed_resident_build_leaves_no_page_it_added(site: Path, tmp_path: Path) -> None:
    """serve's folder is written in place: a build that fails after writing a new
    topic's page removes it, and the next good build is a clean build's equal."""
    out = tmp_path / "served"
    resident = Resident()
    build(site, output=out, resident=resident)
    folder = out.stat().st_ino
    post = post_file(site, "0906")
    good = post.read_text(encoding="utf-8")
    edit(post, "topics: [", "topics: [A topic never seen before, ")
    (site / "templates" / "404.html").write_text("{{ nope.x }}")  # rendered last, after the topic pages
    with pytest.raises(SiteError):
        build(site, output=out, resident=resident)
    assert not (out / "topics" / "a-topic-never-seen-before").exists()
    post.write_text(good, encoding="utf-8")
    (site / "templates" / "404.html").unlink()
    build(site, output=out, resident=resident)
    clean = build(site, output=tmp_path / "clean", full=True)
    assert comparable(snapshot(out)) == comparable(snapshot(clean.output))
    assert out.stat().st_ino == folder  # written where it is, never a new tree swapped in


def test_a_resident_rebuild_after_one_edit_parses_one_file_and_keeps_no_state_file(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.content.read as read

    out = tmp_path / "served"
    resident = Resident()
    build(site, output=out, resident=resident)
    parsed: list[str] = []
    real = read.read_post

    def counted(path: Path, blog: str, data: bytes | None = None) -> Any:
        parsed.append(path.name)
        return real(path, blog, data)

    monkeypatch.setattr(read, "read_post", counted)
    for cache in (site / ".liveblog").glob("content-*.sqlite*"):
        cache.unlink()  # the records in memory answer, not the SQLite cache
    edit_post(site)
    report = build(site, output=out, resident=resident)
    assert parsed == [post_file(site, "0906").name]
    assert "2023/07/08/index.html" in report.written
    assert list((site / ".liveblog").glob("build-*.tsv")) == []  # the state stays in memory


def test_a_one_post_edit_rewrites_only_the_pages_that_show_it(site: Path) -> None:
    build(site)
    edit_post(site)
    report = build(site)
    slug = "0906-russian-shelling-kills-at-least-8-people-in-ukrainian-city-of-lyman-regional"
    search = {rel for rel in report.written if rel.startswith("pagefind/")}
    assert any(rel.startswith("pagefind/fragment/") for rel in search)  # the edited post's, re-indexed
    assert "pagefind/pagefind.js" not in search  # unchanged bytes are not rewritten
    assert set(report.written) - search == {
        f"2023/07/08/{slug}/index.html",
        "2023/07/08/index.html",
        "live/2023-07-08-russia-ukraine-news/index.html",
        "live/2023-07-08-russia-ukraine-news/oldest-first/index.html",
        "topics/russia-ukraine-news/index.html",
        "topics/civilian-casualties/index.html",
        "feed.xml",
        "topics/russia-ukraine-news/feed.xml",
        "topics/civilian-casualties/feed.xml",
    }


def test_a_hand_edited_or_deleted_output_is_restored(site: Path) -> None:
    public = site / "public"
    build(site)
    clean = snapshot(public)
    (public / "404.html").write_text("vandalised")
    (public / "robots.txt").unlink()
    (public / "stray.html").write_text("not ours")
    edit_post(site)
    build(site)
    edit(post_file(site, "0906"), "Earlier on Saturday, officials", "Earlier, officials")
    report = build(site)
    assert comparable(snapshot(public)) == comparable(clean)
    assert "stray.html" not in report.written


def test_a_failing_incremental_build_leaves_public_as_it_was(site: Path) -> None:
    public = site / "public"
    build(site)
    before = snapshot(public)
    edit_post(site)
    (site / "templates" / "post.html").write_text("{% extends 'base.html' %}{% block content %}{{ nope.x }}{% endblock %}")
    result = CliRunner().invoke(main, ["--site", str(site), "build"])
    assert result.exit_code == 1 and "'nope' is undefined" in result.output
    assert snapshot(public) == before
    assert not list(site.glob("public.tmp-*"))


@pytest.mark.parametrize("mode", MODES)
def test_parallel_and_serial_renders_are_identical(site: Path, tmp_path: Path, mode: str) -> None:
    serial = build(site, output=tmp_path / "serial", full=True, workers=1)
    # Streaming: each forked worker reads whole posts from the content cache itself.
    parallel = build(site, output=tmp_path / "parallel", full=True, workers=2,
                     whole_posts_up_to=MODES[mode], parallel_from=1)
    assert comparable(snapshot(serial.output)) == comparable(snapshot(parallel.output))


# Workers are forked only by a process with no other thread (pytest's may have some
# left by earlier tests), so these builds run in a fresh interpreter.
IN_A_FRESH_PROCESS = """
import json, sys
from pathlib import Path
import generator.content.read as read
from generator.commands.build import build
from generator.core.errors import SiteError
parsed = []
real = read.read_post
def counted(path, blog, data=None):
    parsed.append(path.name)
    return real(path, blog, data)
read.read_post = counted
site, out, whole = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
try:
    build(site, output=out, full=True, workers=2, whole_posts_up_to=whole, parallel_from=1, parse_parallel_from=1)
    error = None
except SiteError as failure:
    error = str(failure)
print(json.dumps({"parsed": parsed, "error": error}))
"""


def build_in_a_fresh_process(site: Path, out: Path, whole_posts_up_to: int = WHOLE_POSTS_UP_TO) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", IN_A_FRESH_PROCESS, str(site), str(out), str(whole_posts_up_to)],
                          capture_output=True, text=True, timeout=120, check=True)
    return dict(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.parametrize("mode", MODES)
def test_post_files_parsed_on_workers_build_the_same_site(site: Path, tmp_path: Path, mode: str) -> None:
    """A cold build parses the post files on the workers (parse_parallel_from=1 here);
    the parent parses none of them, and the site is the serial build's."""
    serial = build(site, output=tmp_path / "serial", full=True, workers=1)
    shutil.rmtree(site / ".liveblog")  # nothing cached: every post is parsed again
    outcome = build_in_a_fresh_process(site, tmp_path / "parallel", MODES[mode])
    assert outcome == {"parsed": [], "error": None}  # all on the forked workers
    assert comparable(snapshot(serial.output)) == comparable(snapshot(tmp_path / "parallel"))
    again = build(site, output=tmp_path / "parallel")
    assert again.incremental and again.written == ()  # the workers' rows are in the cache


def test_a_bad_post_parsed_on_workers_is_reported_as_a_serial_build_reports_it(site: Path, tmp_path: Path) -> None:
    """Two bad files: the first in order is named, as without workers, and nothing changes."""
    edit(post_file(site, "0906"), "title: ", "title: [")
    edit(post_file(site, "0912"), "title: ", "title: [")
    shutil.rmtree(site / ".liveblog", ignore_errors=True)
    with pytest.raises(SiteError) as serial:
        build(site, workers=1)
    shutil.rmtree(site / ".liveblog", ignore_errors=True)
    outcome = build_in_a_fresh_process(site, tmp_path / "parallel")
    assert outcome["error"] == str(serial.value)
    assert post_file(site, "0906").name in outcome["error"]
    assert not (site / "public").exists() and not (tmp_path / "parallel").exists()


def test_an_incremental_build_on_workers_equals_a_clean_build(site: Path, tmp_path: Path) -> None:
    """Workers write their pages into the staging folder themselves; an incremental
    build keeps the outputs whose bytes did not change, and the manifest names the
    bytes as written."""
    public = site / "public"
    build(site, workers=2, parallel_from=1)
    (site / "templates").mkdir(exist_ok=True)
    theme = REPO / "generator" / "theme" / "templates" / "post.html"
    (site / "templates" / "post.html").write_text(
        theme.read_text(encoding="utf-8").replace("{% endblock %}", "<span hidden>t</span>{% endblock %}", 1),
        encoding="utf-8")
    edit_post(site)
    report = build(site, workers=2, parallel_from=1)
    assert report.incremental and len(report.written) >= 9  # every post page, on the workers
    clean = build(site, output=tmp_path / "clean", full=True, workers=1)
    assert comparable(snapshot(public)) == comparable(snapshot(clean.output))
    for line in (public / "manifest-sha256.txt").read_text(encoding="utf-8").splitlines():
        digest, _, rel = line.partition("  ")
        assert hashlib.sha256((public / rel).read_bytes()).hexdigest() == digest, rel


def test_a_template_error_on_a_worker_names_the_template_and_changes_nothing(site: Path) -> None:
    public = site / "public"
    build(site, workers=2, parallel_from=1)
    before = snapshot(public)
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates" / "post.html").write_text(
        "{% extends 'base.html' %}{% block content %}{{ nope.x }}{% endblock %}", encoding="utf-8")
    with pytest.raises(SiteError) as raised:
        build(site, workers=2, parallel_from=1, full=True)
    assert "'nope' is undefined" in raised.value.message and raised.value.path is not None
    assert "post.html" in str(raised.value.path)
    assert snapshot(public) == before
    assert not list(site.glob("public.tmp-*"))


def test_state_lives_outside_the_site_output(site: Path) -> None:
    build(site)
    assert (site / ".liveblog").is_dir()
    assert not any(p.name.startswith(".liveblog") for p in (site / "public").iterdir())
    shutil.rmtree(site / ".liveblog")
    assert not build(site).incremental  # no state: a full build, still correct
