"""The `serve` case of `make bench`: from saving a post to the reload event.

Starts `liveblog serve` on the archive (its first build, search index included,
is the startup time), opens the live-reload event stream as a browser tab does
(`GET <base>__livereload`, Server-Sent Events), then appends a paragraph to one
post `edits` times, each after the last reload, and times each save → the
next `data:` event. That event is what makes an open page reload: the edited
pages are written by then (the search index follows them, when the edits pause).
Peers: Hugo's `hugo server` keeps its site in memory too, but its reload goes
over a websocket this harness does not speak; Pelican has no resident server.
"""

from __future__ import annotations

import http.client
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Served:
    startup: float = 0.0  # start → "Serving on" (the first build, with search)
    reloads: list[float] = field(default_factory=list)  # save → reload event, per edit
    said: list[str] = field(default_factory=list)  # the server's output
    rc: int = 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_edits(cmd: list[str], project: Path, post: Path, mark: str, *, env: dict[str, str],
                edits: int = 3, timeout: float = 1800) -> Served:
    """Time `edits` saves of `post` (each appends `mark` and its number) in a running serve."""
    served = Served()
    port = _free_port()
    process = subprocess.Popen([*cmd, "--site", str(project), "serve", "--port", str(port)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    ready = threading.Event()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            served.said.append(line.rstrip("\n"))
            if "Serving on" in line:
                ready.set()

    threading.Thread(target=pump, daemon=True).start()
    started = time.monotonic()
    try:
        if not ready.wait(timeout):
            raise RuntimeError("serve did not start: " + " | ".join(served.said[-5:]))
        served.startup = time.monotonic() - started
        url = next(line for line in served.said if "Serving on" in line).split()[2]
        path = "/" + url.split("/", 3)[3] + "__livereload"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        connection.request("GET", path)
        stream = connection.getresponse()

        def next_event() -> None:
            while True:
                line = stream.fp.readline()
                if not line:
                    raise RuntimeError("the event stream ended: " + " | ".join(served.said[-5:]))
                if line.startswith(b"data:"):
                    return

        next_event()  # the build version at connection time
        text = post.read_text(encoding="utf-8").rstrip("\n")
        for number in range(edits):
            text += f"\n\n{mark} ({number + 1})"
            saved = time.monotonic()
            post.write_text(text + "\n", encoding="utf-8")
            next_event()
            served.reloads.append(time.monotonic() - saved)
        connection.close()
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        try:
            served.rc = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            served.rc = process.wait()
    return served
