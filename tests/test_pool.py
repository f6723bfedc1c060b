"""The render worker pool (render/pool.py): every index once, errors carried home."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from generator.core.errors import SiteError
from generator.render.pool import fan_out_stream


def _indices(count: int) -> Callable[[], Iterator[int]]:
    return lambda: iter(range(count))


def test_every_index_runs_exactly_once_across_workers_in_blocks() -> None:
    results = [item for batch in fan_out_stream(3, 1000, _indices(1000), lambda i: (i, os.getpid()), block=7) for item in batch]
    assert sorted(i for i, _pid in results) == list(range(1000))
    workers = {pid for _i, pid in results}
    assert os.getpid() not in workers and 1 <= len(workers) <= 3
    # A block is consecutive indices done by one worker (a day's pages stay together).
    by_index = dict(results)
    for start in range(0, 1000, 7):
        assert len({by_index[i] for i in range(start, min(start + 7, 1000))}) == 1


def test_a_site_error_in_a_worker_is_raised_in_the_parent_with_its_fields() -> None:
    def job(i: int) -> int:
        if i == 500:
            raise SiteError("template error while rendering x", path="templates/post.html", line=3)
        return i

    with pytest.raises(SiteError) as raised:
        for _batch in fan_out_stream(2, 1000, _indices(1000), job, block=10):
            pass
    assert (raised.value.message, str(raised.value.path), raised.value.line) == (
        "template error while rendering x", "templates/post.html", 3)


def test_a_bug_in_a_worker_comes_back_with_its_traceback() -> None:
    def job(i: int) -> int:
        return 1 // (i - 42)

    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        for _batch in fan_out_stream(2, 100, _indices(100), job, block=5):
            pass


def test_a_worker_that_dies_without_a_word_is_reported() -> None:
    def job(i: int) -> int:
        if i == 3:
            os._exit(9)  # as the kernel's out-of-memory killer would end it
        return i

    with pytest.raises(RuntimeError, match="without reporting"):
        for _batch in fan_out_stream(2, 50, _indices(50), job, block=2):
            pass


def test_a_stream_is_made_by_each_worker_and_walked_forward_to_its_blocks() -> None:
    """The items need never exist at once: each worker makes the stream and skips
    to the blocks it takes; every item is done once, by the worker that took it."""
    def items() -> Iterator[str]:
        return (f"page-{i}" for i in range(503))

    results = [item for batch in fan_out_stream(2, 503, items, lambda name: (name, os.getpid()), block=10)
               for item in batch]
    assert sorted(name for name, _pid in results) == sorted(f"page-{i}" for i in range(503))
    assert len({pid for _name, pid in results}) <= 2
