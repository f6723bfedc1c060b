"""The one error type for problems in the user's input or site."""

from __future__ import annotations

import reprlib
from dataclasses import dataclass
from pathlib import Path


class SiteError(Exception):
    """A problem the user can fix: bad input, bad config, an unwritable folder.

    ``str()`` gives ``path:line: message`` (and `` (hint)``), one line, so the
    CLI can print it as is. Anything that is not a SiteError is a bug.
    """

    def __init__(
        self,
        message: str,
        path: str | Path | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path + (f":{self.line}" if self.line is not None else "") + ": "
        text = where + self.message
        if self.hint:
            text += f" ({self.hint})"
        return " ".join(text.split("\n"))


@dataclass(frozen=True, slots=True)
class Problem:
    """A problem found while checking a site (`check`, `verify`): reported, not raised."""

    where: str  # a path relative to the site, or path:line
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


QUOTED_MAX = 80  # characters of a value an error message quotes


def quoted(value: object) -> str:
    """A value as an error message quotes it (its repr), at most `QUOTED_MAX` characters.

    reprlib cuts long strings and deep or long lists while it writes, so a
    hostile file's megabyte-long value, or a huge nested one, never reaches
    the terminal whole (nor is formatted whole first)."""
    shortener = reprlib.Repr()  # a fresh one: its limits are attributes
    shortener.maxlevel, shortener.maxlist, shortener.maxdict = 3, 6, 6
    shortener.maxstring = shortener.maxother = shortener.maxlong = QUOTED_MAX
    text = shortener.repr(value)
    return text if len(text) <= QUOTED_MAX else text[: QUOTED_MAX - 1] + "…"


def not_utf8(error: UnicodeDecodeError, path: str | Path) -> SiteError:
    """The SiteError for a file that is not UTF-8, naming the line of the first bad byte."""
    line = error.object[: error.start].count(b"\n") + 1
    return SiteError(f"not UTF-8 text ({error.reason})", path=path, line=line,
                     hint="save the file as UTF-8")
