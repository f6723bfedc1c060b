"""`liveblog import`: captures → content/<blog>/*.md and captures/.

Reads each new capture and parses it by the importer its content calls for
(ingest/sniff.py); then, for every blog it touches, re-parses all captures
recorded for that blog and folds them in capture-time order
(content/merge.py), so the result does not depend on import order.
Everything that changed (post files, _blog.md, the raw captures, the images
a web archive held for the posts' figures, the fixity manifests:
import_files.py) is written in one atomic step (publish/atomic.py). A post
file's `topics` and `draft`, when edited by hand, survive a re-import; every
other field comes from captures. Whether images not archived are hot-linked
(`keep_remote_images`) is recorded in the blog's _blog.md, so a later import
without the option keeps the choice.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from generator.content.existing import ExistingBlog, post_ids_by_blog, read_existing
from generator.content.merge import MergedPost, merge
from generator.content.read import read_blog, read_post
from generator.content.write import (
    Images,
    blog_file,
    declared_posts,
    is_partial,
    only_moved,
    post_file,
    post_meta,
)
from generator.core.config import Config
from generator.core.errors import SiteError
from generator.core.fixity import recorded
from generator.core.model import CaptureRecord
from generator.core.paths import BLOG_FILE, CONTENT_DIR, read_bytes
from generator.ingest import sniff
from generator.ingest.identity import is_address
from generator.commands.import_files import add_manifests, blog_images, images_shown
from generator.commands.import_sources import (
    Source,
    anchor_of,
    by_blog,
    parse_captured_at,
    parse_source_url,
    read_sources,
)
from generator.ingest.record import CaptureWarning, ParsedCapture
from generator.publish.atomic import write_files_atomically



@dataclass(frozen=True, slots=True)
class FileSummary:
    """What one file named on the command line held for one blog."""

    path: str
    format: str  # "text capture", "HTML page", "WARC", "WACZ"
    outlet: str | None
    captures: int  # a web archive may hold several captures of the blog
    posts: int  # posts found, in its latest capture
    declared: int | None  # posts the page said it had ("16 Posts")
    images: int = 0  # different images its latest capture's figures show
    archived_images: int = 0  # of those, how many the file held (a web archive's image records)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What one blog got from this import."""

    captures: tuple[str, ...]  # the captures given on the command line for this blog
    files: tuple[FileSummary, ...]
    blog: str
    posts: int  # posts of the blog after the merge (the union of all its captures)
    declared: int | None
    new: int
    changed: int
    unchanged: int
    renumbered: int  # unchanged posts rewritten only to record where they stand in the captures
    removed: int  # posts the latest capture no longer shows, that earlier ones did (kept, marked)
    partial: bool
    warnings: tuple[tuple[str, CaptureWarning], ...]  # (capture path, warning)
    notes: tuple[str, ...]
    written: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Counts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    renumbered: int = 0
    removed: int = 0


@dataclass(frozen=True, slots=True)
class _BlogImport:
    """One blog after folding in this import's captures."""

    files: dict[Path, str]  # every post file and _blog.md, as they should be
    counts: _Counts
    posts: int
    declared: int | None
    partial: bool
    first_seen: tuple[Source, ...]  # the captures it had not recorded before
    media: dict[str, bytes]  # media/<sha256>.<ext>: the images its posts show


