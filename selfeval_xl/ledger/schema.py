"""The ledger's SQLite schema: an ordered list of migrations, versioned by PRAGMA user_version.

Opening a ledger brings it to the newest version inside one IMMEDIATE transaction, so two
processes that open a fresh archive at the same moment cannot both migrate it.

Journal: the rollback journal (DELETE), never WAL. Archives live on shared network folders,
where WAL's shared-memory index cannot work (SQLite's documentation: WAL does not work over a
network filesystem); a ledger left in WAL mode by an earlier version is switched back on open.
Writers additionally hold the archive's lock file (ledger/lock.py).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from selfeval_xl.oserrors import explain_database

BUSY_TIMEOUT_MS = 60_000
JOURNAL_MODE = "DELETE"  # rollback journal: safe on SMB/NFS, unlike WAL

# Each entry brings the schema from version i to i+1. Never edit a released entry; append.
MIGRATIONS: list[str] = [
    # 1: submissions with their values and findings; the intake journal for crash repair.
    """
    CREATE TABLE submissions (
        id               INTEGER PRIMARY KEY,
        sha256           TEXT NOT NULL UNIQUE,
        object           TEXT NOT NULL,          -- path inside the archive: objects/ab/abcd….xlsx
        original_name    TEXT NOT NULL,
        source_path      TEXT NOT NULL,
        size             INTEGER NOT NULL,
        mtime            REAL NOT NULL DEFAULT 0,
        received_at      TEXT NOT NULL,          -- ISO-8601 UTC with microseconds (one per collect run)
        format           TEXT NOT NULL DEFAULT '',
        readable         INTEGER NOT NULL DEFAULT 1,
        template_id      TEXT,
        template_version TEXT,
        units            INTEGER NOT NULL DEFAULT 1,
        dept_code        TEXT,
        dept_name        TEXT,
        year             INTEGER,
        report_date      TEXT,
        status           TEXT NOT NULL,          -- pass | warn | fail | unreadable (as checked)
        errors           INTEGER NOT NULL DEFAULT 0,
        warnings         INTEGER NOT NULL DEFAULT 0,
        unexplained      INTEGER NOT NULL DEFAULT 0,
        is_current       INTEGER NOT NULL DEFAULT 1,
        superseded_by    INTEGER REFERENCES submissions(id),
        tables_json      TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX submissions_dept_year ON submissions(dept_code, year, is_current);
    CREATE INDEX submissions_year_current ON submissions(year, is_current);

    CREATE TABLE field_values (
        submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
        key           TEXT NOT NULL,
        kind          TEXT NOT NULL,             -- decimal | int | text | date | datetime | bool | none
        value         TEXT,                      -- decimals as strings, dates ISO
        PRIMARY KEY (submission_id, key)
    ) WITHOUT ROWID;

    CREATE TABLE findings (
        submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
        seq           INTEGER NOT NULL,
        code          TEXT NOT NULL,
        rule          TEXT,
        severity      TEXT NOT NULL,
        sheet         TEXT,
        cell          TEXT,
        field         TEXT,
        message       TEXT NOT NULL,
        args          TEXT NOT NULL DEFAULT '{}',
        explained     INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (submission_id, seq)
    ) WITHOUT ROWID;
    CREATE INDEX findings_code ON findings(code);

    -- A collect writes an intake row before it stores objects and deletes it when the
    -- submission is recorded: a row left behind by a dead process marks work to finish.
    CREATE TABLE intake (
        id            INTEGER PRIMARY KEY,
        sha256        TEXT NOT NULL,
        object        TEXT NOT NULL,
        original_name TEXT NOT NULL,
        source_path   TEXT NOT NULL,
        mtime         REAL NOT NULL DEFAULT 0,
        received_at   TEXT NOT NULL,
        pid           INTEGER NOT NULL,
        host          TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX intake_sha ON intake(sha256);
    """,
    # 2: "which older submissions did this one replace" without a table scan.
    """
    CREATE INDEX submissions_superseded_by ON submissions(superseded_by);
    """,
    # 3: settings of the round (e.g. `year`: the round's year, set by collect --year).
    """
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


class LedgerError(Exception):
    """The ledger cannot be used (newer schema, not a database); message is for the user."""


def _retry(conn: sqlite3.Connection, sql: str) -> None:
    # journal_mode changes do not always wait on the busy handler: retry briefly.
    for attempt in range(200):
        try:
            conn.execute(sql)
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 199:
                raise
            time.sleep(0.05)


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the ledger; autocommit mode, explicit transactions."""
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _retry(conn, f"PRAGMA journal_mode = {JOURNAL_MODE}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        raise LedgerError(explain_database(exc, path.parent)) from exc
    return conn


def migrate(conn: sqlite3.Connection) -> int:
    """Apply every pending migration in order; returns the resulting version."""
    target = len(MIGRATIONS)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > target:
        raise LedgerError(f"登记库版本 {version} 高于本程序支持的 {target}，请升级 selfeval-xl。")
    if version == target:
        return version
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]  # re-read under the lock
        for i in range(version, target):
            for stmt in _statements(MIGRATIONS[i]):
                conn.execute(stmt)
            conn.execute(f"PRAGMA user_version = {i + 1}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return target


def _statements(script: str) -> list[str]:
    """Split a migration into statements (executescript would commit our transaction)."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        code = line.split("--", 1)[0]
        buf += code
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
