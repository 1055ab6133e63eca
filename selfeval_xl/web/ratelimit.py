"""Failed-login throttling per access code and per client address (in memory: one server).

After `limit` failures within `window` seconds a key is locked until the oldest failure ages
out; while locked even the right secret is refused, so guessing gains nothing by waiting on
one key. A success clears the code's failures (not the address's).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

MAX_KEYS = 100_000


class Limiter:
    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._fails: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._fails.get(key)
        if q is None:
            return deque()
        while q and q[0] <= now - self.window:
            q.popleft()
        if not q:
            del self._fails[key]
        return q

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may try again (0: not locked)."""
        with self._lock:
            now = self.clock()
            q = self._recent(key, now)
            if len(q) < self.limit:
                return 0
            return max(1, int(q[-self.limit] + self.window - now) + 1)

    def failed(self, key: str) -> None:
        with self._lock:
            now = self.clock()
            if len(self._fails) >= MAX_KEYS:
                self._prune(now)
            self._recent(key, now)
            self._fails.setdefault(key, deque(maxlen=self.limit * 4)).append(now)

    def clear(self, key: str) -> None:
        with self._lock:
            self._fails.pop(key, None)

    def _prune(self, now: float) -> None:
        for key in list(self._fails):
            self._recent(key, now)
        if len(self._fails) >= MAX_KEYS:  # still full of live keys: forget the oldest half
            for key in sorted(self._fails, key=lambda k: self._fails[k][-1])[: MAX_KEYS // 2]:
                del self._fails[key]


class LoginThrottle:
    """Both limits at once: the code's and the address's."""

    def __init__(self, per_code: int, per_address: int, window: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.codes = Limiter(per_code, window, clock)
        self.addresses = Limiter(per_address, window, clock)

    def retry_after(self, code: str, address: str) -> int:
        return max(self.codes.retry_after(code), self.addresses.retry_after(address))

    def failed(self, code: str, address: str) -> None:
        self.codes.failed(code)
        self.addresses.failed(address)

    def succeeded(self, code: str) -> None:
        self.codes.clear(code)
