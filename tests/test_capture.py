"""Specification of the plain-text capture parser (`generator.capture`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator.render.markdown import to_html
from texts import rendered_text
from generator.content.markdown import body_markdown
from generator.core.slugs import slug
from generator.ingest.record import BulletList, CapturedPost, CaptureWarning, Figure, Paragraph, ParsedCapture
from generator.ingest.text.parse import decode_capture, parse_capture
from generator.core.errors import SiteError

SAMPLE = Path(__file__).parent.parent / "captures" / "cnn-2023-07-08-russia-ukraine.txt"
ZONES = {"ET": ZoneInfo("America/New_York")}
RULES = {
    "NATO": ("NATO", "Vilnius summit"),
    "Bakhmut": ("Bakhmut",),
    "Cluster munitions": ("cluster munition", "cluster bomb"),
}
EDT = timedelta(hours=-4)
EST = timedelta(hours=-5)


def parse(text: str, rules: Mapping[str, tuple[str, ...]] = RULES) -> ParsedCapture:
    return parse_capture(text, source="test.txt", zones=ZONES, topic_rules=rules)


def capture(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def texts(post: CapturedPost) -> list[str]:
    """Every printed line of a post's body, as the blocks hold it."""
    out: list[str] = []
    for block in post.blocks:
        if isinstance(block, Paragraph):
            out.append(block.text if block.lead_in is None else f"{block.lead_in} {block.text}")
        elif isinstance(block, Figure):
            out += [block.caption] + ([] if block.credit is None else [f"{block.caption} {block.credit}"])
        else:
            out += list(block.items)
    return out


def post(headline: str, *body: str, stamp: str = "11:29 a.m. ET, July 8, 2023") -> list[str]:
    lines = [stamp, "", headline, ""]
    for paragraph in body:
        lines += [paragraph, ""]
    return lines


HEADER = ["Live blog title", "", "July 8, 2023 Russia-Ukraine news", "", "By A B, C D and E F, CNN", ""]


@pytest.fixture(scope="module")
def sample() -> ParsedCapture:
    return parse_capture(
        decode_capture(SAMPLE.read_bytes(), source=str(SAMPLE)),
        source=str(SAMPLE), zones=ZONES, topic_rules=RULES,
    )


# The sample ------------------------------------------------------------------


def test_sample_holds_nine_posts_in_capture_order_with_their_edt_times(sample: ParsedCapture) -> None:
    times = ["11:29", "08:55", "09:06", "07:05", "15:47", "08:02", "04:12", "09:14", "09:12"]
    assert [p.published.strftime("%H:%M") for p in sample.posts] == times
    assert {p.published.date() for p in sample.posts} == {date(2023, 7, 8)}
    assert {p.published.utcoffset() for p in sample.posts} == {EDT}
    assert [p.published.isoformat() for p in sample.posts][0] == "2023-07-08T11:29:00-04:00"
    assert [p.position for p in sample.posts] == list(range(1, 10))
    assert {p.zone_label for p in sample.posts} == {"ET"}
    assert [p.line for p in sample.posts] == [10, 41, 66, 82, 103, 134, 154, 170, 197]


def test_sample_titles(sample: ParsedCapture) -> None:
    assert [p.title for p in sample.posts] == [
        "Ukrainian officials report gains around embattled eastern city of Bakhmut",
        "No date set yet for Putin visit to Turkey, Kremlin says",
        "Russian shelling kills at least 8 people in Ukrainian city of Lyman, regional leaders say",
        "Officials: 494 children have been killed in Ukraine since Russia's invasion started 500 days ago",
        "Ukrainian defense minister thanks US for providing Ukraine with cluster munitions",
        "Zelensky honors Snake Island defenders on 500th day of Russia's invasion of Ukraine",
        "Agricultural facility hit in overnight drone attack on Kryvyi Rih, says regional official",
        "Turkish president says Ukraine deserves to become NATO member",
        "Ukrainian president discusses NATO membership with Turkey's Erdogan ahead of consequential summit",
    ]


