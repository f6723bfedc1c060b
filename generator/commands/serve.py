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

import errno
import html
import http.server
import json
import mimetypes
import signal
import shutil
import socket
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.commands.build import BuildReport, build
from generator.core.paths import walk
from generator.core.config import load_config
from generator.core.errors import SiteError

WATCHED = ("content", "templates", "static", "captures", "site.toml")
EVENTS = "__livereload"
POLL_SECONDS = 0.25


@dataclass
class _Live:
    """What the HTTP threads and the watcher share: the build version and its error."""

    version: int = 0
    error: str | None = None
    stopping: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, error: str | None) -> None:
        with self.changed:
            self.version += 1
            self.error = error
            self.changed.notify_all()

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()


def _client_script(base_path: str, version: int) -> str:
    """Reload the page when the server's build version differs from the one it was served with."""
    source = json.dumps(base_path + EVENTS).replace("<", "\\u003c")
    return (
        "<script>(function(){var v=%d,s=new EventSource(%s);"
        "s.onmessage=function(e){if(e.data!==String(v)){s.close();location.reload();}};"
        "})();</script>" % (version, source)
    )


def _error_banner(error: str) -> str:
    return (
        '<div id="liveblog-build-error" role="alert" style="position:sticky;top:0;z-index:9;'
        "margin:0;padding:.75rem 1rem;background:#7f1d1d;color:#fff;"
        'font:14px/1.4 ui-monospace,monospace;white-space:pre-wrap">'
        f"<strong>Build failed</strong> (showing the last good build): {html.escape(error)}</div>"
    )


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


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        self.server.log_request_line(format % args)

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        base = self.server.base_path
        raw = urlsplit(self.path).path
        if raw == base + EVENTS:
            return self._events()
        if raw in ("/", "") and base != "/":
            return self._redirect(base)
        target = self._file_for(raw)
        if target is None:
            return self._not_found(head)
        if target.is_dir():
            if not raw.endswith("/"):
                return self._redirect(raw + "/")
            target = target / "index.html"
            if not target.is_file():
                return self._not_found(head)
        self._send_file(target, 200, head)

    def _file_for(self, raw: str) -> Path | None:
        """The file a URL path names, or None for anything outside the site."""
        base = self.server.base_path
        if not raw.startswith(base):
            return None
        rel = unquote(raw[len(base):])
        parts = rel.split("/")
        if any(p in (".", "..") or "\\" in p or "\x00" in p or ":" in p for p in parts):
            return None
        if rel.startswith("/"):
            return None
        root = self.server.out_dir.resolve()
        target = (root / rel).resolve()
        if target != root and root not in target.parents:
            return None
        return target if target.exists() else None

    def _send_file(self, path: Path, status: int, head: bool) -> None:
        try:
            data = path.read_bytes()
        except OSError:
            return self._not_found(head)
        kind = _content_type(self.server.types, path)
        if kind.startswith("text/html"):
            data = self._inject(data)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _inject(self, page: bytes) -> bytes:
        live = self.server.live
        text = page.decode("utf-8", errors="replace")
        script = _client_script(self.server.base_path, live.version)
        if live.error:
            marker = text.find(">", text.find("<body")) + 1 if "<body" in text else 0
            text = text[:marker] + _error_banner(live.error) + text[marker:]
        if "</body>" in text:
            text = text.replace("</body>", script + "</body>", 1)
        else:
            text += script
        return text.encode("utf-8")

    def _not_found(self, head: bool) -> None:
        page = self.server.out_dir / "404.html"
        if page.is_file():
            return self._send_file(page, 404, head)
        body = self._inject(b"<!DOCTYPE html><title>Not found</title><h1>Not found</h1>")
        if not self.server.out_dir.exists() and self.server.live.error:
            body = self._inject(b"<!DOCTYPE html><title>Build failed</title><body><h1>Build failed</h1></body>")
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _events(self) -> None:
        """A Server-Sent Events stream: the build version now, then on every rebuild."""
        live = self.server.live
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        sent = -1
        try:
            self.wfile.write(b"retry: 500\n\n")
            while True:
                with live.changed:
                    if live.version == sent and not live.stopping:
                        live.changed.wait(timeout=15)
                    if live.stopping:
                        return
                    version = live.version
                if version != sent:
                    self.wfile.write(f"data: {version}\n\n".encode())
                    sent = version
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, address: tuple[str, int], out_dir: Path, base_path: str, live: _Live,
                 log: Callable[[str], None]) -> None:
        self.out_dir = out_dir
        self.base_path = base_path
        self.live = live
        self.log = log
        self.types = _mime_types()
        super().__init__(address, _Handler, bind_and_activate=False)

    def log_request_line(self, line: str) -> None:
        pass  # quiet: the terminal is for builds and errors


