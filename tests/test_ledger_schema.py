"""Schema migrations: from an empty database, idempotent, in order, never downgrading."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from selfeval_xl.ledger import schema
from selfeval_xl.ledger.schema import LedgerError, connect


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_migrates_an_empty_database(tmp_path: Path) -> None:
    conn = connect(tmp_path / "ledger.sqlite")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION == len(schema.MIGRATIONS)
    assert {"submissions", "field_values", "findings", "intake"} <= _tables(conn)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # never WAL: network folders
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    idx = {r[1] for r in conn.execute("PRAGMA index_list(submissions)")}
    assert "submissions_dept_year" in idx
    cols = [r[2] for r in conn.execute("PRAGMA index_info(submissions_dept_year)")]
    assert cols == ["dept_code", "year", "is_current"]


def test_migration_is_idempotent_and_keeps_data(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite"
    conn = connect(db)
    conn.execute("INSERT INTO submissions (sha256, object, original_name, source_path, size, received_at, status)"
                 " VALUES ('a', 'objects/a', 'a.xlsx', '/a.xlsx', 1, 't', 'pass')")
    conn.close()
    for _ in range(2):
        conn = connect(db)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert conn.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 1
        conn.close()


def test_later_migrations_apply_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "ledger.sqlite"
    connect(db).close()
    extra = ["CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);",
             "ALTER TABLE notes ADD COLUMN author TEXT; -- needs the table of the previous step"]
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS + extra)
    conn = connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION + 2
    assert [r[1] for r in conn.execute("PRAGMA table_info(notes)")] == ["id", "text", "author"]


def test_failed_migration_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "ledger.sqlite"
    connect(db).close()
    v = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS + ["CREATE TABLE ok (x);", "CREATE TABLE broken ("])
    with pytest.raises(LedgerError):
        connect(db)
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == v
    assert "ok" not in _tables(raw)


def test_newer_ledger_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite"
    raw = sqlite3.connect(db)
    raw.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 5}")
    raw.close()
    with pytest.raises(LedgerError, match="升级"):
        connect(db)


def test_not_a_database(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite"
    db.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(LedgerError, match="无法打开"):
        connect(db)


def test_a_wal_ledger_is_switched_to_the_rollback_journal(tmp_path: Path) -> None:
    # A ledger made by an earlier version in WAL mode: on a network folder WAL cannot work.
    db = tmp_path / "ledger.sqlite"
    old = sqlite3.connect(db)
    assert old.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
    old.execute("CREATE TABLE t (x)")
    old.close()
    conn = connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO settings (key, value) VALUES ('year', '2021')")
    conn.execute("COMMIT")
    conn.close()
    assert not (tmp_path / "ledger.sqlite-wal").exists()
    assert not (tmp_path / "ledger.sqlite-shm").exists()
