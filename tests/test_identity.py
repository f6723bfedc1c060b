"""A live blog's identity (ingest/identity.py): later captures find their blog by
what stays the same, not by the posts a capture happens to hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.ingest.identity import canonical, same_blog, title_identity
from sites import REPO, SAMPLE, SAMPLE_URL, make_site

TEXT = SAMPLE.read_text(encoding="utf-8")
HEADER, _, POSTS = TEXT.partition("Sort byDropdown arrow\n")
OLDEST = "4:12 a.m. ET, July 8, 2023"


@pytest.mark.parametrize(("url", "expected"), [
    ("https://www.cnn.com/europe/live-news/russia-ukraine-war-news-07-08-23/",
     "cnn.com/europe/live-news/russia-ukraine-war-news-07-08-23"),
    ("http://edition.cnn.com/europe/live-news/russia-ukraine-war-news-07-08-23/h_0a1b2c3d4e5f",
     "cnn.com/europe/live-news/russia-ukraine-war-news-07-08-23"),
    ("https://cnn.com/europe/live-news/russia-ukraine-war-news-07-08-23?utm_source=x#post",
     "cnn.com/europe/live-news/russia-ukraine-war-news-07-08-23"),
    ("https://www.theguardian.com/world/live/2023/jul/08/russia-ukraine-war-live?page=with:block-64a9",
     "theguardian.com/world/live/2023/jul/08/russia-ukraine-war-live"),
    ("https://WWW.BBC.CO.UK/news/live/world-12345678", "bbc.co.uk/news/live/world-12345678"),
])
def test_addresses_are_normalised(url: str, expected: str) -> None:
    assert canonical(url) == expected


def test_only_web_addresses_are_identities() -> None:
    assert canonical("file:///home/me/page.html") is None
    assert canonical("not a url") is None
    assert title_identity("CNN", "Russia-Ukraine news, July 8, 2023") == "cnn:russia-ukraine-news-july-8-2023"


def test_a_title_alone_is_not_enough() -> None:
    one = title_identity("CNN", "2024 election results")
    kwargs = {"outlets": ("CNN", "CNN"), "names": ({"2024 election results"}, {"2024 election results"})}
    assert not same_blog(one, one, posts=({"a"}, {"b"}), **kwargs)  # type: ignore[arg-type]
    assert same_blog(one, one, posts=({"a"}, {"a", "b"}), **kwargs)  # type: ignore[arg-type]
    assert not same_blog("cnn.com/a", "cnn.com/b", posts=({"a"}, {"a"}), **kwargs)  # type: ignore[arg-type]


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--site", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def blogs(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "content").iterdir() if p.is_dir())


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _without_oldest_post(text: str) -> str:
    return text[: text.index(OLDEST)].rstrip("\n") + "\n"


@pytest.mark.parametrize("with_url", [False, True])
def test_a_later_capture_without_the_oldest_post_merges(tmp_path: Path, with_url: bool) -> None:
    # No dek: the blog's date is its earliest post's. The first capture's oldest
    # post is on July 7; the later one no longer shows it, so its earliest date is July 8.
    header = HEADER.replace("July 8, 2023 Russia-Ukraine news\n", "")
    first = write(tmp_path / "first.txt", header + POSTS.replace(OLDEST, "11:50 p.m. ET, July 7, 2023"))
    later = write(tmp_path / "later.txt", header + _without_oldest_post(POSTS))
    root = make_site(tmp_path / "site", site_toml=(REPO / "site.toml").read_text(encoding="utf-8"))
    url = ["--source-url", SAMPLE_URL] if with_url else []
    assert run(root, "import", str(first), "--captured-at", "2023-07-08T12:00:00-04:00", *url)[0] == 0
    assert blogs(root) == ["2023-07-07-ukrainian-officials-report-gains-around-embattled-eastern-city-of-bakhmut"]
    code, out, err = run(root, "import", str(later), "--captured-at", "2023-07-08T18:00:00-04:00", *url)
    assert code == 0, err
    assert blogs(root) == ["2023-07-07-ukrainian-officials-report-gains-around-embattled-eastern-city-of-bakhmut"]
    assert "0 new" in out
    blog = (root / "content" / blogs(root)[0] / "_blog.md").read_text(encoding="utf-8")
    assert blog.count("- file: captures/") == 2
    expected = "cnn.com/europe/live-news/russia-ukraine-war-news-07-08-23" if with_url \
        else "cnn:ukrainian-officials-report-gains-around-embattled-eastern-city-of-bakhmut"
    assert f"identity: {expected}\n" in blog
    assert run(root, "build")[0] == 0


def test_the_same_capture_without_its_dek_merges(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", site_toml=(REPO / "site.toml").read_text(encoding="utf-8"))
    assert run(root, "import", str(SAMPLE), "--captured-at", "2023-07-08T18:00:00-04:00")[0] == 0
    no_dek = write(tmp_path / "no-dek.txt", TEXT.replace("July 8, 2023 Russia-Ukraine news\n", ""))
    code, out, err = run(root, "import", str(no_dek), "--captured-at", "2023-07-08T18:05:00-04:00")
    assert code == 0, err
    assert blogs(root) == ["2023-07-08-russia-ukraine-news"]
    assert "0 new" in out


def test_a_capture_with_an_address_finds_a_blog_imported_without_one(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", site_toml=(REPO / "site.toml").read_text(encoding="utf-8"))
    assert run(root, "import", str(SAMPLE), "--captured-at", "unknown")[0] == 0
    later = write(tmp_path / "later.txt", _without_oldest_post(TEXT))
    assert run(root, "import", str(later), "--source-url", SAMPLE_URL, "--captured-at", "unknown")[0] == 0
    assert blogs(root) == ["2023-07-08-russia-ukraine-news"]
    blog = (root / "content/2023-07-08-russia-ukraine-news/_blog.md").read_text(encoding="utf-8")
    assert "identity: cnn.com/europe/live-news/russia-ukraine-war-news-07-08-23\n" in blog


def test_two_blogs_with_one_title_and_no_shared_post_stay_two(tmp_path: Path) -> None:
    header = "2024 election results\n\nBy Ann Author, CNN\n\n"
    one = write(tmp_path / "one.txt", header + "9:00 p.m. ET, November 5, 2024\n\nPolls close in Georgia\n\n"
                "Polls have closed in Georgia.\n")
    two = write(tmp_path / "two.txt", header + "10:00 a.m. ET, November 5, 2024\n\nVoters head to the polls\n\n"
                "Voting has begun across the country.\n")
    root = make_site(tmp_path / "site", site_toml=(REPO / "site.toml").read_text(encoding="utf-8"))
    assert run(root, "import", str(one), "--captured-at", "unknown")[0] == 0
    assert run(root, "import", str(two), "--captured-at", "unknown")[0] == 0
    assert blogs(root) == ["2024-11-05-2024-election-results", "2024-11-05-2024-election-results-2"]
    assert run(root, "build")[0] == 0


def test_two_blogs_in_one_import_that_share_a_post_are_one(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", site_toml=(REPO / "site.toml").read_text(encoding="utf-8"))
    later = write(tmp_path / "later.txt", _without_oldest_post(TEXT).replace("July 8, 2023 Russia-Ukraine news\n", ""))
    code, _out, err = run(root, "import", str(SAMPLE), str(later), "--captured-at", "unknown")
    assert code == 0, err
    assert blogs(root) == ["2023-07-08-russia-ukraine-news"]
