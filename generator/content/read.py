"""content/ → the `Site` model.

Reads every `_blog.md` and post file, checks each field's type, and reports
the first problem as a `SiteError` naming the file and the line of the key.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

from generator.content.fields import Fields
from generator.content.schema import BLOG_KEYS, POST_KEYS, read_capture, read_revision
from generator.core import frontmatter
from generator.core.errors import SiteError
from generator.core.paths import BLOG_FILE, decode_text, read_bytes
from generator.core.model import Blog, Post, PostEntry, Site, make_site

_BLOG_KEYS = frozenset(BLOG_KEYS)
_POST_KEYS = frozenset(POST_KEYS)


def _read(path: Path, data: bytes | None) -> tuple[Fields, str, str]:
    data = read_bytes(path) if data is None else data
    text = decode_text(data, path)
    meta, body, _line = frontmatter.split(text, path)
    return Fields(meta, text, path), body, hashlib.sha256(data).hexdigest()


def read_blog(path: Path, data: bytes | None = None) -> Blog:
    """A _blog.md (`data`: its bytes, when they are not on disk yet)."""
    fields, body, digest = _read(path, data)
    fields.check_keys(_BLOG_KEYS)
    title = fields.text_("title", required=True)
    assert title is not None
    return Blog(
        slug=path.parent.name,
        title=title,
        series=fields.text_("series"),
        date=fields.day("date"),
        authors=fields.strings("authors"),
        outlet=fields.text_("outlet"),
        updated=fields.moment("updated"),
        declared_posts=fields.integer("declared_posts"),
        archived_posts=fields.integer("archived_posts", 0) or 0,
        partial=fields.flag("partial"),
        source_url=fields.web_url("source_url"),
        captured_at=fields.moment("captured_at"),
        capture=fields.text_("capture"),
        capture_sha256=fields.text_("capture_sha256"),
        captures=tuple(read_capture(item) for item in fields.records("captures")),
        description=body.strip("\n"),
        source=str(path),
        digest=digest,
        headline_at_capture=fields.text_("headline_at_capture"),
        identity=fields.text_("identity"),
        keep_remote_images=fields.flag("keep_remote_images"),
    )


def read_post(path: Path, blog: str, data: bytes | None = None) -> Post:
    """A post file (`data`: its bytes, when they are not on disk yet)."""
    fields, body, digest = _read(path, data)
    fields.check_keys(_POST_KEYS)
    post_id = fields.text_("id", required=True)
    title = fields.text_("title", required=True)
    published = fields.moment("published", required=True)
    assert post_id is not None and title is not None and published is not None
    if fields.meta.get("blog", blog) != blog:
        raise fields.fail("blog", f"says {fields.meta['blog']!r} but the file is in {blog!r}/")
    return Post(
        id=post_id,
        title=title,
        published=published,
        byline=fields.text_("byline"),
        authors=fields.strings("authors"),
        location=fields.text_("location"),
        topics=tuple(dict.fromkeys(fields.strings("topics"))),
        blog=blog,
        position=fields.integer("position", 0) or 0,
        draft=fields.flag("draft"),
        cut_off=fields.flag("cut_off"),
        captures=fields.strings("captures"),
        removed_in=fields.text_("removed_in"),
        revisions=tuple(read_revision(item) for item in fields.records("revisions")),
        body=body.strip("\n"),
        source=str(path),
        digest=digest,
        source_id=fields.text_("source_id"),
        time_unknown=fields.flag("time_unknown"),
        time_derived=fields.text_("time_derived"),
        time_precision=fields.integer("time_precision"),
        headline_derived=fields.flag("headline_derived"),
        truncated=fields.flag("truncated"),
        key_event=fields.flag("key_event"),
        removed_after=fields.moment("removed_after"),
    )


class ContentCache(Protocol):
    """Parsed content files kept between builds (content/cache.py ContentStore is the real one)."""

    def lookup(self, rel: str) -> Blog | PostEntry | None:
        """The record of a file (path relative to content/) if it is unchanged
        since it was stored."""

    def store(self, rel: str, record: Blog | Post) -> None:
        """Keep a freshly parsed file."""

    def full(self, source: str) -> Post | None:
        """The whole post stored for `source` (a post file's path), if any."""


class PostReader:
    """Full posts for the entries of a Site, read when a page needs them (a PostSource).

    From the content cache when it holds them (no YAML to parse), otherwise
    from the file. The last `keep` are kept, because a post is shown by its
    day page, its permalink and its blog page one after the other."""

    def __init__(self, cache: ContentCache | None = None, keep: int = 1_000) -> None:
        self._cache = cache
        self._whole = functools.lru_cache(maxsize=keep)(self._read)

    def post(self, entry: PostEntry) -> Post:
        if isinstance(entry, Post):
            return entry
        return self._whole(entry.source, entry.blog, entry.digest)

    def _read(self, source: str, blog: str, digest: str) -> Post:
        post = self._cache.full(source) if self._cache is not None else None
        if post is None or post.digest != digest:
            post = read_post(Path(source), blog)
        return post


def _cached_blog(rel: str, content_dir: Path, cache: ContentCache | None) -> Blog:
    found = cache.lookup(rel) if cache is not None else None
    if isinstance(found, Blog):
        return found
    blog = read_blog(content_dir / rel)
    if cache is not None:
        cache.store(rel, blog)
    return blog


def _cached_post(rel: str, content_dir: Path, blog: str, cache: ContentCache | None,
                 keep_whole: bool, zones: dict[Any, Any]) -> PostEntry:
    """With a cache: the entry of an unchanged post; a post parsed now stays
    whole if `keep_whole`, else only its entry (the whole post is in the cache)."""
    if cache is None:
        return read_post(content_dir / rel, blog)
    found = cache.lookup(rel)
    if isinstance(found, PostEntry) and found.blog == blog:
        return found
    post = read_post(content_dir / rel, blog)
    cache.store(rel, post)
    return post if keep_whole else post.entry(zones)


def load_site(
    content_dir: Path,
    tz: Any,
    *,
    drafts: bool = False,
    progress: Callable[[int], None] | None = None,
    cache: ContentCache | None = None,
    keep_whole: bool = True,
    listing: Iterable[str] | None = None,
) -> Site:
    """Read every blog folder under `content_dir` into a Site.

    Without a cache the Site holds whole posts. With one, it holds the cached
    `PostEntry` of every unchanged file, and each post parsed now whole (or,
    unless `keep_whole`, as an entry: a large archive is never held in
    memory). Pages read whole posts back through a `PostReader`.

    `listing`: the files under content_dir (relative, "/"-separated), when the
    caller has already walked it; read in name order either way."""
    if not content_dir.is_dir():
        raise SiteError("no content folder", path=content_dir,
                        hint="run `liveblog import CAPTURE` first")
    folders = _blog_folders(listing if listing is not None else _listing(content_dir))
    blogs: list[Blog] = []
    posts: list[PostEntry] = []
    seen: dict[str, str] = {}
    zones: dict[Any, Any] = {}  # UTC offset -> one shared zone object
    for folder in sorted(folders):
        names = sorted(folders[folder])
        if BLOG_FILE not in names:
            raise SiteError(f"no {BLOG_FILE} in this blog folder", path=content_dir / folder,
                            hint="each folder under content/ is one live blog")
        blogs.append(_cached_blog(f"{folder}/{BLOG_FILE}", content_dir, cache))
        blog = sys.intern(folder)
        for name in names:
            if name == BLOG_FILE:
                continue
            post = _cached_post(f"{folder}/{name}", content_dir, blog, cache, keep_whole, zones)
            if post.id in seen:
                path = content_dir / folder / name
                raise SiteError(f"duplicate id {post.id!r}, also used in {seen[post.id]}", path=path,
                                line=frontmatter.key_line(path.read_text(encoding="utf-8"), "id"))
            seen[post.id] = post.source
            if drafts or not post.draft:
                posts.append(post)
            if progress is not None:
                progress(1)
    return make_site(blogs, posts, tz)


def _blog_folders(listing: Iterable[str]) -> dict[str, list[str]]:
    """The .md files of each blog folder, by folder, of a listing of content/."""
    folders: dict[str, list[str]] = {}
    for rel in listing:
        folder, slash, name = rel.partition("/")
        if slash and "/" not in name and not folder.startswith(".") and not name.startswith("."):
            if name.endswith(".md"):
                folders.setdefault(folder, []).append(name)
    return folders


def post_files(listing: Iterable[str]) -> list[tuple[str, str]]:
    """(path, blog) of every post file load_site reads from this listing, in its order."""
    folders = _blog_folders(listing)
    return [(f"{folder}/{name}", sys.intern(folder)) for folder in sorted(folders)
            for name in sorted(folders[folder]) if name != BLOG_FILE]


def _listing(content_dir: Path) -> Iterator[str]:
    """Files one and two levels under content_dir, relative ("blog/post.md")."""
    with os.scandir(content_dir) as entries:
        folders = [entry.name for entry in entries if entry.is_dir()]
    for folder in folders:
        with os.scandir(content_dir / folder) as entries:
            yield from (f"{folder}/{entry.name}" for entry in entries if entry.is_file())
