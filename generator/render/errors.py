"""A template's failure as the one-line `templates/x.html:LINE: message` error.

Jinja rewrites a rendering error's traceback so that its frames are the
templates' own files and lines; the last such frame is where the template
went wrong (`{{ 1 // 0 }}`, a filter given the wrong type). A template that
is not UTF-8 is found by reading the template folders again, and one that
extends or includes itself (directly or round a loop) is named with its
first `extends`/`include` line. Anything with no template frame is a bug in
liveblog, and is not turned into a user error.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Sequence
from pathlib import Path

from generator.core.errors import SiteError, not_utf8

_REFERENCE = re.compile(r"{%-?\s*(?:extends|include|import|from)\b")


def shown(path: Path, root: Path) -> str:
    """A template's path as messages show it: relative to the site when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def runtime_error(error: Exception, root: Path) -> SiteError | None:
    """The SiteError for an exception raised while a template ran, at its template line."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if frame.filename.endswith((".html", ".xml", ".txt", ".j2", ".jinja"))]
    if not frames:
        return None
    frame = frames[-1]
    if isinstance(error, SiteError):  # ours (a refused link): its own words, at the template's line
        return SiteError(error.message, path=shown(Path(frame.filename), root), line=frame.lineno, hint=error.hint)
    message = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return SiteError(f"template error: {message}", path=shown(Path(frame.filename), root), line=frame.lineno)


def undecodable(folders: Sequence[Path], root: Path) -> SiteError | None:
    """The first template in `folders` that is not UTF-8, named with the line of its bad byte."""
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if not path.is_file():
                continue
            try:
                path.read_bytes().decode("utf-8")
            except UnicodeDecodeError as error:
                return not_utf8(error, shown(path, root))
    return None


def loop(template: str, folders: Sequence[Path], root: Path) -> SiteError:
    """A template that extends or includes itself, at its first such line."""
    for folder in folders:
        path = folder / template
        if path.is_file():
            lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
            line = next((n for n, text in enumerate(lines, start=1) if _REFERENCE.search(text)), None)
            return SiteError("template extends or includes itself (directly or through others)",
                             path=shown(path, root), line=line)
    return SiteError("template extends or includes itself (directly or through others)",
                     path=f"templates/{template}")
