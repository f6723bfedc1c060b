"""The HTTP side of `liveblog serve`: the built site under its base path, the
live-reload event stream, and the build-error banner.

Standard library only (`http.server`, threads): the dev server serves one
person's browser on 127.0.0.1. Files outside the built site are never
served (no `..`, no absolute paths, nothing through a symbolic link out).
Content types come from a private `mimetypes` table, so they are the same on
every machine.

It stays up whatever a client does: at most `max_connections` are served at
once (one thread each; past that a connection gets 503 at once), a
connection that has not sent a whole request head within `header_seconds`
of connecting or of its previous answer is closed (slow-header clients and
idle keep-alive alike), a read or write of the socket that stalls for
`idle_seconds` ends the connection, and a client that goes away mid-answer
is one line in the log, not a traceback.
"""

from __future__ import annotations

import errno
import html
import http.server
import json
import mimetypes
import socket
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.core.errors import SiteError

EVENTS = "__livereload"


@dataclass
class Live:
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


class _Handler(http.server.BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"
    _head_timer: threading.Timer | None = None

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.idle_seconds)  # each read and write of the socket

    def handle_one_request(self) -> None:
        """One request, whose head (request line and headers) must arrive in time."""
        timer = threading.Timer(self.server.header_seconds, self._too_slow)
        timer.daemon = True
        self._head_timer = timer
        timer.start()
        try:
            super().handle_one_request()
        finally:
            timer.cancel()

    def parse_request(self) -> bool:
        parsed = super().parse_request()  # reads the headers
        if self._head_timer is not None:
            self._head_timer.cancel()  # the head is in: the rest is not timed
        return parsed

    def _too_slow(self) -> None:
        self.server.log(f"closed {_peer(self.client_address)}: no complete request within "
                        f"{self.server.header_seconds:g} s")
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def log_message(self, format: str, *args: object) -> None:
        self.server.log_request_line(format % args)

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        base = self.server.base_path
        raw = urlsplit(self.path).path
        if raw == base + EVENTS:
            return self._events()
        if raw in ("/", "", base.rstrip("/")) and base != "/":
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


MAX_CONNECTIONS = 32  # served at once, live-reload streams included (one per open tab)
HEADER_SECONDS = 10.0  # to send a request's line and headers
IDLE_SECONDS = 30.0  # a read or write of the socket that makes no progress
_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, address: tuple[str, int], out_dir: Path, base_path: str, live: Live,
                 log: Callable[[str], None], *, max_connections: int = MAX_CONNECTIONS,
                 header_seconds: float = HEADER_SECONDS, idle_seconds: float = IDLE_SECONDS) -> None:
        self.out_dir = out_dir
        self.base_path = base_path
        self.live = live
        self.log = log
        self.types = _mime_types()
        self.header_seconds = header_seconds
        self.idle_seconds = idle_seconds
        self._slots = threading.BoundedSemaphore(max_connections)
        super().__init__(address, _Handler, bind_and_activate=False)

    def process_request(self, request: socket.socket | tuple[bytes, socket.socket],
                        client_address: tuple[str, int]) -> None:
        """A thread for the connection while fewer than `max_connections` are served; else 503.

        The slot is given back exactly once, by the thread or, if starting it failed,
        here. Ctrl-C can land while `start()` waits for a thread that has already run
        and given its slot back: a second release would raise ValueError, which
        socketserver logs and serves on, and the KeyboardInterrupt would be lost."""
        if not self._slots.acquire(blocking=False):
            _refuse(request)
            self.shutdown_request(request)
            return
        free = _once(self._slots.release)
        thread = threading.Thread(target=self._connection, args=(request, client_address, free), daemon=True)
        try:
            thread.start()
        except BaseException:
            free()
            raise

    def _connection(self, request: socket.socket | tuple[bytes, socket.socket],
                    client_address: tuple[str, int], free: Callable[[], None]) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            free()

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        """A client that went away is one line; anything else is a bug, with its traceback."""
        error = sys.exc_info()[1]
        if isinstance(error, _GONE):
            self.log(f"{_peer(client_address)} went away before the answer was sent "
                     f"({type(error).__name__})")
        else:
            self.log("".join(traceback.format_exc()).rstrip())

    def log_request_line(self, line: str) -> None:
        pass  # quiet: the terminal is for builds and errors


def _once(action: Callable[[], None]) -> Callable[[], None]:
    """`action`, run by the first call only, whichever thread makes it."""
    done = threading.Lock()

    def run() -> None:
        if done.acquire(blocking=False):  # never released: later calls do nothing
            action()

    return run


def _refuse(request: object) -> None:
    if isinstance(request, socket.socket):
        try:
            request.settimeout(1)
            request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                            b"Connection: close\r\nRetry-After: 1\r\n\r\n")
        except OSError:
            pass


def _peer(address: object) -> str:
    if isinstance(address, tuple) and len(address) >= 2:
        return f"{address[0]}:{address[1]}"
    return str(address)


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


def bind(host: str, port: int, tries: int, log: Callable[[str], None]) -> tuple[socket.socket, int]:
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
