"""`collect`: archive and record new submissions (hash first, check each new file once).

The order, so that a crash at any point leaves the archive consistent:
  1. journal every new file in `intake` (committed) — before any object is written;
  2. per chunk, copy into objects/ (temp files hashed while copying, flush, os.replace, flush),
     in a background thread while the files are being checked;
  3. per chunk, one transaction records submissions, values and findings, supersedes older
     ones and deletes the chunk's intake rows.
A process killed between 1 and 3 leaves intake rows, whole objects and temp files, all
owned by a dead pid: `repair` (run by the next collect and by verify) finishes or removes them.
Two processes may collect the same file at once: the object rename is idempotent and
sha256 is UNIQUE, so exactly one records it; the other reports it as already recorded.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from selfeval_xl.check.round import Round
from selfeval_xl.inbox.names import readable
from selfeval_xl.ledger import records, store
from selfeval_xl.ledger.lock import WAIT_SECONDS, WriterLock, writer_lock
from selfeval_xl.ledger.records import Entry, transaction
from selfeval_xl.ledger.schema import connect
from selfeval_xl.ledger.settings import round_year, set_round_year
from selfeval_xl.ledger.store import Archive
from selfeval_xl.model.faults import has_internal_error, machine_fault
from selfeval_xl.model.submission import Submission
from selfeval_xl.oserrors import explain

CHANGED_MSG = "文件在登记过程中被改动，请待其保存完毕后重新收件。"
STORE_THREADS = 1  # batches of copies wait on the disk, not the CPU: they overlap the checking
CHUNK = 200  # files per intake/store/record cycle (`collect(chunk=…)`)
# A batch-level finding of `check`: in the ledger the newer submission supersedes the older,
# so a duplicate warning would make the current one 待说明 for nothing the department can fix.
BATCH_ONLY_CODES = {"duplicate-submission"}

NEW, KNOWN, REPEATED, CHANGED, UNREADABLE_SOURCE = "new", "known", "repeated", "changed", "io-error"
INTERNAL = "internal-error"  # the program failed on the file: not recorded, so a fixed version retries it
STATE_ZH = {NEW: "新登记", KNOWN: "已登记，跳过", REPEATED: "本次重复，跳过", CHANGED: "读取期间被改动，未登记",
            UNREADABLE_SOURCE: "无法读取，未登记", INTERNAL: "程序内部错误，未登记"}
INTERNAL_MSG = "本程序处理此文件时出错（文件本身可能没有问题），未登记；请反馈给开发人员，修复后重新收件。"


@dataclass
class CollectItem:
    """What happened to one input file."""

    path: str
    name: str
    state: str
    sha256: str = ""
    status: str | None = None          # pass | warn | fail | unreadable (new ones)
    dept_code: str | None = None
    dept_name: str | None = None
    year: int | None = None
    errors: int = 0
    warnings: int = 0
    current: bool = False               # new and current after this run
    replaced: list[str] = field(default_factory=list)  # names of submissions it superseded
    superseded_by: str | None = None    # new but older than another one of the same run/ledger
    message: str = ""
    size: int = 0
    mtime: float = 0.0
    object: str = ""                    # where it is (or would be) archived
    source: str = ""                    # where it came from when `path` is a staged copy (a.zip!m.xlsx)

    @property
    def state_zh(self) -> str:
        return STATE_ZH[self.state]


@dataclass
class CollectReport:
    archive: Path
    items: list[CollectItem]
    repaired: list[str] = field(default_factory=list)
    seconds: float = 0.0
    ignored: int = 0  # inputs inside the archive itself (collect . with the archive under .)
    year: int | None = None  # the round's year the returns were checked against (None: any)
    broke_lock: str = ""     # a stale writer lock this run replaced (who had left it)

    def count(self, *states: str) -> int:
        return sum(1 for i in self.items if i.state in states)

    @property
    def new(self) -> int:
        return self.count(NEW)

    @property
    def skipped(self) -> int:
        return self.count(KNOWN, REPEATED)

    @property
    def failed(self) -> int:
        return self.count(CHANGED, UNREADABLE_SOURCE, INTERNAL)

    @property
    def internal(self) -> int:
        """Files the program failed on (a bug): the run ends with exit code 3."""
        return self.count(INTERNAL)

    @property
    def superseded(self) -> int:
        """Older submissions that this run replaced (in the ledger or within the run)."""
        return sum(len(i.replaced) for i in self.items)

    def summary_zh(self) -> str:
        s = (f"共 {len(self.items)} 个文件：新登记 {self.new} 个，已登记跳过 {self.skipped} 个，"
             f"替代旧版本 {self.superseded} 个")
        if self.failed:
            s += f"，未能登记 {self.failed} 个"
        if self.ignored:
            s += f"，忽略报送库内的文件 {self.ignored} 个"
        return s + f"（用时 {self.seconds:.1f} 秒）。"


Checker = Callable[[Sequence[str], int], Iterator[Submission]]


def _default_checker(paths: Sequence[str], workers: int) -> Iterator[Submission]:
    from selfeval_xl.pipeline import iter_check

    return iter_check(paths, workers)


def collect(paths: Sequence[str | os.PathLike[str]], archive: str | os.PathLike[str] = store.DEFAULT_ARCHIVE,
            workers: int = 1, *, checker: Checker | None = None,
            on_item: Callable[[CollectItem], None] | None = None, rnd: Round | None = None,
            lock_wait: float = WAIT_SECONDS, chunk: int = CHUNK,
            sources: Mapping[str, str] | None = None) -> CollectReport:
    """Archive and record every new file of `paths`; known files (same sha256) are skipped unread.

    `rnd`: the officer's year and roster; a year given here becomes the archive's round year,
    and without one the archive's round year (if set) is used. One writer at a time: the run
    holds the archive's lock file (waiting up to `lock_wait` seconds for another writer).

    Objects are copied, chunk by chunk, by a background thread while the files are being
    checked (two filesystem flushes per chunk instead of fsyncs per file); each chunk is
    recorded once its checks and its copies are done.
    `on_item` is called once per input file as soon as its fate is known (the CLI's progress).
    `chunk`: files per intake/store/record cycle (small in tests that interrupt a run).
    `sources`: for a path that is a staged copy (a member of a .zip written out by
    inbox.stage), where it came from: recorded as its source and shown as its name."""
    arc = Archive(Path(archive))
    arc.create()
    with writer_lock(arc.root, lock_wait) as lock:
        rep = _collect_locked(paths, arc, workers, checker, on_item, rnd or Round(), lock, max(1, chunk),
                              dict(sources or {}))
    if lock.broke is not None:
        rep.broke_lock = lock.broke.describe()
    return rep


def _collect_locked(paths: Sequence[str | os.PathLike[str]], arc: Archive, workers: int, checker: Checker | None,
                    on_item: Callable[[CollectItem], None] | None, rnd: Round, lock: WriterLock,
                    size: int, sources: dict[str, str]) -> CollectReport:
    started = time.perf_counter()
    conn = connect(arc.ledger)
    pool = ThreadPoolExecutor(max_workers=STORE_THREADS, thread_name_prefix="selfeval-store")
    try:
        if rnd.year is not None:
            if round_year(conn) != rnd.year:
                set_round_year(conn, rnd.year)
        else:
            rnd = replace(rnd, year=round_year(conn))
        from selfeval_xl.ledger.repair import repair

        check = checker or _default_checker
        repaired = repair(conn, arc, (lambda p: next(iter(check([os.fspath(p)], 1)))) if checker else None)
        inputs, ignored = _outside(arc, [os.fspath(p) for p in paths])
        items, todo = _triage(conn, inputs, sources)
        tick = on_item or (lambda _i: None)
        for it in items:
            if it.state != NEW:
                tick(it)
        received_at = records.now_utc()
        intake = _journal(conn, todo, received_at)
        batches = [pool.submit(store.store_batch, arc, [(Path(it.path), it.sha256, it.object)
                                                        for it in todo[k:k + size]])
                   for k in range(0, len(todo), size)]
        # A checked chunk is recorded as soon as its copies are durable, without stopping the
        # checking to wait for the disk (a flush can take long on a busy machine).
        pending: deque[list[tuple[CollectItem, Submission, Future[list[Exception | None]], int]]] = deque()
        buffer: list[tuple[CollectItem, Submission, Future[list[Exception | None]], int]] = []
        for k, sub in enumerate(check([t.path for t in todo], workers)):
            buffer.append((todo[k], sub, batches[k // size], intake[k]))
            if len(buffer) >= size:
                pending.append(buffer)
                buffer = []
            while pending and pending[0][0][2].done():
                _record_chunk(conn, arc, pending.popleft(), received_at, tick, rnd)
                lock.touch()
        if buffer:
            pending.append(buffer)
        while pending:
            _record_chunk(conn, arc, pending.popleft(), received_at, tick, rnd)
            lock.touch()
        _describe_supersedes(conn, [i for i in items if i.state == NEW], received_at)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        conn.close()
    return CollectReport(arc.root, items, repaired, time.perf_counter() - started, ignored, rnd.year)


def _outside(arc: Archive, paths: list[str]) -> tuple[list[str], int]:
    """Drop inputs that live inside the archive (its own objects are not submissions)."""
    root = os.path.normcase(os.path.abspath(arc.root)) + os.sep
    keep = [p for p in paths if not os.path.normcase(os.path.abspath(p)).startswith(root)]
    return keep, len(paths) - len(keep)


def _triage(conn: sqlite3.Connection, paths: list[str],
            sources: dict[str, str]) -> tuple[list[CollectItem], list[CollectItem]]:
    """Hash every input; items in input order, and the new ones to check (first copy of each hash)."""
    items: list[CollectItem] = []
    for p in paths:
        it = CollectItem(path=p, name=readable(Path(p).name), state=NEW)  # any name bytes: shown as text
        it.source = sources.get(p, "")
        try:
            it.sha256, it.size = store.hash_file(Path(p))
            it.mtime = os.stat(p).st_mtime
        except OSError as exc:
            it.state, it.message = UNREADABLE_SOURCE, f"无法读取文件。{explain(exc, p)}"
        items.append(it)
    known = records.known_hashes(conn, [i.sha256 for i in items if i.sha256])
    seen: set[str] = set()
    todo: list[CollectItem] = []
    for it in items:
        if it.state != NEW:
            continue
        if it.sha256 in known:
            it.state = KNOWN
        elif it.sha256 in seen:
            it.state = REPEATED
        else:
            seen.add(it.sha256)
            it.object = store.object_name(it.sha256, it.name)
            todo.append(it)
    return items, todo


def _journal(conn: sqlite3.Connection, todo: list[CollectItem], received_at: str) -> list[int]:
    """Intake rows for every new file, committed before any object is written."""
    with transaction(conn):
        return [int(conn.execute(
            "INSERT INTO intake (sha256, object, original_name, source_path, mtime, received_at, pid, host)"
            " VALUES (?,?,?,?,?,?,?,?)", (it.sha256, it.object, it.name, (it.source or readable(os.path.abspath(it.path))), it.mtime,
                                          received_at, os.getpid(), store.HOST)).lastrowid or 0) for it in todo]


def _record_chunk(conn: sqlite3.Connection, arc: Archive,
                  chunk: list[tuple[CollectItem, Submission, Future[list[Exception | None]], int]],
                  received_at: str, tick: Callable[[CollectItem], None], rnd: Round | None = None) -> None:
    """Wait for the chunk's copies, then record it in one transaction (and drop its intake rows)."""
    entries: list[tuple[CollectItem, Entry]] = []
    stray: list[str] = []  # objects copied for a file that then failed its consistency check
    for j, (it, sub, batch, _iid) in enumerate(chunk):
        err = batch.result()[j]  # chunks and store batches are cut alike: j is the index in both
        if isinstance(err, store.ChangedWhileReading):
            it.state, it.message = CHANGED, CHANGED_MSG
            continue
        if isinstance(err, OSError):
            it.state, it.message = UNREADABLE_SOURCE, f"无法存入报送库。{explain(err, arc.root, writing=True)}"
            continue
        if has_internal_error(sub.findings):
            it.state, it.message = INTERNAL, INTERNAL_MSG
            stray.append(it.object)
            continue
        fault = machine_fault(sub.findings)
        if fault is not None:  # this machine lacks LibreOffice: read the file again once installed
            it.state, it.message = UNREADABLE_SOURCE, fault.message
            stray.append(it.object)
            continue
        if sub.sha256 and sub.sha256 != it.sha256:
            it.state, it.message = CHANGED, CHANGED_MSG
            stray.append(it.object)
            continue
        sub = replace(sub, findings=[f for f in sub.findings if f.code not in BATCH_ONLY_CODES])
        if rnd is not None:
            rnd.apply(sub)
        entries.append((it, Entry(it.sha256, it.object, it.name, (it.source or readable(os.path.abspath(it.path))), it.size,
                                  it.mtime or sub.mtime, sub)))
    with transaction(conn):
        ids = records.insert(conn, [e for _it, e in entries], received_at)
        conn.executemany("DELETE FROM intake WHERE id = ?", [(iid,) for *_x, iid in chunk])
        for obj in stray:
            if not conn.execute("SELECT 1 FROM submissions WHERE object = ? UNION ALL SELECT 1 FROM intake"
                                " WHERE object = ?", (obj, obj)).fetchone():
                arc.path_of(obj).unlink(missing_ok=True)
    for it, e in entries:
        s = e.submission
        if ids.get(e.sha256) is None:  # another process recorded it first
            it.state = KNOWN
        else:
            c = s.counts()
            it.status, it.errors, it.warnings = s.status, c["errors"], c["warnings"]
            it.dept_code, it.dept_name, it.year = records.norm_code(s.dept_code), s.dept_name, s.year
    for it, *_rest in chunk:
        tick(it)


def _describe_supersedes(conn: sqlite3.Connection, new_items: list[CollectItem], received_at: str) -> None:
    """After the run: which new items are current, which older ones each replaced."""
    by_sha = {i.sha256: i for i in new_items}
    shas = list(by_sha)
    for part in records.chunks(shas):
        q = (f"SELECT s.sha256, s.is_current, n.original_name FROM submissions s LEFT JOIN submissions n"
             f" ON n.id = s.superseded_by WHERE s.sha256 IN ({','.join('?' * len(part))})")
        for sha, cur, newer in conn.execute(q, part):
            it = by_sha[sha]
            it.current = bool(cur)
            it.superseded_by = None if cur else newer
    current = [i for i in new_items if i.current and i.dept_code and i.year is not None]
    for it in current:
        # What this run replaced: the version that was current before it (the newest of earlier
        # runs) and the losers of this run; versions replaced long ago are not news.
        rows = conn.execute(
            "SELECT s.original_name, s.received_at FROM submissions s JOIN submissions n ON n.id = s.superseded_by"
            " WHERE n.sha256 = ? ORDER BY s.received_at DESC, s.report_date DESC, s.mtime DESC, s.id DESC",
            (it.sha256,)).fetchall()
        same_run = [name for name, rec in rows if rec == received_at]
        earlier = [name for name, rec in rows if rec < received_at][:1]
        it.replaced = earlier + same_run
