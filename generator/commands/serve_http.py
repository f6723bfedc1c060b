"""The HTTP side of `liveblog serve`: the built site under its base path, the
live-reload event stream, and the build-error banner.

Standard library only (`http.server`, threads): the dev server serves one
person's browser on 127.0.0.1. Files outside the built site are never
served (no `..`, no absolute paths, nothing through a symbolic link out).
Content types come from a private `mimetypes` table, so they are the same on
every machine.
"""

from __future__ import annotations

import errno
import html
import http.server
import json
import mimetypes
import socket
import threading
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


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, address: tuple[str, int], out_dir: Path, base_path: str, live: Live,
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
