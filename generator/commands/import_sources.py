"""`liveblog import`, first half: the files named on the command line → captures,
each with its provenance record and the blog folder it belongs to.

A file may hold several captures (a web archive's records). Which blog a
capture is of is decided by its identity (ingest/identity.py): a blog already
in content/, or a new folder named at this, its first import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from generator import __version__
from generator.content.existing import known_blogs
from generator.core.config import Config
from generator.core.dates import RANGE, plausible
from generator.core.errors import SiteError, quoted
from generator.core.model import CaptureRecord
from generator.core.fixity import MANIFEST, read_manifest, sha256_bytes
from generator.core.paths import CAPTURES_DIR, read_bytes
from generator.core.slugs import unique
from generator.ingest import limits, sniff
from generator.ingest.identity import identity_of, same_blog
from generator.ingest.record import ParsedCapture

IMPORTER = f"liveblog {__version__}"


@dataclass(frozen=True, slots=True)
class Source:
    """One capture from a file named on the command line (a web archive holds
    several): the file's bytes, the capture's record, its parse and identity."""

    path: Path
    data: bytes
    record: CaptureRecord
    parsed: ParsedCapture
    identity: str
    same_as: bool = False  # its bytes were imported before under another name: record.file


@dataclass
class _Candidate:
    """A blog a capture may belong to: in content/ already, or made by this import."""

    folder: str
    identity: str
    outlet: str | None
    names: set[str]  # its title and page headline
    posts: set[str]  # its post ids


def parse(data: bytes, path: Path | str, config: Config, anchor: datetime | None = None
          ) -> tuple[ParsedCapture, ...]:
    """Every capture in a file; `anchor`: when it was captured, if the user said."""
    return sniff.read(data, source=str(path), zones=config.zone_map(), topic_rules=config.rules_map(),
                      anchor=anchor, site_zone=config.tz())


def anchor_of(record: CaptureRecord) -> datetime | None:
    """The anchor a recorded capture was first read with (relative times count back
    from it): its capture time, when the user gave it."""
    return record.captured_at if record.captured_at_from == "option" else None


def read_sources(config: Config, captures: Sequence[Path], source_url: str | None,
              when: datetime | None | str,
              progress: Callable[[int], Callable[[], None]] | None) -> list[Source]:
    tick = progress(len(captures)) if progress is not None else None
    planned: dict[str, bytes] = {}
    by_digest = _recorded_captures(config.root)
    sources: list[Source] = []
    for path in captures:
        found = _read_file(path, config, planned, by_digest, source_url, when)
        planned[found[0].record.file] = found[0].data
        by_digest.setdefault(found[0].record.sha256, found[0].record.file)
        sources += found
        if tick is not None:
            tick()
    return sources


def _recorded_captures(site_root: Path) -> dict[str, str]:
    """captures/<name> of every capture in captures/, by its sha256 (from the manifest)."""
    recorded = read_manifest(site_root / CAPTURES_DIR / MANIFEST) or {}
    return {digest: f"{CAPTURES_DIR}/{name}" for name, digest in sorted(recorded.items())}


def _read_file(path: Path, config: Config, planned: Mapping[str, bytes], by_digest: Mapping[str, str],
               source_url: str | None, when: datetime | None | str) -> list[Source]:
    """Every capture the file holds (one, but for a web archive)."""
    if path.is_file():
        limits.check_size(path.stat().st_size, config.limits, path)
    data = read_bytes(path)
    if sniff.sniff(data) == "text capture":
        limits.check_lines(data, config.limits, path)
    digest = sha256_bytes(data)
    earlier = by_digest.get(digest)
    same_as = earlier is not None and _holds(config.root, earlier, data, planned)
    file = earlier if same_as and earlier is not None else _capture_name(config.root, path, data, digest, planned)
    sources = []
    for parsed in parse(data, path, config, when if isinstance(when, datetime) else None):
        limits.check_posts(parsed, config.limits, path)
        moment, how = _when(parsed, when, path)
        record = CaptureRecord(
            file=file, sha256=digest, size=len(data),
            source_url=_web_address(parsed.source_url) or source_url,
            captured_at=moment, captured_at_from=how,
            updated=parsed.blog.updated, declared_posts=parsed.blog.declared_posts,
            found_posts=len(parsed.posts), partial=parsed.partial, importer=IMPORTER,
            format=parsed.format, record_offset=parsed.record_offset,
        )
        identity = identity_of(parsed.blog.url or record.source_url, parsed.blog.outlet, parsed.blog.title)
        sources.append(Source(path, data, record, parsed, identity,
                              same_as=same_as and file != f"{CAPTURES_DIR}/{path.name}"))
    return sources


def _web_address(url: str | None) -> str | None:
    """An address from inside a file (a WARC's target URI), kept only when it is http(s)."""
    return url if url is not None and re.match(r"^https?://[^\s<>\"]+$", url) else None


def _when(parsed: ParsedCapture, when: datetime | None | str, path: Path) -> tuple[datetime | None, str]:
    """When the capture was taken, and how we know: the archive's record, the
    --captured-at option, or the file's modification time."""
    if parsed.captured_at is not None:
        return parsed.captured_at, "archive record"
    if when is None:
        return datetime.fromtimestamp(int(path.stat().st_mtime), tz=timezone.utc), "file modification time"
    if when == "unknown":
        return None, "unknown"
    assert isinstance(when, datetime)
    return when, "option"


def by_blog(content_dir: Path, sources: Sequence[Source]) -> dict[str, list[Source]]:
    """The captures grouped by the blog folder each belongs to (ingest/identity.py):
    one already in content/, or a new one named at this, its first import."""
    candidates = [
        _Candidate(known.folder,
                   known.blog.identity or identity_of(known.blog.source_url, known.blog.outlet, known.blog.title),
                   known.blog.outlet, {known.blog.title, known.blog.headline_at_capture or known.blog.title},
                   set(known.post_ids))
        for known in known_blogs(content_dir)
    ]
    taken = {c.folder for c in candidates}
    if content_dir.is_dir():
        taken |= {p.name for p in content_dir.iterdir()}
    groups: dict[str, list[Source]] = {}
    for source in sources:
        blog = source.parsed.blog
        names = {blog.title, blog.headline or blog.title}
        ids = {post.id for post in source.parsed.posts}
        match = next((c for c in candidates if same_blog(
            source.identity, c.identity, outlets=(blog.outlet, c.outlet), names=(names, c.names),
            posts=(ids, c.posts))), None)
        if match is None:
            match = _Candidate(unique(blog.slug, taken), source.identity, blog.outlet, set(), set())
            candidates.append(match)
        match.names |= names
        match.posts |= ids
        groups.setdefault(match.folder, []).append(source)
    return groups


def parse_source_url(value: str | None) -> str | None:
    """--source-url: an http(s) address, or None."""
    if value is not None and not re.match(r"^https?://\S+$", value):
        raise SiteError(f"--source-url {quoted(value)} is not an http(s) URL")
    return value


def parse_captured_at(value: str | None) -> datetime | None | str:
    if value is None or value == "unknown":
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise SiteError(f"--captured-at {quoted(value)} is not an ISO 8601 time",
                        hint="e.g. 2023-07-08T18:00:00-04:00, or 'unknown'") from None
    if moment.tzinfo is None:
        raise SiteError(f"--captured-at {quoted(value)} has no UTC offset",
                        hint="e.g. 2023-07-08T18:00:00-04:00")
    if not plausible(moment):
        raise SiteError(f"--captured-at {quoted(value)} is outside the years {RANGE}")
    return moment


def _holds(site_root: Path, rel: str, data: bytes, planned: Mapping[str, bytes]) -> bool:
    """Whether captures/<name> holds exactly `data` (or this import writes it there)."""
    if rel in planned:
        return planned[rel] == data
    path = site_root / rel
    return path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data


def _capture_name(site_root: Path, path: Path, data: bytes, digest: str,
                  planned: Mapping[str, bytes]) -> str:
    """captures/<name>; a different capture with the same name gets its hash appended,
    but a WARC that starts with the bytes kept under its name is that WARC grown (a
    capture appends to it) and keeps the name."""
    name = path.name
    rel = f"{CAPTURES_DIR}/{name}"
    existing = planned.get(rel)
    if existing is None and (site_root / rel).is_file():
        existing = (site_root / rel).read_bytes()
    if existing is None or existing == data:
        return rel
    if sniff.sniff(data) in ("WARC", "gzip'd WARC") and data.startswith(existing):
        return rel
    stem, dot, suffix = name.rpartition(".")
    return f"{CAPTURES_DIR}/{stem if dot else name}-{digest[:12]}{dot}{suffix if dot else ''}"
