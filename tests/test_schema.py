"""Specification of the content schema (content/schema.py): one record, one way
written and read, keys in one order."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content.read import read_blog
from generator.content.schema import BLOG_KEYS, CAPTURE_KEYS, capture_meta, in_order
from generator.core import frontmatter
from generator.core.errors import SiteError
from generator.core.model import CaptureRecord

_NAME = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30)
_TEXT = _NAME.filter(lambda s: s.strip() == s and s.strip())
_TIME = st.builds(
    lambda seconds, minutes: datetime(2000, 1, 1, tzinfo=timezone(timedelta(minutes=minutes)))
    + timedelta(seconds=seconds),
    st.integers(0, 10**9), st.integers(-12 * 60, 14 * 60),
)
RECORDS = st.builds(
    CaptureRecord,
    file=_TEXT.map(lambda s: f"captures/{s}"), sha256=st.text("0123456789abcdef", min_size=64, max_size=64),
    size=st.integers(0, 10**9), source_url=st.none() | st.just("https://www.cnn.com/live/x/"),
    captured_at=st.none() | _TIME, captured_at_from=st.sampled_from(["option", "unknown"]),
    updated=st.none() | _TIME, declared_posts=st.none() | st.integers(0, 5000),
    found_posts=st.integers(0, 5000), partial=st.booleans(), importer=_TEXT,
)


def _blog_text(records: list[CaptureRecord]) -> str:
    meta = {"title": "A blog", "date": datetime(2023, 7, 8).date(), "archived_posts": 1,
            "captures": [capture_meta(r) for r in records]}
    return frontmatter.join(in_order(meta, BLOG_KEYS), "")


@settings(max_examples=200, deadline=None)
@given(st.lists(RECORDS, min_size=1, max_size=3))
def test_a_capture_record_reads_back_as_it_was_written(records: list[CaptureRecord]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "blog" / "_blog.md"
        path.parent.mkdir()
        path.write_text(_blog_text(records), encoding="utf-8")
        assert read_blog(path).captures == tuple(records)


def test_records_are_written_in_schema_order() -> None:
    record = CaptureRecord("captures/x.txt", "0" * 64, 3, None, None, "unknown", None, None, 1,
                           False, "liveblog 0.1.0")
    assert list(capture_meta(record)) == [k for k in CAPTURE_KEYS if k not in ("format", "record_offset", "changed_ids")]
    warc = CaptureRecord("captures/x.warc.gz", "0" * 64, 3, None, None, "unknown", None, None, 1,
                         False, "liveblog 0.1.0", format="warc", record_offset=0, post_ids=("a",),
                         changed_ids=("a",))
    assert list(capture_meta(warc)) == list(CAPTURE_KEYS)


def test_an_unknown_key_in_a_capture_record_names_the_file_and_line(tmp_path: Path) -> None:
    record = CaptureRecord("captures/x.txt", "0" * 64, 3, None, None, "unknown", None, None, 1,
                           False, "liveblog 0.1.0")
    path = tmp_path / "blog" / "_blog.md"
    path.parent.mkdir()
    path.write_text(_blog_text([record]).replace("  size: 3\n", "  sise: 3\n"), encoding="utf-8")
    with pytest.raises(SiteError) as error:
        read_blog(path)
    assert str(error.value).startswith(f"{path}:5: 'captures: sise': unknown key")


def test_writing_a_key_the_schema_lacks_is_a_bug() -> None:
    with pytest.raises(AssertionError):
        in_order({"title": "x", "colour": "red"}, BLOG_KEYS)