def test_sample_header(sample: ParsedCapture) -> None:
    blog = sample.blog
    assert blog.title == "Russia-Ukraine news, July 8, 2023"
    assert blog.headline == "Ukrainian officials report gains around embattled eastern city of Bakhmut"
    assert blog.series == "Russia-Ukraine news"
    assert blog.date == date(2023, 7, 8)
    assert blog.slug == "2023-07-08-russia-ukraine-news"
    assert blog.authors == ("Christian Edwards", "Adrienne Vogt", "Laura Smith-Spark", "Matt Meyer")
    assert blog.outlet == "CNN"
    assert blog.updated is not None
    assert blog.updated.isoformat() == "2023-07-08T17:38:00-04:00"
    assert blog.declared_posts == 16


def test_sample_says_it_holds_9_of_16_posts_and_is_partial(sample: ParsedCapture) -> None:
    assert sample.warnings == (CaptureWarning(8, "capture holds 9 of 16 declared posts"),)
    assert sample.partial
    assert not any(p.cut_off for p in sample.posts)


@pytest.mark.parametrize(
    ("position", "byline", "authors", "location"),
    [
        (1, "From CNN's Sarah El Sirgany, Ben Wedeman and Kostyantin Gak in eastern Ukraine",
         ("Sarah El Sirgany", "Ben Wedeman", "Kostyantin Gak"), "eastern Ukraine"),
        (2, "From CNN's Uliana Pavlova", ("Uliana Pavlova",), None),
        (3, "From CNN's Maria Kostenko in Kyiv", ("Maria Kostenko",), "Kyiv"),
        (6, "From CNN’s Maria Kostenko in Kyiv and Teele Rebane in Hong Kong",
         ("Maria Kostenko", "Teele Rebane"), "Kyiv"),
        (8, "From CNN’s Gul Tuysuz, Radina Gigova and Mariya Knight",
         ("Gul Tuysuz", "Radina Gigova", "Mariya Knight"), None),
        (9, "From CNN's Mariya Knight and Radina Gigova", ("Mariya Knight", "Radina Gigova"), None),
    ],
)
def test_sample_bylines(
    sample: ParsedCapture, position: int, byline: str, authors: tuple[str, ...], location: str | None
) -> None:
    found = sample.posts[position - 1]
    assert (found.byline, found.authors, found.location) == (byline, authors, location)


def test_sample_photos_keep_caption_and_credit_apart_where_they_stood(sample: ParsedCapture) -> None:
    figures = [(p.position, i, b) for p in sample.posts for i, b in enumerate(p.blocks)
               if isinstance(b, Figure)]
    assert [(pos, i, f.credit) for pos, i, f in figures] == [
        (1, 5, "Kostyantin Gak/CNN"),
        (2, 0, "Contributor/Getty Images"),
        (4, 0, "Oleksii Chumachenko/Anadolu Agency/Getty Images"),
        (5, 0, "Oleksii Chumachenko/Anadolu Agency/Getty Images/FILE"),
        (6, 0, "Vitalii Nosach/Global Images Ukraine/Getty Images/FILE"),
        (8, 0, "Umit Bektas/Reuters/FILE"),
    ]
    assert figures[0][2].caption == (
        "A Ukrainian soldier stands beside a howitzer on July 7 near Bakhmut in eastern Ukraine."
    )


def test_sample_lead_ins(sample: ParsedCapture) -> None:
    leads = [(p.position, b.lead_in, b.text[:20]) for p in sample.posts for b in p.blocks
             if isinstance(b, Paragraph) and b.lead_in is not None]
    assert leads == [
        (2, '"Special relationship":', "Erdogan is engaged i"),
        (4, "Some context:", "The United Nations s"),
        (5, "Request finally granted:", "Throughout the war, "),
        (5, "What are cluster munitions?", "Cluster munitions, a"),
        (9, "Some context:", "Both Sweden and its "),
    ]


