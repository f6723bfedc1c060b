"""Archival integrity: provenance, fixity manifests, verify, coverage, merging captures."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import bagit
import pytest
from click.testing import CliRunner

import tools
from generator.cli import main
from sites import REPO, SAMPLE, SAMPLE_URL, make_site, snapshot

BLOG = "content/2023-07-08-russia-ukraine-news"
STAMP = re.compile(r"^\d{1,2}:\d\d [ap]\.m\. ET, July 8, 2023$", re.MULTILINE)
TEXT = SAMPLE.read_text(encoding="utf-8")


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--site", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def new_site(path: Path) -> Path:
    return make_site(path, site_toml=(REPO / "site.toml").read_text(encoding="utf-8"))


def split_posts(text: str) -> tuple[str, list[str]]:
    """The header and each post's text (from its timestamp line), as in the capture."""
    starts = [m.start() for m in STAMP.finditer(text)]
    return text[: starts[0]], [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]


def capture(tmp_path: Path, name: str, header: str, posts: list[str]) -> Path:
    path = tmp_path / name
    path.write_text(header + "".join(p if p.endswith("\n\n") else p.rstrip("\n") + "\n\n" for p in posts),
                    encoding="utf-8")
    return path


@pytest.fixture
def sample_site(tmp_path: Path) -> Path:
    root = new_site(tmp_path / "site")
    assert run(root, "import", str(SAMPLE), "--source-url", SAMPLE_URL,
               "--captured-at", "2023-07-08T18:00:00-04:00")[0] == 0
    assert run(root, "build")[0] == 0
    return root


# --- provenance --------------------------------------------------------------------


def test_each_capture_is_recorded_with_its_provenance(sample_site: Path) -> None:
    blog = (sample_site / BLOG / "_blog.md").read_text()
    assert ("captures:\n- file: captures/cnn-2023-07-08-russia-ukraine.txt\n"
            "  sha256: 2bc977081fbfdcce3bbe44d0ffd17dd74991959efd64d8d24153525d4cd65230\n"
            "  size: 15360\n"
            f"  source_url: {SAMPLE_URL}\n"
            "  captured_at: 2023-07-08T18:00:00-04:00\n"
            "  captured_at_from: option\n") in blog
    assert "  importer: liveblog 0.1.0\n" in blog
    first = next((sample_site / BLOG).glob("2023-07-08-1129-*.md")).read_text()
    assert "captures: [captures/cnn-2023-07-08-russia-ukraine.txt#1]\n" in first


