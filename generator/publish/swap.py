"""Putting a new output folder in place of the old one in one step.

On Linux (3.15+, glibc 2.28+) `renameat2(RENAME_EXCHANGE)` swaps two names
atomically: at every instant `public/` is one whole build, the old or the
new, and the old one is then under the staging name, to be removed. Python
has no binding for it (os.rename is rename(2)), so it is called through
ctypes. Elsewhere (macOS, Windows, a file system that refuses the flag) the
swap falls back to two renames, old out of the way then new in: a crash
between them leaves no `public/` (but both trees on disk, each whole), which
the next build repairs.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
from collections.abc import Callable
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 1 << 1
# Not supported here, as opposed to a real failure (a missing folder, no permission).
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}


def _renameat2() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not glibc 2.28+ (musl has it since 1.2.5)
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_RENAMEAT2 = _renameat2()  # found once; the function itself holds no state


def exchange(first: Path, second: Path) -> bool:
    """Swap the names of two existing paths atomically; False where the OS cannot."""
    if _RENAMEAT2 is None:
        return False
    result = _RENAMEAT2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(second))
