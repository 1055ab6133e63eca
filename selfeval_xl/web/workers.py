"""The checker process pool behind the server: a slow or hostile file occupies a worker
process, never the event loop; a worker that dies is replaced and only its own job fails."""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Any, TypeVar

from selfeval_xl.web import jobs

T = TypeVar("T")


class WorkerCrashed(Exception):
    """The process running a job died (the job's input may be what killed it)."""


class Workers:
    def __init__(self, n: int) -> None:
        self.n = max(1, n)
        self._lock = threading.Lock()
        self._pool = self._new()

    def _new(self) -> ProcessPoolExecutor:
        # spawn, not fork: the server runs threads, and a forked copy of a threaded process may hang.
        return ProcessPoolExecutor(max_workers=self.n, mp_context=multiprocessing.get_context("spawn"))

    def warm(self) -> None:
        """Start every worker now and import the checker in it (the first upload then waits for nothing)."""
        for f in [self._pool.submit(jobs.warm) for _ in range(self.n)]:
            f.result()

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        pool = self._pool
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, partial(fn, *args))
        except BrokenProcessPool as exc:
            with self._lock:
                if self._pool is pool:
                    self._pool = self._new()
            pool.shutdown(wait=False, cancel_futures=True)
            raise WorkerCrashed(str(exc)) from exc

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
