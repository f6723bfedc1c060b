"""`liveblog serve`: build, serve on 127.0.0.1, rebuild and reload on change.

The site is built into a temporary folder (never public/) with base_url
pointing at this server, and served under the path of the configured
base_url, so links behave as they will on GitHub Pages. A watcher thread
watches content/, templates/, static/, captures/, media/ and site.toml with
`watchfiles` (the OS's file events through Rust's notify, debounced: an
editor's burst of writes is one rebuild; no re-scan of the tree every quarter
second); a change rebuilds the site and tells every open page, over
Server-Sent Events, to reload. A watched folder created later is picked up
within a second. A build error is printed in the terminal and shown as a banner on
every page until the next good save; the server keeps running. The server
stays resident between rebuilds (commands/build.py `Resident`): every parsed
content file, the last build's state and the template references stay in
memory, and changed pages are replaced in place in its private folder, so a
rebuild after one edit reads one file and writes only the pages that show it.

Why not the `livereload` package: it throttles reloads to one per three
seconds (an edit, a broken save and a fix in quick succession lose the last
reload), keeps its state on class attributes, pulls in tornado, and needs a
websocket client script. Server-Sent Events need twelve lines of JavaScript
and nothing but the standard library (MkDocs made the same move, PR #2385).
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import watchfiles

from generator.commands.build import BuildReport, Resident, build
from generator.commands.serve_http import Live, Server, bind
from generator.core.config import CONFIG_NAME, load_config
from generator.core.errors import SiteError
from generator.core.lock import DEFAULT_TIMEOUT, site_lock
from generator.core.paths import SOURCE_FOLDERS

DEBOUNCE_MS = 1_600  # changes are gathered for at most this long …
STEP_MS = 50  # … or until none came for this long
CHECK_MS = 1_000  # how often the watcher looks for watched folders created or removed


def _watched(root: Path) -> tuple[Path, ...]:
    """The watched folders that exist now (site.toml is looked at by `_stamp`: an editor
    that saves by replacing the file would leave a watch on the old one)."""
    return tuple(root / name for name in SOURCE_FOLDERS if (root / name).is_dir())


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


def _is_source(_change: object, path: str) -> bool:
    """Editors' dotfiles, swap and backup files are not the site's."""
    name = os.path.basename(path)
    return not (name.startswith(".") or name.endswith(("~", ".swp", ".swx", ".tmp")))


def serve(
    site_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    log: Callable[[str], None] = print,
    on_build: Callable[[BuildReport], None] | None = None,
    lock_timeout: float = DEFAULT_TIMEOUT,
) -> None:
    """Serve until interrupted (Ctrl-C). Raises SiteError only before serving starts."""
    config = load_config(site_dir)
    base_path = config.base_path
    sock, port = bind(host, port, 20, log)
    url_host = f"[{host}]" if ":" in host else host
    local_base = f"http://{url_host}:{port}{base_path}"
    workdir = Path(tempfile.mkdtemp(prefix="liveblog-serve-"))
    out_dir = workdir / "site"
    live = Live()
    resident = Resident()  # the parsed content, the last state: kept between rebuilds

    def attempt(search_later: bool) -> BuildReport | None:
        """One build under the site lock; an error is told in the terminal and, when it
        is new, on the open pages. A failed build leaves no search index pending (the
        next good build says again whether one is): retrying it every quiet second
        would repeat the error and reload every open page each time."""
        try:
            with site_lock(config.root, lock_timeout, waiting=log):
                return build(site_dir, output=out_dir, base_url=local_base, resident=resident,
                             search_later=search_later)
        except SiteError as error:
            log(f"Error: {error}")
            message = str(error)
        except Exception as error:  # a bug must not take the server down
            log("".join(traceback.format_exception(error)).rstrip())
            message = f"internal error: {error!r} (see the terminal)"
        resident.search_pending = False
        if message != live.error:
            live.publish(message)
        return None

    def rebuild(search_later: bool = True) -> None:
        """Build; the open pages reload. After an edit the search bundle is left as it
        is (`search_later`): Pagefind takes about 2 ms a post page (22 s for 10,000),
        and the pages should not wait for it. `index` runs once the edits pause."""
        started = time.perf_counter()
        report = attempt(search_later)
        if report is None:
            return
        if on_build is not None:
            on_build(report)
        log(f"built {report.files:,} files in {time.perf_counter() - started:.2f} s"
            + ("; the search index follows" if report.search_pending else ""))
        live.publish(None)

    def index() -> None:
        """The search bundle brought up to date, when an edit left it behind."""
        if not resident.search_pending:
            return
        started = time.perf_counter()
        if attempt(search_later=False) is None:
            return
        log(f"search index updated in {time.perf_counter() - started:.2f} s")
        if live.error is not None:
            live.publish(None)  # an earlier failure (the lock, say) is over

    server = Server((host, port), out_dir, base_path, live, log)
    server.socket.close()
    server.socket = sock  # already bound by bind()
    server.server_address = sock.getsockname()[:2]
    sock.listen(64)
    rebuild(search_later=False)
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(config.root, stop, rebuild, index), daemon=True)
    watcher.start()
    log(f"Serving on {local_base} (Ctrl-C to stop)")
    previous = _stop_on_sigterm()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        log("stopping")
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        stop.set()
        live.stop()
        server.server_close()
        watcher.join(timeout=2)
        shutil.rmtree(workdir, ignore_errors=True)


def _stop_on_sigterm() -> signal.Handlers | Callable[..., object] | int | None:
    """Treat SIGTERM like Ctrl-C, so the temporary build folder is always removed."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def _watch(root: Path, stop: threading.Event, rebuild: Callable[[], None], idle: Callable[[], None]) -> None:
    """Rebuild after each debounced batch of changes, until `stop` is set; `idle()`
    after a quiet second (CHECK_MS) with nothing to rebuild."""
    config = _stamp(root / CONFIG_NAME)
    while not stop.is_set():
        paths = _watched(root)
        batches = watchfiles.watch(*paths, watch_filter=_is_source, debounce=DEBOUNCE_MS, step=STEP_MS,
                                   stop_event=stop, rust_timeout=CHECK_MS, yield_on_timeout=True,
                                   raise_interrupt=False) if paths else _ticks(stop)
        for changes in batches:
            now = _stamp(root / CONFIG_NAME)
            moved = _watched(root) != paths  # a watched folder appeared or went: watch anew
            if changes or now != config or moved:
                config = now
                rebuild()
            elif not stop.is_set():
                idle()
            if moved:
                break


def _ticks(stop: threading.Event) -> Iterator[set[tuple[watchfiles.Change, str]]]:
    """Nothing to watch yet: look again every CHECK_MS."""
    while not stop.wait(CHECK_MS / 1000):
        yield set()
