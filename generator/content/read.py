"""content/ → the `Site` model.

Reads every `_blog.md` and post file, checks each field's type, and reports
the first problem as a `SiteError` naming the file and the line of the key.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from generator.core import frontmatter
from generator.core.errors import SiteError
from generator.core.paths import BLOG_FILE, decode_text, read_bytes
from generator.core.model import Blog, CaptureRecord, Post, PostEntry, Revision, Site, make_site

POST_KEYS = frozenset(
    {"id", "title", "published", "byline", "authors", "location", "topics", "blog",
     "position", "draft", "cut_off", "captures", "removed_in", "revisions"}
)
BLOG_KEYS = frozenset(
    {"title", "series", "date", "authors", "outlet", "updated", "declared_posts",
     "archived_posts", "partial", "source_url", "captured_at", "capture", "capture_sha256",
     "captures"}
)


@dataclass(frozen=True, slots=True)
class _Fields:
    """Typed access to one file's front matter; every failure names file and line."""

    meta: dict[str, Any]
    text: str
    path: Path
    parent: str | None = None  # for a record inside a list: the list's key

    def fail(self, key: str, message: str, hint: str | None = None) -> SiteError:
        line = frontmatter.key_line(self.text, self.parent or key) or 1
        name = f"{self.parent}: {key}" if self.parent else key
        return SiteError(f"'{name}': {message}", path=self.path, line=line, hint=hint)

    def check_keys(self, known: frozenset[str]) -> None:
        for key in self.meta:
            if not isinstance(key, str) or key not in known:
                close = difflib.get_close_matches(str(key), sorted(known), n=1)
                hint = f"did you mean '{close[0]}'?" if close else None
                raise self.fail(str(key), "unknown key", hint)

    def text_(self, key: str, *, required: bool = False) -> str | None:
        value = self.meta.get(key)
        if value is None:
            if required and self.parent:
                raise self.fail(key, "missing")
            if required:
                raise SiteError(f"missing '{key}'", path=self.path, line=2)
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty string")
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.meta.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(key, "must be a list of strings, like [A, B]")
        for item in value:
            if not isinstance(item, str) or not item.strip():
                raise self.fail(key, f"every item must be a non-empty string, not {item!r}")
        return tuple(value)

    def moment(self, key: str, *, required: bool = False) -> datetime | None:
        value = self.meta.get(key)
        if value is None:
            if required:
                raise SiteError(f"missing '{key}'", path=self.path, line=2,
                                hint="add an ISO 8601 time like 2023-07-08T11:29:00-04:00")
            return None
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                raise self.fail(key, f"not an ISO 8601 time: {value!r}") from None
        if not isinstance(value, datetime):
            raise self.fail(key, "must be a time like 2023-07-08T11:29:00-04:00")
        if value.tzinfo is None or value.utcoffset() is None:
            raise self.fail(key, "has no UTC offset", hint="write it like 2023-07-08T11:29:00-04:00")
        return value

    def day(self, key: str) -> date:
        value = self.meta.get(key)
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                raise self.fail(key, f"not a date like 2023-07-08: {value!r}") from None
        if isinstance(value, datetime) or not isinstance(value, date):
            if value is None:
                raise SiteError(f"missing '{key}'", path=self.path, line=2)
            raise self.fail(key, "must be a date like 2023-07-08")
        return value

    def records(self, key: str) -> list[_Fields]:
        """A list of mappings (`captures:` of a blog, `revisions:` of a post)."""
        value = self.meta.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self.fail(key, "must be a list of records (key: value blocks)")
        return [_Fields(item, self.text, self.path, key) for item in value]

    def integer(self, key: str, default: int | None = None) -> int | None:
        value = self.meta.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(key, "must be a whole number")
        return value

    def flag(self, key: str) -> bool:
        value = self.meta.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value


def _capture_record(fields: _Fields) -> CaptureRecord:
    file, sha256 = fields.text_("file", required=True), fields.text_("sha256", required=True)
    assert file is not None and sha256 is not None
    return CaptureRecord(
        file=file,
        sha256=sha256,
        size=fields.integer("size", 0) or 0,
        source_url=fields.text_("source_url"),
        captured_at=fields.moment("captured_at"),
        captured_at_from=fields.text_("captured_at_from") or "unknown",
        updated=fields.moment("updated"),
        declared_posts=fields.integer("declared_posts"),
        found_posts=fields.integer("found_posts", 0) or 0,
        partial=fields.flag("partial"),
        importer=fields.text_("importer") or "",
    )


def _revision(fields: _Fields) -> Revision:
    capture, text = fields.text_("capture", required=True), fields.text_("text", required=True)
    assert capture is not None and text is not None
    return Revision(capture=capture, updated=fields.moment("updated"), title=fields.text_("title"),
                    byline=fields.text_("byline"), text=text)


def _read(path: Path) -> tuple[_Fields, str, str]:
    data = read_bytes(path)
    text = decode_text(data, path)
    meta, body, _line = frontmatter.split(text, path)
    return _Fields(meta, text, path), body, hashlib.sha256(data).hexdigest()


def read_blog(path: Path) -> Blog:
    fields, body, digest = _read(path)
    fields.check_keys(BLOG_KEYS)
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
        source_url=fields.text_("source_url"),
        captured_at=fields.moment("captured_at"),
        capture=fields.text_("capture"),
        capture_sha256=fields.text_("capture_sha256"),
        captures=tuple(_capture_record(item) for item in fields.records("captures")),
        description=body.strip("\n"),
        source=str(path),
        digest=digest,
    )


def read_post(path: Path, blog: str) -> Post:
    fields, body, digest = _read(path)
    fields.check_keys(POST_KEYS)
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
        revisions=tuple(_revision(item) for item in fields.records("revisions")),
        body=body.strip("\n"),
        source=str(path),
        digest=digest,
    )


class ContentCache(Protocol):
    """Parsed content files kept between builds (state.ContentStore is the real one)."""

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
    folders: dict[str, list[str]] = {}
    for rel in listing if listing is not None else _listing(content_dir):
        folder, slash, name = rel.partition("/")
        if slash and "/" not in name and not folder.startswith(".") and not name.startswith("."):
            if name.endswith(".md"):
                folders.setdefault(folder, []).append(name)
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


def _listing(content_dir: Path) -> Iterator[str]:
    """Files one and two levels under content_dir, relative ("blog/post.md")."""
    with os.scandir(content_dir) as entries:
        folders = [entry.name for entry in entries if entry.is_dir()]
    for folder in folders:
        with os.scandir(content_dir / folder) as entries:
            yield from (f"{folder}/{entry.name}" for entry in entries if entry.is_file())