# Types of files a site serves whose entry in Python's table differs between versions
# (3.11 has application/javascript, no strict .webp, no fonts) or that we keep as before (.xml).
_SITE_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".webp": "image/webp",
               ".avif": "image/avif", ".woff": "font/woff", ".woff2": "font/woff2",
               ".ttf": "font/ttf", ".otf": "font/otf", ".xml": "application/xml"}
_TEXT_TYPES = {"application/xml", "application/json", "image/svg+xml", "application/javascript"}
# A compressed file is sent as stored (no Content-Encoding), so its type is the archive's,
# as in http.server.SimpleHTTPRequestHandler.extensions_map.
_COMPRESSED = {"gzip": "application/gzip", "bzip2": "application/x-bzip2", "xz": "application/x-xz"}


def _mime_types() -> mimetypes.MimeTypes:
    """A private table: Python's built-in types plus _SITE_TYPES, never /etc/mime.types or the
    Windows registry (and not the global registry), so every machine answers the same."""
    types = mimetypes.MimeTypes(filenames=())
    for suffix, kind in _SITE_TYPES.items():
        types.add_type(kind, suffix, strict=True)
    return types


def _content_type(types: mimetypes.MimeTypes, path: Path) -> str:
    """The Content-Type header for a file: text types in UTF-8, unknown as octet-stream."""
    kind, encoding = types.guess_type(path.name, strict=True)
    if encoding is not None:
        kind = _COMPRESSED.get(encoding)
    if kind is None:
        return "application/octet-stream"
    if kind.startswith("text/") or kind in _TEXT_TYPES:
        return f"{kind}; charset=utf-8"
    return kind


def _bind(host: str, port: int, tries: int, log: Callable[[str], None]) -> tuple[socket.socket, int]:
    """A listening socket on the first free port from `port`; says so when it moved."""
    for candidate in range(port, port + tries):
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind((host, candidate))
        except OSError as error:
            sock.close()
            if error.errno == errno.EADDRINUSE:
                continue
            raise SiteError(f"cannot listen on {host}:{candidate}: {error.strerror}") from None
        if candidate != port:
            log(f"port {port} is busy; using {candidate} instead")
        return sock, candidate
    raise SiteError(f"ports {port}–{port + tries - 1} on {host} are all busy",
                    hint="pass another --port")


def serve(
    site_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    log: Callable[[str], None] = print,
    on_build: Callable[[BuildReport], None] | None = None,
) -> None:
    """Serve until interrupted (Ctrl-C). Raises SiteError only before serving starts."""
    config = load_config(site_dir)
    base_path = config.base_path
    sock, port = _bind(host, port, 20, log)
    url_host = f"[{host}]" if ":" in host else host
    local_base = f"http://{url_host}:{port}{base_path}"
    workdir = Path(tempfile.mkdtemp(prefix="liveblog-serve-"))
    out_dir = workdir / "site"
    live = _Live()

    def rebuild() -> None:
        started = time.perf_counter()
        try:
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

    server = _Server((host, port), out_dir, base_path, live, log)
    server.socket.close()
    server.socket = sock  # already bound by _bind
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


def _watch(site_dir: Path, live: _Live, rebuild: Callable[[], None]) -> None:
    seen = _snapshot(site_dir)
    while not live.stopping:
        time.sleep(POLL_SECONDS)
        now = _snapshot(site_dir)
        if now != seen:
            time.sleep(0.05)  # let an editor finish writing
            seen = _snapshot(site_dir)
            rebuild()
