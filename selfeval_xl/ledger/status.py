"""`status`: who has filed for a year (催报), from current submissions only, with last year's figures.

States, in the order a finance officer chases them:
  未提交 — no submission for the department and year;
  未通过 — the current submission has errors (or could not be read);
  待说明 — no errors, but unexplained warnings (three-public-growth included);
  已通过 — neither.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from selfeval_xl.ledger import derived, store
from selfeval_xl.ledger.codec import decode_tables
from selfeval_xl.ledger.query import as_decimal, figures, latest_year, local_time, open_existing
from selfeval_xl.ledger.records import chunks
from selfeval_xl.ledger.settings import round_year
from selfeval_xl.model.codes import OFFICER_ONLY

MISSING, FAILED, UNEXPLAINED, PASSED = "未提交", "未通过", "待说明", "已通过"
STATES = (MISSING, FAILED, UNEXPLAINED, PASSED)
FIGURE_KEYS = tuple(k for k, _label in derived.KEY_FIGURES)


@dataclass
class DeptStatus:
    code: str
    name: str
    state: str
    contact: str | None = None
    phone: str | None = None            # the roster's 联系电话
    roster_row: int | None = None
    received_at: str = ""               # local time of the current submission
    file: str = ""                      # its original file name
    errors: int = 0
    warnings: int = 0                   # unexplained warnings, three-public-growth included
    versions: int = 0                   # submissions received for this department and year
    growth: Decimal | None = None       # 三公经费合计 increase over last year, when there is one
    this_year: dict[str, Decimal | None] = field(default_factory=dict)
    last_year: dict[str, Decimal | None] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # the first findings to fix (表名!单元格 说明)
    more: int = 0                       # further findings not listed in `problems`

    @property
    def to_chase(self) -> bool:
        return self.state != PASSED

    def problems_sentence(self) -> str:
        """The first findings in one sentence, for the 催报 list and the notice."""
        if not self.problems:
            return ""
        text = "；".join(self.problems)
        return f"{text}；另有 {self.more} 项问题" if self.more else text


@dataclass
class StatusReport:
    archive: Path
    year: int | None
    roster: str | None = None
    rows: list[DeptStatus] = field(default_factory=list)         # roster order (or by code without roster)
    off_roster: list[DeptStatus] = field(default_factory=list)   # filed, but not on the roster
    unidentified: list[tuple[str, str, str]] = field(default_factory=list)  # (received, file, status): no code/year
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    received: int = 0                   # submissions recorded for `year` (any department, any version)
    round_year: int | None = None       # the archive's round year, when set

    @property
    def empty(self) -> bool:
        """No submission at all for the year: the officer must be told, not shown a quiet list."""
        return self.year is None or self.received == 0

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATES, 0)
        for r in self.rows:
            out[r.state] += 1
        return out

    def chase(self) -> list[DeptStatus]:
        order = {s: i for i, s in enumerate(STATES)}
        return sorted((r for r in self.rows if r.to_chase), key=lambda r: order[r.state])


def status(archive: str | os.PathLike[str] = store.DEFAULT_ARCHIVE, roster: str | os.PathLike[str] | Sequence[Any] | None = None,
           year: int | None = None) -> StatusReport:
    """Status of every roster department (or of every department in the ledger) for `year`
    (default: the latest year in the ledger). `roster`: a roster file or RosterEntry objects."""
    started = time.perf_counter()
    entries, problems, roster_name = _roster(roster)
    arc, conn = open_existing(Path(archive))
    try:
        ry = round_year(conn)
        if year is None:
            year = ry if ry is not None else latest_year(conn)
        rep = StatusReport(arc.root, year, roster_name, problems=problems, round_year=ry)
        filed = _filed(conn, year) if year is not None else {}
        if year is not None:
            rep.received = int(conn.execute("SELECT COUNT(*) FROM submissions WHERE year = ?", (year,)).fetchone()[0])
        rep.unidentified = [(local_time(r), n, s) for r, n, s in conn.execute(
            "SELECT received_at, original_name, status FROM submissions WHERE dept_code IS NULL OR year IS NULL"
            " ORDER BY id")]
    finally:
        conn.close()
    if entries is None:
        rep.rows = [filed[c] for c in sorted(filed)]
    else:
        by_key = {c.upper(): d for c, d in filed.items()}
        for e in entries:
            d = by_key.pop(str(e.code).strip().upper(), None)
            if d is None:
                d = DeptStatus(code=str(e.code), name=str(e.name), state=MISSING)
            else:
                d.name = str(e.name) or d.name
            d.contact, d.phone, d.roster_row = e.contact, getattr(e, "phone", None), e.row
            rep.rows.append(d)
        rep.off_roster = [by_key[k] for k in sorted(by_key)]
    rep.seconds = time.perf_counter() - started
    return rep


def _roster(roster: str | os.PathLike[str] | Sequence[Any] | None) -> tuple[list[Any] | None, list[str], str | None]:
    if roster is None:
        return None, [], None
    if isinstance(roster, str | os.PathLike):
        from selfeval_xl.roster import read_roster  # RosterError (unusable file) goes to the caller

        res = read_roster(roster)
        return list(res.entries), list(res.problems), Path(roster).name
    return list(roster), [], None


def _filed(conn: sqlite3.Connection, year: int) -> dict[str, DeptStatus]:
    """code → DeptStatus for every department with a current submission in `year`."""
    rows = conn.execute(
        "SELECT id, dept_code, dept_name, year, readable, errors, unexplained, received_at, original_name,"
        " template_id, template_version, units, tables_json FROM submissions"
        " WHERE year IN (?, ?) AND is_current = 1 AND dept_code IS NOT NULL", (year, year - 1)).fetchall()
    versions = dict(conn.execute("SELECT dept_code, COUNT(*) FROM submissions WHERE year = ? AND dept_code IS NOT NULL"
                                 " GROUP BY dept_code", (year,)).fetchall())
    vals = figures(conn, [r[0] for r in rows], FIGURE_KEYS)
    # last year's figures come from the return that has them (a department's other form has none)
    last = {r[1]: vals[r[0]] for r in rows if r[3] == year - 1 and any(v is not None for v in vals[r[0]].values())}
    out: dict[str, DeptStatus] = {}
    chase: dict[int, tuple[DeptStatus, Decimal | None, list[Any]]] = {}
    for sid, code, name, yr, readable, errors, unexplained, received, fname, tid, tver, units, tables in rows:
        if yr != year:
            continue
        mine, prev = vals[sid], last.get(code, {})
        d = DeptStatus(code=code, name=name or "", state=PASSED, received_at=local_time(received), file=fname,
                       errors=errors, warnings=unexplained, versions=versions.get(code, 1),
                       this_year={k: as_decimal(mine.get(k)) for k in FIGURE_KEYS},
                       last_year={k: as_decimal(prev.get(k)) for k in FIGURE_KEYS} if code in last else {})
        growth_open = False
        grow = derived.growth_finding(mine.get(derived.THREE_PUBLIC), prev.get(derived.THREE_PUBLIC),
                                      template_id=tid, template_version=tver, units=units)
        if grow is not None:
            d.growth = Decimal(grow.args["difference"])
            if derived.GROWTH not in derived.explained_rules(decode_tables(tables)):
                d.warnings += 1
                growth_open = True
        jumps = derived.implausible_findings(mine, prev, template_id=tid, template_version=tver, units=units) \
            if prev else []
        if jumps:
            if derived.IMPLAUSIBLE not in derived.explained_rules(decode_tables(tables)):
                d.warnings += len(jumps)
            else:
                jumps = []
        if not readable or errors:
            d.state = FAILED
        elif d.warnings:
            d.state = UNEXPLAINED
        if d.state != PASSED:
            chase[sid] = (d, d.growth if growth_open else None, jumps)
        if code in out:  # the department's other form: one row for both
            _merge_into(out[code], d, chase)
        else:
            out[code] = d
    _first_problems(conn, chase)
    return out


_RANK = {PASSED: 0, UNEXPLAINED: 1, FAILED: 2}


def _merge_into(a: DeptStatus, b: DeptStatus, chase: dict[int, tuple[DeptStatus, Decimal | None, list[Any]]]) -> None:
    """A department that returned both forms: one row, the worse state, both files named."""
    a.state = max(a.state, b.state, key=_RANK.__getitem__)
    a.file = f"{a.file}；{b.file}" if a.received_at <= b.received_at else f"{b.file}；{a.file}"
    a.received_at = max(a.received_at, b.received_at)
    a.errors, a.warnings, a.versions = a.errors + b.errors, a.warnings + b.warnings, max(a.versions, b.versions)
    a.growth = a.growth if a.growth is not None else b.growth
    a.this_year = {k: a.this_year.get(k) if a.this_year.get(k) is not None else b.this_year.get(k)
                   for k in a.this_year.keys() | b.this_year.keys()}
    a.last_year = a.last_year or b.last_year
    for sid, (d, growth, jumps) in list(chase.items()):
        if d is b:
            chase[sid] = (a, growth, jumps)


FIRST = 2  # findings named in the 催报 sentence


def _first_problems(conn: sqlite3.Connection, chase: dict[int, tuple[DeptStatus, Decimal | None, list[Any]]]) -> None:
    """Fill each chased department's first findings to fix (errors first, then unexplained
    warnings, then what the ledger adds), with one query per chunk of submissions."""
    texts: dict[int, list[str]] = {sid: [] for sid in chase}
    for part in chunks(list(chase)):
        q = (f"SELECT submission_id, code, sheet, cell, message FROM findings WHERE submission_id IN"
             f" ({','.join('?' * len(part))}) AND (severity = 'error' OR (severity = 'warning' AND explained = 0))"
             " ORDER BY submission_id, severity = 'error' DESC, seq")
        for sid, code, sheet, cell, message in conn.execute(q, part):
            if code in OFFICER_ONLY:
                continue
            where = f"{sheet}!{cell} " if sheet and cell else (f"{sheet}表 " if sheet else "")
            texts[sid].append(f"{where}{message.rstrip('。')}")
    for sid, (d, growth, derived_findings) in chase.items():
        mine = texts[sid] + [f"{f.sheet}!{f.cell} {f.message.rstrip('。')}" for f in derived_findings]
        if growth is not None:
            mine.append(f"三公经费比上年增加 {growth} 万元，须在“情况说明”中说明原因")
        total = len(d.problems) + d.more + len(mine)  # a department's two forms add up
        d.problems = (d.problems + mine)[:FIRST]
        d.more = total - len(d.problems)
