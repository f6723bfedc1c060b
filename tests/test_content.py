"""content/ → Site: field checks name file and line; days and topics."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator.content.read import load_site
from generator.core.errors import SiteError
from sites import BLOG, post

NY = ZoneInfo("America/New_York")
BLOG_DIR = "content/2023-07-08-test-news"


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root / "content"


def load(tmp_path: Path, posts: dict[str, str], tz: ZoneInfo = NY, **kwargs: bool):  # type: ignore[no-untyped-def]
    files = {f"{BLOG_DIR}/_blog.md": BLOG, **{f"{BLOG_DIR}/{k}": v for k, v in posts.items()}}
    return load_site(write(tmp_path, files), tz, **kwargs)


def test_days_are_cut_in_the_site_time_zone(tmp_path: Path) -> None:
    site = load(tmp_path, {
        # 00:30 in New York is 04:30 UTC: it belongs to July 9 locally.
        "a.md": post("a", "2023-07-09T00:30:00-04:00"),
        # 23:30 in New York is 03:30 UTC the next day: still July 8 locally.
        "b.md": post("b", "2023-07-08T23:30:00-04:00"),
        "c.md": post("c", "2023-07-08T10:00:00-04:00"),
    })
    assert [(d.date, [p.id for p in d.posts]) for d in site.days] == [
        (date(2023, 7, 8), ["c", "b"]),
        (date(2023, 7, 9), ["a"]),
    ]


def test_a_utc_time_is_placed_on_its_local_day(tmp_path: Path) -> None:
    site = load(tmp_path, {"a.md": post("a", "2023-07-09T02:00:00+00:00")})
    assert site.days[0].date == date(2023, 7, 8)


def test_topics_that_slugify_alike_get_distinct_slugs(tmp_path: Path) -> None:
    site = load(tmp_path, {
        "a.md": post("a", "2023-07-08T10:00:00-04:00", topics="[NATO]"),
        "b.md": post("b", "2023-07-08T11:00:00-04:00", topics="[Nato, nato]"),
    })
    slugs = {t.name: t.slug for t in site.topics}
    assert len(set(slugs.values())) == 3
    assert set(slugs.values()) == {"nato", "nato-2", "nato-3"}


def test_drafts_are_left_out_unless_asked(tmp_path: Path) -> None:
    posts = {"a.md": post("a", "2023-07-08T10:00:00-04:00", extra="draft: true\n")}
    assert load(tmp_path, posts).posts == ()
    assert [p.id for p in load(tmp_path, posts, drafts=True).posts] == ["a"]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("---\nid: a\ntitle: [unclosed\n---\n", 3, "invalid YAML front matter"),
        ("---\nid: a\npublished: 2023-07-08T10:00:00-04:00\n---\n", 2, "missing 'title'"),
        ("---\nid: a\ntitle: T\n---\n", 2, "missing 'published'"),
        ("---\nid: a\ntitle: T\npublished: 2023-07-08T10:00:00\n---\n", 4, "'published': has no UTC offset"),
        ("---\nid: a\ntitle: T\npublished: 2023-07-08T10:00:00-04:00\ntopics: [NATO, 3]\n---\n",
         5, "'topics': every item must be a non-empty string"),
        ("---\nid: a\ntitle: T\npublished: 2023-07-08T10:00:00-04:00\ntopics: NATO\n---\n",
         5, "'topics': must be a list"),
        ("---\nid: a\ntitle: T\npublished: yesterday\n---\n", 4, "'published': not an ISO 8601 time"),
        ("---\nid: a\ntitle: T\npublished: 2023-07-08T10:00:00-04:00\ntpoics: [A]\n---\n",
         5, "'tpoics': unknown key"),
        ("no front matter\n", 1, "no front matter"),
        ("---\nid: a\n", 1, "front matter is not closed"),
    ],
)
def test_a_malformed_post_names_its_file_and_line(tmp_path: Path, text: str, line: int,
                                                   message: str) -> None:
    with pytest.raises(SiteError) as info:
        load(tmp_path, {"bad.md": text})
    assert str(info.value).startswith(f"{tmp_path / BLOG_DIR / 'bad.md'}:{line}: {message}")


def test_duplicate_ids_are_an_error(tmp_path: Path) -> None:
    with pytest.raises(SiteError, match="duplicate id 'a'"):
        load(tmp_path, {"a.md": post("a", "2023-07-08T10:00:00-04:00"),
                        "b.md": post("a", "2023-07-08T11:00:00-04:00")})


def test_a_post_folder_without_blog_file_is_an_error(tmp_path: Path) -> None:
    content = write(tmp_path, {"content/x/a.md": post("a", "2023-07-08T10:00:00-04:00")})
    with pytest.raises(SiteError, match="no _blog.md in this blog folder"):
        load_site(content, NY)


def test_a_post_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    content = write(tmp_path, {f"{BLOG_DIR}/_blog.md": BLOG})
    # Eleven lines of a good post, then Latin-1 on line 12.
    (tmp_path / BLOG_DIR / "bad.md").write_bytes(
        post("a", "2023-07-08T10:00:00-04:00").encode() + b"Caf\xe9\n")
    with pytest.raises(SiteError) as info:
        load_site(content, NY)
    assert str(info.value).startswith(f"{tmp_path / BLOG_DIR / 'bad.md'}:12: not UTF-8 text")
