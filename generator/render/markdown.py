"""Markdown → HTML: CommonMark, by GitHub's cmark-gfm (the `cmarkgfm` binding).

Why not Python-Markdown: cmark-gfm follows the CommonMark specification (a
stable, written standard suits an archive better than one library's dialect)
and converts a post in about 0.02 ms against 1.1 ms, which is most of a cold
build's time for a large archive. Raw HTML is let through here (the importer
writes photos as <figure> blocks); every caller sanitises the result with
nh3 before it reaches a page.

cmarkgfm's own `markdown_to_html` never frees the buffer cmark returns
(theacodes/cmarkgfm#53; cmark documents that the caller must free it), which
leaks about 3 kB per post: 300 MB on a 100,000-post archive. So the C
function is called here directly and its buffer handed back to libc's
`free`, the allocator cmark's default memory functions use.

That reaches into `cmarkgfm._cmark`, a private module that may change in any
release, so pyproject.toml pins cmarkgfm to exactly CMARKGFM_VERSION, and
tests/test_markup.py fails loudly if the installed version, the pin or the
functions used here drift apart.
"""

from __future__ import annotations

import ctypes
import ctypes.util

from cmarkgfm import _cmark
from cmarkgfm.cmark import Options

CMARKGFM_VERSION = "2025.10.22"  # the exact pin in pyproject.toml; see the docstring
_OPTIONS = Options.CMARK_OPT_UNSAFE


def _libc_free() -> ctypes._NamedFuncPointer | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None)
        free = libc.free
    except (OSError, AttributeError):
        return None
    free.argtypes = [ctypes.c_void_p]
    free.restype = None
    return free


_FREE = _libc_free()


def to_html(text: str) -> str:
    data = text.encode("utf-8")
    raw = _cmark.lib.cmark_markdown_to_html(data, len(data), _OPTIONS)
    try:
        return str(_cmark.ffi.string(raw).decode("utf-8")).rstrip("\n")
    finally:
        if _FREE is not None:
            _FREE(int(_cmark.ffi.cast("uintptr_t", raw)))
