"""The content cache: every parsed content file, kept between builds in SQLite.

Lives in the site's private `.liveblog/` folder, keyed by the engine
fingerprint (core/fixity.py): upgrading or editing liveblog never reuses it,
and a missing, damaged or locked database only makes the build read content/
again.
"""

from __future__ import annotations

import dataclasses
import marshal
import os
import pickle
import shutil
import sqlite3
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from generator.content.read import read_post
from generator.core.model import Post, PostEntry, Revision
from generator.core.paths import CONTENT_DIR, STATE_DIR


class ContentStore:
    """The content cache: every parsed content file, in an SQLite database.

    `.liveblog/content-<engine>.sqlite` holds, per file, the (mtime, size) it
    had, its small record (a Blog, or a post's PostEntry) and, for a post, the
    whole Post with its body. A build loads only the small records; whole
    posts are read back one by one while the pages that show them render, so
    a large archive is never held in memory. SQLite because it reads one row
    by key in microseconds, rewrites one row for a one-post edit, and survives
    a crash mid-write (a damaged file is deleted and the cache starts again).
    """

    def __init__(self, site_root: Path, engine: str, stamps: dict[str, tuple[int, int]]) -> None:
        self._folder = site_root / STATE_DIR
        self._path = self._folder / f"content-{engine}.sqlite"
        self._content = site_root / CONTENT_DIR
        self._prefix = str(self._content) + os.sep
        # (mtime, size) of every content file, by path relative to content/, as
        # the build's walk found them: rows are keyed by the same strings.
        self._stamps = stamps
        self._rows: dict[str, tuple[int, int, Any]] | None = None
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._pending: list[tuple[str, int, int, bytes, bytes | None]] = []
        self._zones: dict[Any, Any] = {}  # UTC offset -> the one zone object entries share

    @property
    def stamps(self) -> dict[str, tuple[int, int]]:
        """(mtime, size) of every content file, by path relative to content/ (until `loaded`)."""
        return self._stamps

    def _key(self, path: str) -> str:
        return path[len(self._prefix):] if path.startswith(self._prefix) else path

    # The ContentCache protocol (content/read.py) ----------------------------------
    def lookup(self, rel: str) -> Any:
        found = self._all().get(rel)
        if found is None:
            return None
        stamp = self._stamps.get(rel)
        if stamp is None:
            try:
                stat = (self._content / rel).stat()
            except OSError:
                return None
            stamp = (stat.st_mtime_ns, stat.st_size)
        return found[2] if (found[0], found[1]) == stamp else None

    def store(self, rel: str, record: Any) -> None:
        stat = (self._content / rel).stat()
        # Paths are kept relative to content/ (never as the working folder saw them):
        # a build run with --site from another folder reads the same rows.
        if isinstance(record, Post):
            small, whole = b"P" + _pack_entry(record, rel), _pack_post(record, rel)
        else:
            kept = dataclasses.replace(record, source=rel)
            small, whole = b"B" + pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL), None
        self._pending.append((rel, stat.st_mtime_ns, stat.st_size, small, whole))
        if len(self._pending) >= 1_000:
            self.flush()

    def missing(self, rels: list[str]) -> list[str]:
        """Those of `rels` (post files) with no usable record: to be parsed."""
        return [rel for rel in rels if self.lookup(rel) is None]

    def add_parsed(self, rows: list[tuple[str, bytes, bytes]], *, keep_whole: bool) -> None:
        """Keep posts parsed elsewhere (`parse_packed`, on worker processes): each
        row its path, its packed entry and its packed whole post. Later lookups
        give the whole post if `keep_whole` (as load_site keeps a post it parses),
        else the entry, and pages read the whole post back (`full`)."""
        known = self._all()
        zones = self._zones
        for rel, small, whole in rows:
            mtime, size = self._stamps[rel]
            self._pending.append((rel, mtime, size, small, whole))
            record = (_unpack_post(whole, self._prefix) if keep_whole
                      else _unpack_entry(small[1:], zones, self._prefix))
            known[rel] = (mtime, size, record)
            if len(self._pending) >= 1_000:
                self.flush()

    def full(self, source: str) -> Any:
        db = self._connect()
        if db is None:
            return None
        try:
            row = db.execute("SELECT whole FROM files WHERE path = ?", (self._key(source),)).fetchone()
        except sqlite3.Error:
            return None
        if row is None or row[0] is None:
            return None
        try:
            return _unpack_post(row[0], self._prefix)
        except (EOFError, TypeError, ValueError):
            return None

    # Keeping it --------------------------------------------------------------
    def loaded(self) -> None:
        """Reading content/ is over: write what was parsed, forget the rows of files
        that are gone (the stamps cover all of content/), and let go of the stamps
        and the rows, which the Site now holds."""
        self.flush()
        db = self._connect()
        if db is not None and self._rows is not None:
            gone = [(path,) for path in self._rows if path not in self._stamps]
            try:
                db.executemany("DELETE FROM files WHERE path = ?", gone)
                db.commit()
            except sqlite3.Error:
                pass
        self._rows = {}
        self._stamps = {}

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def flush(self) -> None:
        """Write the records stored so far (whole posts can then be read back)."""
        if not self._pending:
            return
        db = self._connect()
        if db is not None:
            try:
                db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)", self._pending)
                db.commit()
            except sqlite3.Error:
                pass
        self._pending = []

    def _all(self) -> dict[str, tuple[int, int, Any]]:
        if self._rows is None:
            self._rows = {}
            zones = self._zones
            db = self._connect()
            if db is not None:
                try:
                    for path, mtime, size, small in db.execute("SELECT path, mtime, size, small FROM files"):
                        try:
                            record = (_unpack_entry(small[1:], zones, self._prefix) if small[:1] == b"P"
                                      else self._blog(pickle.loads(small[1:])))
                        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError,
                                TypeError, ValueError):
                            continue
                        self._rows[path] = (mtime, size, record)
                except sqlite3.Error:
                    self._rows = {}
        return self._rows

    def _blog(self, blog: Any) -> Any:
        return dataclasses.replace(blog, source=self._prefix + blog.source)

    def _connect(self) -> sqlite3.Connection | None:
        """The database, opened once per process (a forked renderer opens its own)."""
        if self._db is not None and self._pid == os.getpid():
            return self._db
        self._pid = os.getpid()
        self._db = None
        for attempt in range(2):
            try:
                self._folder.mkdir(parents=True, exist_ok=True)
                if attempt == 0:
                    for old in self._folder.glob("content-*.sqlite*"):
                        if not old.name.startswith(self._path.name):
                            old.unlink(missing_ok=True)  # another engine's cache
                    shutil.rmtree(self._folder / "content", ignore_errors=True)  # older layout
                db = sqlite3.connect(self._path, timeout=30)
                db.execute("PRAGMA synchronous = OFF")
                db.execute("CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, mtime INTEGER,"
                           " size INTEGER, small BLOB, whole BLOB)")
                db.commit()
                self._db = db
                return db
            except sqlite3.OperationalError:
                return None  # cannot open or locked too long: build without the cache
            except sqlite3.DatabaseError:
                self._path.unlink(missing_ok=True)  # damaged: start again
            except OSError:
                return None
        return None


