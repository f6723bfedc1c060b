"""`liveblog export-wacz BLOG|--all OUT.wacz`: a blog's web archives as one WACZ 1.1.1 package.

The package (archive/wacz.py) holds the WARCs the blog's captures came from,
as kept in captures/, a CDXJ index, the captured pages and the sha256 of
every file: what ReplayWeb.page, pywb and other archives read. Captures that
are no web archive (a saved HTML page, a text) are left out and the report
names them: wrapping a saved page in a WARC record would invent the HTTP
response it never had. The package is written to a temporary file beside
OUT and renamed into place only when complete, so a failure leaves nothing,
and an existing OUT is replaced only by a whole package.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.archive.wacz import package_blogs
from generator.content.read import read_blog
from generator.core.config import Config
from generator.core.errors import SiteError
from generator.core.model import Blog
from generator.core.paths import BLOG_FILE, CONTENT_DIR
from generator.core.replay import web_archive_captures


@dataclass(frozen=True, slots=True)
class ExportReport:
    path: Path
    blogs: tuple[str, ...]  # the blog folders packaged
    warcs: int
    pages: int
    bytes: int
    left_out: tuple[str, ...]  # capture files that are no web archive
    skipped: tuple[str, ...]  # with --all: blogs with no web-archive capture
    unlisted: tuple[str, ...]  # captures whose record the index does not hold


def export_wacz(config: Config, blog: str | None, out: Path) -> ExportReport:
    """Package the blog folder `blog` (None: every blog with a web-archive capture) into `out`."""
    content = config.root / CONTENT_DIR
    if blog is not None:
        chosen = [_one_blog(content, blog)]
        skipped: tuple[str, ...] = ()
    else:
        every = _every_blog(content)
        chosen = [b for b in every if web_archive_captures(b)]
        skipped = tuple(b.slug for b in every if not web_archive_captures(b))
        if not chosen:
            raise SiteError("no blog has a web-archive capture (WARC or WACZ) to package", path=content,
                            hint="import a .warc, .warc.gz or .wacz first")
    target = _target(out)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            package, archives = package_blogs(stream, config.root, chosen)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return ExportReport(path=target, blogs=tuple(b.slug for b in chosen), warcs=package.files,
                        pages=len(package.pages), bytes=target.stat().st_size, left_out=archives.left_out,
                        skipped=skipped, unlisted=package.unlisted)


def _one_blog(content: Path, name: str) -> Blog:
    folder = content / name
    if "/" in name or name in ("", ".", "..") or not (folder / BLOG_FILE).is_file():
        known = sorted(p.parent.name for p in content.glob(f"*/{BLOG_FILE}"))
        raise SiteError(f"no blog {name!r} in content/", path=content,
                        hint="blogs here: " + (", ".join(known) if known else "none (import a capture first)"))
    return read_blog(folder / BLOG_FILE)


def _every_blog(content: Path) -> list[Blog]:
    return [read_blog(path) for path in sorted(content.glob(f"*/{BLOG_FILE}"))]


def _target(out: Path) -> Path:
    """The output file, refused before any work is lost: a folder, or a folder that is missing
    or cannot be written."""
    target = out.absolute()
    if target.is_dir():
        raise SiteError("is a folder; name the .wacz file to write", path=out)
    if not target.parent.is_dir():
        raise SiteError("cannot write here: its folder does not exist or is not a folder", path=out)
    if not os.access(target.parent, os.W_OK | os.X_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise SiteError("cannot write here: permission denied", path=out)
    return target
