"""`liveblog import`: idempotent, mergeable, and all-or-nothing on bad input."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from sites import REPO, SAMPLE, SAMPLE_URL, make_site, snapshot

BLOG = "content/2023-07-08-russia-ukraine-news"
FIRST = f"{BLOG}/2023-07-08-1129-ukrainian-officials-report-gains-around-embattled-eastern-city-of-bakhmut.md"


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--site", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site", site_toml=(REPO / "site.toml").read_text(encoding="utf-8"))


def test_the_sample_imports_nine_posts_in_capture_order(site: Path) -> None:
    code, out, err = run(site, "import", str(SAMPLE), "--source-url", SAMPLE_URL)
    assert code == 0, err
    assert f"{SAMPLE}:8: capture holds 9 of 16 declared posts" in err
    assert out.strip().endswith("9 posts of 16 declared (partial capture); 9 new, 0 changed, 0 unchanged")
    posts = sorted((site / BLOG).glob("2023-*.md"))
    published = {}
    for path in posts:
        lines = path.read_text().splitlines()
        position = int(next(l for l in lines if l.startswith("position: "))[10:])
        published[position] = next(l for l in lines if l.startswith("published: "))[11:]
    assert [published[i] for i in range(1, 10)] == [
        f"2023-07-08T{hhmm}:00-04:00"
        for hhmm in ("11:29", "08:55", "09:06", "07:05", "15:47", "08:02", "04:12", "09:14", "09:12")
    ]
    blog = (site / BLOG / "_blog.md").read_text()
    assert "declared_posts: 16\narchived_posts: 9\n" in blog
    assert "capture_sha256: 2bc977081fbfdcce3bbe44d0ffd17dd74991959efd64d8d24153525d4cd65230" in blog
    assert (site / "captures" / SAMPLE.name).read_bytes() == SAMPLE.read_bytes()


def test_a_second_import_changes_no_byte(site: Path) -> None:
    run(site, "import", str(SAMPLE), "--source-url", SAMPLE_URL)
    before = snapshot(site)
    mtimes = {p: p.stat().st_mtime_ns for p in site.rglob("*.md")}
    code, out, _err = run(site, "import", str(SAMPLE), "--source-url", SAMPLE_URL)
    assert code == 0
    assert "0 new, 0 changed, 9 unchanged" in out
    assert snapshot(site) == before
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*.md")} == mtimes


def test_a_later_capture_updates_in_place_adds_new_posts_and_keeps_hand_edits(site: Path, tmp_path: Path) -> None:
    run(site, "import", str(SAMPLE))
    # A reader's hand edits: a topic and a draft flag.
    first = site / FIRST
    first.write_text(first.read_text().replace("topics: [", "topics: [Hand picked, ").replace(
        "position: 1\n", "position: 1\ndraft: true\n"))
    text = SAMPLE.read_text(encoding="utf-8")
    later = text.replace("Updated 5:38 p.m. ET", "Updated 6:10 p.m. ET").replace(
        "Sort byDropdown arrow\n",
        "Sort byDropdown arrow\n6:05 p.m. ET, July 8, 2023\n\nA new post arrives\n\n"
        "From CNN's New Reporter\n\nIt says something new.\n\n",
    ).replace("It struck them about 10 days ago.", "It struck them about 11 days ago.")
    later_path = tmp_path / "cnn-2023-07-08-later.txt"
    later_path.write_text(later, encoding="utf-8")
    code, out, err = run(site, "import", str(later_path))
    assert code == 0, err
    assert "10 posts of 16 declared" in out
    assert "1 new, 1 changed, 8 unchanged (8 re-recorded in this capture)" in out
    edited = first.read_text()
    assert "topics: [Hand picked, " in edited and "draft: true\n" in edited
    assert "about 11 days ago" in edited
    assert (site / BLOG / "2023-07-08-1805-a-new-post-arrives.md").is_file()
    assert "archived_posts: 10" in (site / BLOG / "_blog.md").read_text()
    assert (site / "captures" / later_path.name).read_bytes() == later.encode()


def test_a_post_in_january_carries_the_winter_offset(site: Path, tmp_path: Path) -> None:
    capture = tmp_path / "january.txt"
    capture.write_text(
        "Winter storm hits the coast\n\nJanuary 15, 2024 Weather news\n\n"
        "By Ann Author, CNN\n\nUpdated 9:00 p.m. ET, January 15, 2024\n2 Posts\n"
        "8:15 p.m. ET, January 15, 2024\n\nSnow arrives\n\nFrom CNN's Ann Author\n\nIt is snowing.\n",
        encoding="utf-8",
    )
    code, _out, err = run(site, "import", str(capture))
    assert code == 0, err
    post = site / "content/2024-01-15-weather-news/2024-01-15-2015-snow-arrives.md"
    assert "published: 2024-01-15T20:15:00-05:00\n" in post.read_text()


BAD_INPUTS = {
    "empty": (b"", r"^Error: {path}: .*empty"),
    "binary": (b"\x00\x01\x02 some bytes\x00", r"^Error: {path}: .*binary"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
            r"^Error: {path}: PNG image is not a supported capture format; supported: text capture, HTML, WARC, WACZ$"),
    "json": (b'{"posts": []}', r"^Error: {path}: JSON is not a supported capture format; supported: "),
    "not-utf8": ("Headline\n\n11:29 a.m. ET, July 8, 2023\n\nCaf\xe9 au lait\n".encode("latin-1"),
                 r"^Error: {path}:5: .*UTF-8"),
    "bad-timestamp": (b"Headline\n\n13:75 p.m. ET, July 8, 2023\n\nTitle\n\nText.\n", r"^Error: {path}:3: "),
    "unknown-zone": (b"Headline\n\n11:29 a.m. XT, July 8, 2023\n\nTitle\n\nText.\n",
                     r"^Error: {path}:3: unknown time zone label 'XT'"),
    "not-a-live-blog": (b"Dear diary,\n\nToday nothing happened.\n", r"^Error: {path}: not a live blog"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gives_one_line_exit_1_and_changes_nothing(site: Path, tmp_path: Path, name: str) -> None:
    run(site, "import", str(SAMPLE))
    before = snapshot(site)
    data, pattern = BAD_INPUTS[name]
    capture = tmp_path / f"{name}.txt"
    capture.write_bytes(data)
    code, out, err = run(site, "import", str(capture))
    assert code == 1
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert re.match(pattern.format(path=re.escape(str(capture))), err), err
    assert "Traceback" not in err
    assert snapshot(site) == before


def test_a_missing_path_is_named(site: Path, tmp_path: Path) -> None:
    before = snapshot(site)
    code, _out, err = run(site, "import", str(SAMPLE), str(tmp_path / "nope.txt"))
    assert code == 1 and err.strip() == f"Error: {tmp_path / 'nope.txt'}: no such file"
    assert snapshot(site) == before  # the good capture before it is not imported either


def test_a_content_folder_that_cannot_be_written(site: Path) -> None:
    # A file where the content folder should be: no user, not even root, can write into it.
    (site / "content").rmdir()
    (site / "content").write_text("not a folder\n")
    before = snapshot(site)
    code, _out, err = run(site, "import", str(SAMPLE))
    assert code == 1 and err.startswith("Error: ") and "content" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert snapshot(site) == before
    assert not [p for p in site.iterdir() if p.name.startswith(".liveblog-stage-")]


def test_import_help_has_an_example() -> None:
    result = CliRunner().invoke(main, ["import", "--help"])
    assert result.exit_code == 0 and "Example:" in result.output


def test_python_dash_m_generator_works() -> None:
    done = subprocess.run([sys.executable, "-m", "generator", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("liveblog, version ")


def test_two_blogs_in_one_command_go_to_their_own_folders(site: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text(
        "Storm hits the coast\n\nJanuary 15, 2024 Weather news\n\nBy Ann Author, CNN\n\n"
        "8:15 p.m. ET, January 15, 2024\n\nSnow arrives\n\nFrom CNN's Ann Author\n\nIt is snowing.\n",
        encoding="utf-8")
    code, out, err = run(site, "import", str(SAMPLE), str(other))
    assert code == 0, err
    assert "content/2023-07-08-russia-ukraine-news/: 9 posts" in out
    assert "content/2024-01-15-weather-news/: 1 post;" in out
    manifest = (site / "captures/manifest-sha256.txt").read_text()
    assert "cnn-2023-07-08-russia-ukraine.txt" in manifest and "other.txt" in manifest
    result = CliRunner().invoke(main, ["--site", str(site), "build"])
    assert result.exit_code == 0, result.output
    assert "(10 posts, 2 days," in result.output


# Issue 17: what import accepts, build builds; nothing written twice ---------------

def test_identical_bytes_under_a_second_name_are_not_copied_again(site: Path, tmp_path: Path) -> None:
    assert run(site, "import", str(SAMPLE), "--captured-at", "unknown")[0] == 0
    before = snapshot(site)
    copy = tmp_path / "the-same-capture.txt"
    copy.write_bytes(SAMPLE.read_bytes())
    code, _out, err = run(site, "import", str(copy), "--captured-at", "unknown")
    assert code == 0, err
    assert f"note: {copy}: already imported as captures/{SAMPLE.name}" in err
    assert snapshot(site) == before  # no captures/the-same-capture.txt, no new manifest line


def test_a_second_blog_with_the_same_posts_gets_its_own_ids_and_builds(site: Path, tmp_path: Path) -> None:
    """The capture without its dek, from another address, is another blog: its posts
    may not take the first blog's ids (ids, like permalinks, are the site's)."""
    assert run(site, "import", str(SAMPLE), "--captured-at", "unknown", "--source-url", SAMPLE_URL)[0] == 0
    no_dek = tmp_path / "no-dek.txt"
    no_dek.write_text(SAMPLE.read_text(encoding="utf-8").replace("July 8, 2023 Russia-Ukraine news\n", "", 1),
                      encoding="utf-8")
    args = ("import", str(no_dek), "--captured-at", "unknown", "--source-url", "https://www.cnn.com/other/")
    assert run(site, *args)[0] == 0
    assert len(list((site / "content").glob("*/_blog.md"))) == 2
    assert list((site / "content").glob("*/2023-07-08-1129-*-2.md"))
    code, _out, err = run(site, "build")
    assert code == 0, err
    before = snapshot(site / "content")
    assert run(site, *args)[0] == 0
    assert snapshot(site / "content") == before


def test_a_timestamp_followed_by_a_timestamp_makes_no_empty_post(site: Path, tmp_path: Path) -> None:
    doubled = tmp_path / "doubled.txt"
    doubled.write_text(SAMPLE.read_text(encoding="utf-8").replace(
        "11:29 a.m. ET, July 8, 2023\n", "11:29 a.m. ET, July 8, 2023\n11:30 a.m. ET, July 8, 2023\n", 1),
        encoding="utf-8")
    code, _out, err = run(site, "import", str(doubled), "--captured-at", "unknown")
    assert code == 0, err
    assert f"{doubled}:10: timestamp with no headline and no text after it: no post made of it" in err
    assert len([p for p in (site / "content").glob("*/*.md") if p.name != "_blog.md"]) == 9
    assert run(site, "build")[0] == 0


def test_a_capture_cut_after_a_headline_is_an_earlier_text_the_build_reads(site: Path, tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    headline = "Ukrainian officials report gains around embattled eastern city of Bakhmut\n\nFrom"
    cut = tmp_path / "cut.txt"
    cut.write_text(text[: text.index(headline) + len(headline) - len("\nFrom")].replace(
        "Updated 5:38", "Updated 4:38"), encoding="utf-8")  # an earlier capture, cut after the headline
    code, _out, err = run(site, "import", str(SAMPLE), str(cut), "--captured-at", "unknown")
    assert code == 0, err
    post = next((site / "content").glob("*/2023-07-08-1129-*.md")).read_text(encoding="utf-8")
    assert "text: ''" in post  # the earlier copy had no text yet
    assert run(site, "build")[0] == 0


def test_a_capture_over_the_size_limit_is_refused_before_it_is_read(site: Path, tmp_path: Path) -> None:
    (site / "site.toml").write_text((site / "site.toml").read_text(encoding="utf-8")
                                    + "\n[limits]\ncapture_mb = 1\n", encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_bytes(SAMPLE.read_bytes() + b"x" * (1024 * 1024))
    before = snapshot(site)
    code, _out, err = run(site, "import", str(big))
    assert code == 1
    assert err == f"Error: {big}: capture is 1.0 MB, over the limit of 1 MB " \
                  "(raise capture_mb in [limits] of site.toml if it is right)\n"
    assert snapshot(site) == before