def parse_packed(content_dir: Path, rel: str, blog: str) -> tuple[str, bytes, bytes]:
    """Parse a post file into the rows `ContentStore.add_parsed` keeps (a render
    worker's job: only bytes travel back)."""
    post = read_post(content_dir / rel, blog)
    return rel, b"P" + _pack_entry(post, rel), _pack_post(post, rel)


# Posts are stored as marshal'ed tuples of plain values: reading one back is
# three times faster than unpickling the dataclass, and whole posts are read
# back for every page rendered from a large archive.

def _pack_entry(post: Any, rel: str) -> bytes:
    return marshal.dumps((post.id, post.published.isoformat(), post.topics, post.blog, post.position,
                          post.draft, rel, post.digest))


def _unpack_entry(data: bytes, zones: dict[Any, Any], prefix: str) -> Any:
    """An entry; times of the same UTC offset share one zone object (see Post.entry);
    its file's path is `prefix` (content/, as this run names it) and the stored one."""
    (post_id, published, topics, blog, position, draft, rel, digest) = marshal.loads(data)
    moment = datetime.fromisoformat(published)
    zone = zones.setdefault(moment.utcoffset(), moment.tzinfo)
    if zone is not moment.tzinfo:
        moment = moment.replace(tzinfo=zone)
    return PostEntry(post_id, moment,
                     tuple(sys.intern(name) for name in topics), sys.intern(blog), position, draft,
                     prefix + rel, digest)


