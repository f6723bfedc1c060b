"""Where things are, and reading a file or raising the user error that names it.

The site's fixed names (content/, captures/, media/, _blog.md, .liveblog/), the
default theme shipped in the package, and the few file-system helpers every
stage shares: `read_bytes`/`read_text` (the one "read or raise SiteError"
rule) and `walk` (every file under a folder with its (mtime, size)).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from generator.core.errors import SiteError, not_utf8

PACKAGE = Path(__file__).resolve().parent.parent
THEME = PACKAGE / "theme"  # the default theme: templates/ and static/
SKELETON = PACKAGE / "skeleton"  # what `liveblog init` writes besides the theme
BLOG_FILE = "_blog.md"  # in each blog folder under content/: the blog itself
CONTENT_DIR = "content"
OUTPUT_DIR = "public"  # the default output folder
CAPTURES_DIR = "captures"
MEDIA_DIR = "media"  # archived images, by content: media/<sha256>.<ext> (core/media.py)
STATE_DIR = ".liveblog"  # what one build leaves for the next (git-ignored)
SOURCE_FOLDERS = (CONTENT_DIR, "templates", "static", CAPTURES_DIR, MEDIA_DIR)  # a build's inputs


def read_bytes(path: Path, *, missing: str = "no such file", hint: str | None = None) -> bytes:
    """The file's bytes; a SiteError naming it when it is missing, a folder or unreadable."""
    data = _read(path, missing, hint)
    assert data is not None
    return data


def read_text(path: Path, *, missing: str = "no such file", hint: str | None = None) -> str:
    """The file as UTF-8 text; a bad byte is a SiteError naming its line."""
    return decode_text(read_bytes(path, missing=missing, hint=hint), path)


def read_text_if_there(path: Path) -> str | None:
    """The file as UTF-8 text, or None when there is no such file."""
    data = _read(path, None, None)
    return None if data is None else decode_text(data, path)


def _read(path: Path, missing: str | None, hint: str | None) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        if missing is None:
            return None
        raise SiteError(missing, path=path, hint=hint) from None
    except IsADirectoryError:
        raise SiteError("is a folder, not a file", path=path) from None
    except OSError as error:
        raise SiteError(f"cannot read: {error.strerror or error}", path=path) from None


def decode_text(data: bytes, path: Path) -> str:
    """UTF-8 bytes of `path` as text; a bad byte is a SiteError naming its line."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise not_utf8(error, path) from None


def walk(root: Path, *, within: Path | None = None) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every file under root, by relative path (os.scandir: fast).

    Folders reached through a symbolic link are not entered. With `within` (the
    site folder), a symbolic link is refused unless it names a file inside it: a
    site cloned from elsewhere could hold `static/leak.txt -> /etc/passwd`, and a
    build must never publish or read what lies outside the site."""
    found: dict[str, tuple[int, int]] = {}
    stack = [(str(root), "")]
    inside = within.resolve() if within is not None else None
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if inside is not None and entry.is_symlink():
                _check_link(Path(entry.path), inside)
            if entry.is_dir(follow_symlinks=False):
                stack.append((entry.path, f"{prefix}{entry.name}/"))
            elif entry.is_file():
                stat = entry.stat()
                found[sys.intern(prefix + entry.name)] = (stat.st_mtime_ns, stat.st_size)
    return found


def _check_link(link: Path, inside: Path) -> None:
    """A symbolic link a build may follow: to a file inside the site folder."""
    target = link.resolve()
    if target != inside and inside not in target.parents:
        raise SiteError(f"a symbolic link points outside the site (to {target})", path=link,
                        hint="put the file itself in the site folder")
    if target.is_dir():
        raise SiteError("a symbolic link to a folder (not followed)", path=link,
                        hint="link the files, or move the folder here")


def cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
