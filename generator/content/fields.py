"""Typed access to one content file's front matter: every failure names the file and line."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from generator.core import frontmatter
from generator.core.dates import RANGE, plausible
from generator.core.errors import SiteError, quoted
from generator.core.urls import is_web_url


@dataclass(frozen=True, slots=True)
class Fields:
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

    def text_(self, key: str, *, required: bool = False, empty_ok: bool = False) -> str | None:
        """A string; `empty_ok`: '' too (an earlier copy of a post that had no text yet)."""
        value = self.meta.get(key)
        if value is None:
            if required and self.parent:
                raise self.fail(key, "missing")
            if required:
                raise SiteError(f"missing '{key}'", path=self.path, line=2)
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not (value.strip() or (empty_ok and not value)):
            raise self.fail(key, "must be a non-empty string")
        return value

    def web_url(self, key: str) -> str | None:
        """An http(s) address (a page links to it): never javascript:, data: or the like,
        whatever wrote the file (core/urls.py `is_web_url`)."""
        value = self.text_(key)
        if value is not None and not is_web_url(value):
            raise self.fail(key, f"must be an http(s) URL, not {value[:80] + ('…' if len(value) > 80 else '')!r}")
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.meta.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(key, "must be a list of strings, like [A, B]")
        for item in value:
            if not isinstance(item, str) or not item.strip():
                raise self.fail(key, f"every item must be a non-empty string, not {quoted(item)}")
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
                raise self.fail(key, f"not an ISO 8601 time: {quoted(value)}") from None
        if not isinstance(value, datetime):
            raise self.fail(key, "must be a time like 2023-07-08T11:29:00-04:00")
        if value.tzinfo is None or value.utcoffset() is None:
            raise self.fail(key, "has no UTC offset", hint="write it like 2023-07-08T11:29:00-04:00")
        self._plausible(key, value)
        return value

    def _plausible(self, key: str, value: date) -> None:
        if not plausible(value):
            raise self.fail(key, f"{value.isoformat()} is outside the years {RANGE}",
                            hint="a live blog's times lie between those years")

    def day(self, key: str) -> date:
        value = self.meta.get(key)
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                raise self.fail(key, f"not a date like 2023-07-08: {quoted(value)}") from None
        if isinstance(value, datetime) or not isinstance(value, date):
            if value is None:
                raise SiteError(f"missing '{key}'", path=self.path, line=2)
            raise self.fail(key, "must be a date like 2023-07-08")
        self._plausible(key, value)
        return value

    def records(self, key: str) -> list[Fields]:
        """A list of mappings (`captures:` of a blog, `revisions:` of a post)."""
        value = self.meta.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self.fail(key, "must be a list of records (key: value blocks)")
        return [Fields(item, self.text, self.path, key) for item in value]

    def integer(self, key: str, default: int | None = None) -> int | None:
        value = self.meta.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(key, "must be a whole number")
        return value

    def choice(self, key: str, allowed: tuple[str, ...], *, default: str) -> str:
        value = self.meta.get(key)
        value = default if value is None else value
        if value not in allowed:
            raise self.fail(key, f"must be one of {', '.join(allowed)}")
        return str(value)

    def flag(self, key: str) -> bool:
        value = self.meta.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value