def test_without_captured_at_the_file_time_is_recorded_and_said(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    copy = tmp_path / "copy.txt"
    shutil.copy(SAMPLE, copy)
    os.utime(copy, (1688853600, 1688853600))  # 2023-07-08T22:00:00Z
    code, _out, err = run(root, "import", str(copy))
    assert code == 0
    assert f"note: {copy}: no --captured-at given; recording the file's modification time 2023-07-08T22:00:00+00:00" in err
    blog = (root / BLOG / "_blog.md").read_text()
    assert "  captured_at: 2023-07-08T22:00:00+00:00\n  captured_at_from: file modification time\n" in blog
    # Re-importing a recorded capture keeps its record, so there is nothing to say.
    os.utime(copy, (1700000000, 1700000000))
    code, _out, err = run(root, "import", str(copy))
    assert code == 0 and "note:" not in err
    assert (root / BLOG / "_blog.md").read_text() == blog


def test_pages_show_provenance_and_publish_the_raw_capture(sample_site: Path) -> None:
    public = sample_site / "public"
    assert (public / "captures/cnn-2023-07-08-russia-ukraine.txt").read_bytes() == SAMPLE.read_bytes()
    post = next(public.glob("2023/07/08/1129-*/index.html")).read_text()
    assert f'<dt>Source</dt><dd><a href="{SAMPLE_URL}" rel="nofollow">' in post
    assert '<time datetime="2023-07-08T18:00:00-04:00">6:00 p.m. ET, July 8, 2023</time>' in post
    assert '<dt>Capture</dt><dd><a href="/liveblog-archive/captures/cnn-2023-07-08-russia-ukraine.txt">' in post
    assert ('<dt>SHA-256</dt><dd><code class="hash" title="2bc977081fbfdcce3bbe44d0ffd17dd74991959efd64d8d24153525d4cd65230">'
            '2bc977081fbf…</code>') in post
    blog = (public / "live/2023-07-08-russia-ukraine-news/index.html").read_text()
    assert "from 1 capture." in blog and "(15,360 bytes)" in blog and "liveblog 0.1.0" in blog


# --- fixity ------------------------------------------------------------------------


def test_the_build_writes_a_sorted_manifest_of_every_file(sample_site: Path) -> None:
    public = sample_site / "public"
    lines = (public / "manifest-sha256.txt").read_text().splitlines()
    paths = [line.split("  ", 1)[1] for line in lines]
    assert paths == sorted(paths)
    files = sorted(p.relative_to(public).as_posix() for p in public.rglob("*") if p.is_file())
    assert paths == [f for f in files if f != "manifest-sha256.txt"]
    captures = (sample_site / "captures/manifest-sha256.txt").read_text()
    assert captures == "2bc977081fbfdcce3bbe44d0ffd17dd74991959efd64d8d24153525d4cd65230  cnn-2023-07-08-russia-ukraine.txt\n"


def test_verify_passes_on_an_untouched_site(sample_site: Path) -> None:
    code, out, err = run(sample_site, "verify", "--coverage")
    assert code == 0, err
    assert "coverage captures/cnn-2023-07-08-russia-ukraine.txt: 9/9 posts, 75/75 paragraphs, 100.0 %" in out
    assert out.strip().endswith("verified 1 captures, 10 content files, 80 public files: 0 problems")


def flip_one_byte(path: Path, offset: int = 200) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("target", [
    "captures/cnn-2023-07-08-russia-ukraine.txt",
    f"{BLOG}/2023-07-08-0906-russian-shelling-kills-at-least-8-people-in-ukrainian-city-of-lyman-regional.md",
    f"{BLOG}/_blog.md",
    "public/2023/07/08/index.html",
    "public/static/style.css",
    "public/feed.xml",
])
def test_one_changed_byte_anywhere_is_named(sample_site: Path, target: str) -> None:
    flip_one_byte(sample_site / target)
    for args in (("verify",), ("verify", "--coverage"), ("verify", str(sample_site / "public"))):
        code, _out, err = run(sample_site, *args)
        assert code == 1, args
        name = target.split("/", 1)[1] if target.startswith("content/") else target
        assert re.search(rf"^(content/)?{re.escape(name)}: altered", err, re.MULTILINE), (args, err)


def test_missing_and_extra_files_are_named(sample_site: Path) -> None:
    (sample_site / "public/robots.txt").unlink()
    (sample_site / "public/intruder.html").write_text("<p>hi</p>")
    (sample_site / "captures/stray.txt").write_text("stray")
    code, _out, err = run(sample_site, "verify")
    assert code == 1
    assert "public/robots.txt: missing (listed in public/manifest-sha256.txt)" in err
    assert "public/intruder.html: extra (not in public/manifest-sha256.txt)" in err
    assert "captures/stray.txt: extra (not in captures/manifest-sha256.txt)" in err
    assert err.strip().splitlines()[-1].startswith("Error: verified ") and err.strip().endswith(": 3 problems")


def test_coverage_names_a_deleted_paragraph_and_its_capture_line(sample_site: Path) -> None:
    post = next((sample_site / BLOG).glob("2023-07-08-0906-*.md"))
    sentence = "Earlier, officials had reported six dead and several injured."
    post.write_text(post.read_text().replace(sentence + "\n\n", ""))
    assert run(sample_site, "build")[0] == 0
    code, out, err = run(sample_site, "verify", "--coverage")
    assert code == 1
    assert "9/9 posts" not in out and "8/9 posts, 74/75 paragraphs, 99." in out
    line = TEXT.split("\n").index(sentence) + 1
    assert (f"captures/cnn-2023-07-08-russia-ukraine.txt:{line}: missing from "
            f"2023/07/08/0906-russian-shelling-kills-at-least-8-people-in-ukrainian-city-of-lyman-regional/index.html: "
            f"{sentence!r}") in err


def test_export_bag_makes_a_valid_bagit_bag(sample_site: Path, tmp_path: Path) -> None:
    code, out, err = run(sample_site, "export-bag", str(tmp_path / "bag"))
    assert code == 0, err
    bag = bagit.Bag(str(tmp_path / "bag"))
    bag.validate()
    assert (tmp_path / "bag/data/captures/cnn-2023-07-08-russia-ukraine.txt").read_bytes() == SAMPLE.read_bytes()
    assert "sha256" in bag.algorithms and out.startswith("bagged ")
    code, _out, err = run(sample_site, "export-bag", str(tmp_path / "bag"))
    assert code == 1 and "not empty" in err


# --- merging captures ----------------------------------------------------------------

HEADER, POSTS = split_posts(TEXT)


def capture_a(tmp_path: Path) -> Path:
    """The page at 5:38 p.m. without its last post."""
    return capture(tmp_path, "a.txt", HEADER, POSTS[:8])


def capture_b(tmp_path: Path) -> Path:
    """Later: a new post on top, one corrected, one (9:06) gone, the last one back."""
    new = ("6:05 p.m. ET, July 8, 2023\n\nA new post arrives\n\nFrom CNN's New Reporter\n\n"
           "It says something new.\n\n")
    corrected = POSTS[1].replace("Peskov said Friday", "Peskov said on Friday")
    header = HEADER.replace("Updated 5:38 p.m. ET", "Updated 6:10 p.m. ET")
    return capture(tmp_path, "b.txt", header, [new, POSTS[0], corrected, *POSTS[3:]])


def test_two_captures_in_either_order_give_identical_content(tmp_path: Path) -> None:
    trees = []
    for order in (("a", "b"), ("b", "a")):
        root = new_site(tmp_path / "".join(order))
        made = {"a": capture_a(tmp_path), "b": capture_b(tmp_path)}
        os.utime(made["a"], (1688853600, 1688853600))
        os.utime(made["b"], (1688857200, 1688857200))
        for name in order:
            code, _out, err = run(root, "import", str(made[name]))
            assert code == 0, err
        trees.append(snapshot(root / "content"))
    assert trees[0] == trees[1]
    files = {k for k in trees[0] if k.endswith(".md") and not k.endswith("_blog.md")}
    assert len(files) == 10  # the union


def test_merge_keeps_earlier_text_removed_posts_and_union_counts(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    for made in (capture_a(tmp_path), capture_b(tmp_path)):
        assert run(root, "import", str(made), "--captured-at", "unknown")[0] == 0
    blog = (root / BLOG / "_blog.md").read_text()
    assert "archived_posts: 10\n" in blog and "declared_posts: 16\n" in blog
    assert "capture: captures/b.txt\n" in blog
    gone = next((root / BLOG).glob("2023-07-08-0906-*.md")).read_text()
    assert "removed_in: captures/b.txt\n" in gone
    changed = next((root / BLOG).glob("2023-07-08-0855-*.md")).read_text()
    front, body = changed.split("\n---\n", 1)
    assert "Peskov said on Friday" in body and "Peskov said Friday" not in body
    assert "revisions:\n- capture: captures/a.txt\n  updated: 2023-07-08T17:38:00-04:00\n" in front
    assert "Peskov said Friday" in front.split("revisions:")[1]
    assert "captures: [captures/a.txt#2, captures/b.txt#3]\n" in changed
    assert run(root, "build")[0] == 0
    page = next((root / "public").glob("2023/07/08/0855-*/index.html")).read_text()
    assert "This post was changed after first publication." in page
    assert page.index("Peskov said on Friday") < page.index("Peskov said Friday")
    assert "<del><p>Peskov said Friday that the two sides" in page
    assert "<ins><p>Peskov said on Friday that the two sides" in page
    removed = next((root / "public").glob("2023/07/08/0906-*/index.html")).read_text()
    assert "This post is not in the later capture" in removed and "b.txt" in removed
    code, out, err = run(root, "verify", "--coverage")
    assert code == 0, err
    assert "captures/a.txt: 8/8 posts" in out and "captures/b.txt: 9/9 posts" in out


def test_a_corrected_headline_keeps_the_url(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    first = capture(tmp_path, "first.txt", HEADER, POSTS)
    assert run(root, "import", str(first))[0] == 0
    assert run(root, "build")[0] == 0
    before = sorted(p.relative_to(root / "public").as_posix() for p in (root / "public").glob("2023/07/08/*/"))
    later = capture(tmp_path, "later.txt", HEADER.replace("5:38 p.m.", "7:00 p.m."),
                    [POSTS[0].replace("No date set yet", "x")] +
                    [POSTS[1].replace("No date set yet for Putin visit to Turkey, Kremlin says",
                                      "Kremlin: no date yet for Putin's visit to Turkey")] + POSTS[2:])
    # A new topic rule at the same time: URLs must not move either.
    toml = root / "site.toml"
    toml.write_text(toml.read_text() + '"Kremlin" = ["Kremlin"]\n')
    code, out, err = run(root, "import", str(later))
    assert code == 0, err
    assert "0 new, 1 changed" in out
    post = (root / BLOG / "2023-07-08-0855-no-date-set-yet-for-putin-visit-to-turkey-kremlin-says.md").read_text()
    assert "title: \"Kremlin: no date yet for Putin's visit to Turkey\"\n" in post or \
        "title: 'Kremlin: no date yet for Putin''s visit to Turkey'\n" in post
    assert run(root, "build")[0] == 0
    after = sorted(p.relative_to(root / "public").as_posix() for p in (root / "public").glob("2023/07/08/*/"))
    assert after == before
    page = (root / "public/2023/07/08/0855-no-date-set-yet-for-putin-visit-to-turkey-kremlin-says/index.html").read_text()
    assert "Kremlin: no date yet for Putin&#39;s visit to Turkey" in page


def test_verify_passes_on_a_new_empty_site(tmp_path: Path) -> None:
    assert CliRunner().invoke(main, ["init", str(tmp_path / "new")]).exit_code == 0
    code, out, err = run(tmp_path / "new", "verify")
    assert code == 0, err
    assert out.strip().endswith(": 0 problems")


def test_pages_with_revisions_and_removals_are_valid_and_accessible(tmp_path: Path, vnu: Any,
                                                                    chromium: Any, axe: Any) -> None:
    root = new_site(tmp_path / "site")
    for made in (capture_a(tmp_path), capture_b(tmp_path)):
        assert run(root, "import", str(made), "--captured-at", "unknown")[0] == 0
    assert run(root, "build")[0] == 0
    public = root / "public"
    pages = [next(public.glob("2023/07/08/0855-*/index.html")), next(public.glob("2023/07/08/0906-*/index.html"))]
    assert vnu(pages) == []
    with tools.serve_directory(public, "/liveblog-archive/") as base:
        for page_file in pages:
            url = base + page_file.parent.relative_to(public).as_posix() + "/"
            with tools.new_page(chromium, width=390, height=844) as page:
                page.goto(url)
                for summary in page.locator("summary").all():
                    summary.click()
                assert axe(page) == [], url


def test_export_bag_under_a_file_is_a_one_line_error(sample_site: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code, _out, err = run(sample_site, "export-bag", str(blocker / "bag"))
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"Error: {blocker / 'bag'}: cannot create the bag here")