def test_sample_lines_that_lost_their_link_stay_plain_paragraphs(sample: ParsedCapture) -> None:
    assert sample.posts[0].blocks[-1] == Paragraph("Watch more:")
    assert sample.posts[4].blocks[-1] == Paragraph("Read more here.")
    assert sample.posts[7].blocks[-1] == Paragraph("Read the full story here.")


def test_sample_post_running_into_the_next_timestamp_is_split_there(sample: ParsedCapture) -> None:
    snake, drone = sample.posts[5], sample.posts[6]
    last = snake.blocks[-1]
    assert isinstance(last, Paragraph) and last.text.startswith("“Snake Island. The free island")
    assert drone.line == 154 and drone.title.startswith("Agricultural facility hit")


def test_sample_ids(sample: ParsedCapture) -> None:
    ids = [p.id for p in sample.posts]
    assert ids[0] == (
        "2023-07-08-1129-ukrainian-officials-report-gains-around-embattled-eastern-city-of-bakhmut"
    )
    assert ids[2] == (
        "2023-07-08-0906-russian-shelling-kills-at-least-8-people-in-ukrainian-city-of-lyman-regional"
    )
    assert len(set(ids)) == 9
    assert all(i.isascii() and len(i) <= 16 + 80 for i in ids)


def test_sample_topics(sample: ParsedCapture) -> None:
    assert [p.topics for p in sample.posts] == [
        ("Russia-Ukraine news", "Bakhmut"),
        ("Russia-Ukraine news", "NATO"),
        ("Russia-Ukraine news",),
        ("Russia-Ukraine news",),
        ("Russia-Ukraine news", "Cluster munitions"),
        ("Russia-Ukraine news",),
        ("Russia-Ukraine news",),
        ("Russia-Ukraine news", "NATO"),
        ("Russia-Ukraine news", "NATO"),
    ]


def test_sample_every_body_line_is_kept_exactly_once_in_order(sample: ParsedCapture) -> None:
    """Faithfulness: each line after the header (nbsp -> space, stripped) is a timestamp,
    or the headline, byline or one block line of a post, in capture order."""
    raw = SAMPLE.read_text(encoding="utf-8").split("\n")
    expected = [" ".join(line.replace("\u00a0", " ").split()) for line in raw[9:]]
    expected = [line for line in expected if line]
    produced: list[str] = []
    for p in sample.posts:
        hour, minute = p.published.hour, p.published.minute
        stamp = f"{hour % 12 or 12}:{minute:02d} " + ("a.m." if hour < 12 else "p.m.")
        produced += [f"{stamp} ET, July 8, 2023", p.title, p.byline or ""]
        for block in p.blocks:
            if isinstance(block, Figure):  # printed as two lines: caption, caption + credit
                produced += [block.caption, f"{block.caption} {block.credit}"]
            else:
                produced += texts_of(block)
    assert produced == expected


def texts_of(block: Paragraph | BulletList) -> list[str]:
    if isinstance(block, Paragraph):
        return [block.text if block.lead_in is None else f"{block.lead_in} {block.text}"]
    return list(block.items)


def test_sample_keeps_every_character_but_spaces(sample: ParsedCapture) -> None:
    body = "\n".join(t for p in sample.posts for t in texts(p))
    for kept in ("f***", "“Russian warship", "line — in particular", "battle – one", "(PKK)."):
        assert kept in body
    assert "\u00a0" not in body and "  " not in body


# Markdown bodies ------------------------------------------------------------




