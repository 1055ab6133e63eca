"""One parallel runner for every batch: check, collect, summarize and roster generation.

Results come back in input order, streamed as they arrive. Work runs in worker processes: fork on
Linux while this process runs no other thread (workers inherit the warm parent and start in
milliseconds), spawn elsewhere — Windows, where the finance officers are, only has spawn, so
whatever is handed to a worker is picklable by reference. Progress goes to a callback (how many
more items are done); the runner itself prints nothing (the CLI draws the bar). If a worker
process dies (a crash in native code on a hostile file), the rest runs one item per task so the
culprit is named, and `on_crash(item, exc)` stands in for its result.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")
Progress = Callable[[int], None]

START_METHOD: str | None = None  # None: decided per platform (tests force "spawn" or "fork")


def run(fn: Callable[[T], R], items: Sequence[T], workers: int = 1, *, on_crash: Callable[[T, BaseException], R],
        progress: Progress | None = None, initializer: Callable[..., None] | None = None,
        initargs: tuple[Any, ...] = (), chunksize: int | None = None) -> Iterator[R]:
    """`fn(item)` for every item, results in input order. `fn` and `initializer` are top-level
    functions; `initializer(*initargs)` runs in this process and in every worker first."""
    tick = progress or _nothing
    items = list(items)
    if initializer is not None:
        initializer(*initargs)
    if workers <= 1 or len(items) < 3:
        for item in items:
            result = fn(item)
            tick(1)
            yield result
        return
    # The first item runs here: it warms imports and caches that forked workers inherit.
    first = fn(items[0])
    tick(1)
    yield first
    rest = items[1:]
    size = chunksize or _chunksize(len(rest), workers)
    yield from _parallel(fn, rest, min(workers, len(rest)), size, on_crash, tick, initializer, initargs)


def _nothing(_n: int) -> None:
    return None


def _chunksize(n: int, workers: int) -> int:
    # Small chunks keep the progress honest and the load balanced; a few per worker and
    # round-trip amortise the IPC.
    return max(1, min(16, n // (workers * 8) or 1))


def context():  # noqa: ANN201 - a multiprocessing context
    """fork on Linux while no other thread runs; spawn everywhere else."""
    import multiprocessing
    import threading

    method = START_METHOD
    if method is None:
        linux = sys.platform.startswith("linux")
        method = "fork" if linux and threading.active_count() == 1 else "spawn"
    return multiprocessing.get_context(method)


def _pool(workers: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]):  # noqa: ANN202
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers, mp_context=context(), initializer=initializer,
                               initargs=initargs)


def _parallel(fn: Callable[[T], R], items: list[T], workers: int, size: int,
              on_crash: Callable[[T, BaseException], R], tick: Progress,
              initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> Iterator[R]:
    from concurrent.futures.process import BrokenProcessPool

    done = 0
    pool = _pool(workers, initializer, initargs)
    try:
        for result in pool.map(fn, items, chunksize=size):
            done += 1
            tick(1)
            yield result
        return
    except BrokenProcessPool:
        pass
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    rest = items[done:]
    if done == 0 and not _workers_start(initializer, initargs):
        # Not an item's fault: worker processes cannot start here (e.g. a script without the
        # `if __name__ == "__main__":` guard). Run in this process instead.
        for item in rest:
            result = fn(item)
            tick(1)
            yield result
        return
    yield from _one_by_one(fn, rest, on_crash, tick, initializer, initargs)


def _ping() -> bool:
    return True


def _workers_start(initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> bool:
    from concurrent.futures.process import BrokenProcessPool

    pool = _pool(1, initializer, initargs)
    try:
        return pool.submit(_ping).result(timeout=120)
    except (BrokenProcessPool, TimeoutError, OSError):
        return False
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _one_by_one(fn: Callable[[T], R], items: list[T], on_crash: Callable[[T, BaseException], R], tick: Progress,
                initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> Iterator[R]:
    from concurrent.futures.process import BrokenProcessPool

    pool = _pool(1, initializer, initargs)
    try:
        for item in items:
            try:
                result = pool.submit(fn, item).result()
            except BrokenProcessPool as exc:
                pool.shutdown(wait=False, cancel_futures=True)
                pool = _pool(1, initializer, initargs)
                result = on_crash(item, exc)
            tick(1)
            yield result
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
