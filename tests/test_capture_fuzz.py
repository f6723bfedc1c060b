"""Fuzz: a mangled capture either parses or fails with one clear SiteError line, never a traceback."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from texts import rendered_text
from generator.content.markdown import body_markdown
from generator.ingest.record import BulletList, Figure, Paragraph, ParsedCapture
from generator.ingest.text.parse import decode_capture, parse_capture
from generator.core.errors import SiteError

SAMPLE = Path(__file__).parent.parent / "captures" / "cnn-2023-07-08-russia-ukraine.txt"
LINES = SAMPLE.read_bytes().split(b"\n")
SOURCE = "captures/fuzzed.txt"
ZONES = {"ET": ZoneInfo("America/New_York")}
RULES = {
    "NATO": ("NATO", "Vilnius summit"),
    "Bakhmut": ("Bakhmut",),
    "Cluster munitions": ("cluster munition", "cluster bomb"),
}
ID = re.compile(r"\d{4}-\d\d-\d\d-\d{4}-[a-z0-9-]+")
FUZZ = settings(max_examples=200, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

index = st.integers(min_value=0, max_value=10_000)
garbage = st.one_of(
    st.binary(min_size=1, max_size=8),
    st.text(min_size=1, max_size=8).map(lambda s: s.encode("utf-8")),
    st.sampled_from([b"\x00", b"\xff", b"\xc2\xa0", b"\r", b"\xe2\x80\xa8", b"\x1c", b"13:75 p.m. ET, July 8, 2023",
                     b"1:00 p.m. XT, July 8, 2023", b"\xe2\x80\xa2 ", b"Some context:", b"From CNN's "]),
)
operation = st.one_of(
    st.tuples(st.just("drop"), index),
    st.tuples(st.just("duplicate"), index),
    st.tuples(st.just("swap"), index, index),
    st.tuples(st.just("truncate"), index, index),
    st.tuples(st.just("inject"), index, index, garbage),
)


def mutate(lines: list[bytes], ops: list[tuple[object, ...]]) -> bytes:
    lines = list(lines)
    for op in ops:
        if not lines:
            break
        kind, i = op[0], int(str(op[1])) % len(lines)
        if kind == "drop":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = int(str(op[2])) % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "truncate":
            lines[i] = lines[i][: int(str(op[2])) % (len(lines[i]) + 1)]
        else:
            at = int(str(op[2])) % (len(lines[i]) + 1)
            junk = op[3]
            assert isinstance(junk, bytes)
            lines[i] = lines[i][:at] + junk + lines[i][at:]
    return b"\n".join(lines)


def import_or_fail_clearly(data: bytes) -> ParsedCapture | None:
    """The contract the importer relies on: a ParsedCapture or a one-line SiteError."""
    try:
        parsed = parse_capture(decode_capture(data, source=SOURCE), source=SOURCE,
                               zones=ZONES, topic_rules=RULES)
    except SiteError as error:
        message = str(error)
        assert message.startswith(SOURCE + ":")
        assert len(message.splitlines()) == 1
        return None
    assert parsed.posts
    assert len({p.id for p in parsed.posts}) == len(parsed.posts)
    for post in parsed.posts:
        assert ID.fullmatch(post.id) and ".." not in post.id
        assert post.published.utcoffset() is not None
        assert body_markdown(post.blocks).endswith("\n") and not body_markdown(post.blocks).endswith("\n\n")
    assert parsed.partial == (
        any(p.cut_off for p in parsed.posts)
        or (parsed.blog.declared_posts is not None and len(parsed.posts) < parsed.blog.declared_posts)
    )
    return parsed


@FUZZ
@given(st.lists(operation, min_size=1, max_size=8))
def test_mutated_sample_imports_or_fails_with_one_clear_line(ops: list[tuple[object, ...]]) -> None:
    import_or_fail_clearly(mutate(LINES, ops))


@FUZZ
@given(st.integers(min_value=0, max_value=len(SAMPLE.read_bytes())))
def test_sample_cut_anywhere_keeps_every_post_before_the_cut(cut: int) -> None:
    data = SAMPLE.read_bytes()[:cut]
    parsed = import_or_fail_clearly(data)
    whole_posts = len(re.findall(rb"(?m)^\d{1,2}:\d\d [ap]\.m\. ET, July 8, 2023\n", data))
    if parsed is not None:
        assert len(parsed.posts) >= whole_posts


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise_anything_but_site_error(data: bytes) -> None:
    import_or_fail_clearly(data)




# One line of printable text, as parse_capture produces it: no control characters,
# no line breaks, no spaces at the ends, no runs of spaces.
ALPHABET = st.sampled_from(list("aZ09 #>+-=*_`[]()<>&;!\\.:?|{}~^\"'“”—•") + ["&amp;", "&#1;", "1. ", "\t"])
line = st.lists(ALPHABET, min_size=1, max_size=30).map("".join).map(
    lambda s: re.sub(" {2,}", " ", s).strip(" \t")).filter(bool)


@FUZZ
@given(line, st.one_of(st.none(), line))
def test_markdown_of_any_line_renders_back_to_the_same_text(text: str, lead: str | None) -> None:
    paragraph = Paragraph(text, lead)
    expected = text if lead is None else f"{lead} {text}"
    assert rendered_text(body_markdown([paragraph])) == expected
    assert rendered_text(body_markdown([BulletList((text,))])).strip("\n") == text
    assert rendered_text(body_markdown([Figure(text, lead)])).strip("\n") == (
        text if lead is None else f"{text} {lead}")