def test_body_markdown_shapes() -> None:
    body = body_markdown([
        Paragraph("The United Nations said.", lead_in="Some context:"),
        Figure("A soldier & a gun <b>.", "Kostyantin Gak/CNN"),
        Figure("No credit here.", None),
        BulletList(("first", "second")),
        Paragraph("Watch more:"),
    ])
    assert body == (
        "**Some context:** The United Nations said.\n\n"
        '<figure class="photo">\n'
        '<figcaption><span class="caption">A soldier &amp; a gun &lt;b&gt;.</span>'
        ' <span class="credit">Kostyantin Gak/CNN</span></figcaption>\n'
        "</figure>\n\n"
        '<figure class="photo">\n'
        '<figcaption><span class="caption">No credit here.</span></figcaption>\n'
        "</figure>\n\n"
        "- first\n- second\n\n"
        "Watch more:\n"
    )
    assert body_markdown([]) == "\n"


def test_every_sample_paragraph_renders_back_to_its_exact_text(sample: ParsedCapture) -> None:
    for p in sample.posts:
        for block in p.blocks:
            if isinstance(block, Paragraph):
                html = to_html(body_markdown([block]))
                assert html.startswith("<p>") and html.endswith("</p>")
                assert rendered_text(body_markdown([block])) == texts_of(block)[0]


NASTY = [
    "# not a heading", "#hashtag", "1. not a list", "2023. A year to remember.", "- not a list",
    "+ plus", "* star", "> not a quote", "***", "---", "___", "- - -", "=====",
    "AT&T &amp; &#169; &#x41; &copy; & done", "<b>bold</b> <http://x.y> <!-- c -->",
    "snake_case *star* **strong** `code` [link](http://x) ![img](y) [ref]: http://z",
    "back\\slash \\* \\\\ end\\", "Russian warship, go f*** yourself", "tab\there",
    "1) fine", "a  b", "<", "&", "\\", "“curly” — dashes – and ‘quotes’",
]


@pytest.mark.parametrize("text", NASTY)
def test_nasty_paragraphs_render_back_exactly(text: str) -> None:
    assert rendered_text(body_markdown([Paragraph(text)])) == text


@pytest.mark.parametrize("text", NASTY)
def test_nasty_lead_ins_list_items_and_captions_render_back_exactly(text: str) -> None:
    assert rendered_text(body_markdown([Paragraph(text, lead_in="Lead *in*:")])) == f"Lead *in*: {text}"
    assert rendered_text(body_markdown([BulletList((text, "x"))])).strip() == f"{text}\nx"
    figure = rendered_text(body_markdown([Figure(text, text)]))
    assert figure.strip() == f"{text} {text}"


# Variations -------------------------------------------------------------------


def test_a_capture_without_dek_takes_its_date_from_the_earliest_post() -> None:
    parsed = parse(capture(
        "Blog title", "",
        *post("Later post", "Text.", stamp="10:00 a.m. ET, July 9, 2023"),
        *post("Earlier post", "Text.", stamp="11:00 p.m. ET, July 8, 2023"),
    ))
    assert parsed.blog.series is None
    assert parsed.blog.date == date(2023, 7, 8)
    assert parsed.blog.slug == "2023-07-08-blog-title"
    assert parsed.posts[0].topics == ()


def test_a_capture_without_author_line() -> None:
    parsed = parse(capture("Title", "July 8, 2023 Russia-Ukraine news", *post("Headline", "Text.")))
    assert (parsed.blog.authors, parsed.blog.outlet) == ((), None)
    assert parsed.warnings == ()


def test_header_chrome_is_dropped_and_unknown_header_lines_warn() -> None:
    parsed = parse(capture(
        *HEADER, "Sort byDropdown arrow", "Link Copied!", "Something else", "1 Post",
        *post("Headline", "Text."),
    ))
    assert parsed.warnings == (CaptureWarning(9, "ignored header line 'Something else'"),)
    assert parsed.blog.declared_posts == 1
    assert not parsed.partial


