"""Fold every capture of one live blog into one set of posts. Pure.

Captures are taken at different times and overlap: a post may appear in
several, be corrected between them, or vanish from a later one. `merge`
takes all captures of a blog (in capture-time order, not import order) and
the posts already in content/, and returns one `MergedPost` per post:

* a post in a later capture is the same post as one in an earlier capture
  when both carry the outlet's own post id and it is the same; else when it has the same time and headline, or the same time and mostly the
  same text, or (time corrected) the same headline;
* its current text is the latest capture's, unless that copy is cut off
  and an earlier one is whole; earlier, different texts become revisions;
* a post missing from a capture later than its last appearance is marked
  `removed_in` that capture (and `removed_at` its time), and kept;
* its id is the one already in content/ when there is one (a published URL
  never changes), else the id the parser gave it in its first capture.

Because the fold always runs over all captures in capture-time order,
importing the same captures in any order gives the same posts.
"""

from __future__ import annotations

import difflib
from collections import deque
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from generator.core.model import CaptureRecord
from generator.core.slugs import unique
from generator.ingest.record import CapturedPost, ParsedCapture, block_texts

SIMILAR = 0.6  # text similarity above which two copies at the same time are one post


@dataclass(frozen=True, slots=True)
class Version:
    capture: CaptureRecord
    post: CapturedPost

    @property
    def source(self) -> str:
        """Where this copy stands: "captures/x.txt#3" (the 3rd post of that capture)."""
        return f"{self.capture.ref}#{self.post.position}"


@dataclass(frozen=True, slots=True)
class ExistingPost:
    """What content/ already holds for a post (only what matching needs)."""

    id: str
    published: datetime
    title: str
    text: str  # the body, as Markdown
    sources: tuple[str, ...]  # its `captures:` entries
    source_id: str | None = None  # the outlet's own id of the post, if recorded


@dataclass(frozen=True, slots=True)
class MergedPost:
    id: str
    versions: tuple[Version, ...]  # capture-time order
    current: Version
    removed_in: str | None
    removed_at: datetime | None = None  # when that capture was taken, when known

    @property
    def earlier(self) -> tuple[Version, ...]:
        """Distinct earlier texts (not the current one), oldest first."""
        seen = {_fingerprint(self.current.post)}
        kept = []
        for version in self.versions:
            key = _fingerprint(version.post)
            if key not in seen and version is not self.current:
                seen.add(key)
                kept.append(version)
        return tuple(kept)


def post_text(post: CapturedPost) -> str:
    return "\n".join(text for block in post.blocks for text in block_texts(block))


def _fingerprint(post: CapturedPost) -> tuple[str, str, str | None]:
    return (post.title, post_text(post), post.byline)


def _similar(a: str, b: str) -> bool:
    if not a or not b:
        return a == b
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.real_quick_ratio() >= SIMILAR and matcher.quick_ratio() >= SIMILAR \
        and matcher.ratio() >= SIMILAR


def _score(post: CapturedPost, published: datetime, title: str, text: str,
           source_id: str | None = None) -> int:
    if post.source_id is not None and source_id is not None:
        return 4 if post.source_id == source_id else 0  # the outlet's own ids decide
    # Instants, not aware datetimes: across zones, == is False inside a repeated hour (PEP 495).
    same_time = post.published.timestamp() == published.timestamp()
    if same_time and post.title == title:
        return 3
    if same_time and _similar(post_text(post), text):
        return 2
    if post.title == title:
        return 1
    return 0


class _Candidates:
    """Posts to match against, indexed by what `_score` compares, so one lookup finds
    the best unclaimed one: a capture of N posts is matched in about N steps, not N²
    (1,000 identical posts took 17.5 s). Each index keeps its posts in order, and a
    post claimed once stays claimed, so it is dropped from the front for good."""

    def __init__(self, keys: Sequence[tuple[datetime, str, str, str | None]]) -> None:
        self.keys = keys  # (published, title, text, source id) of each candidate
        self.claimed: set[int] = set()
        self._by_source: dict[str, deque[int]] = {}
        self._exact: dict[tuple[bool, float, str], deque[int]] = {}
        self._by_time: dict[tuple[bool, float], list[int]] = {}
        self._by_title: dict[tuple[bool, str], deque[int]] = {}
        for number, (published, title, _text, source_id) in enumerate(keys):
            instant = published.timestamp()  # instants: == on aware times fails in a repeated hour
            if source_id is not None:
                self._by_source.setdefault(source_id, deque()).append(number)
            for plain in (False, True) if source_id is None else (False,):
                self._exact.setdefault((plain, instant, title), deque()).append(number)
                self._by_time.setdefault((plain, instant), []).append(number)
                self._by_title.setdefault((plain, title), deque()).append(number)

    def first(self, found: deque[int] | None) -> int | None:
        while found and found[0] in self.claimed:
            found.popleft()
        return found[0] if found else None

    def best(self, post: CapturedPost, *, at_least: int = 1) -> tuple[int, int] | None:
        """(candidate, score) of the first unclaimed candidate `_score` rates highest
        for `post`, if that score reaches `at_least`."""
        if post.source_id is not None:
            number = self.first(self._by_source.get(post.source_id))
            if number is not None:
                return number, 4
        plain = post.source_id is not None  # then only candidates without an own id compare
        instant = post.published.timestamp()
        number = self.first(self._exact.get((plain, instant, post.title)))
        if number is not None:
            return number, 3
        if at_least <= 2:
            text = post_text(post)
            for number in self._by_time.get((plain, instant), ()):
                if number not in self.claimed and _similar(text, self.keys[number][2]):
                    return number, 2
        if at_least <= 1:
            number = self.first(self._by_title.get((plain, post.title)))
            if number is not None:
                return number, 1
        return None


