"""The keys of content files, in the order they are written, and the provenance
records written and read by one schema.

`_blog.md` and post files list their keys in `BLOG_KEYS` and `POST_KEYS`
order: the writer (content/write.py) puts them so, the reader
(content/read.py) refuses any other key. A capture's provenance is one typed
`CaptureRecord` (core/model.py): `capture_meta` writes it, `read_capture`
reads it back, and a test checks the round trip.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from generator.content.fields import Fields
from generator.core.model import CaptureRecord, Revision

BLOG_KEYS = ("title", "headline_at_capture", "identity", "series", "date", "authors", "outlet", "updated", "declared_posts",
             "archived_posts", "partial", "source_url", "captured_at", "capture", "capture_sha256",
             "captures", "keep_remote_images")
POST_KEYS = ("id", "source_id", "title", "headline_derived", "published", "time_unknown",
             "time_derived", "time_precision", "byline", "authors", "location", "topics", "blog",
             "position", "draft", "key_event", "cut_off", "truncated", "captures", "removed_in", "removed_after", "revisions")
CAPTURE_KEYS = ("file", "format", "record_offset", "sha256", "size", "source_url", "captured_at", "captured_at_from",
                "updated", "declared_posts", "found_posts", "partial", "importer", "post_ids", "changed_ids")
REVISION_KEYS = ("capture", "updated", "title", "byline", "text")
FORMATS = ("text", "html", "warc", "wacz")
# Where a post stands in its captures: rewriting only these leaves the post unchanged.
PLACE_KEYS = ("position", "captures")


def in_order(meta: Mapping[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    """`meta` in the schema's key order; a key the schema lacks is a bug, not input."""
    unknown = set(meta) - set(keys)
    assert not unknown, f"not in the schema: {sorted(unknown)}"
    return {key: meta[key] for key in keys if key in meta}


def capture_meta(record: CaptureRecord) -> dict[str, Any]:
    """A capture record as written under `captures:` in _blog.md. A text capture's
    format (the default) and a record offset outside web archives are left out;
    every other key is written, `null` when unknown; the ids as lists, `changed_ids`
    only when the capture changed a post."""
    meta = {key: getattr(record, key) for key in CAPTURE_KEYS}
    meta["post_ids"] = list(record.post_ids)
    meta["changed_ids"] = list(record.changed_ids)
    if not record.changed_ids:
        del meta["changed_ids"]
    if record.format == "text":
        del meta["format"]
    if record.record_offset is None:
        del meta["record_offset"]
    return in_order(meta, CAPTURE_KEYS)


def read_capture(fields: Fields) -> CaptureRecord:
    """One entry of `captures:` in _blog.md."""
    fields.check_keys(frozenset(CAPTURE_KEYS))
    file, sha256 = fields.text_("file", required=True), fields.text_("sha256", required=True)
    assert file is not None and sha256 is not None
    return CaptureRecord(
        file=file,
        sha256=sha256,
        size=fields.integer("size", 0) or 0,
        source_url=fields.web_url("source_url"),
        captured_at=fields.moment("captured_at"),
        captured_at_from=fields.text_("captured_at_from") or "unknown",
        updated=fields.moment("updated"),
        declared_posts=fields.integer("declared_posts"),
        found_posts=fields.integer("found_posts", 0) or 0,
        partial=fields.flag("partial"),
        importer=fields.text_("importer") or "",
        format=fields.choice("format", FORMATS, default="text"),
        record_offset=fields.integer("record_offset"),
        post_ids=fields.strings("post_ids"),
        changed_ids=fields.strings("changed_ids"),
    )


def read_revision(fields: Fields) -> Revision:
    """One entry of `revisions:` in a post file."""
    fields.check_keys(frozenset(REVISION_KEYS))
    capture, text = fields.text_("capture", required=True), fields.text_("text", required=True, empty_ok=True)
    assert capture is not None and text is not None
    return Revision(capture=capture, updated=fields.moment("updated"), title=fields.text_("title"),
                    byline=fields.text_("byline"), text=text)
