"""Which of a blog's captures are web archives, and whether the site publishes them for replay.

One rule for `liveblog export-wacz`, the build's WACZ and replay page, and the
blog page's links: a blog's web archives are its captures of format `warc` or
`wacz` (a saved HTML page or a text is no web archive and is left out of a
WACZ); the build publishes them when `[replay]` is enabled and the capture
files add up to at most `max_wacz_mb` megabytes (the WACZ is those bytes plus
small indexes).
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.core.config import Config
from generator.core.model import Blog, CaptureRecord

WEB_ARCHIVE_FORMATS = frozenset({"warc", "wacz"})
MEGABYTE = 1_000_000


def web_archive_captures(blog: Blog) -> tuple[CaptureRecord, ...]:
    """The blog's captures that are records of a web archive, in capture-time order."""
    return tuple(record for record in blog.captures if record.format in WEB_ARCHIVE_FORMATS)


def archive_files(blog: Blog) -> dict[str, int]:
    """Each capture file holding the blog's web archive records, with its size, first seen first."""
    files: dict[str, int] = {}
    for record in web_archive_captures(blog):
        files.setdefault(record.file, record.size)
    return files


@dataclass(frozen=True, slots=True)
class ReplayPlan:
    """What the build publishes of one blog's web archives."""

    files: int  # capture files in its WACZ
    bytes: int  # their size
    published: bool  # False: over max_wacz_mb (or replay is off), the WACZ stays out of public/
    limit_mb: int


def replay_plan(blog: Blog, config: Config) -> ReplayPlan | None:
    """None when the blog has no web-archive capture or the site publishes no replays."""
    if not config.replay:
        return None
    files = archive_files(blog)
    if not files:
        return None
    size = sum(files.values())
    return ReplayPlan(files=len(files), bytes=size, published=size <= config.replay_max_mb * MEGABYTE,
                      limit_mb=config.replay_max_mb)