def test_author_line_outlet_rules() -> None:
    def by(line: str) -> tuple[tuple[str, ...], str | None]:
        blog = parse(capture("T", line, *post("H", "Text."))).blog
        return blog.authors, blog.outlet

    assert by("By A B, C D and E F, CNN") == (("A B", "C D", "E F"), "CNN")
    assert by("By A B and C D, CNN") == (("A B", "C D"), "CNN")
    assert by("By A B, C D, and E F") == (("A B", "C D", "E F"), None)
    assert by("By A B") == (("A B",), None)


def test_a_post_without_byline_keeps_its_first_paragraph() -> None:
    parsed = parse(capture(*HEADER, *post("Headline", "From Monday, schools will close.", "More.")))
    only = parsed.posts[0]
    assert (only.byline, only.authors, only.location) == (None, (), None)
    assert only.blocks == (Paragraph("From Monday, schools will close."), Paragraph("More."))


@pytest.mark.parametrize(
    ("byline", "authors", "location"),
    [
        ("From CNN’s Maria Kostenko", ("Maria Kostenko",), None),
        ("From Reuters", ("Reuters",), None),
        ("From CNN's A B, C D, and E F in Kyiv, Ukraine", ("A B", "C D", "E F"), "Kyiv, Ukraine"),
        ("From CNN's A B in London and C D in Paris", ("A B", "C D"), "London"),
        ("From CNN's A B in Bosnia and Herzegovina", ("A B",), "Bosnia and Herzegovina"),
        ("From the Associated Press's A B", ("A B",), None),
    ],
)
def test_byline_variants(byline: str, authors: tuple[str, ...], location: str | None) -> None:
    only = parse(capture(*HEADER, *post("Headline", byline, "Text."))).posts[0]
    assert (only.byline, only.authors, only.location) == (byline, authors, location)
    assert only.blocks == (Paragraph("Text."),)


def test_bulleted_lines_become_one_list() -> None:
    parsed = parse(capture(*HEADER, *post("Headline", "What we know:", "  • first item",
                                          "• second item", "After the list.")))
    assert parsed.posts[0].blocks == (
        Paragraph("What we know:"), BulletList(("first item", "second item")), Paragraph("After the list."),
    )
    assert body_markdown(parsed.posts[0].blocks) == (
        "What we know:\n\n- first item\n- second item\n\nAfter the list.\n"
    )


def test_a_blog_spanning_two_days() -> None:
    parsed = parse(capture(
        *HEADER,
        *post("Late", "Text.", stamp="11:58 p.m. ET, July 8, 2023"),
        *post("Early", "Text.", stamp="12:05 a.m. ET, July 9, 2023"),
        *post("Noon", "Text.", stamp="12:05 p.m. ET, July 9, 2023"),
    ))
    assert [p.published for p in parsed.posts] == [
        datetime(2023, 7, 8, 23, 58, tzinfo=ZONES["ET"]),
        datetime(2023, 7, 9, 0, 5, tzinfo=ZONES["ET"]),
        datetime(2023, 7, 9, 12, 5, tzinfo=ZONES["ET"]),
    ]
    assert [p.id for p in parsed.posts] == [
        "2023-07-08-2358-late", "2023-07-09-0005-early", "2023-07-09-1205-noon",
    ]
    assert parsed.blog.date == date(2023, 7, 8)


def test_a_repeated_timestamp_opens_two_posts() -> None:
    parsed = parse(capture(*HEADER, *post("First", "One."), *post("Second", "Two.")))
    assert [p.title for p in parsed.posts] == ["First", "Second"]
    assert parsed.posts[0].published == parsed.posts[1].published
    assert len({p.id for p in parsed.posts}) == 2


def test_same_headline_and_minute_get_distinct_stable_ids() -> None:
    text = capture(*HEADER, *post("Same", "One."), *post("Same", "Two."), *post("Same", "Three."))
    ids = [p.id for p in parse(text).posts]
    assert ids == ["2023-07-08-1129-same", "2023-07-08-1129-same-2", "2023-07-08-1129-same-3"]
    assert [p.id for p in parse(text).posts] == ids


