"""One process at a time changes a site: the site lock.

Two imports of one blog at once each read `_blog.md`, merge their capture and
write it back; without a lock the second write silently drops the first
capture's merge (issue 17 §11). Every command that writes the site (import,
build, export-bag, each rebuild of `serve`; later `capture` and
`export-wacz`) runs inside `site_lock(site_root, timeout)`.

Why `fcntl.flock`, not the `filelock` package: the kernel drops the lock when
its process dies, even by SIGKILL, so there is never a stale lock to break by
hand or guess about; it needs no dependency; waiting with a message and a
timeout is a short loop. (`filelock` would add Windows, which liveblog does
not run on.) The lock is taken on the site folder itself, not on a lock file:
a command that fails must leave the site exactly as it was, and a lock file
would be one more thing it wrote; a folder's inode also never changes, where
an editor saving `site.toml` replaces the file's. Where a file system cannot
lock a folder, or the folder cannot be opened, the command runs unlocked.
On Linux the waiting process names the holder's pid (from /proc/locks).
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

DEFAULT_TIMEOUT = 600.0  # seconds a command waits for another to finish with the site
_POLL = 0.05  # seconds between tries while waiting
_BUSY = {errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES}


@contextmanager
def site_lock(site_root: Path, timeout: float = DEFAULT_TIMEOUT, *,
              waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the site's exclusive lock for the `with` block.

    When another process holds it, `waiting` is told once (a line for the
    terminal) and the lock is tried again until `timeout` seconds have passed;
    then a SiteError names the site folder and the holder."""
    try:
        handle = os.open(site_root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        yield  # no such folder (the command will say so) or not readable: nothing to guard
        return
    try:
        if _acquire(handle, site_root, timeout, waiting):
            yield
        else:
            yield  # this file system cannot lock a folder
    finally:
        os.close(handle)  # releases the lock


def _acquire(handle: int, site_root: Path, timeout: float, waiting: Callable[[str], None] | None) -> bool:
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError as error:
            if error.errno not in _BUSY:
                return False
        holder = _holder(handle)
        if time.monotonic() >= deadline:
            raise SiteError(f"another liveblog process ({holder}) is still changing this site",
                            path=site_root,
                            hint=f"waited {timeout:g} s; let it finish, or pass a longer --lock-timeout")
        if not told and waiting is not None:
            waiting(f"waiting for another liveblog process ({holder}) to finish with this site…")
            told = True
        time.sleep(min(_POLL, max(0.0, deadline - time.monotonic())))


def _holder(handle: int) -> str:
    """"pid 1234" of the process holding the lock on the folder, where the OS says."""
    stat = os.fstat(handle)
    device = f"{os.major(stat.st_dev):02x}:{os.minor(stat.st_dev):02x}:{stat.st_ino}"
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return "pid unknown"
    for line in lines:
        fields = line.split()
        # "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"; "->" marks a waiter
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == device:
            return f"pid {fields[4]}"
    return "pid unknown"
