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
  `removed_in` that capture, and kept;
* its id is the one already in content/ when there is one (a published URL
  never changes), else the id the parser gave it in its first capture.

Because the fold always runs over all captures in capture-time order,
importing the same captures in any order gives the same posts.
"""

from __future__ import annotations

import difflib
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
        matched: set[int] = set()
        for post in parsed.posts:
            best, best_score = None, 0
            for number, group in enumerate(groups):
                if number in matched:
                    continue
                latest = group[-1].post
                score = _score(post, latest.published, latest.title, post_text(latest), latest.source_id)
                if score > best_score:
                    best, best_score = number, score
            version = Version(info, post)
            if best is None:
                groups.append([version])
                last_seen.append(index)
                matched.add(len(groups) - 1)
            else:
                groups[best].append(version)
                last_seen[best] = index
                matched.add(best)

    taken: set[str] = {post.id for post in existing} | set(elsewhere)  # never reuse another file's id
    claimed: set[str] = set()
    merged = []
    for number, group in enumerate(groups):
        post_id = _existing_id(group, existing, claimed) or unique(group[0].post.id, taken)
        taken.add(post_id)
        removed = ordered[last_seen[number] + 1][0].ref if last_seen[number] + 1 < len(ordered) else None
        whole = [v for v in group if not v.post.cut_off]
        current = whole[-1] if whole else group[-1]
        merged.append(MergedPost(id=post_id, versions=tuple(group), current=current, removed_in=removed))
    return tuple(merged)


def _existing_id(group: Sequence[Version], existing: Sequence[ExistingPost], claimed: set[str]) -> str | None:
    """The id content/ already gave this post: by recorded source, else by time/headline/text."""
    sources = {version.source for version in group}
    candidates = [e for e in existing if e.id not in claimed]
    for post in candidates:
        if sources & set(post.sources):
            claimed.add(post.id)
            return post.id
    best, best_score = None, 1  # a bare headline match is not enough for an existing file
    for post in candidates:
        score = max(_score(v.post, post.published, post.title, post.text, post.source_id) for v in group)
        if score > best_score:
            best, best_score = post, score
    if best is not None:
        claimed.add(best.id)
        return best.id
    return None

