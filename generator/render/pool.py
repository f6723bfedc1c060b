"""A fork-based worker pool for rendering pages in parallel (and, on a cold
build, for parsing the post files: commands/build.py).

Forked children inherit the parent's state (the renderer, the page specs,
the loaded site), so nothing goes out but a shared counter, and only small
results come back through pipes (a page's path and its `Placed` record: the
workers write and hash their own files). Work is dealt in blocks of
consecutive indices, each taken by whichever worker is free (the counter):
pages in site order keep a day's posts, its pages and its blogs together,
so a post's body and card are rendered once, in one worker, and a slow
block never leaves the other workers idle. A `SiteError` in a worker is sent
back as its fields and raised again in the parent; any other exception is a
bug and comes back as its traceback.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import threading
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait
from multiprocessing.sharedctypes import Synchronized
from typing import Any, TypeVar

from generator.core.errors import SiteError

T = TypeVar("T")
BLOCK = 96  # consecutive indices a worker takes at a time (a day's pages and posts, about)


def can_fork() -> bool:
    """Whether this process may fork workers: only without other threads (one of them
    could hold a lock the children would inherit held; `serve` builds on a thread)."""
    return threading.active_count() == 1


def fan_out_stream(workers: int, count: int, items: Callable[[], Iterator[T]], job: Callable[[T], Any],
                   block: int = BLOCK) -> Iterator[list[Any]]:
    """Run job(item) for each of the `count` items that `items()` makes, on forked
    workers; yield batches of results (one per block, in no particular order).

    Each worker makes the stream itself and walks it forward to the blocks it takes
    (a worker's blocks come in increasing order), so the items need never exist all
    at once: a 100,000-post site's 113,000 page specs stay a stream. A SiteError in
    a worker is raised here, after the other workers are stopped."""
    context = multiprocessing.get_context("fork")
    taken = context.Value("q", 0)  # blocks handed out so far
    # The parent's objects move to the collector's permanent generation: a child's
    # collections would otherwise visit (and so copy) every page of memory it inherited.
    gc.freeze()
    pipes: list[Connection] = []
    processes = []
    for _number in range(workers):
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=work, args=(items, job, count, block, taken, sender), daemon=True)
        process.start()
        sender.close()
        pipes.append(receiver)
        processes.append(process)
    try:
        open_pipes = list(pipes)
        while open_pipes:
            for ready in wait(open_pipes):
                assert isinstance(ready, Connection)
                try:
                    kind, payload = ready.recv()
                except EOFError:  # the worker died without a word (killed, out of memory)
                    raise RuntimeError("a worker process ended without reporting (killed?)") from None
                if kind == "batch":
                    yield payload
                elif kind == "done":
                    open_pipes.remove(ready)
                elif kind == "error":
                    raise SiteError(*payload)
                else:
                    raise RuntimeError(f"a worker process failed:\n{payload}")
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()
        for pipe in pipes:
            pipe.close()
        gc.unfreeze()


def _next_block(taken: Synchronized[int]) -> int:
    with taken.get_lock():
        number = taken.value
        taken.value = number + 1
    return number


def work(items: Callable[[], Iterator[T]], job: Callable[[T], Any], count: int, block: int,
         taken: Synchronized[int], pipe: Connection) -> None:
    """A worker's body: take the next block until none is left, run job on each of its
    items and send the block's results back, then "done"; or "error" with a
    SiteError's fields, or "crash" with a traceback."""
    try:
        stream = items()
        at = 0  # the index of the stream's next item
        while (start := _next_block(taken) * block) < count:
            for _skipped in itertools.islice(stream, start - at):
                pass
            results = [job(item) for item in itertools.islice(stream, min(block, count - start))]
            at = start + len(results)
            pipe.send(("batch", results))
        pipe.send(("done", None))
    except SiteError as error:
        pipe.send(("error", (error.message, error.path, error.line, error.hint)))
    except BaseException:  # a bug: report it with its traceback
        pipe.send(("crash", traceback.format_exc()))
    finally:
        pipe.close()
