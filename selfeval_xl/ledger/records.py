"""Writing submissions into the ledger and reading them back as Submission objects.

"Newer" is model.precedence's policy, the one check and summarize follow: 预算编码 compared
trimmed and upper-cased; the later 报告日期 (report.date), then the later collect run
(received_at), then the later file modification time, then the later insertion. The newest
submission of a department and year is current; the others point to it through superseded_by.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from selfeval_xl.ledger.codec import (
    decode,
    decode_tables,
    encode,
    encode_tables,
    finding_from_row,
    finding_row,
)
from selfeval_xl.model import precedence
from selfeval_xl.model.submission import Submission

IN_CHUNK = 500  # stay far below SQLite's bound-parameter limit


@dataclass
class Entry:
    """One file to record: where it came from, where it is archived, what the checker found."""

    sha256: str
    object: str
    original_name: str
    source_path: str
    size: int
    mtime: float
    submission: Submission


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def norm_code(v: object) -> str | None:
    s = str(v).strip() if v is not None else ""
    return s or None


def report_date_of(sub: Submission) -> str | None:
    v = sub.values.get("report.date")
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return None


def chunks(seq: Sequence[Any], n: int = IN_CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def known_hashes(conn: sqlite3.Connection, hashes: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for part in chunks(list(hashes)):
        q = f"SELECT sha256 FROM submissions WHERE sha256 IN ({','.join('?' * len(part))})"
        found.update(r[0] for r in conn.execute(q, part))
    return found


def insert(conn: sqlite3.Connection, entries: Sequence[Entry], received_at: str) -> dict[str, int | None]:
    """Insert entries (caller holds a write transaction, so ids can be assigned here and all rows
    go in with executemany); sha256 → new id, or None if it was recorded already."""
    known = known_hashes(conn, [e.sha256 for e in entries])
    next_id = int(conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM submissions").fetchone()[0])
    result: dict[str, int | None] = {}
    sub_rows: list[tuple[Any, ...]] = []
    values_rows: list[tuple[Any, ...]] = []
    finding_rows: list[tuple[Any, ...]] = []
    for e in entries:
        if e.sha256 in known or e.sha256 in result:
            result.setdefault(e.sha256, None)
            continue
        s = e.submission
        c = s.counts()
        sid = next_id
        next_id += 1
        result[e.sha256] = sid
        sub_rows.append((sid, e.sha256, e.object, e.original_name, e.source_path, e.size, e.mtime, received_at,
                         s.format, 1 if s.readable else 0, s.template_id, s.template_version, s.units,
                         norm_code(s.dept_code), s.dept_name, s.year, report_date_of(s), s.status, c["errors"],
                         c["warnings"], c["unexplained_warnings"], encode_tables(s.tables)))
        values_rows.extend((sid, k, *encode(v)) for k, v in s.values.items())
        finding_rows.extend(finding_row(sid, i, f) for i, f in enumerate(s.findings))
    conn.executemany(
        "INSERT INTO submissions (id, sha256, object, original_name, source_path, size, mtime, received_at,"
        " format, readable, template_id, template_version, units, dept_code, dept_name, year, report_date,"
        " status, errors, warnings, unexplained, is_current, tables_json)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,?)", sub_rows)
    conn.executemany("INSERT INTO field_values (submission_id, key, kind, value) VALUES (?,?,?,?)", values_rows)
    conn.executemany("INSERT INTO findings (submission_id, seq, code, rule, severity, sheet, cell, field, message,"
                     " args, explained) VALUES (?,?,?,?,?,?,?,?,?,?,?)", finding_rows)
    keys = {(norm_code(e.submission.dept_code), e.submission.year, e.submission.template_id)
            for e in entries if result.get(e.sha256)}
    refresh_current(conn, keys)
    return result


def refresh_current(conn: sqlite3.Connection, keys: Iterable[tuple[str | None, int | None, str | None]]) -> None:
    """Make the newest submission of each (form, department, year) current and the rest superseded
    by it (a department returns each form once: both forms are current). Which is newest is
    model.precedence's policy (as for check and summarize): 预算编码 trimmed and upper-cased; the
    later 报告日期, then the later collect run, then file time, then id."""
    wanted = {(template, *k) for code, year, template in keys
              if (k := precedence.group_key(code, year)) is not None}
    if not wanted:
        return
    years = sorted({year for _template, _code, year in wanted})
    groups: dict[tuple[str | None, str, int], list[tuple[Any, ...]]] = {}
    for part in chunks(years):
        q = (f"SELECT id, dept_code, year, report_date, received_at, mtime, format, template_id, is_current,"
             f" superseded_by"
             f" FROM submissions WHERE year IN ({','.join('?' * len(part))}) AND dept_code IS NOT NULL")
        for row in conn.execute(q, part):
            gk = precedence.group_key(row[1], row[2])
            if gk is None:
                continue
            key = (row[7], *gk)
            if key in wanted:
                groups.setdefault(key, []).append(row)
    changes: list[tuple[int, int | None, int]] = []
    for rows in groups.values():
        top = rows[precedence.newest(rows, _recency)][0]
        for sid, *_rest, is_current, superseded_by in rows:
            want = (1, None) if sid == top else (0, top)
            if (is_current, superseded_by) != want:
                changes.append((*want, sid))
    conn.executemany("UPDATE submissions SET is_current = ?, superseded_by = ? WHERE id = ?", changes)


def _recency(row: tuple[Any, ...]) -> precedence.Recency:
    sid, _code, _year, report_date, received_at, mtime, fmt = row[:7]
    received = datetime.fromisoformat(received_at).timestamp() if received_at else 0.0
    return precedence.recency(report_date, received, float(mtime or 0.0), sid, fmt=fmt)


def transaction(conn: sqlite3.Connection) -> _Tx:
    return _Tx(conn)


class _Tx:
    """BEGIN IMMEDIATE … COMMIT (ROLLBACK on any exception): writers queue on the busy timeout."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")


