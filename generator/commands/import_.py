"""`liveblog import`: captures → content/<blog>/*.md and captures/.

Reads each new capture and parses it (pure, `capture.parse_capture`); then,
for every blog it touches, re-parses all captures recorded for that blog and
folds them in capture-time order (`merge.merge`), so the result does not
depend on import order. Everything that changed (post files, _blog.md, the
raw captures, both fixity manifests) is written in one atomic step
(`output.write_files_atomically`). A post file's `topics` and `draft`, when
edited by hand, survive a re-import; every other field comes from captures.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from generator import __version__
from generator.core import frontmatter
from generator.ingest.record import CaptureWarning, ParsedCapture
from generator.ingest.text.parse import decode_capture, parse_capture
from generator.core.config import Config
from generator.core.errors import SiteError
from generator.core.paths import BLOG_FILE, CAPTURES_DIR, read_bytes, read_text_if_there
from generator.core.fixity import MANIFEST, parse_manifest, sha256_bytes, manifest_text
from generator.content.merge import CaptureInfo, ExistingPost, MergedPost, merge
from generator.publish.atomic import write_files_atomically
from generator.content.write import blog_meta, declared_count, is_partial, post_file

IMPORTER = f"liveblog {__version__}"
# Lines that only say where a post stands in its captures: a rewrite that
# changes nothing else counts as "unchanged" (its text is the same).
_PROVENANCE = re.compile(r"^(position: \d+|captures: \[.*\])\n", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What one blog got from this import."""

    captures: tuple[str, ...]  # the captures given on the command line for this blog
    blog: str
    posts: int  # posts of the blog after the merge (the union of all its captures)
    declared: int | None
    new: int
    changed: int
    unchanged: int
    renumbered: int  # unchanged posts rewritten only to record where they stand in the captures
    partial: bool
    warnings: tuple[tuple[str, CaptureWarning], ...]  # (capture path, warning)
    notes: tuple[str, ...]
    written: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Source:
    path: Path
    data: bytes
    info: CaptureInfo
    parsed: ParsedCapture


def import_captures(
    config: Config,
    captures: Sequence[Path],
    *,
    content_dir: Path | None = None,
    source_url: str | None = None,
    captured_at: str | None = None,
    progress: Callable[[int], Callable[[], None]] | None = None,
) -> tuple[ImportReport, ...]:
    """Import every capture; all of them are parsed before anything is written.

    `captured_at` is an ISO 8601 time, or "unknown"; when it is not given the
    capture file's modification time is recorded, and a note says so.
    `progress(total)` is called with the number of captures and returns a
    callable invoked after each one is parsed (for a progress bar)."""
    site_root = config.root
    content_dir = content_dir if content_dir is not None else site_root / "content"
    _rel(site_root, content_dir)
    if source_url is not None and not re.match(r"^https?://\S+$", source_url):
        raise SiteError(f"--source-url must be an http(s) URL, not {source_url!r}")
    when = _parse_captured_at(captured_at)
    tick = progress(len(captures)) if progress is not None else None
    files: dict[str, bytes] = {}
    sources: list[_Source] = []
    notes: dict[str, list[str]] = {}
    for path in captures:
        source = _read_new(path, config, site_root, files, source_url, when)
        files[source.info.file] = source.data
        sources.append(source)
        if tick is not None:
            tick()

    reports = []
    by_blog: dict[str, list[_Source]] = {}
    for source in sources:
        by_blog.setdefault(source.parsed.blog.slug, []).append(source)
    for slug, new in by_blog.items():
        blog_dir = content_dir / slug
        blog_files, counts, merged, first_seen = _import_blog(config, blog_dir, new)
        if captured_at is None:
            notes[slug] = [
                f"{source.path}: no --captured-at given; recording the file's modification time "
                f"{source.info.captured_at.isoformat() if source.info.captured_at else '?'}"
                for source in first_seen
            ]
        files.update({_rel(site_root, path): text.encode("utf-8") for path, text in blog_files.items()})
        latest = max((p for p in merged), key=lambda m: m.current.capture.order_key(), default=None)
        declared = declared_count(blog_files[blog_dir / BLOG_FILE])
        reports.append((slug, new, counts, len(merged), declared, latest is not None and is_partial(merged, declared)))

    _add_manifests(site_root, content_dir, files)
    written = write_files_atomically(site_root, files)
    return tuple(
        ImportReport(
            captures=tuple(str(s.path) for s in new),
            blog=slug,
            posts=count,
            declared=declared,
            new=counts[0],
            changed=counts[1],
            unchanged=counts[2],
            renumbered=counts[3],
            partial=partial,
            warnings=tuple((str(s.path), w) for s in new for w in s.parsed.warnings),
            notes=tuple(notes.get(slug, ())),
            written=written,
        )
        for slug, new, counts, count, declared, partial in reports
    )