def import_captures(
    config: Config,
    captures: Sequence[Path],
    *,
    content_dir: Path | None = None,
    source_url: str | None = None,
    captured_at: str | None = None,
    progress: Callable[[int], Callable[[], None]] | None = None,
    keep_remote_images: bool | None = None,
) -> tuple[ImportReport, ...]:
    """Import every capture; all of them are parsed before anything is written.

    `captured_at` is an ISO 8601 time, or "unknown"; when it is not given the
    capture file's modification time is recorded, and a note says so.
    `keep_remote_images`: whether a photo whose image was not archived is shown
    from the outlet's server (None: as each blog recorded, else not).
    `progress(total)` is called with the number of captures and returns a
    callable invoked after each one is parsed (for a progress bar)."""
    site_root = config.root
    content_dir = content_dir if content_dir is not None else site_root / CONTENT_DIR
    _rel(site_root, content_dir)
    sources = read_sources(config, captures, parse_source_url(source_url), parse_captured_at(captured_at),
                           progress)
    # A capture whose bytes are in captures/ already (under another name) is not copied again.
    files: dict[str, bytes] = {source.record.file: source.data for source in sources if not source.same_as}
    groups = by_blog(content_dir, sources)
    ids = post_ids_by_blog(content_dir)
    blogs: dict[str, _BlogImport] = {}
    for slug, new in groups.items():
        elsewhere = {post_id for folder, found in ids.items() if folder != slug for post_id in found}
        blogs[slug] = _import_blog(config, content_dir / slug, new, keep_remote_images, elsewhere)
        ids[slug] = frozenset(path.stem for path in blogs[slug].files if path.name != BLOG_FILE)
    for result in blogs.values():
        files.update({_rel(site_root, path): text.encode("utf-8") for path, text in result.files.items()})
        files.update(result.media)
    for result in blogs.values():
        _reads_back(result.files)
    add_manifests(site_root, _rel(site_root, content_dir), files)
    written = write_files_atomically(site_root, files)
    return tuple(_report(slug, groups[slug], result, captured_at is None, written)
                 for slug, result in blogs.items())


def _report(slug: str, new: Sequence[Source], result: _BlogImport, no_time_given: bool,
            written: tuple[str, ...]) -> ImportReport:
    notes = [
        f"{source.path}: no --captured-at given; recording the file's modification time "
        f"{source.record.captured_at.isoformat() if source.record.captured_at else '?'}"
        for source in result.first_seen if source.record.captured_at_from == "file modification time"
    ] if no_time_given else []
    notes += [f"{path}: already imported as {file}" for path, file in
              dict.fromkeys((s.path, s.record.file) for s in new if s.same_as)]
    return ImportReport(
        captures=tuple(dict.fromkeys(str(s.path) for s in new)), files=_summaries(new),
        blog=slug, posts=result.posts,
        declared=result.declared, new=result.counts.new, changed=result.counts.changed,
        unchanged=result.counts.unchanged, renumbered=result.counts.renumbered,
        removed=result.counts.removed, partial=result.partial,
        warnings=tuple((str(s.path), w) for s in new for w in s.parsed.warnings),
        notes=tuple(notes), written=written,
    )


_FORMATS = {"text": "text capture", "html": "HTML page", "warc": "WARC", "wacz": "WACZ"}


def _summaries(new: Sequence[Source]) -> tuple[FileSummary, ...]:
    by_path: dict[Path, list[Source]] = {}
    for source in new:
        by_path.setdefault(source.path, []).append(source)
    summaries = []
    for path, found in by_path.items():
        latest = max(found, key=lambda s: s.record.order_key()).parsed
        summaries.append(FileSummary(str(path), _FORMATS.get(latest.format, latest.format),
                                     latest.blog.outlet, len(found), len(latest.posts),
                                     latest.blog.declared_posts, images_shown(latest), len(latest.media)))
    return tuple(summaries)


def _reads_back(files: Mapping[Path, str]) -> None:
    """Every content file as the build will read it, before anything is written:
    whatever `import` writes, `build` reads (or nothing is written)."""
    for path, text in files.items():
        data = text.encode("utf-8")
        try:
            if path.name == BLOG_FILE:
                read_blog(path, data)
            else:
                read_post(path, path.parent.name, data)
        except SiteError as error:
            raise SiteError(f"the import would write a file the build cannot read: {error.message}",
                            path=path, line=error.line, hint=error.hint) from None


def _rel(root: Path, path: Path) -> str:
    try:
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        raise SiteError("the content folder must be inside the site folder", path=path) from None


# One blog -----------------------------------------------------------------------