def _pack_post(post: Any, rel: str) -> bytes:
    revisions = tuple((r.capture, r.updated.isoformat() if r.updated else None, r.title, r.byline, r.text)
                      for r in post.revisions)
    return marshal.dumps((post.id, post.published.isoformat(), post.topics, post.blog, post.position,
                          post.draft, rel, post.digest, post.title, post.byline, post.authors,
                          post.location, post.cut_off, post.captures, post.removed_in, revisions,
                          post.body, post.source_id, post.time_unknown, post.time_derived,
                          post.time_precision, post.headline_derived, post.truncated, post.key_event,
                          post.removed_after.isoformat() if post.removed_after else None))


def _unpack_post(data: bytes, prefix: str) -> Any:
    (post_id, published, topics, blog, position, draft, rel, digest, title, byline, authors,
     location, cut_off, captures, removed_in, revisions, body, source_id, time_unknown, time_derived,
     time_precision, headline_derived, truncated, key_event, removed_after) = marshal.loads(data)
    return Post(post_id, datetime.fromisoformat(published), topics, blog, position, draft, prefix + rel,
                digest, title, byline, authors, location, cut_off, captures, removed_in,
                tuple(Revision(capture, datetime.fromisoformat(updated) if updated else None,
                               rev_title, rev_byline, text)
                      for capture, updated, rev_title, rev_byline, text in revisions),
                body, source_id, time_unknown, time_derived, time_precision, headline_derived,
                truncated, key_event, datetime.fromisoformat(removed_after) if removed_after else None)


class Remembered:
    """The content cache of a long-running process (`serve`): each file's record kept
    in memory from one build to the next, by its (mtime, size), before the
    SQLite store is asked. A one-post edit then reads one file and decodes no row.

    `records` belongs to the caller and outlives each build's `ContentStore`;
    `keep_whole`: whether a post parsed now is kept whole (as load_site keeps it)
    or as its entry (a large archive)."""

    def __init__(self, store: ContentStore, records: dict[str, tuple[tuple[int, int], Any]],
                 *, keep_whole: bool, complete: bool) -> None:
        """`complete`: `records` hold every file of an earlier load that went through.
        Then only they are asked: a file they lack or hold with another stamp is new
        or changed since, and its row is as stale (asking the store would decode
        every row of the database, 0.3 s at 10,000 posts)."""
        self._store, self._records, self._keep_whole = store, records, keep_whole
        self._stamps = store.stamps
        self._zones: dict[Any, Any] = {}
        self._ask_store = not complete

    def lookup(self, rel: str) -> Any:
        stamp = self._stamps.get(rel)
        known = self._records.get(rel)
        if stamp is not None and known is not None and known[0] == stamp:
            return known[1]
        if not self._ask_store:
            return None
        found = self._store.lookup(rel)
        if found is not None and stamp is not None:
            self._records[rel] = (stamp, found)
        return found

    def store(self, rel: str, record: Any) -> None:
        self._store.store(rel, record)
        stamp = self._stamps.get(rel)
        if stamp is None:
            return
        if isinstance(record, Post) and not self._keep_whole:
            record = record.entry(self._zones)
        self._records[rel] = (stamp, record)

    def full(self, source: str) -> Any:
        return self._store.full(source)

    def forget_gone(self) -> None:
        """Drop the records of files no longer in content/ (call before `loaded`)."""
        for rel in [rel for rel in self._records if rel not in self._stamps]:
            del self._records[rel]
