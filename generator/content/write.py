"""The front matter the importer writes: post files and _blog.md. Pure.

From merged posts (content/merge.py) and capture records to the files that
`frontmatter.join` makes. Keys come in the schema's order (content/schema.py),
so that re-importing the same capture gives byte-identical content. A post's
body shows the images its capture archived (`Images`, made by the importer).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from generator.content.markdown import body_markdown
from generator.content.merge import CaptureShowed, MergedPost, Version, what_each_showed
from generator.content.schema import BLOG_KEYS, PLACE_KEYS, POST_KEYS, capture_meta, in_order
from generator.core import frontmatter
from generator.core.model import CaptureRecord
from generator.ingest.record import CapturedPost, ParsedCapture


@dataclass(frozen=True, slots=True)
class Images:
    """The archived images a blog's posts show: by capture (its key), each image's
    address → the site's copy ("/media/<sha256>.jpg"); and whether an image no
    capture archived is shown from the outlet's server (`--keep-remote-images`)."""

    by_capture: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    latest: Mapping[str, str] = field(default_factory=dict)  # address → the latest capture's copy
    remote: bool = False

    def of(self, capture: CaptureRecord) -> Mapping[str, str]:
        """What a copy of a post from `capture` shows: that capture's images, else the
        latest capture's image at the same address."""
        own = self.by_capture.get(capture.key)
        return {**self.latest, **own} if own else self.latest

    def body(self, version: Version) -> str:
        """A version's body as Markdown, with the images it shows."""
        return body_markdown(version.post.blocks, self.of(version.capture), remote=self.remote)


NO_IMAGES = Images()


def declared_posts(ordered: Sequence[CaptureRecord]) -> int | None:
    """The most posts any capture of the blog declared ("16 Posts"), if any did."""
    counts = [record.declared_posts for record in ordered if record.declared_posts is not None]
    return max(counts) if counts else None


def is_partial(merged: Sequence[MergedPost], declared: int | None) -> bool:
    """Fewer posts than declared, or one whose every copy is cut off."""
    return (declared is not None and len(merged) < declared) or any(m.current.post.cut_off for m in merged)


def blog_file(latest: ParsedCapture, ordered: Sequence[CaptureRecord], archived: int,
              merged: Sequence[MergedPost], description: str, identity: str,
              keep_remote_images: bool = False) -> str:
    """_blog.md: the blog as its latest capture shows it, and every capture's record
    (`ordered`: capture-time order); whether its posts hot-link images not archived."""
    blog = latest.blog
    newest = ordered[-1]
    declared = declared_posts(ordered)
    showed = what_each_showed(merged)
    meta = {
        "title": blog.title,
        "headline_at_capture": blog.headline if blog.headline != blog.title else None,
        "identity": identity,
        "series": blog.series,
        "date": blog.date,
        "authors": list(blog.authors),
        "outlet": blog.outlet,
        "updated": blog.updated,
        "declared_posts": declared,
        "archived_posts": archived,
        "partial": True if is_partial(merged, declared) else None,
        "source_url": newest.source_url or next((r.source_url for r in reversed(ordered) if r.source_url), None),
        "captured_at": newest.captured_at,
        "capture": newest.file,
        "capture_sha256": newest.sha256,
        "captures": [capture_meta(_showing(record, showed)) for record in ordered],
        "keep_remote_images": True if keep_remote_images else None,
    }
    return frontmatter.join(in_order(meta, BLOG_KEYS), description)


def _showing(record: CaptureRecord, showed: Mapping[str, CaptureShowed]) -> CaptureRecord:
    """The record with the posts it showed and changed, as the merge found them."""
    found = showed.get(record.key)
    return replace(record, post_ids=found.post_ids if found else (), changed_ids=found.changed_ids if found else ())


def post_meta(post: MergedPost, blog: str, old_meta: Mapping[str, Any] | None,
              images: Images = NO_IMAGES) -> dict[str, Any]:
    """A post file's front matter. `topics` and `draft` edited by hand in the file
    already there (`old_meta`) are kept; everything else comes from the captures."""
    current = post.current.post
    topics = list(current.topics)
    draft = None
    if old_meta is not None:
        old_topics = old_meta.get("topics")
        auto = {tuple(v.post.topics) for v in post.versions}
        if isinstance(old_topics, list) and tuple(old_topics) not in auto:
            topics = old_topics  # edited by hand: keep
        draft = old_meta.get("draft")
    meta: dict[str, Any] = {
        "id": post.id,
        "source_id": current.source_id,
        "title": current.title,
        "headline_derived": True if current.headline_derived else None,
        "published": current.published,
        "time_unknown": True if current.time_unknown else None,
        "time_derived": current.time_derived,
        "time_precision": current.time_precision,
        "byline": current.byline,
        "authors": list(current.authors),
        "location": current.location,
        "topics": topics,
        "blog": blog,
        "position": current.position,
        "draft": draft,
        "cut_off": True if current.cut_off else None,
        "truncated": True if current.truncated else None,
        "key_event": True if current.key_event else None,
        "captures": [version.source for version in post.versions],
        "removed_in": post.removed_in,
        "removed_after": post.removed_at if post.removed_in else None,
        "revisions": [_revision(v, current, images) for v in post.earlier] or None,
    }
    return in_order(meta, POST_KEYS)


def post_file(meta: Mapping[str, Any], post: MergedPost, images: Images = NO_IMAGES) -> str:
    return frontmatter.join(meta, images.body(post.current))


def only_moved(meta: Mapping[str, Any], post: MergedPost, old_meta: Mapping[str, Any],
               old_text: str, images: Images = NO_IMAGES) -> bool:
    """Whether the file already there differs from the new one only in where the
    post stands in its captures (`position`, `captures`): the post is unchanged."""
    kept = {**meta, **{key: old_meta.get(key) for key in PLACE_KEYS}}
    return post_file(kept, post, images) == old_text


def _revision(version: Version, current: CapturedPost, images: Images) -> dict[str, Any]:
    post = version.post
    return {
        "capture": version.capture.ref,
        "updated": version.capture.updated or version.capture.captured_at,
        "title": post.title if post.title != current.title else None,
        "byline": post.byline if post.byline != current.byline else None,
        "text": images.body(version).rstrip("\n"),
    }