def _import_blog(config: Config, blog_dir: Path, new: Sequence[Source], keep_remote_images: bool | None,
                 elsewhere: Collection[str]) -> _BlogImport:
    """The blog's files after folding `new` into every capture it recorded."""
    existing = read_existing(blog_dir)
    records = {r.key: r for r in (existing.blog.captures if existing.blog else ())}
    parsed: dict[str, ParsedCapture] = {}
    first_seen: list[Source] = []
    for source in new:
        known = records.get(source.record.key) or _grown(records.values(), source)
        key = source.record.key if known is None else known.key
        records[key] = source.record if known is None else _refresh(known, source.record)
        if known is None:
            first_seen.append(source)
        parsed[key] = source.parsed
    for key, record in records.items():
        if key not in parsed:
            parsed[key] = _reparse(config, record, blog_dir / BLOG_FILE)
    merged = merge([(record, parsed[key]) for key, record in records.items()], existing.posts, elsewhere)
    ordered = sorted(records.values(), key=CaptureRecord.order_key)
    remote = keep_remote_images if keep_remote_images is not None else \
        existing.blog is not None and existing.blog.keep_remote_images
    images, media = blog_images(ordered, parsed, remote)
    files, counts = _post_files(blog_dir, merged, existing, images)
    archived = len(existing.names | {path.name for path in files})
    description = existing.blog.description if existing.blog else ""
    files[blog_dir / BLOG_FILE] = blog_file(parsed[ordered[-1].key], ordered, archived, merged,
                                            description, _identity(new, existing), remote)
    declared = declared_posts(ordered)
    return _BlogImport(files, counts, len(merged), declared, is_partial(merged, declared),
                       tuple(first_seen), media)


def _identity(new: Sequence[Source], existing: ExistingBlog) -> str:
    """The blog's identity: the page's address once any capture gave it, else what
    content/ recorded, else this import's outlet and title."""
    addresses = [source.identity for source in new if is_address(source.identity)]
    if addresses:
        return addresses[-1]
    if existing.blog is not None and existing.blog.identity:
        return existing.blog.identity
    return new[-1].identity


def _reparse(config: Config, record: CaptureRecord, blog_path: Path) -> ParsedCapture:
    """A capture the blog recorded earlier, read again from captures/ (and checked)."""
    path = config.root / record.file
    data = read_bytes(path)
    if not recorded(data, record.size, record.sha256, appendable=record.format == "warc"):
        raise SiteError(f"capture does not match the sha256 recorded in {blog_path}",
                        path=path, hint="run `liveblog verify`")
    return sniff.read_one(data, source=record.file, record_offset=record.record_offset,
                          zones=config.zone_map(), topic_rules=config.rules_map(), anchor=anchor_of(record),
                          site_zone=config.tz())


def _post_files(blog_dir: Path, merged: Sequence[MergedPost], existing: ExistingBlog, images: Images
                ) -> tuple[dict[Path, str], _Counts]:
    """Every merged post's file, and how many are new, changed or unchanged."""
    files: dict[Path, str] = {}
    new = changed = unchanged = renumbered = removed = 0
    for post in merged:
        old = existing.files.get(post.id)
        gone = post.removed_in is not None and (old is None or old.meta.get("removed_in") is None)
        removed += gone
        meta = post_meta(post, blog_dir.name, old.meta if old else None, images)
        text = post_file(meta, post, images)
        files[blog_dir / f"{post.id}.md"] = text
        if old is None:
            new += 1
        elif old.text == text:
            unchanged += 1
        elif only_moved(meta, post, old.meta, old.text, images):
            unchanged += 1
            renumbered += 1
        elif not gone:  # a post only marked removed is counted as removed, not changed
            changed += 1
    return files, _Counts(new, changed, unchanged, renumbered, removed)


def _grown(known: Iterable[CaptureRecord], source: Source) -> CaptureRecord | None:
    """The record of this capture made when its WARC was shorter: the same file and
    record, and the file then was the first bytes of the file now (`liveblog capture`
    appends a round at a time)."""
    record = source.record
    if record.format != "warc" or record.record_offset is None:
        return None
    return next((old for old in known if old.file == record.file and old.record_offset == record.record_offset
                 and old.format == "warc" and recorded(source.data, old.size, old.sha256, appendable=True)),
                None)


def _refresh(old: CaptureRecord, new: CaptureRecord) -> CaptureRecord:
    """Re-importing a recorded capture keeps its record, except what the options now say."""
    if new.source_url is not None:
        old = replace(old, source_url=new.source_url)
    if new.captured_at_from != "file modification time":
        old = replace(old, captured_at=new.captured_at, captured_at_from=new.captured_at_from)
    return old
