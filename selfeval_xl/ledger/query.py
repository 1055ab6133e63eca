"""Reading the ledger: current submissions of a year (for summarize), history, last year's figures."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from selfeval_xl.ledger import derived
from selfeval_xl.ledger.codec import decode
from selfeval_xl.ledger.records import Row, chunks, rebuild, select_rows
from selfeval_xl.ledger.schema import LedgerError, connect
from selfeval_xl.ledger.settings import round_year
from selfeval_xl.ledger.store import Archive
from selfeval_xl.model.submission import Submission


def open_existing(archive: Path | str) -> tuple[Archive, sqlite3.Connection]:
    """Open an archive that must already exist (status, verify and summarize never create one)."""
    arc = Archive(Path(archive))
    if not arc.exists():
        raise LedgerError(f"报送库 {arc.root} 不存在或还没有登记过任何文件，请先用 collect 收件登记。")
    return arc, connect(arc.ledger)


def local_time(iso: str | None) -> str:
    """received_at (UTC ISO) as the officer's local time, to the second."""
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return iso


def latest_year(conn: sqlite3.Connection) -> int | None:
    r = conn.execute("SELECT MAX(year) FROM submissions WHERE dept_code IS NOT NULL").fetchone()
    return int(r[0]) if r and r[0] is not None else None


def figures(conn: sqlite3.Connection, ids: list[int], keys: tuple[str, ...]) -> dict[int, dict[str, Any]]:
    """Selected values of many submissions at once (the primary key makes each a point lookup)."""
    out: dict[int, dict[str, Any]] = {i: {} for i in ids}
    kmarks = ",".join("?" * len(keys))
    for part in chunks(ids):
        q = (f"SELECT submission_id, key, kind, value FROM field_values WHERE submission_id IN"
             f" ({','.join('?' * len(part))}) AND key IN ({kmarks})")
        for sid, key, kind, text in conn.execute(q, (*part, *keys)):
            out[sid][key] = decode(kind, text)
    return out


def previous_figures(conn: sqlite3.Connection, year: int) -> dict[str, dict[str, Any]]:
    """dept_code → last year's current figures (三公经费合计 and the plausibility amounts)."""
    rows = conn.execute("SELECT id, dept_code FROM submissions WHERE year = ? AND is_current = 1 AND dept_code IS NOT NULL",
                        (year - 1,)).fetchall()
    vals = figures(conn, [r[0] for r in rows], derived.PREVIOUS_KEYS)
    return {code: vals[sid] for sid, code in rows}


def previous_totals(conn: sqlite3.Connection, year: int) -> dict[str, Any]:
    """dept_code → last year's current 三公经费合计."""
    return {code: v.get(derived.THREE_PUBLIC) for code, v in previous_figures(conn, year).items()}


def with_derived(conn: sqlite3.Connection, rows: list[Row], subs: list[Submission]) -> list[Submission]:
    """Add three-public-growth (against year-1's current submission) and superseded findings."""
    prev_by_year: dict[int, dict[str, Any]] = {}
    newer: dict[int, tuple[str, str]] = {}
    sup_ids = sorted({r.superseded_by for r in rows if r.superseded_by is not None})
    for part in chunks(sup_ids):
        q = f"SELECT id, received_at, original_name FROM submissions WHERE id IN ({','.join('?' * len(part))})"
        for sid, rec, name in conn.execute(q, part):
            newer[sid] = (local_time(rec), name)
    for r, s in zip(rows, subs, strict=True):
        if r.year is not None and r.dept_code is not None and r.readable:
            if r.year not in prev_by_year:
                prev_by_year[r.year] = previous_figures(conn, r.year)
            last = prev_by_year[r.year].get(r.dept_code)
            prev = last.get(derived.THREE_PUBLIC) if last else None
            explained = derived.explained_rules(s.tables)
            if prev is not None:
                f = derived.growth_finding(s.values.get(derived.THREE_PUBLIC), prev, template_id=r.template_id,
                                           template_version=r.template_version, units=r.units,
                                           explained=derived.GROWTH in explained)
                if f is not None:
                    s.findings.append(f)
            if last:
                s.findings.extend(derived.implausible_findings(
                    s.values, last, template_id=r.template_id, template_version=r.template_version, units=r.units,
                    explained=derived.IMPLAUSIBLE in explained))
        if r.superseded_by is not None and r.superseded_by in newer:
            s.findings.append(derived.superseded_finding(*newer[r.superseded_by]))
    return subs


def current_submissions(archive: Path, year: int | None = None) -> list[Submission]:
    """The current submission of every department for `year` (default: the archive's round year,
    else the latest year in the ledger), rebuilt from the ledger with values and findings, plus
    three-public-growth and implausible-amount against last year."""
    _arc, conn = open_existing(archive)
    try:
        if year is None:
            year = round_year(conn) or latest_year(conn)
            if year is None:
                return []
        rows = select_rows(conn, "year = ? AND is_current = 1 AND dept_code IS NOT NULL", (year,))
        rows.sort(key=lambda r: (r.dept_code or "", r.id))
        return with_derived(conn, rows, rebuild(conn, rows))
    finally:
        conn.close()


def history(archive: Path, dept_code: str | None = None, year: int | None = None) -> list[Submission]:
    """Every recorded submission (superseded ones carry a `superseded` finding), oldest first."""
    _arc, conn = open_existing(archive)
    try:
        where, params = ["1"], []
        if dept_code is not None:
            where.append("dept_code = ?")
            params.append(dept_code.strip())
        if year is not None:
            where.append("year = ?")
            params.append(year)
        rows = select_rows(conn, " AND ".join(where), params)
        return with_derived(conn, rows, rebuild(conn, rows))
    finally:
        conn.close()


def as_decimal(v: object) -> Decimal | None:
    if isinstance(v, Decimal):
        return v
    if isinstance(v, int) and not isinstance(v, bool):
        return Decimal(v)
    return None


def figures_by_dept(archive: Path, year: int, keys: tuple[str, ...] | None = None) -> dict[str, dict[str, Decimal | None]]:
    """dept_code → key figures (收入合计, 支出合计, 三公经费合计 by default) of that department's
    current submission for `year`: what summaries put beside this year's as 上年."""
    keys = keys or tuple(k for k, _label in derived.KEY_FIGURES)
    _arc, conn = open_existing(archive)
    try:
        rows = conn.execute("SELECT id, dept_code FROM submissions WHERE year = ? AND is_current = 1"
                            " AND dept_code IS NOT NULL", (year,)).fetchall()
        vals = figures(conn, [r[0] for r in rows], keys)
        return {code: {k: as_decimal(vals[sid].get(k)) for k in keys} for sid, code in rows}
    finally:
        conn.close()