def test_a_timestamp_always_opens_a_post_even_without_a_blank_line() -> None:
    parsed = parse(capture(*HEADER, "11:29 a.m. ET, July 8, 2023", "Headline", "Text.",
                           "11:30 a.m. ET, July 8, 2023", "Next", "More."))
    assert [(p.title, p.blocks) for p in parsed.posts] == [
        ("Headline", (Paragraph("Text."),)), ("Next", (Paragraph("More."),)),
    ]


def test_a_cut_off_last_post_is_kept_and_flagged() -> None:
    lines = [*HEADER, "3 Posts", *post("Whole", "Done."), *post("Cut", "Complete sentence.", "The capture stops in the mid")]
    parsed = parse(capture(*lines))
    last = parsed.posts[-1]
    assert last.cut_off and parsed.partial and not parsed.posts[0].cut_off
    assert last.blocks[-1] == Paragraph("The capture stops in the mid")
    assert parsed.warnings == (
        CaptureWarning(7, "capture holds 2 of 3 declared posts"),
        CaptureWarning(last.line, f"last post looks cut off: the capture ends mid-sentence at line {len(lines) - 1}"),
    )
    assert last.line == 14


def test_a_last_post_with_a_headline_but_no_body_is_cut_off() -> None:
    parsed = parse(capture(*HEADER, *post("Whole", "Done."), "11:30 a.m. ET, July 8, 2023", "", "Headline only"))
    assert parsed.posts[-1].cut_off and parsed.partial
    assert parsed.warnings[-1] == CaptureWarning(
        13, "last post has a headline but no text: the capture looks cut off")


def test_a_last_post_ending_in_a_closing_quote_is_whole() -> None:
    parsed = parse(capture(*HEADER, *post("Headline", "He said: “We will win.”")))
    assert not parsed.partial and parsed.warnings == ()


def test_a_post_in_january_has_the_eastern_standard_offset() -> None:
    parsed = parse(capture("T", *post("Winter", "Cold.", stamp="9:00 a.m. ET, January 15, 2024")))
    assert parsed.posts[0].published.isoformat() == "2024-01-15T09:00:00-05:00"
    assert parsed.posts[0].published.utcoffset() == EST


@pytest.mark.parametrize(
    ("stamp", "iso"),
    [
        ("2:30 a.m. ET, March 12, 2023", "2023-03-12T02:30:00-05:00"),  # does not exist: fold=0
        ("1:30 a.m. ET, November 5, 2023", "2023-11-05T01:30:00-04:00"),  # happens twice: the first
    ],
)
def test_times_around_dst_changes_read_with_fold_0(stamp: str, iso: str) -> None:
    assert parse(capture("T", *post("H", "Text.", stamp=stamp))).posts[0].published.isoformat() == iso


@pytest.mark.parametrize(
    ("stamp", "hhmm"),
    [
        ("11:29 am ET, July 8, 2023", "11:29"),
        ("11:29 AM ET, July 8, 2023", "11:29"),
        ("11:29a.m. ET, July 8, 2023", "11:29"),
        ("11:29\u00a0p.m.\u00a0ET,\u00a0July\u00a08,\u00a02023\u00a0", "23:29"),
        ("12:05 p.m. ET, July 8, 2023", "12:05"),
        ("12:05 a.m. ET, July 8, 2023", "00:05"),
        ("1:00 pm ET, Jul. 8, 2023", "13:00"),
    ],
)
def test_timestamp_spellings(stamp: str, hhmm: str) -> None:
    assert parse(capture("T", *post("H", "Text.", stamp=stamp))).posts[0].published.strftime("%H:%M") == hhmm


def test_unknown_zone_label_is_an_error_naming_the_line() -> None:
    with pytest.raises(SiteError) as raised:
        parse(capture(*HEADER, *post("H", "Text."), *post("H2", "Text.", stamp="1:00 p.m. XT, July 8, 2023")))
    assert raised.value.line == 13
    assert str(raised.value) == (
        "test.txt:13: unknown time zone label 'XT' "
        '(add it to [zones] in site.toml, e.g. XT = "America/New_York")'
    )


