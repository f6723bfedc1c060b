"""The folders a build stages beside its output, and removing those a killed build left.

A build writes `public.tmp-<random>/` next to `public/` and swaps it in
(swap.py); the fallback swap also parks the old tree as `public.old-<random>/`.
Each such folder has an owner note beside it, `public.tmp-<random>.owner`,
written before the folder exists and removed after it is gone: the process
id, that process's start time and the boot id (so a reused pid, or a reboot,
is not mistaken for the owner still running), and the host name. Every build
first removes the folders whose owner is dead; a folder whose owner still
runs, or that has no owner note (not ours to judge), is left alone.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import time
from dataclasses import dataclass
from pathlib import Path

OWNER_SUFFIX = ".owner"
KINDS = ("tmp", "old")  # a staged new tree; an old tree on its way out
_FORMAT = "liveblog staging folder 1"
_WRITE_SECONDS = 60  # an unreadable owner note older than this was cut off by a kill
# Tests only: "point:n" makes crash_point(point, n) kill this process (tests/test_crash.py).
_CRASH_AT = os.environ.get("LIVEBLOG_TEST_CRASH_AT", "")


@dataclass(frozen=True, slots=True)
class Owner:
    pid: int
    started: str  # the process's start time in clock ticks after boot ("" where unknown)
    boot: str  # the kernel's boot id ("" where unknown)
    host: str

    def text(self) -> str:
        return f"{_FORMAT}\npid={self.pid}\nstarted={self.started}\nboot={self.boot}\nhost={self.host}\n"


def this_process() -> Owner:
    pid = os.getpid()
    return Owner(pid=pid, started=_started(pid) or "", boot=_boot_id(), host=socket.gethostname())


def parse_owner(text: str) -> Owner | None:
    lines = text.splitlines()
    if not lines or lines[0] != _FORMAT:
        return None
    fields = dict(line.partition("=")[::2] for line in lines[1:])
    try:
        return Owner(pid=int(fields["pid"]), started=fields["started"], boot=fields["boot"],
                     host=fields["host"])
    except (KeyError, ValueError):
        return None


def alive(owner: Owner) -> bool:
    """Whether the process that made a staging folder may still be using it."""
    if owner.host != socket.gethostname():
        return True  # another machine's, on a shared disk: never ours to remove
    if owner.boot and owner.boot != _boot_id():
        return False
    started = _started(owner.pid)
    if started is None:
        return False
    return not owner.started or not started or started == owner.started


def _started(pid: int) -> str | None:
    """The start time of a running process ("" where the OS does not say); None: no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        if Path("/proc/self/stat").exists():
            return None  # Linux, and no such process
    except OSError:
        pass
    else:
        return stat.rpartition(")")[2].split()[19]  # field 22, counting from the pid
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # someone else's, alive
    return ""


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def new_folder(out_dir: Path, kind: str, *, create: bool = True) -> Path:
    """A new `<out>.<kind>-<random>` beside `out_dir`, its owner note written first.
    `create=False` only reserves the name (for a folder about to be renamed there)."""
    parent = out_dir.parent
    note = this_process().text()
    while True:
        folder = parent / f"{out_dir.name}.{kind}-{secrets.token_hex(4)}"
        try:
            with open(_owner_path(folder), "x", encoding="utf-8") as handle:
                handle.write(note)
        except FileExistsError:
            continue
        if not create:
            return folder
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            _owner_path(folder).unlink()
            continue
        except BaseException:
            _owner_path(folder).unlink(missing_ok=True)
            raise
        return folder


def discard(folder: Path) -> None:
    """Remove a staging folder, then its owner note (so a kill meanwhile leaves it marked)."""
    shutil.rmtree(folder, ignore_errors=True)
    if not folder.exists():
        _owner_path(folder).unlink(missing_ok=True)


def sweep(out_dir: Path) -> list[Path]:
    """Remove the staging folders beside `out_dir` that a dead build left; return them."""
    removed = []
    for kind in KINDS:
        for note in sorted(out_dir.parent.glob(f"{out_dir.name}.{kind}-*{OWNER_SUFFIX}")):
            folder = note.with_name(note.name[: -len(OWNER_SUFFIX)])
            if not _stale(note):
                continue
            discard(folder)
            removed.append(folder)
    return removed


def _stale(note: Path) -> bool:
    try:
        owner = parse_owner(note.read_text(encoding="utf-8"))
        age = time.time() - note.stat().st_mtime
    except (OSError, UnicodeDecodeError):
        return False
    if owner is None:
        return age > _WRITE_SECONDS
    return not alive(owner)


def _owner_path(folder: Path) -> Path:
    return folder.with_name(folder.name + OWNER_SUFFIX)


def crash_point(point: str, number: int = 0) -> None:
    """Tests only: die here, as a SIGKILL would, when LIVEBLOG_TEST_CRASH_AT is `point:number`."""
    if _CRASH_AT and _CRASH_AT == f"{point}:{number}":
        os.kill(os.getpid(), signal.SIGKILL)