# Reading captures ---------------------------------------------------------------

def _parse(data: bytes, path: Path | str, config: Config) -> ParsedCapture:
    text = decode_capture(data, source=str(path))
    return parse_capture(text, source=str(path), zones=config.zone_map(),
                         topic_rules=config.rules_map())


def _read_new(path: Path, config: Config, site_root: Path, planned: Mapping[str, bytes],
              source_url: str | None, when: datetime | None | str) -> _Source:
    data = read_bytes(path)
    parsed = _parse(data, path, config)
    digest = sha256_bytes(data)
    if when is None:
        moment: datetime | None = datetime.fromtimestamp(int(path.stat().st_mtime), tz=timezone.utc)
        how = "file modification time"
    elif when == "unknown":
        moment, how = None, "unknown"
    else:
        assert isinstance(when, datetime)
        moment, how = when, "option"
    info = CaptureInfo(
        file=_capture_name(site_root, path.name, data, digest, planned),
        sha256=digest,
        size=len(data),
        source_url=source_url,
        captured_at=moment,
        captured_at_from=how,
        updated=parsed.blog.updated,
        declared_posts=parsed.blog.declared_posts,
        found_posts=len(parsed.posts),
        partial=parsed.partial,
        importer=IMPORTER,
    )
    return _Source(path, data, info, parsed)


def _parse_captured_at(value: str | None) -> datetime | None | str:
    if value is None or value == "unknown":
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise SiteError(f"--captured-at is not an ISO 8601 time: {value!r}",
                        hint="e.g. 2023-07-08T18:00:00-04:00, or 'unknown'") from None
    if moment.tzinfo is None:
        raise SiteError(f"--captured-at needs a UTC offset: {value!r}",
                        hint="e.g. 2023-07-08T18:00:00-04:00")
    return moment


def _capture_name(site_root: Path, name: str, data: bytes, digest: str,
                  planned: Mapping[str, bytes]) -> str:
    """captures/<name>; a different capture with the same name gets its hash appended."""
    rel = f"{CAPTURES_DIR}/{name}"
    existing = planned.get(rel)
    if existing is None and (site_root / rel).is_file():
        existing = (site_root / rel).read_bytes()
    if existing is None or existing == data:
        return rel
    stem, dot, suffix = name.rpartition(".")
    return f"{CAPTURES_DIR}/{stem if dot else name}-{digest[:12]}{dot}{suffix if dot else ''}"


def _rel(root: Path, path: Path) -> str:
    try:
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        raise SiteError("the content folder must be inside the site folder", path=path) from None


# One blog -----------------------------------------------------------------------

def _import_blog(config: Config, blog_dir: Path, new: Sequence[_Source]
                 ) -> tuple[dict[Path, str], tuple[int, int, int, int], tuple[MergedPost, ...],
                            list[_Source]]:
    """The blog's files after folding in `new`; also which of `new` it had not recorded yet."""
    blog_path = blog_dir / BLOG_FILE
    old_blog = _read_existing(blog_path)
    recorded = _recorded_captures(old_blog[0] if old_blog else {}, blog_path)
    infos: dict[str, CaptureInfo] = {info.sha256: info for info in recorded}
    first_seen: list[_Source] = []
    parsed: dict[str, ParsedCapture] = {}
    for source in new:
        known = infos.get(source.info.sha256)
        infos[source.info.sha256] = source.info if known is None else _refresh(known, source.info)
        if known is None:
            first_seen.append(source)
        parsed[source.info.sha256] = source.parsed
    root = config.root
    for digest, info in infos.items():
        if digest not in parsed:
            path = root / info.file
            data = read_bytes(path)
            if sha256_bytes(data) != digest:
                raise SiteError(f"capture does not match the sha256 recorded in {blog_path}",
                                path=path, hint="run `liveblog verify`")
            parsed[digest] = _parse(data, info.file, config)
    pairs = [(info, parsed[digest]) for digest, info in infos.items()]

    existing_posts, old_files = _existing_posts(blog_dir)
    merged = merge(pairs, existing_posts)
    files: dict[Path, str] = {}
    new_count = changed = unchanged = renumbered = 0
    for post in merged:
        path = blog_dir / f"{post.id}.md"
        old = old_files.get(post.id)
        text = post_file(post, blog_dir.name, old[0] if old else None)
        files[path] = text
        if old is None:
            new_count += 1
        elif old[1] == text:
            unchanged += 1
        elif _PROVENANCE.sub("", old[1]) == _PROVENANCE.sub("", text):
            unchanged += 1
            renumbered += 1
        else:
            changed += 1
    ordered = sorted(infos.values(), key=CaptureInfo.order_key)
    latest = parsed[ordered[-1].sha256]
    on_disk = {p.name for p in blog_dir.glob("*.md") if p.name != BLOG_FILE} if blog_dir.is_dir() else set()
    archived = len(on_disk | {p.name for p in files})
    description = ""
    if old_blog is not None:
        _meta, description, _line = frontmatter.split(old_blog[1], blog_path)
    files[blog_path] = frontmatter.join(blog_meta(latest, ordered, archived, merged), description)
    return files, (new_count, changed, unchanged, renumbered), merged, first_seen