@pytest.mark.parametrize(
    "stamp",
    ["13:75 p.m. ET, July 8, 2023", "1:60 p.m. ET, July 8, 2023", "0:10 a.m. ET, July 8, 2023",
     "11:29 a.m. ET, February 30, 2023", "11:29 a.m. ET, Julember 8, 2023", "11:29 a.m. ET, July 8, 0000"],
)
def test_an_impossible_timestamp_is_an_error_naming_the_line(stamp: str) -> None:
    with pytest.raises(SiteError) as raised:
        parse(capture(*HEADER, *post("H", "Text.", stamp=stamp)))
    assert raised.value.line == 7 and raised.value.path == "test.txt"
    assert str(raised.value).startswith(f"test.txt:7: bad timestamp '{stamp}': ")


def test_an_impossible_dek_date_is_an_error() -> None:
    with pytest.raises(SiteError, match=r"^test.txt:2: bad date in the dek"):
        parse(capture("T", "February 30, 2023 News", *post("H", "Text.")))


def test_a_sentence_starting_with_a_time_is_not_a_timestamp() -> None:
    parsed = parse(capture(*HEADER, *post("H", "9:30 a.m. Saturday, July 8, 2023 was calm.")))
    assert parsed.posts[0].blocks == (Paragraph("9:30 a.m. Saturday, July 8, 2023 was calm."),)


@pytest.mark.parametrize("text", ["", "Just an article.\n\nNo posts here.\n", "Updated 5:38 p.m. ET, July 8, 2023\n"])
def test_a_text_without_timestamp_is_not_a_live_blog(text: str) -> None:
    with pytest.raises(SiteError) as raised:
        parse(text)
    assert str(raised.value) == "test.txt: not a live blog: no post timestamp found"


def test_topics_match_whole_words_and_phrases_case_insensitively() -> None:
    rules = {
        "NATO": ("NATO",), "Summit": ("Vilnius   summit",), "Plus": ("C++",), "Tag": ("#Ukraine",),
        "Russia-Ukraine news": ("Kyiv",), "Bombs": ("cluster bomb",),
    }
    parsed = parse(capture(*HEADER, *post(
        "The donations", "Nato’s Vilnius Summit, C++ and #ukraine in Kyiv; cluster bombs.")), rules)
    assert parsed.posts[0].topics == ("Russia-Ukraine news", "NATO", "Summit", "Plus", "Tag", "Bombs")
    parsed = parse(capture(*HEADER, *post("Donations", "NATOmania xC++ x#Ukraine")), rules)
    assert parsed.posts[0].topics == ("Russia-Ukraine news",)


def test_topics_look_at_captions_but_not_credits() -> None:
    rules = {"Reuters": ("Reuters",), "Howitzer": ("howitzer",)}
    parsed = parse(capture(*HEADER, *post("H", "A howitzer.\nA howitzer. Reuters/FILE", "Text.")), rules)
    assert parsed.posts[0].blocks[0] == Figure("A howitzer.", "Reuters/FILE")
    assert parsed.posts[0].topics == ("Russia-Ukraine news", "Howitzer")


@pytest.mark.parametrize(
    ("line", "lead_in"),
    [
        ("Some context: The UN said so.", "Some context:"),
        ('"Special relationship": Erdogan is engaged.', '"Special relationship":'),
        ("What are cluster munitions? Cluster munitions are bombs.", "What are cluster munitions?"),
        ("Watch more:", None),
        ("Read more here.", None),
        ("Zelensky said: Ukraine will win.", None),
        ("He called it: “a disaster.”", None),
        ("The reason is simple: they ran out of shells.", None),
        ("This is a much longer introduction than a lead-in: It goes on.", None),
        ("It was late. Why did he go? Nobody knows.", None),
        ("“Why are we here?” he asked.", None),
        ("At 10:30 p.m. the sirens sounded.", None),
    ],
)
def test_lead_in_heuristic(line: str, lead_in: str | None) -> None:
    block = parse(capture(*HEADER, *post("H", line))).posts[0].blocks[0]
    assert isinstance(block, Paragraph)
    assert block.lead_in == lead_in
    assert (block.text if lead_in is None else f"{lead_in} {block.text}") == line


