"""The front matter the importer writes: post files and _blog.md. Pure.

From merged posts (merge.py) and capture records to the ordered key/value
mappings that `frontmatter.join` turns into files. Key order here is the
order in the files, so that re-importing gives byte-identical content.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from generator.core import frontmatter
from generator.content.markdown import body_markdown
from generator.ingest.record import ParsedCapture
from generator.content.merge import CaptureInfo, MergedPost, Version


def capture_record(info: CaptureInfo) -> dict[str, Any]:
    return {
        "file": info.file,
        "sha256": info.sha256,
        "size": info.size,
        "source_url": info.source_url,
        "captured_at": info.captured_at,
        "captured_at_from": info.captured_at_from,
        "updated": info.updated,
        "declared_posts": info.declared_posts,
        "found_posts": info.found_posts,
        "partial": info.partial,
        "importer": info.importer,
    }


def blog_meta(latest: ParsedCapture, ordered: Sequence[CaptureInfo], archived: int,
               merged: Sequence[MergedPost]) -> dict[str, Any]:
    blog = latest.blog
    newest = ordered[-1]
    declared_counts = [i.declared_posts for i in ordered if i.declared_posts is not None]
    declared = max(declared_counts) if declared_counts else None
    return {
        "title": blog.title,
        "series": blog.series,
        "date": blog.date,
        "authors": list(blog.authors),
        "outlet": blog.outlet,
        "updated": blog.updated,
        "declared_posts": declared,
        "archived_posts": archived,
        "partial": True if is_partial(merged, declared) else None,
        "source_url": newest.source_url or next((i.source_url for i in reversed(ordered) if i.source_url), None),
        "captured_at": newest.captured_at,
        "capture": newest.file,
        "capture_sha256": newest.sha256,
        "captures": [capture_record(info) for info in ordered],
    }


def is_partial(merged: Sequence[MergedPost], declared: int | None) -> bool:
    return (declared is not None and len(merged) < declared) or any(m.current.post.cut_off for m in merged)


def declared_count(blog_text: str) -> int | None:
    match = re.search(r"^declared_posts: (\d+)$", blog_text, re.MULTILINE)
    return int(match.group(1)) if match else None


def post_file(post: MergedPost, blog: str, old_meta: Mapping[str, Any] | None) -> str:
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
        "title": current.title,
        "published": current.published,
        "byline": current.byline,
        "authors": list(current.authors),
        "location": current.location,
        "topics": topics,
        "blog": blog,
        "position": current.position,
        "draft": draft,
        "cut_off": True if current.cut_off else None,
        "captures": [version.source for version in post.versions],
        "removed_in": post.removed_in,
        "revisions": [_revision(v, current) for v in post.earlier] or None,
    }
    return frontmatter.join(meta, body_markdown(current.blocks))


def _revision(version: Version, current: Any) -> dict[str, Any]:
    post = version.post
    return {
        "capture": version.capture.file,
        "updated": version.capture.updated or version.capture.captured_at,
        "title": post.title if post.title != current.title else None,
        "byline": post.byline if post.byline != current.byline else None,
        "text": body_markdown(post.blocks).rstrip("\n"),
    }