def _refresh(old: CaptureInfo, new: CaptureInfo) -> CaptureInfo:
    """Re-importing a recorded capture keeps its record, except what the options now say."""
    if new.source_url is not None:
        old = replace(old, source_url=new.source_url)
    if new.captured_at_from != "file modification time":
        old = replace(old, captured_at=new.captured_at, captured_at_from=new.captured_at_from)
    return old


def _read_existing(path: Path) -> tuple[dict[str, Any], str] | None:
    text = read_text_if_there(path)
    if text is None:
        return None
    meta, _body, _line = frontmatter.split(text, path)
    return meta, text


def _existing_posts(blog_dir: Path) -> tuple[list[ExistingPost], dict[str, tuple[dict[str, Any], str]]]:
    posts: list[ExistingPost] = []
    files: dict[str, tuple[dict[str, Any], str]] = {}
    if not blog_dir.is_dir():
        return posts, files
    for path in sorted(blog_dir.glob("*.md")):
        if path.name == BLOG_FILE:
            continue
        found = _read_existing(path)
        assert found is not None
        meta, text = found
        post_id, published = meta.get("id"), meta.get("published")
        if not isinstance(post_id, str) or not isinstance(published, datetime):
            continue  # not ours to match; `liveblog build` reports it
        _m, body, _l = frontmatter.split(text, path)
        sources = meta.get("captures")
        posts.append(ExistingPost(
            id=post_id, published=published, title=str(meta.get("title", "")), text=body.strip(),
            sources=tuple(str(s) for s in sources) if isinstance(sources, list) else (),
        ))
        files[post_id] = (meta, text)
    return posts, files


def _recorded_captures(meta: Mapping[str, Any], path: Path) -> list[CaptureInfo]:
    entries = meta.get("captures")
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise SiteError("'captures' must be a list of capture records", path=path,
                        line=frontmatter.key_line(path.read_text(encoding="utf-8"), "captures"))
    records = []
    for entry in entries:
        try:
            records.append(CaptureInfo(
                file=str(entry["file"]), sha256=str(entry["sha256"]), size=int(entry["size"]),
                source_url=entry.get("source_url"), captured_at=entry.get("captured_at"),
                captured_at_from=str(entry.get("captured_at_from", "unknown")),
                updated=entry.get("updated"), declared_posts=entry.get("declared_posts"),
                found_posts=int(entry.get("found_posts", 0)), partial=bool(entry.get("partial", False)),
                importer=str(entry.get("importer", "")),
            ))
        except (KeyError, TypeError, ValueError) as error:
            raise SiteError(f"a capture record is incomplete ({error})", path=path,
                            line=frontmatter.key_line(path.read_text(encoding="utf-8"), "captures")) from None
    return records


# Manifests ----------------------------------------------------------------------

def _add_manifests(site_root: Path, content_dir: Path, files: dict[str, bytes]) -> None:
    """captures/manifest-sha256.txt (every raw capture) and content/manifest-sha256.txt.

    The content manifest keeps the entries of files this import did not
    touch, so a hand edit elsewhere is not silently blessed."""
    captures_dir = site_root / CAPTURES_DIR
    hashes = {}
    if captures_dir.is_dir():
        hashes = {p.name: sha256_bytes(p.read_bytes()) for p in sorted(captures_dir.iterdir())
                  if p.is_file() and p.name != MANIFEST and not p.name.startswith(".")}
    for rel, data in files.items():
        if rel.startswith(f"{CAPTURES_DIR}/"):
            hashes[rel[len(CAPTURES_DIR) + 1:]] = sha256_bytes(data)
    files[f"{CAPTURES_DIR}/{MANIFEST}"] = manifest_text(hashes).encode()

    content_rel = _rel(site_root, content_dir)
    manifest_path = content_dir / MANIFEST
    recorded: dict[str, str] = {}
    if manifest_path.is_file():
        recorded = parse_manifest(manifest_path.read_text(encoding="utf-8"), manifest_path)
    prefix = f"{content_rel}/"
    for rel, data in files.items():
        if rel.startswith(prefix):
            recorded[rel[len(prefix):]] = sha256_bytes(data)
    files[f"{content_rel}/{MANIFEST}"] = manifest_text(recorded).encode()
