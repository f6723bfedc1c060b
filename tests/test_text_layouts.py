"""Specification of the text layouts of other years (issue 13 §6).

One made-up fixture per layout under tests/fixtures/text/, each checked field
by field, plus the content/ tree each one imports to (tests/golden/text/<name>/,
rewritten with UPDATE_GOLDEN=1, as tests/test_golden.py does).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.core.errors import SiteError
from generator.ingest.record import BulletList, CapturedPost, CaptureWarning, Paragraph, ParsedCapture
from generator.ingest.text.parse import decode_capture, parse_capture
from sites import make_site, snapshot
from test_golden import compare

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "text"
GOLDEN = Path(__file__).resolve().parent / "golden" / "text"
ET = ZoneInfo("America/New_York")
ZONES = {"ET": ET}
EST, EDT = timedelta(hours=-5), timedelta(hours=-4)


def parse(text: str, anchor: datetime | None = None) -> ParsedCapture:
    return parse_capture(text, source="test.txt", zones=ZONES, topic_rules={}, anchor=anchor)


def fixture(name: str) -> ParsedCapture:
    path = FIXTURES / f"{name}.txt"
    return parse_capture(decode_capture(path.read_bytes(), source=path.name), source=path.name,
                         zones=ZONES, topic_rules={})


def capture(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def iso(post: CapturedPost) -> str:
    return post.published.isoformat()


def texts(post: CapturedPost) -> list[str]:
    return [b.full_text for b in post.blocks if isinstance(b, Paragraph)]


# 1. Updated line and timestamps with a weekday, PM, no comma -------------------------


def test_updated_weekday_2024() -> None:
    parsed = fixture("updated-weekday-2024")
    blog = parsed.blog
    assert blog.updated is not None and blog.updated.isoformat() == "2024-03-05T21:02:00-05:00"
    assert (blog.title, blog.series, blog.date) == ("Election news, March 5, 2024", "Election news",
                                                    date(2024, 3, 5))
    assert (blog.headline, blog.slug) == ("Super Tuesday primary night", "2024-03-05-election-news")
    assert (blog.authors, blog.outlet, blog.declared_posts) == (("Ann Writer", "Ben Reporter"), "CNN", 4)
    assert [iso(p) for p in parsed.posts] == [
        "2024-03-05T21:01:00-05:00", "2024-03-05T19:30:00-05:00",
        "2024-03-05T16:10:00-05:00", "2024-03-05T10:15:00-05:00",
    ]
    assert {p.published.utcoffset() for p in parsed.posts} == {EST}
    assert [p.title for p in parsed.posts] == [
        "Polls close across several eastern states", "Voters wait in short lines at a suburban school",
        "What to watch for tonight", "Election officials report a smooth opening of the polls",
    ]
    assert [p.line for p in parsed.posts] == [9, 19, 27, 36]
    assert parsed.posts[1].location == "Richmond"
    assert parsed.posts[2].blocks[1] == BulletList(("Turnout in the suburbs",
                                                    "Early returns from the largest counties"))
    assert not any(p.time_derived or p.headline_derived for p in parsed.posts)
    assert parsed.warnings == () and not parsed.partial


@pytest.mark.parametrize("updated", [
    "Updated 9:02 PM ET, Tue March 5, 2024", "Updated 9:02 p.m. ET, Tue, March 5, 2024",
    "Updated 9:02 PM ET Tuesday, March 5, 2024", "Updated 9:02 pm ET, Tue. March 5, 2024",
    "Updated 9:02 P.M. ET March 5, 2024",
])
def test_updated_line_spellings(updated: str) -> None:
    parsed = parse(capture("Title", updated, "9:01 PM ET, March 5, 2024", "Headline", "Text."))
    assert parsed.blog.updated == datetime(2024, 3, 5, 21, 2, tzinfo=ET)
    assert parsed.warnings == ()


@pytest.mark.parametrize(("stamp", "expected"), [
    ("4:10 PM ET, March 5, 2024", "2024-03-05T16:10:00-05:00"),
    ("4:10 p.m. ET, Tue March 5, 2024", "2024-03-05T16:10:00-05:00"),
    ("4:10 p.m. ET, Tue, March 5, 2024", "2024-03-05T16:10:00-05:00"),
    ("4:10 PM ET March 5, 2024", "2024-03-05T16:10:00-05:00"),
    ("4:10 PM ET, Tue March 12, 2024", "2024-03-12T16:10:00-04:00"),  # after the DST switch
])
def test_post_timestamp_spellings(stamp: str, expected: str) -> None:
    assert iso(parse(capture("Title", stamp, "Headline", "Text.")).posts[0]) == expected


def test_a_weekday_that_is_not_the_dates_is_an_error_naming_the_line() -> None:
    with pytest.raises(SiteError) as raised:
        parse(capture("Title", "", "4:10 PM ET, Wed March 5, 2024", "Headline", "Text."))
    assert str(raised.value) == (
        "test.txt:3: bad timestamp '4:10 PM ET, Wed March 5, 2024': March 5, 2024 is a Tuesday")


# 2. A title that is a date and a series ---------------------------------------------------


def test_date_series_title() -> None:
    parsed = fixture("date-series-title")
    blog = parsed.blog
    assert (blog.title, blog.series, blog.date) == ("Super Tuesday results, March 5, 2024",
                                                    "Super Tuesday results", date(2024, 3, 5))
    assert blog.headline == "March 5, 2024 - Super Tuesday results"
    assert blog.slug == "2024-03-05-super-tuesday-results"
    assert [p.topics for p in parsed.posts] == [("Super Tuesday results",)] * 2
    assert [iso(p) for p in parsed.posts] == ["2024-03-05T23:45:00-05:00", "2024-03-05T20:00:00-05:00"]
    assert parsed.warnings == ()


@pytest.mark.parametrize("title", [
    "March 5, 2024 - Super Tuesday results", "March 5, 2024 – Super Tuesday results",
    "March 5, 2024 — Super Tuesday results", "March 5, 2024—Super Tuesday results",
    "March 5, 2024 Super Tuesday results",
])
def test_date_series_title_dashes(title: str) -> None:
    blog = parse(capture(title, "8:00 p.m. ET, March 5, 2024", "Headline", "Text.")).blog
    assert (blog.series, blog.date, blog.headline) == ("Super Tuesday results", date(2024, 3, 5), title)


def test_a_title_with_a_date_inside_is_no_dek() -> None:
    blog = parse(capture("Results from March 5, 2024 - Super Tuesday", "8:00 p.m. ET, March 5, 2024",
                         "Headline", "Text.")).blog
    assert (blog.series, blog.date) == (None, date(2024, 3, 5))  # the earliest post's date
    assert blog.title == "Results from March 5, 2024 - Super Tuesday"


# 3. Site navigation before the title -------------------------------------------------------


def test_navigation_lines() -> None:
    parsed = fixture("navigation-lines")
    assert parsed.blog.headline == "Primary night: Voters head to the polls in 15 states"
    assert (parsed.blog.title, parsed.blog.updated) == ("Election news, March 5, 2024",
                                                        datetime(2024, 3, 5, 18, 30, tzinfo=ET))
    assert [p.title for p in parsed.posts] == ["Campaigns make a final push before the polls close",
                                               "Turnout is steady at midday, officials say"]
    assert parsed.warnings == ()


@pytest.mark.parametrize("label", ["Live TV", "Audio", "World", "Politics", "Business", "Sign in",
                                   "Watch", "Listen", "Menu", "Search", "Edition", "World Politics"])
def test_each_navigation_label_is_dropped(label: str) -> None:
    parsed = parse(capture(label, "Real title", "4:10 PM ET, March 5, 2024", "Headline", "Text."))
    assert parsed.blog.headline == "Real title" and parsed.warnings == ()


@pytest.mark.parametrize("title", ["Election night", "World news", "Politics live", "Watch party tonight"])
def test_a_short_title_that_is_no_navigation_label_stays_the_title(title: str) -> None:
    parsed = parse(capture(title, "4:10 PM ET, March 5, 2024", "Headline", "Text."))
    assert parsed.blog.headline == title


# 4. Relative post times -------------------------------------------------------------------


def test_relative_times() -> None:
    parsed = fixture("relative-times")
    posts = parsed.posts
    assert parsed.blog.updated == datetime(2024, 3, 10, 3, 20, tzinfo=ET)
    assert [iso(p) for p in posts] == [
        "2024-03-10T03:20:00-04:00",  # less than 1 min ago
        "2024-03-10T03:08:00-04:00",  # 12 min ago3:08 a.m. …: the absolute part
        "2024-03-10T03:00:00-04:00",  # 20 min ago / 3:00 a.m. … on the next line: one post
        "2024-03-10T01:35:00-05:00",  # 45 min ago: before the DST switch, EST
        "2024-03-10T01:20:00-05:00",  # 1 hr ago
        "2024-03-10T00:20:00-05:00",  # 2 hr ago
        "2024-03-09T23:08:00-05:00",  # 3 hr 12 min ago: the day before
        "2024-03-09T21:45:00-05:00",
    ]
    relative = [0, 3, 4, 5, 6]
    assert [i for i, p in enumerate(posts) if p.time_derived == "relative"] == relative
    assert {posts[i].time_precision for i in relative} == {60}
    assert {p.time_precision for i, p in enumerate(posts) if i not in relative} == {None}
    assert {p.zone_label for p in posts} == {"ET"}
    assert [p.line for p in posts] == [9, 17, 23, 30, 36, 42, 48, 54]
    assert posts[2].title == "Schools announce closures for Monday"
    assert [p.id for p in posts][5:7] == ["2024-03-10-0020-hail-reported-along-the-highway",
                                          "2024-03-09-2308-storms-strengthen-after-dark"]
    assert parsed.warnings == (
        CaptureWarning(9, "relative time 'less than 1 min ago' read as 3:20 a.m. ET, March 10, 2024, "
                          "counted back from the Updated time (to the minute)"),
        CaptureWarning(30, "relative time '45 min ago' read as 1:35 a.m. ET, March 10, 2024, "
                           "counted back from the Updated time (to the minute)"),
        CaptureWarning(36, "relative time '1 hr ago' read as 1:20 a.m. ET, March 10, 2024, "
                           "counted back from the Updated time (to the minute)"),
        CaptureWarning(42, "relative time '2 hr ago' read as 12:20 a.m. ET, March 10, 2024, "
                           "counted back from the Updated time (to the minute)"),
        CaptureWarning(48, "relative time '3 hr 12 min ago' read as 11:08 p.m. ET, March 9, 2024, "
                           "counted back from the Updated time (to the minute)"),
    )


def test_a_relative_time_without_an_updated_line_is_an_error_naming_the_line() -> None:
    with pytest.raises(SiteError) as raised:
        parse(capture("Title", "", "45 min ago", "Headline", "Text."))
    assert str(raised.value) == (
        "test.txt:3: relative post time '45 min ago' cannot be dated: the capture has no absolute "
        "Updated time (keep the page's 'Updated 9:02 p.m. ET, March 5, 2024' line in the capture)")


@pytest.mark.parametrize(("updated", "expected"), [
    ("Updated 12 min ago9:02 PM ET, Tue March 5, 2024", datetime(2024, 3, 5, 21, 2, tzinfo=ET)),
    ("Updated 12 min ago", None),  # ignored, with a warning: it cannot anchor anything
])
def test_a_relative_updated_line_uses_its_absolute_part(updated: str, expected: datetime | None) -> None:
    parsed = parse(capture("Title", updated, "4:10 PM ET, March 5, 2024", "Headline", "Text."))
    assert parsed.blog.updated == expected
    assert len(parsed.warnings) == (expected is None)


def test_an_anchor_passed_in_wins_over_the_updated_time() -> None:
    text = capture("Title", "Updated 9:02 PM ET, Tue March 5, 2024", "45 min ago", "Headline", "Text.")
    anchor = datetime(2024, 3, 6, 3, 0, 30, tzinfo=timezone.utc)
    post = parse(text, anchor=anchor).posts[0]
    assert iso(post) == "2024-03-05T21:15:00-05:00"
    assert parse(text, anchor=anchor).warnings[0].message.endswith(
        "counted back from the capture time (to the minute)")


def test_a_relative_post_id_follows_the_one_id_rule() -> None:
    text = capture("Title", "Updated 9:02 PM ET, Tue March 5, 2024", "1 hr 2 min ago", "Same headline",
                   "Text.")
    assert parse(text).posts[0].id == "2024-03-05-2000-same-headline"


@pytest.mark.parametrize("line", ["45 min ago, the troops moved", "ago", "12 min ago4:10 p.m. in Kyiv"])
def test_text_that_only_starts_like_a_relative_time_is_no_timestamp(line: str) -> None:
    parsed = parse(capture("Title", "4:10 PM ET, March 5, 2024", "Headline", line))
    assert texts(parsed.posts[0]) == [line]


UNITS_HOURS = st.sampled_from(["hr", "hrs", "hour", "hours", "HR"])
UNITS_MINUTES = st.sampled_from(["min", "mins", "minute", "minutes", "Min"])
ANCHORS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 12, 31),
                       timezones=st.just(timezone.utc))


@settings(max_examples=300, deadline=None, database=None)
@given(ANCHORS, st.integers(0, 72), st.integers(0, 600), UNITS_HOURS, UNITS_MINUTES, st.booleans())
def test_a_relative_time_is_the_anchor_minus_the_offset_to_the_minute(
    anchor: datetime, hours: int, minutes: int, hr: str, mn: str, from_header: bool
) -> None:
    parts = ([f"{hours} {hr}"] if hours else []) + ([f"{minutes} {mn}"] if minutes or not hours else [])
    text = " ".join(parts) + " ago" if hours or minutes else "less than 1 min ago"
    if from_header:  # the Updated line holds the anchor, to the minute
        anchor = anchor.replace(second=0, microsecond=0)
        local = anchor.astimezone(ET)
        updated = (f"Updated {local.hour % 12 or 12}:{local.minute:02d} "
                   f"{'AM' if local.hour < 12 else 'PM'} ET, {local:%B} {local.day}, {local.year}")
        parsed = parse(capture("Title", updated, text, "Headline", "Text."))
        assert parsed.blog.updated is not None  # in a repeated hour (DST ends) the first one
        anchor, post = parsed.blog.updated, parsed.posts[0]
    else:
        post = parse(capture("Title", text, "Headline", "Text."), anchor=anchor).posts[0]
    # In UTC: aware arithmetic in one zone is wall-clock, and == across zones is
    # never true for a time in the hour that repeats when DST ends (PEP 495).
    exact = anchor.astimezone(timezone.utc) - timedelta(hours=hours, minutes=minutes)
    published = post.published.astimezone(timezone.utc)
    assert published == exact.replace(second=0, microsecond=0)
    assert timedelta(0) <= exact - published < timedelta(minutes=1)
    assert post.published.tzinfo == ET and post.published.second == 0
    assert (post.time_derived, post.time_precision) == ("relative", 60)


# 5. The older single-article news blog ------------------------------------------------------


def test_newsblog_2012() -> None:
    parsed = fixture("newsblog-2012")
    blog = parsed.blog
    assert (blog.title, blog.headline, blog.series) == ("Storms sweep across the Ohio Valley",) * 2 + (None,)
    assert (blog.date, blog.slug) == (date(2012, 3, 5), "2012-03-05-storms-sweep-across-the-ohio-valley")
    assert (blog.authors, blog.outlet, blog.updated, blog.declared_posts) == (
        ("Pat Example", "Lee Sample"), "CNN", None, None)
    posts = parsed.posts
    assert [iso(p) for p in posts] == [  # newest first; across midnight; EST (DST began March 11)
        "2012-03-06T01:15:00-05:00", "2012-03-06T00:00:00-05:00", "2012-03-05T23:40:00-05:00",
        "2012-03-05T22:05:00-05:00", "2012-03-05T21:00:00-05:00",
    ]
    assert [p.line for p in posts] == [16, 20, 22, 24, 26]
    assert all(p.headline_derived and p.byline is None and p.authors == () for p in posts)
    assert [p.title for p in posts] == [
        "The weather service has ended the last tornado warning for the region…",
        "Emergency crews are going door to door in two small towns where…",
        "A spokeswoman for the governor said National Guard troops would help with…",
        "Power is out for more than 50,000 customers in three states.",
        "The weather service has confirmed that at least two tornadoes touched down…",
    ]
    assert texts(posts[0]) == [  # the tag leaves the body; the untagged paragraph stays with it
        "The weather service has ended the last tornado warning for the region on Tuesday morning. "
        "Forecasters expect the storms to weaken overnight.",
        "Shelters will stay open until the morning, county officials said.",
    ]
    assert texts(posts[4]) == ["The weather service has confirmed that at least two tornadoes "
                               "touched down this evening."]  # a tag alone on its line
    assert posts[0].id == "2012-03-06-0115-the-weather-service-has-ended-the-last-tornado-warning-for-the-region"
    assert parsed.warnings == (
        CaptureWarning(12, "the intro (lines 12–14) describes the blog and is not a post; "
                           "it stays in the capture only"),
        CaptureWarning(30, "ignored the entry's footer from 'Filed under: Weather' on"),
    )
    assert not parsed.partial and not any(p.cut_off for p in posts)


NEWSBLOG = ["Blog title", "March 5th, 2012", "10:20 PM ET", "Posted by CNN Wire Staff", ""]


@pytest.mark.parametrize(("tag", "expected"), [
    ("[Update 10:05 p.m.]", "2012-03-05T22:05:00-05:00"),
    ("[Update 9 p.m. ET]", "2012-03-05T21:00:00-05:00"),
    ("[Updated at 11:40 p.m.]", "2012-03-05T23:40:00-05:00"),
    ("[UPDATE, 11:40 PM ET]", "2012-03-05T23:40:00-05:00"),
    ("[Noon]", "2012-03-05T12:00:00-05:00"),
    ("[10:45 p.m.]", "2012-03-05T22:45:00-05:00"),
])
def test_update_tag_spellings(tag: str, expected: str) -> None:
    parsed = parse(capture(*NEWSBLOG, f"{tag} Something happened.", ""))
    assert [iso(p) for p in parsed.posts] == [expected]
    assert parsed.posts[0].title == "Something happened."
    assert parsed.blog.authors == ("CNN Wire Staff",)


def test_an_update_older_than_the_posting_time_is_dated_on_the_entry_date_with_a_warning() -> None:
    parsed = parse(capture(*NEWSBLOG, "[Update 9 p.m.] Earlier than posted."))
    assert iso(parsed.posts[0]) == "2012-03-05T21:00:00-05:00"
    assert parsed.warnings == (CaptureWarning(6, (
        "the oldest update (9:00 p.m. ET, March 5, 2012) is earlier than the entry's posting time; "
        "dated on the entry's date anyway")),)


def test_a_tag_zone_must_be_known() -> None:
    with pytest.raises(SiteError, match=r"^test.txt:6: unknown time zone label 'PT'"):
        parse(capture(*NEWSBLOG, "[Update 9 p.m. PT] Text."))


def test_an_unreadable_update_tag_is_an_error_naming_the_line() -> None:
    with pytest.raises(SiteError) as raised:
        parse(capture(*NEWSBLOG, "[Update 11 p.m.] One.", "[Update, March 6] Two."))
    assert str(raised.value).startswith("test.txt:7: update tag not understood: '[Update, March 6] Two.'")


def test_a_news_blog_without_a_date_line_is_an_error() -> None:
    with pytest.raises(SiteError, match=r"^test.txt:3: news blog updates cannot be dated"):
        parse(capture("Blog title", "", "[Update 9 p.m.] Text."))


def test_a_news_blog_ending_mid_sentence_is_cut_off() -> None:
    parsed = parse(capture(*NEWSBLOG, "[Update 11 p.m.] One.", "[Update 10:30 p.m.] The capture stops in the"))
    assert parsed.partial and parsed.posts[-1].cut_off
    assert parsed.warnings[-1] == CaptureWarning(
        7, "last post looks cut off: the capture ends mid-sentence at line 7")


def test_a_live_blog_with_tags_in_a_post_body_stays_a_live_blog() -> None:
    parsed = parse(capture("Title", "4:10 PM ET, March 5, 2024", "Headline", "[Update 10:05 p.m.] More."))
    assert texts(parsed.posts[0]) == ["[Update 10:05 p.m.] More."]


# 6. Posts without a headline ------------------------------------------------------------------


def test_no_headline() -> None:
    posts = fixture("no-headline").posts
    assert [(p.title, p.headline_derived) for p in posts] == [
        ("Union leaders and port operators will meet again on Wednesday, a spokesperson…", True),
        ("The first container ships to skip the port this week have been…", True),
        ("Truck drivers wait outside the gates", False),
        ("Gov. Ann Sample said the state is ready to help.", True),
    ]
    assert (posts[0].byline, posts[0].authors, posts[0].location) == (
        "From CNN's Cara Field in Baltimore", ("Cara Field",), "Baltimore")
    assert texts(posts[0])[0].startswith("Union leaders and port operators will meet again")
    assert texts(posts[1])[0].startswith("The first container ships")  # the sentence stays in the body
    assert texts(posts[3]) == ['Gov. Ann Sample said the state is ready to help. "We are watching '
                               'this closely," she told reporters.']
    assert [iso(p) for p in posts] == ["2024-03-05T10:40:00-05:00", "2024-03-05T09:55:00-05:00",
                                       "2024-03-05T08:30:00-05:00", "2024-03-05T07:05:00-05:00"]
    assert posts[3].id == "2024-03-05-0705-gov-ann-sample-said-the-state-is-ready-to-help"


@pytest.mark.parametrize("headline", [
    "Biden wins Virginia, CNN projects",
    "By the numbers: Super Tuesday",
    "From Kyiv to Kharkiv, a night of strikes",
    "Inflation cools in the U.S.",
    "Polls close in Virginia.",  # one short sentence: kept as the headline
    "What happens next?",
])
def test_headlines_that_could_look_like_body_text_stay_headlines(headline: str) -> None:
    post = parse(capture("Title", "4:10 PM ET, March 5, 2024", headline, "Body text.")).posts[0]
    assert (post.title, post.headline_derived, texts(post)) == (headline, False, ["Body text."])


def test_a_headline_less_last_post_of_one_sentence_is_whole() -> None:
    parsed = parse(capture("Title", "4:10 PM ET, March 5, 2024", "From Reuters", "It rained. Then it stopped."))
    post = parsed.posts[0]
    assert (post.title, post.byline, post.headline_derived) == ("It rained.", "From Reuters", True)
    assert not parsed.partial


# Golden imports --------------------------------------------------------------------------------

NAMES = sorted(path.stem for path in FIXTURES.glob("*.txt"))


def test_every_layout_has_a_fixture() -> None:
    assert NAMES == ["date-series-title", "navigation-lines", "newsblog-2012", "no-headline",
                     "relative-times", "updated-weekday-2024"]


# When each fixture was captured. The relative times of relative-times.txt count back
# from it: its page was saved at 3:20 a.m. EDT, as its Updated line says.
CAPTURED_AT = {"relative-times": "2024-03-10T07:20:00Z"}


@pytest.mark.parametrize("name", NAMES)
def test_importing_each_fixture_gives_its_golden_content_tree(tmp_path: Path, name: str) -> None:
    root = make_site(tmp_path)
    result = CliRunner().invoke(main, ["--site", str(root), "import", str(FIXTURES / f"{name}.txt"),
                                       "--captured-at", CAPTURED_AT.get(name, "2024-03-06T03:00:00Z")])
    assert result.exit_code == 0, result.output
    compare(root / "content", GOLDEN / name)
    assert snapshot(root / "captures")[f"{name}.txt"] == (FIXTURES / f"{name}.txt").read_bytes()


def test_import_anchors_relative_times_on_captured_at_and_verify_reads_them_back(tmp_path: Path) -> None:
    # Without an Updated line, only --captured-at can date "12 min ago"; a re-import
    # and `verify --coverage` read the capture again with the same anchor.
    text = (FIXTURES / "relative-times.txt").read_text(encoding="utf-8")
    no_updated = tmp_path / "no-updated.txt"
    no_updated.write_text(text.replace("Updated 3:20 AM ET, Sun March 10, 2024\n", ""), encoding="utf-8")
    root = make_site(tmp_path / "site")
    runner = CliRunner()
    refused = runner.invoke(main, ["--site", str(root), "import", str(no_updated), "--captured-at", "unknown"])
    assert refused.exit_code == 1 and "relative" in refused.output.lower()
    args = ["--site", str(root), "import", str(no_updated), "--captured-at", "2024-03-10T03:20:00-04:00"]
    done = runner.invoke(main, args)
    assert done.exit_code == 0, done.output
    posts = sorted((root / "content").glob("*/*.md"))
    assert any("time_derived: relative" in p.read_text(encoding="utf-8") for p in posts)
    before = snapshot(root / "content")
    assert runner.invoke(main, args).exit_code == 0
    assert snapshot(root / "content") == before
    assert runner.invoke(main, ["--site", str(root), "build"]).exit_code == 0
    verified = runner.invoke(main, ["--site", str(root), "verify", "--coverage"])
    assert verified.exit_code == 0, verified.output
