"""One process at a time changes a site: the site lock.

Two imports of one blog at once each read `_blog.md`, merge their capture and
write it back; without a lock the second write silently drops the first
capture's merge (issue 17 §11). Every command that writes the site (import,
build, export-bag, each rebuild of `serve`; later `capture` and
`export-wacz`) runs inside `site_lock(site_root, timeout)`.

Why `fcntl.flock` on `.liveblog/lock`, not the `filelock` package: the kernel
drops the lock when its process dies, even by SIGKILL, so there is never a
stale lock to break by hand or guess about (the lock file itself stays and
means nothing); it needs no dependency; and waiting with a message and a
timeout is a short loop. `filelock` would add Windows, where we would use
`msvcrt.locking`; liveblog runs on Linux and macOS (GitHub Pages' runners).
The holder writes its pid and command into the file, so a waiting process
can say whom it waits for.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.core.errors import SiteError
from generator.core.paths import STATE_DIR

LOCK_FILE = "lock"
DEFAULT_TIMEOUT = 600.0  # seconds a command waits for another to finish with the site
_POLL = 0.05  # seconds between tries while waiting
# The site folder cannot be written at all: nothing can change it, so nothing to lock.
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}


@contextmanager
def site_lock(site_root: Path, timeout: float = DEFAULT_TIMEOUT, *, command: str = "liveblog",
              waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the site's exclusive lock for the `with` block.

    When another process holds it, `waiting` is told once (a line for the
    terminal) and the lock is tried again until `timeout` seconds have passed;
    then a SiteError names the lock and its holder."""
    path = site_root / STATE_DIR / LOCK_FILE
    try:
        path.parent.mkdir(exist_ok=True)
        handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as error:
        if error.errno in _READ_ONLY:
            yield
            return
        raise SiteError(f"cannot open the site lock: {error.strerror or error}", path=path) from None
    try:
        _acquire(handle, path, timeout, waiting)
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"{os.getpid()} {command}\n".encode(), 0)
        yield
    finally:
        os.close(handle)  # releases the lock


def _acquire(handle: int, path: Path, timeout: float, waiting: Callable[[str], None] | None) -> None:
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        holder = _holder(handle)
        if time.monotonic() >= deadline:
            raise SiteError(f"another liveblog process ({holder}) is still using this site", path=path,
                            hint=f"waited {timeout:g} s; let it finish, or pass a longer --lock-timeout")
        if not told and waiting is not None:
            waiting(f"waiting for another liveblog process ({holder}) to finish with this site…")
            told = True
        time.sleep(min(_POLL, max(0.0, deadline - time.monotonic())))


def _holder(handle: int) -> str:
    """"pid 1234: build", as the holder wrote it."""
    try:
        pid, _, command = os.pread(handle, 200, 0).decode("utf-8", "replace").strip().partition(" ")
    except OSError:
        return "unknown"
    return f"pid {pid}: {command}" if pid.isdigit() else "unknown"
