"""content/merge.py at scale, and ids across blogs (issue 17 §1, §3)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from generator.content import merge as merging
from generator.content.merge import ExistingPost, merge
from generator.core.model import CaptureRecord
from generator.core.slugs import unique
from generator.ingest.record import CapturedBlog, CapturedPost, Paragraph, ParsedCapture

ET = ZoneInfo("America/New_York")
WHEN = datetime(2023, 7, 8, 11, 29, tzinfo=ET)


def capture(name: str, posts: int, updated: datetime) -> tuple[CaptureRecord, ParsedCapture]:
    """A capture of `posts` identical posts: same time, headline and text."""
    found = tuple(CapturedPost(id="2023-07-08-1129-the-same", position=n, line=n, published=WHEN,
                               zone_label="ET", title="The same", byline=None, authors=(), location=None,
                               blocks=(Paragraph("The same text."),), topics=(), cut_off=False)
                  for n in range(1, posts + 1))
    blog = CapturedBlog(slug="2023-07-08-test", title="Test", series=None, date=WHEN.date(), authors=(),
                        outlet="CNN", updated=updated, declared_posts=None, headline="Test")
    record = CaptureRecord(file=f"captures/{name}", sha256=name * 8, size=1, source_url=None,
                           captured_at=None, captured_at_from="unknown", updated=updated,
                           declared_posts=None, found_posts=posts, partial=False, importer="test",
                           format="text", record_offset=None)
    return record, ParsedCapture(blog, found, (), False)


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def wrap(self, function):  # type: ignore[no-untyped-def]
        def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.calls += 1
            return function(*args, **kwargs)
        return counted


@pytest.mark.parametrize("posts", [200, 2_000])
def test_identical_posts_merge_in_linear_steps(posts: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two captures of N identical posts, with N on disk already: the matching work
    (texts built, similarities tried) grows with N, not N² (1,000 such posts took 17.5 s)."""
    counter = Counter()
    monkeypatch.setattr(merging, "post_text", counter.wrap(merging.post_text))
    monkeypatch.setattr(merging, "_similar", counter.wrap(merging._similar))
    first, second = capture("a", posts, WHEN), capture("b", posts, WHEN.replace(hour=12))
    merged = merge([first, second])
    on_disk = [ExistingPost(id=p.id, published=WHEN, title="The same", text="The same text.",
                            sources=tuple(v.source for v in p.versions)) for p in merged]
    again = merge([first, second], on_disk)
    assert [p.id for p in again] == [p.id for p in merged]
    assert len(merged) == posts and len({p.id for p in merged}) == posts
    assert all(len(p.versions) == 2 for p in merged)  # the k-th post of one capture is the k-th of the other
    assert counter.calls <= 6 * posts


def test_unique_counts_on_from_where_it_stopped() -> None:
    taken: set[str] = {"a-3"}
    tried: dict[str, int] = {}
    assert [unique("a", taken, tried) for _ in range(4)] == ["a", "a-2", "a-4", "a-5"]
    assert tried == {"a": 5}


def test_a_new_post_never_takes_an_id_another_blog_has() -> None:
    (merged,) = merge([capture("a", 1, WHEN)], (), elsewhere={"2023-07-08-1129-the-same"})
    assert merged.id == "2023-07-08-1129-the-same-2"
