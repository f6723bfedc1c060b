"""`liveblog serve`: build, serve on 127.0.0.1, rebuild and reload on change.

The site is built into a temporary folder (never public/) with base_url
pointing at this server, and served under the path of the configured
base_url, so links behave as they will on GitHub Pages. A watcher thread
polls content/, templates/, static/, captures/ and site.toml; a change
rebuilds the site and tells every open page, over Server-Sent Events, to
reload. A build error is printed in the terminal and shown as a banner on
every page until the next good save; the server keeps running.

Why not the `livereload` package: it throttles reloads to one per three
seconds (an edit, a broken save and a fix in quick succession lose the last
reload), keeps its state on class attributes, pulls in tornado, and needs a
websocket client script. Server-Sent Events need twelve lines of JavaScript
and nothing but the standard library (MkDocs made the same move, PR #2385).
"""

from __future__ import annotations

import shutil
import signal
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from generator.commands.build import BuildReport, build
from generator.commands.serve_http import Live, Server, bind
from generator.core.config import CONFIG_NAME, load_config
from generator.core.errors import SiteError
from generator.core.lock import DEFAULT_TIMEOUT, site_lock
from generator.core.paths import SOURCE_FOLDERS, walk

WATCHED = (*SOURCE_FOLDERS, CONFIG_NAME)  # what a build reads
POLL_SECONDS = 0.25


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every watched file; editors' dotfiles and swap files are left out."""
    files: dict[str, tuple[int, int]] = {}
    for name in WATCHED:
        top = root / name
        if top.is_file():
            stat = top.stat()
            files[name] = (stat.st_mtime_ns, stat.st_size)
            continue
        for rel, stamp in walk(top).items():
            base = rel.rsplit("/", 1)[-1]
            if not (base.startswith(".") or base.endswith(("~", ".swp", ".tmp"))):
                files[f"{name}/{rel}"] = stamp
    return files


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

    def rebuild() -> None:
        started = time.perf_counter()
        try:
            with site_lock(config.root, lock_timeout, command="serve", waiting=log):
                report = build(site_dir, output=out_dir, base_url=local_base)
        except SiteError as error:
            log(f"Error: {error}")
            live.publish(str(error))
            return
        except Exception as error:  # a bug must not take the server down
            log("".join(traceback.format_exception(error)).rstrip())
            live.publish(f"internal error: {error!r} (see the terminal)")
            return
        if on_build is not None:
            on_build(report)
        log(f"built {report.files:,} files in {time.perf_counter() - started:.2f} s")
        live.publish(None)

    server = Server((host, port), out_dir, base_path, live, log)
    server.socket.close()
    server.socket = sock  # already bound by bind()
    server.server_address = sock.getsockname()[:2]
    sock.listen(64)
    rebuild()
    watcher = threading.Thread(target=_watch, args=(site_dir, live, rebuild), daemon=True)
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


def _watch(site_dir: Path, live: Live, rebuild: Callable[[], None]) -> None:
    seen = _snapshot(site_dir)
    while not live.stopping:
        time.sleep(POLL_SECONDS)
        now = _snapshot(site_dir)
        if now != seen:
            time.sleep(0.05)  # let an editor finish writing
            seen = _snapshot(site_dir)
            rebuild()
