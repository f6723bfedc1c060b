"""Helpers that drive the real test tools: Nu HTML Checker, Chromium, axe-core.

The tools are installed by ``scripts/install-test-deps.sh`` (Debian ``chromium`` and
``default-jre-headless``, npm ``vnu-jar`` and ``axe-core`` from package-lock.json,
pip ``playwright`` without ``playwright install``). Tests ask for a tool through the
fixtures in ``conftest.py``, which call :func:`require`: a missing tool skips the test
on a laptop and fails it when ``CI=true``.
"""

from __future__ import annotations

import contextlib
import http.server
import importlib.util
import json
import os
import posixpath
import shutil
import socket
import subprocess
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

REPO_ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = REPO_ROOT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
# As root Chromium needs --no-sandbox; the rest stop it calling the (closed) network.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
INSTALL_HINT = "bash scripts/install-test-deps.sh"
IMPACT_ORDER = ("minor", "moderate", "serious", "critical")


# --- availability -------------------------------------------------------------------


def in_ci() -> bool:
    """True when the environment variable ``CI`` is ``true`` (as CI services set it)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1")


def require(tool_name: str, available: bool, why: str) -> None:
    """Skip the calling test when a tool is missing, or fail it when ``CI=true``.

    ``why`` says what is missing, e.g. ``"needs java and node_modules/vnu-jar"``.
    """
    if available:
        return
    message = f"{tool_name} is not available: {why} (install with: {INSTALL_HINT})"
    if in_ci():
        pytest.fail(f"{message}; CI=true, so this is a failure, not a skip", pytrace=False)
    pytest.skip(message)


def java_available() -> bool:
    return shutil.which("java") is not None


def vnu_available() -> bool:
    return java_available() and VNU_JAR.is_file()


def chromium_available() -> bool:
    return os.access(CHROMIUM, os.X_OK) and importlib.util.find_spec("playwright") is not None


def axe_available() -> bool:
    return AXE_JS.is_file()


# --- Nu HTML Checker ----------------------------------------------------------------


def vnu_errors(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """Validate HTML files (or directories of them) with the Nu HTML Checker.

    Returns one dict per error: ``file`` (Path), ``url``, ``line`` (int or None),
    ``message`` and ``extract``. An empty list means every file is valid.
    One run costs about 1.7 s of JVM start-up, so pass many files at once.
    """
    if not paths:
        return []
    # vnu reports nothing and exits 0 for a path that does not exist.
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise FileNotFoundError(f"vnu_errors: no such file: {', '.join(map(str, missing))}")
    command = [
        "java",
        "-jar",
        str(VNU_JAR),
        "--skip-non-html",
        "--errors-only",
        "--format",
        "json",
        "--stdout",  # JSON goes to stderr by default; keep stderr for Java's own errors
        *(str(p) for p in paths),
    ]
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", check=False)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"vnu exited {done.returncode}:\n{done.stderr}")
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError as e:
        raise RuntimeError(f"vnu printed no JSON:\n{done.stdout}\n{done.stderr}") from e
    errors = []
    for m in report["messages"]:
        if m.get("type") == "info":  # warnings; --errors-only should drop them already
            continue
        url = m.get("url", "")
        path = urllib.parse.urlsplit(url).path
        errors.append(
            {
                "file": Path(os.path.normpath(urllib.request.url2pathname(path))) if path else None,
                "url": url,
                "line": m.get("lastLine"),
                "message": m.get("message", ""),
                "extract": m.get("extract", ""),
            }
        )
    return errors


# --- HTTP server --------------------------------------------------------------------

# Set explicitly: mimetypes depends on /etc/mime.types and gives text/xml for .xml on some hosts.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    "": "application/octet-stream",
}


def _relative_to_mount(raw_path: str, mount: str) -> str | None:
    """The path below ``mount`` that a request targets, or None when it is outside.

    ``..`` is resolved first (as a browser would), so ``/mount/../x`` is outside.
    """
    path = raw_path.split("?", 1)[0].split("#", 1)[0]
    path = posixpath.normpath(urllib.parse.unquote(path, errors="surrogatepass"))
    base = mount.rstrip("/")
    if path == base:
        return ""
    if path.startswith(base + "/"):
        return path[len(base) + 1 :]
    return None


class _Server(http.server.ThreadingHTTPServer):
    """Joins its handler threads on close, after cutting any idle keep-alive socket."""

    daemon_threads = False
    block_on_close = True

    def __init__(self, root: Path, mount: str) -> None:
        self.root = root
        self.mount = mount
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._lock:
            sockets = list(self._open)
        for s in sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a browser dropping a connection is not a test failure


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = CONTENT_TYPES
    timeout = 10  # seconds; an idle connection cannot hold a thread for ever
    server: _Server

    def __init__(self, request: Any, client_address: Any, server: _Server) -> None:
        super().__init__(request, client_address, server, directory=str(server.root))

    def send_head(self) -> Any:
        if _relative_to_mount(self.path, self.server.mount) is None:
            self.send_error(404, "Outside the mount point")
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        relative = _relative_to_mount(path, self.server.mount)
        return super().translate_path("/" + (relative or ""))

    def list_directory(self, path: Any) -> None:
        self.send_error(404, "No index.html")  # like GitHub Pages: no listings
        return None

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve_directory(root: Path, mount: str = "/liveblog-archive/") -> Iterator[str]:
    """Serve ``root`` over real HTTP under the URL prefix ``mount``; yield the base URL.

    ``http://127.0.0.1:PORT/liveblog-archive/``: a free port, a background thread,
    ``index.html`` for directory URLs, ``/dir`` redirected to ``/dir/``, 404 outside the
    mount, for ``..`` escapes and for directories without index.html.
    """
    if not (mount.startswith("/") and mount.endswith("/")):
        raise ValueError(f"mount must start and end with '/': {mount!r}")
    if not root.is_dir():
        raise FileNotFoundError(f"serve_directory: not a directory: {root}")
    server = _Server(root, mount)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"serve {root}",
        daemon=True,
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{mount}"
    finally:
        server.shutdown()
        server.close_connections()
        server.server_close()
        thread.join()


# --- Chromium through Playwright ----------------------------------------------------


@contextlib.contextmanager
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium (``/usr/bin/chromium``) driven by Playwright's sync API."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            yield b
        finally:
            b.close()


@contextlib.contextmanager
def new_page(b: Browser, width: int = 1280, height: int = 800) -> Iterator[Page]:
    """A page in a fresh browser context (no shared cookies or cache), closed afterwards."""
    context = b.new_context(viewport={"width": width, "height": height})
    try:
        yield context.new_page()
    finally:
        context.close()


def screenshot(
    url: str, path: Path, width: int, height: int, *, using: Browser | None = None
) -> Path:
    """Save a full-page PNG of ``url`` at a ``width`` x ``height`` viewport.

    Pass ``using=`` a running browser (the ``chromium`` fixture); otherwise one is
    launched for this call (about 0.5 s more).
    """
    if using is None:
        with browser() as b:
            return screenshot(url, path, width, height, using=b)
    with new_page(using, width, height) as page:
        page.goto(url, wait_until="load")
        page.screenshot(path=str(path), full_page=True)
    return path


# --- axe-core -----------------------------------------------------------------------

_AXE_RUN = """async () => {
    const results = await axe.run(document, {resultTypes: ['violations']});
    return results.violations.map(v => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        targets: v.nodes.map(n => n.target.join(' >>> ')),
    }));
}"""


def axe_violations(page: Page, min_impact: str = "serious") -> list[dict[str, Any]]:
    """Run axe-core on the page as loaded; return violations at ``min_impact`` or worse.

    Each: ``id``, ``impact``, ``help``, ``helpUrl``, ``targets`` (CSS selectors).
    The script is injected as an inline ``<script>``: a page with a strict
    Content-Security-Policy needs a context made with ``bypass_csp=True``.
    """
    keep = IMPACT_ORDER[IMPACT_ORDER.index(min_impact) :]
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    violations: list[dict[str, Any]] = page.evaluate(_AXE_RUN)
    return [v for v in violations if v["impact"] in keep]
