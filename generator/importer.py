"""`liveblog import`: captures → content/<blog>/*.md and captures/.

Reads each capture, parses it (pure, `capture.parse_capture`), merges the
result with the post files already on disk, and writes everything that
changed in one atomic step (`output.write_files_atomically`). Merging keeps
hand edits: a post file's `topics` and `draft` survive a re-import.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from generator import frontmatter
from generator.capture import (
    CapturedBlog,
    CapturedPost,
    CaptureWarning,
    ParsedCapture,
    body_markdown,
    decode_capture,
    parse_capture,
)
from generator.config import Config
from generator.errors import SiteError
from generator.output import write_files_atomically

BLOG_FILE = "_blog.md"
CAPTURES_DIR = "captures"
# Keys a person may edit in a post file that a re-import must not overwrite.
HAND_EDITED_KEYS = ("topics", "draft")


@dataclass(frozen=True, slots=True)
class ImportReport:
    capture: str
    blog: str
    found: int
    declared: int | None
    new: int
    changed: int
    unchanged: int
    renumbered: int  # unchanged posts whose position in the capture moved
    partial: bool
    warnings: tuple[CaptureWarning, ...]
    written: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Source:
    path: Path
    data: bytes
    sha256: str
    parsed: ParsedCapture


def import_captures(
    config: Config,
    captures: Sequence[Path],
    *,
    content_dir: Path | None = None,
    source_url: str | None = None,
    captured_at: str | None = None,
) -> tuple[ImportReport, ...]:
    """Import every capture; all of them are parsed before anything is written."""
    site_root = config.root
    content_dir = content_dir if content_dir is not None else site_root / "content"
    if source_url is not None and not re.match(r"^https?://\S+$", source_url):
        raise SiteError(f"--source-url must be an http(s) URL, not {source_url!r}")
    captured = _parse_captured_at(captured_at)
    sources = [_read_source(path, config) for path in captures]

    files: dict[str, bytes] = {}
    reports = []
    for source in sources:
        capture_rel = _capture_name(site_root, source, files)
        files[capture_rel] = source.data
        blog_dir = content_dir / source.parsed.blog.slug
        counts, post_files = _post_files(source.parsed, blog_dir, capture_rel)
        for path, text in post_files.items():
            files[_rel(site_root, path)] = text.encode("utf-8")
        blog_text = _blog_file(source, blog_dir, capture_rel, source_url, captured, post_files)
        files[_rel(site_root, blog_dir / BLOG_FILE)] = blog_text.encode("utf-8")
        reports.append((source, counts))

    written = write_files_atomically(site_root, files)
    return tuple(
        ImportReport(
            capture=str(source.path),
            blog=source.parsed.blog.slug,
            found=len(source.parsed.posts),
            declared=source.parsed.blog.declared_posts,
            new=counts[0],
            changed=counts[1],
            unchanged=counts[2],
            renumbered=counts[3],
            partial=source.parsed.partial,
            warnings=source.parsed.warnings,
            written=written,
        )
        for source, counts in reports
    )


def _read_source(path: Path, config: Config) -> _Source:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SiteError("no such file", path=path) from None
    except IsADirectoryError:
        raise SiteError("is a folder, not a capture file", path=path) from None
    except OSError as error:
        raise SiteError(f"cannot read: {error.strerror or error}", path=path) from None
    text = decode_capture(data, source=str(path))
    parsed = parse_capture(
        text, source=str(path), zones=config.zone_map(), topic_rules=config.rules_map()
    )
    return _Source(path, data, hashlib.sha256(data).hexdigest(), parsed)


def _parse_captured_at(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise SiteError(
            f"--captured-at is not an ISO 8601 time: {value!r}", hint="e.g. 2023-07-08T18:00:00-04:00"
        ) from None
    if moment.tzinfo is None:
        raise SiteError(
            f"--captured-at needs a UTC offset: {value!r}", hint="e.g. 2023-07-08T18:00:00-04:00"
        )
    return moment


def _capture_name(site_root: Path, source: _Source, planned: dict[str, bytes]) -> str:
    """captures/<name>; a different capture with the same name gets its hash appended."""
    name = source.path.name
    rel = f"{CAPTURES_DIR}/{name}"
    existing = planned.get(rel)
    if existing is None and (site_root / rel).is_file():
        existing = (site_root / rel).read_bytes()
    if existing is None or existing == source.data:
        return rel
    stem, dot, suffix = name.rpartition(".")
    base = stem if dot else name
    return f"{CAPTURES_DIR}/{base}-{source.sha256[:12]}{dot}{suffix if dot else ''}"


def _rel(root: Path, path: Path) -> str:
    try:
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        raise SiteError(
            "the content folder must be inside the site folder", path=path
        ) from None


def _read_existing(path: Path) -> tuple[dict[str, Any], str] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise SiteError(f"cannot read existing file: {error}", path=path) from None
    meta, _body, _line = frontmatter.split(text, path)
    return meta, text


_POSITION = re.compile(r"^position: \d+\n", re.MULTILINE)


def _post_files(
    parsed: ParsedCapture, blog_dir: Path, capture_rel: str
) -> tuple[tuple[int, int, int, int], dict[Path, str]]:
    new = changed = unchanged = renumbered = 0
    files: dict[Path, str] = {}
    for post in parsed.posts:
        path = blog_dir / f"{post.id}.md"
        existing = _read_existing(path)
        meta = _post_meta(post, parsed.blog)
        if existing is not None:
            old_meta, _old_text = existing
            for key in HAND_EDITED_KEYS:
                if key in old_meta:
                    meta[key] = old_meta[key]
        text = frontmatter.join(meta, body_markdown(post.blocks))
        files[path] = text
        if existing is None:
            new += 1
        elif existing[1] == text:
            unchanged += 1
        elif _POSITION.sub("", existing[1]) == _POSITION.sub("", text):
            unchanged += 1  # only its place in the capture moved (a newer post came on top)
            renumbered += 1
        else:
            changed += 1
    return (new, changed, unchanged, renumbered), files


def _post_meta(post: CapturedPost, blog: CapturedBlog) -> dict[str, Any]:
    return {
        "id": post.id,
        "title": post.title,
        "published": post.published,
        "byline": post.byline,
        "authors": list(post.authors),
        "location": post.location,
        "topics": list(post.topics),
        "blog": blog.slug,
        "position": post.position,
        "cut_off": True if post.cut_off else None,
    }


def _blog_file(
    source: _Source,
    blog_dir: Path,
    capture_rel: str,
    source_url: str | None,
    captured_at: datetime | None,
    post_files: dict[Path, str],
) -> str:
    blog = source.parsed.blog
    existing = _read_existing(blog_dir / BLOG_FILE)
    old_meta = existing[0] if existing else {}
    on_disk = {p.name for p in blog_dir.glob("*.md") if p.name != BLOG_FILE} if blog_dir.is_dir() else set()
    archived = len(on_disk | {p.name for p in post_files})
    meta: dict[str, Any] = {
        "title": blog.title,
        "series": blog.series,
        "date": blog.date,
        "authors": list(blog.authors),
        "outlet": blog.outlet,
        "updated": blog.updated,
        "declared_posts": blog.declared_posts,
        "archived_posts": archived,
        "partial": True if source.parsed.partial else None,
        "source_url": source_url if source_url is not None else old_meta.get("source_url"),
        "captured_at": captured_at if captured_at is not None else old_meta.get("captured_at"),
        "capture": capture_rel,
        "capture_sha256": source.sha256,
    }
    description = ""
    if existing is not None:
        _meta, description, _line = frontmatter.split(existing[1], blog_dir / BLOG_FILE)
    return frontmatter.join(meta, description)
