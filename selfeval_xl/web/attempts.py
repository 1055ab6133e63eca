"""Uploads that were not recorded (unreadable, another department's, another year's): kept in
memory for a while so the result page can show them after the redirect, only to their department."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict

from selfeval_xl.web.jobs import Outcome

KEEP = 500
SECONDS = 3600


class Attempts:
    def __init__(self) -> None:
        self._items: OrderedDict[str, tuple[float, str, Outcome]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, owner: str, outcome: Outcome) -> str:
        token = secrets.token_urlsafe(16)
        with self._lock:
            self._items[token] = (time.monotonic() + SECONDS, owner, outcome)
            while len(self._items) > KEEP:
                self._items.popitem(last=False)
        return token

    def get(self, owner: str, token: str) -> Outcome | None:
        with self._lock:
            hit = self._items.get(token)
        if hit is None or hit[0] < time.monotonic() or hit[1] != owner:
            return None
        return hit[2]