def merge(
    captures: Sequence[tuple[CaptureRecord, ParsedCapture]],
    existing: Sequence[ExistingPost] = (),
    elsewhere: Collection[str] = (),
) -> tuple[MergedPost, ...]:
    """`elsewhere`: the ids other blogs' posts have; a new post never takes one (ids,
    like permalinks, are the site's, not one blog's), it gets `-2`, `-3`."""
    ordered = sorted(captures, key=lambda item: item[0].order_key())
    groups: list[list[Version]] = []
    last_seen: list[int] = []
    for index, (info, parsed) in enumerate(ordered):
        # A group matches at most one post of each capture; its latest copy is what compares.
        latest = [group[-1].post for group in groups]
        candidates = _Candidates([(p.published, p.title, post_text(p), p.source_id) for p in latest])
        for post in parsed.posts:
            found = candidates.best(post)
            version = Version(info, post)
            if found is None:
                groups.append([version])
                last_seen.append(index)
            else:
                number = found[0]
                candidates.claimed.add(number)
                groups[number].append(version)
                last_seen[number] = index

    taken: set[str] = {post.id for post in existing} | set(elsewhere)  # never reuse another file's id
    tried: dict[str, int] = {}
    on_disk = _OnDisk(existing)
    merged = []
    for number, group in enumerate(groups):
        post_id = on_disk.claim(group) or unique(group[0].post.id, taken, tried)
        taken.add(post_id)
        after = ordered[last_seen[number] + 1][0] if last_seen[number] + 1 < len(ordered) else None
        whole = [v for v in group if not v.post.cut_off]
        current = whole[-1] if whole else group[-1]
        merged.append(MergedPost(id=post_id, versions=tuple(group), current=current,
                                 removed_in=after.ref if after else None,
                                 removed_at=after.captured_at if after else None))
    return tuple(merged)


@dataclass(frozen=True, slots=True)
class CaptureShowed:
    """What one capture showed of the merged posts: their ids in page order, and
    those whose text differs from the capture that showed them before."""

    post_ids: tuple[str, ...]
    changed_ids: tuple[str, ...]


def what_each_showed(merged: Sequence[MergedPost]) -> dict[str, CaptureShowed]:
    """By capture key: the posts it showed and the ones it changed."""
    seen: dict[str, list[tuple[int, str]]] = {}
    changed: dict[str, list[str]] = {}
    for post in merged:
        before = None
        for version in post.versions:
            key = version.capture.key
            seen.setdefault(key, []).append((version.post.position, post.id))
            now = _fingerprint(version.post)
            if before is not None and now != before:
                changed.setdefault(key, []).append(post.id)
            before = now
    return {key: CaptureShowed(tuple(post_id for _, post_id in sorted(ids)), tuple(sorted(changed.get(key, ()))))
            for key, ids in seen.items()}


class _OnDisk:
    """The posts content/ already holds, each claimable by one merged post."""

    def __init__(self, existing: Sequence[ExistingPost]) -> None:
        self.existing = existing
        self.candidates = _Candidates([(e.published, e.title, e.text, e.source_id) for e in existing])
        self.by_source: dict[str, deque[int]] = {}
        for number, post in enumerate(existing):
            for source in dict.fromkeys(post.sources):
                self.by_source.setdefault(source, deque()).append(number)

    def claim(self, group: Sequence[Version]) -> str | None:
        """The id content/ already gave this post: by recorded source, else by the best
        time/headline/text match (a bare headline match is not enough for an existing file)."""
        recorded = [n for n in (self.candidates.first(self.by_source.get(v.source)) for v in group)
                    if n is not None]
        if recorded:
            return self._take(min(recorded))
        found = [f for f in (self.candidates.best(v.post, at_least=2) for v in group) if f is not None]
        if not found:
            return None
        top = max(score for _number, score in found)
        return self._take(min(number for number, score in found if score == top))

    def _take(self, number: int) -> str:
        self.candidates.claimed.add(number)
        return self.existing[number].id
