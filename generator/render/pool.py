"""A fork-based worker pool for rendering pages in parallel.

Forked children inherit the parent's state (the renderer, the page specs,
the loaded site), so only indices go out and only results come back through
pipes, in batches. A `SiteError` in a worker is sent back as its fields and
raised again in the parent; any other exception is a bug and comes back as
its traceback.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

from generator.core.errors import SiteError

BATCH = 64  # results sent back per message


def fan_out(workers: int, count: int, job: Callable[[int], Any]) -> Iterator[list[Any]]:
    """Run job(i) for i in range(count) on forked workers; yield batches of results.

    A SiteError in a worker is raised here, after the other workers are stopped."""
    context = multiprocessing.get_context("fork")
    pipes: list[Connection] = []
    processes = []
    for number in range(workers):
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=work, args=(job, range(number, count, workers), sender),
                                  daemon=True)
        process.start()
        sender.close()
        pipes.append(receiver)
        processes.append(process)
    try:
        open_pipes = list(pipes)
        while open_pipes:
            for ready in wait(open_pipes):
                assert isinstance(ready, Connection)
                kind, payload = ready.recv()
                if kind == "batch":
                    yield payload
                elif kind == "done":
                    open_pipes.remove(ready)
                elif kind == "error":
                    raise SiteError(*payload)
                else:
                    raise RuntimeError(f"a render worker failed:\n{payload}")
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()
        for pipe in pipes:
            pipe.close()


def work(job: Callable[[int], Any], indices: range, pipe: Connection) -> None:
    """A worker's body: run job(i) for each index and send the results back in batches,
    then "done"; or "error" with a SiteError's fields, or "crash" with a traceback."""
    batch: list[Any] = []
    try:
        for index in indices:
            batch.append(job(index))
            if len(batch) >= BATCH:
                pipe.send(("batch", batch))
                batch = []
        pipe.send(("batch", batch))
        pipe.send(("done", None))
    except SiteError as error:
        pipe.send(("error", (error.message, error.path, error.line, error.hint)))
    except BaseException:  # a bug: report it with its traceback
        pipe.send(("crash", traceback.format_exc()))
    finally:
        pipe.close()
