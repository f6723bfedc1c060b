"""Post pages → Pagefind's search bundle: the only user of the `pagefind` package.

Pagefind (https://pagefind.app) indexes static HTML into a bundle of small,
content-hashed files that its JavaScript fetches as a reader types, so a
search of 100,000 posts stays static and needs no server. It is driven
through its Python API, `pagefind[extended]` from PyPI, which ships the Rust
binary: nothing is downloaded at build time. The pages to index are given
as a folder (commands/search.py hard-links the post pages into one, laid out
as the site is) with `add_directory`: the binary reads and parses them on
its own threads, faster than sending each page's HTML through the service's
pipe (`add_html_file`; the search step of a 10,000-post build: 29 s against 37 s). A
page's URL is its path relative to that folder, from the site root (the
search page's `base-url` adds the base path); `write_files()` writes the
bundle.

The package's own service reads one reply from the binary every 0.1 s,
which made indexing 200 pages take 20 s; `_Service` reads them as they
come (the same protocol, without the sleep), so 10,000 pages take about 6 s.
It overrides a private method, so the version is pinned exactly
(pyproject.toml, `PAGEFIND_VERSION`; tests/test_search.py checks both).
"""

from __future__ import annotations

import asyncio
import base64
import threading
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.core.errors import SiteError

PAGEFIND_VERSION = "1.5.2"
INSTALL_HINT = f"pip install 'pagefind[extended]=={PAGEFIND_VERSION}'"
SETTLE_SECONDS = 300  # for the binary to finish writing the bundle


def missing() -> str | None:
    """Why search cannot be built here, or None when it can."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return "the pagefind package is not installed"
    if get_executable() is None:
        return "the pagefind package has no binary (install pagefind[extended])"
    return None


def write_bundle(pages: Path, folder: Path, language: str) -> int:
    """Index every HTML file under `pages` (a folder laid out as the site is, holding
    only the pages to index) and write the bundle into `folder`; return how many
    pages were indexed. The binary reads the files itself (its own threads), and
    each page's URL is its path under `pages`, `index.html` dropped."""
    try:
        return _on_own_thread(lambda: asyncio.run(_write_bundle(pages, folder, language)))
    except SiteError:
        raise
    except Exception as error:  # the binary's own error (a crash, a refused page)
        raise SiteError(f"Pagefind could not index the site: {error}", path=folder,
                        hint="build without search with --no-search") from None


def _on_own_thread(run: Callable[[], int]) -> int:
    """`run()` on a daemon thread of its own, its result or exception returned here.
    Its own thread: the caller may itself run an event loop (a test driving a browser,
    an embedding application), and asyncio.run() refuses to nest. A daemon: when
    `serve` is stopped while its watcher thread indexes, the process ends at once
    (an executor's thread would be waited for at exit, the binary's run and all)."""
    outcome: list[int | BaseException] = []

    def target() -> None:
        try:
            outcome.append(run())
        except BaseException as error:  # noqa: BLE001 - handed to the caller
            outcome.append(error)

    thread = threading.Thread(target=target, name="pagefind", daemon=True)
    thread.start()
    thread.join()
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


async def _write_bundle(pages: Path, folder: Path, language: str) -> int:
    from pagefind.index import IndexConfig

    service = await _service_class()().launch()
    try:
        index = await service.create_index(IndexConfig(force_language=language))
        indexed = await index.add_directory(str(pages))
        await index.write_files(output_path=str(folder))
        await _settled(folder)
        return int(indexed["page_count"])
    finally:
        await service.close()


async def _settled(folder: Path) -> None:
    """Wait until the binary has finished writing `folder`. Its reply to WriteFiles
    can come before the last file is complete (the package's own service hides
    this behind its 0.1 s sleep); ending the binary then leaves truncated files.
    Done: the entry file reads as JSON and no file changed size for two looks."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_SECONDS
    before: dict[str, int] | None = None
    while loop.time() < deadline:
        sizes = {p.as_posix(): p.stat().st_size for p in folder.rglob("*") if p.is_file()}
        if sizes == before and _readable(folder / "pagefind-entry.json"):
            return
        before = sizes
        await asyncio.sleep(0.05)
    raise RuntimeError(f"the pagefind binary did not finish writing within {SETTLE_SECONDS} s")


def _readable(entry: Path) -> bool:
    try:
        json.loads(entry.read_bytes())
    except (OSError, ValueError):
        return False
    return True


def _service_class() -> Any:
    from pagefind.service import PagefindService

    class Service(PagefindService):
        async def _wait_for_responses(self) -> None:
            """PagefindService's reader without its 0.1 s sleep before each reply."""
            stdout = self._backend.stdout
            assert stdout is not None
            while True:
                output = await stdout.readuntil(b",")
                response = json.loads(base64.b64decode(output[:-1]))
                if response is None:
                    continue
                message_id = response.get("message_id")
                payload = response["payload"]
                if message_id is None and payload.get("original_message"):
                    message_id = json.loads(payload["original_message"]).get("message_id")
                future = self._responses.get(message_id) if message_id is not None else None
                if future is None or future.done():
                    continue
                if payload["type"] == "Error":
                    future.set_exception(RuntimeError(payload.get("message", "error")))
                else:
                    future.set_result(payload)


    return Service