SUB_COLUMNS = ("id, sha256, object, original_name, source_path, size, mtime, received_at, format, readable, template_id,"
               " template_version, units, dept_code, dept_name, year, report_date, status, errors, warnings,"
               " unexplained, is_current, superseded_by, tables_json")


@dataclass
class Row:
    """A submissions row (the ledger's own facts about one archived file)."""

    id: int
    sha256: str
    object: str
    original_name: str
    source_path: str
    size: int
    mtime: float
    received_at: str
    format: str
    readable: bool
    template_id: str | None
    template_version: str | None
    units: int
    dept_code: str | None
    dept_name: str | None
    year: int | None
    report_date: str | None
    status: str
    errors: int
    warnings: int
    unexplained: int
    is_current: bool
    superseded_by: int | None
    tables_json: str

    @staticmethod
    def of(t: tuple[Any, ...]) -> Row:
        r = Row(*t)
        r.readable = bool(r.readable)
        r.is_current = bool(r.is_current)
        return r


def select_rows(conn: sqlite3.Connection, where: str = "1", params: Sequence[Any] = ()) -> list[Row]:
    return [Row.of(t) for t in conn.execute(f"SELECT {SUB_COLUMNS} FROM submissions WHERE {where} ORDER BY id", params)]


def rebuild(conn: sqlite3.Connection, rows: Sequence[Row]) -> list[Submission]:
    """Full Submissions (values, tables, findings as recorded) for rows, without reading files."""
    values: dict[int, dict[str, Any]] = {r.id: {} for r in rows}
    findings: dict[int, list[Any]] = {r.id: [] for r in rows}
    ids = [r.id for r in rows]
    for part in chunks(ids):
        marks = ",".join("?" * len(part))
        for sid, key, kind, text in conn.execute(
                f"SELECT submission_id, key, kind, value FROM field_values WHERE submission_id IN ({marks})", part):
            values[sid][key] = decode(kind, text)
        for t in conn.execute(
                f"SELECT submission_id, code, rule, severity, sheet, cell, field, message, args, explained"
                f" FROM findings WHERE submission_id IN ({marks}) ORDER BY submission_id, seq", part):
            findings[t[0]].append(finding_from_row(t[1:]))
    return [Submission(file=r.source_path, sha256=r.sha256, size=r.size, mtime=r.mtime, format=r.format,
                       template_id=r.template_id, template_version=r.template_version, units=r.units,
                       values=values[r.id], tables=decode_tables(r.tables_json), findings=findings[r.id],
                       readable=r.readable)
            for r in rows]
