"""The round's settings kept in the ledger (table `settings`): today the round's year.

Why: the officer says `collect --year 2021` once; every later collect and status of that archive
knows the round without being told again.
"""

from __future__ import annotations

import sqlite3

YEAR = "year"


def round_year(conn: sqlite3.Connection) -> int | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (YEAR,)).fetchone()
    try:
        return int(row[0]) if row else None
    except (TypeError, ValueError):
        return None


def set_round_year(conn: sqlite3.Connection, year: int) -> None:
    """Record the round's year (caller holds no transaction; this is one)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                     (YEAR, str(year)))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
