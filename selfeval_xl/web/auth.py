"""Who is asking: department and bureau logins in signed session cookies, CSRF tokens, and
bearer credentials for the API.

The session cookie (Starlette's SessionMiddleware: itsdangerous-signed, HttpOnly,
SameSite=Strict, expiring) holds only the role, the 预算编码, when the login happened and when
the access code was issued — a re-issued code ends the sessions made with the old one.
Secrets are checked against scrypt hashes in a worker thread (the hash is slow on purpose);
an API credential that verified is remembered for a few minutes only as an HMAC under the
server's key, so a script posting 500 files does not pay the hash 500 times.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from selfeval_xl.web import credentials, passwords

DEPT, BUREAU = "dept", "bureau"
CSRF_FIELD = "csrf"
REMEMBER_SECONDS = 300


@dataclass(frozen=True)
class Dept:
    code: str        # as in the roster
    name: str
    units: int
    contact: str | None


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def csrf_token(request: Request) -> str:
    if "session" not in request.scope:  # an error page for a request that never reached the session layer
        return ""
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


def csrf_ok(request: Request, submitted: object) -> bool:
    token = request.session.get(CSRF_FIELD)
    return (isinstance(token, str) and isinstance(submitted, str) and len(token) >= 32
            and hmac.compare_digest(token.encode(), submitted.encode()))


def begin(request: Request, role: str, **facts: str) -> None:
    """A fresh session for a successful login (nothing carried over from before it)."""
    request.session.clear()
    request.session.update({"role": role, "at": time.time(), CSRF_FIELD: secrets.token_urlsafe(32), **facts})


def end(request: Request) -> None:
    request.session.clear()


def _fresh(request: Request, absolute_minutes: int) -> bool:
    at = request.session.get("at")
    return isinstance(at, int | float) and 0 <= time.time() - at <= absolute_minutes * 60


def session_dept(request: Request, roster: dict[str, Dept], archive: Path, absolute_minutes: int) -> Dept | None:
    """The department logged in on this session, if the login is still valid."""
    s = request.session
    if s.get("role") != DEPT or not _fresh(request, absolute_minutes):
        return None
    dept = roster.get(credentials.dept_key(str(s.get("dept", ""))))
    if dept is None:
        return None
    row = credentials.code_row(archive, dept.code)
    if row is None or not hmac.compare_digest(row.issued_at.encode(), str(s.get("issued", "")).encode()):
        return None
    return dept


def session_bureau(request: Request, absolute_minutes: int) -> bool:
    return request.session.get("role") == BUREAU and _fresh(request, absolute_minutes)


async def check_code(archive: Path, dept_code: str, code: str) -> credentials.CodeRow | None:
    """The department's credentials row when `code` is its current access code."""
    row = await run_in_threadpool(credentials.code_row, archive, dept_code)
    stored = row.hash if row else None
    ok = await run_in_threadpool(passwords.verify_secret, passwords.normalize_code(code), stored)
    return row if ok else None


async def check_password(stored: str | None, password: str) -> bool:
    return await run_in_threadpool(passwords.verify_secret, password, stored)


class Remembered:
    """Bearer credentials that verified recently, as HMACs under the server key (in memory)."""

    def __init__(self, key: str, seconds: float = REMEMBER_SECONDS) -> None:
        self._key = key.encode()
        self._seconds = seconds
        self._seen: dict[bytes, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def _mac(self, text: str) -> bytes:
        return hmac.new(self._key, text.encode("utf-8"), hashlib.sha256).digest()

    def get(self, text: str) -> str | None:
        """What was remembered for this credential (e.g. the code's issue time), or None."""
        mac = self._mac(text)
        with self._lock:
            hit = self._seen.get(mac)
            if hit is None or hit[0] < time.monotonic():
                self._seen.pop(mac, None)
                return None
            return hit[1]

    def put(self, text: str, fact: str) -> None:
        with self._lock:
            if len(self._seen) > 10_000:
                now = time.monotonic()
                self._seen = {k: v for k, v in self._seen.items() if v[0] >= now}
            self._seen[self._mac(text)] = (time.monotonic() + self._seconds, fact)