def test_a_figure_needs_the_caption_repeated_on_the_very_next_line() -> None:
    blocks = parse(capture(*HEADER, *post("H", "Caption.", "Caption. Credit/CNN", "Same line", "Same line"))).posts[0].blocks
    assert blocks == (Paragraph("Caption."), Paragraph("Caption. Credit/CNN"),
                      Paragraph("Same line"), Paragraph("Same line"))


# decode_capture ---------------------------------------------------------------


def test_decode_strips_the_bom_and_normalises_line_ends() -> None:
    assert decode_capture(b"\xef\xbb\xbfa\r\nb\rc\n", source="x") == "a\nb\nc\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "x.txt: empty capture"),
        (b" \n\r\n\t\n", "x.txt: empty capture"),
        (b"\xef\xbb\xbf", "x.txt: empty capture"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "x.txt: not a text capture: binary data (NUL bytes)"),
        (b"\x01\x02\x03\x04\x05\x06abc\x07\x08", "x.txt: not a text capture: mostly control characters (binary?)"),
        (b"\xff\xfeT\x00", "x.txt: not a text capture: UTF-16 text (save the capture as UTF-8)"),
        ("Title\nKyiv\n\nCaf\u00e9\n".encode("latin-1"),
         "x.txt:4: not UTF-8 text: byte 0xe9 cannot be decoded (save the capture as UTF-8)"),
        (b"a\r\nb\r\n\x80", "x.txt:3: not UTF-8 text: byte 0x80 cannot be decoded (save the capture as UTF-8)"),
    ],
)
def test_decode_refuses_what_is_not_a_text_capture(data: bytes, message: str) -> None:
    with pytest.raises(SiteError) as raised:
        decode_capture(data, source="x.txt")
    assert str(raised.value) == message


def test_decode_keeps_the_sample_text_exactly() -> None:
    assert decode_capture(SAMPLE.read_bytes(), source="s") == SAMPLE.read_text(encoding="utf-8")


# slug -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zelensky honors Snake Island defenders", "zelensky-honors-snake-island-defenders"),
        ("Turkey's Erdogan", "turkeys-erdogan"),
        ("Київ під обстрілом", "kiiv-pid-obstrilom"),
        ("../../etc/passwd", "etc-passwd"),
        ("a\\b", "a-b"),
        ("", "post"),
        ("🎉 ...", "post"),
    ],
)
def test_slug(text: str, expected: str) -> None:
    assert slug(text) == expected


def test_slug_is_bounded_and_cut_at_a_word() -> None:
    long = " ".join(["word"] * 40)
    assert len(slug(long)) <= 80 and not slug(long).endswith("-")
    assert slug(long, max_length=12) == "word-word"
    assert len(slug("x" * 200)) == 80


def test_a_capture_starting_with_a_timestamp_takes_the_first_headline_as_title() -> None:
    parsed = parse(capture(*post("First headline", "Text.")))
    assert parsed.blog.title == "First headline"
    assert parsed.blog.slug == "2023-07-08-first-headline"
    assert parsed.warnings == (CaptureWarning(1, "capture has no title line; using the first headline"),)


def test_more_posts_than_declared_is_a_warning_but_not_partial() -> None:
    parsed = parse(capture(*HEADER, "1 Post", *post("One", "Text."), *post("Two", "Text.")))
    assert parsed.warnings == (CaptureWarning(7, "capture holds 2 posts but declares 1"),)
    assert not parsed.partial
