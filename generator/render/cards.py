"""The per-build store of rendered cards and post bodies.

A live blog's archive lists each post on many pages (its blog's pages, the
front page, feeds), so a card or a body is worth rendering once per build.
`CardStore` keeps them in an append-only anonymous temporary file with a
small in-memory index, so memory stays flat however large the archive.
"""

from __future__ import annotations

import os
import tempfile
from collections import OrderedDict
from typing import IO


class CardStore:
    """The cards (and post bodies) rendered in this build, by key.

    The last few hundred are kept in memory; all of them are appended to an
    anonymous temporary file, with an index of where each one starts (its
    key's hash → offset and length; the key is stored with the text and
    compared on reading, so a hash collision is only a miss). A card is
    rendered once however many pages list it, and memory stays flat however
    large the archive. Each process (a forked renderer) opens its own."""

    def __init__(self, keep: int = 500) -> None:
        self._keep = keep
        self._recent: OrderedDict[str, str] = OrderedDict()
        self._index: dict[int, int] = {}  # hash(key) -> offset << 32 | length
        self._file: IO[bytes] | None = None
        self._end = 0
        self._pid = 0

    def get(self, key: str) -> str | None:
        html = self._recent.get(key)
        if html is not None:
            self._recent.move_to_end(key)
            return html
        place = self._index.get(hash(key)) if self._pid == os.getpid() else None
        if place is None:
            return None
        assert self._file is not None
        stored = os.pread(self._file.fileno(), place & 0xFFFFFFFF, place >> 32).decode("utf-8")
        stored_key, _, html = stored.partition("\0")
        if stored_key != key:
            return None
        self._remember(key, html)
        return html

    def put(self, key: str, html: str) -> None:
        if self._file is None or self._pid != os.getpid():
            self._pid = os.getpid()
            self._file = tempfile.TemporaryFile(prefix="liveblog-cards-", buffering=0)
            self._index = {}
            self._recent.clear()
            self._end = 0
        data = f"{key}\0{html}".encode()
        os.pwrite(self._file.fileno(), data, self._end)
        self._index[hash(key)] = self._end << 32 | len(data)
        self._end += len(data)
        self._remember(key, html)

    def _remember(self, key: str, html: str) -> None:
        self._recent[key] = html
        if len(self._recent) > self._keep:
            self._recent.popitem(last=False)

    def close(self) -> None:
        if self._file is not None and self._pid == os.getpid():
            self._file.close()
        self._file = None
        self._index = {}
        self._recent.clear()
