"""The archive's single-writer lock: a lock file created with O_CREAT | O_EXCL.

Why: bureaus keep the archive on a shared network folder (SMB/NFS), where SQLite's own byte-range
locks are unreliable and WAL's shared memory does not work at all. An exclusive create is atomic
on local disks, NFSv3+ and SMB, so at most one writer (collect, verify with repair) works on an
archive at a time; readers (status, summarize, export) need no lock.

The lock file names its owner (host, pid, start time) and is touched while the writer works. A
lock is stale when its process is gone (same host) or when it has not been touched for
STALE_SECONDS (another host, which cannot be asked); a stale lock is moved aside by rename
(atomic) and the create is tried again.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from selfeval_xl.ledger import store
from selfeval_xl.ledger.schema import LedgerError
from selfeval_xl.oserrors import explain

LOCK_NAME = "ledger.lock"
STALE_SECONDS = 15 * 60       # a writer touches its lock at least every chunk; 15 min silence = gone
WAIT_SECONDS = 10 * 60        # how long a second writer waits for the first to finish
POLL_SECONDS = 0.2


@dataclass(frozen=True)
class Owner:
    host: str
    pid: int
    started: str  # ISO-8601 UTC

    def describe(self) -> str:
        when = self.started
        try:
            when = datetime.fromisoformat(self.started).astimezone().strftime("%Y-%m-%d %H:%M:%S")
        except ValueError:
            pass
        return f"计算机 {self.host or '（未知）'} 上的进程 {self.pid}（{when} 开始）"


def _read_owner(path: Path) -> Owner | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Owner(str(data["host"]), int(data["pid"]), str(data["started"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _age(path: Path) -> float | None:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return None


def is_stale(path: Path, owner: Owner | None) -> bool:
    """Whether the lock's writer is certainly gone (dead pid here, or silent for STALE_SECONDS)."""
    age = _age(path)
    if age is None:
        return False  # vanished meanwhile: simply try again
    if owner is not None and owner.host == store.HOST:
        return not store.pid_alive("", owner.pid) or age > 24 * 3600
    # another machine (or an unreadable lock, e.g. half-written by a writer killed at once)
    return age > STALE_SECONDS


class WriterLock:
    """A held lock; `touch()` tells other machines this writer is still alive."""

    def __init__(self, path: Path, owner: Owner, broke: Owner | None) -> None:
        self.path = path
        self.owner = owner
        self.broke = broke  # the stale owner this lock replaced, if any
        self._touched = time.monotonic()

    def touch(self) -> None:
        now = time.monotonic()
        if now - self._touched < 30:
            return
        self._touched = now
        try:
            os.utime(self.path)
        except OSError:
            pass


def _create(path: Path, owner: Owner) -> bool:
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    try:
        os.write(fd, json.dumps(owner.__dict__).encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return True


def _break(path: Path, judged: Owner | None) -> bool:
    """Move a stale lock aside; put it back if what was moved is not the lock judged stale."""
    aside = path.with_name(f"{LOCK_NAME}.stale-{secrets.token_hex(4)}")
    try:
        os.rename(path, aside)
    except OSError:
        return False
    moved = _read_owner(aside)
    if moved != judged:  # another breaker replaced it meanwhile: that lock is live
        if not path.exists():
            try:
                os.rename(aside, path)
                return False
            except OSError:
                pass
    aside.unlink(missing_ok=True)
    return moved == judged


@contextmanager
def writer_lock(root: Path, wait: float = WAIT_SECONDS) -> Iterator[WriterLock]:
    """Hold the archive's writer lock for the block; LedgerError (Chinese) when it stays taken."""
    path = Path(root) / LOCK_NAME
    me = Owner(store.HOST, os.getpid(), datetime.now(UTC).isoformat(timespec="seconds"))
    deadline = time.monotonic() + max(0.0, wait)
    broke: Owner | None = None
    while True:
        try:
            if _create(path, me):
                break
        except OSError as exc:
            raise LedgerError(f"无法在报送库 {root} 中建立锁文件。{explain(exc, root, writing=True)}") from exc
        owner = _read_owner(path)
        if is_stale(path, owner) and _break(path, owner):
            broke = owner
            continue
        if time.monotonic() >= deadline:
            who = owner.describe() if owner is not None else "另一个程序"
            raise LedgerError(f"报送库 {root} 正由{who}写入（收件登记或核验），同一时间只能有一个程序写入；"
                              f"请等其完成后再试。若该程序已意外中止，{STALE_SECONDS // 60} 分钟后会自动解除。")
        time.sleep(POLL_SECONDS)
    held = WriterLock(path, me, broke)
    try:
        yield held
    finally:
        if _read_owner(path) == me:
            path.unlink(missing_ok=True)
