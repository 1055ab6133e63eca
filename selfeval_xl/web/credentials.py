"""The web intake's credentials, kept beside the ledger in `<archive>/web/access.sqlite`:
hashes of each department's access code, of the bureau's API tokens and of the admin password,
and the key that signs session cookies. Only hashes of secrets are stored (the key is not a
user's secret: it must be readable to sign). The file is readable by its owner only.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from selfeval_xl.web import passwords

FOLDER = "web"
NAME = "access.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS codes (
    dept_code TEXT PRIMARY KEY,      -- upper-case, trimmed
    dept_name TEXT NOT NULL,
    hash      TEXT NOT NULL,
    issued_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    id        INTEGER PRIMARY KEY,
    hash      TEXT NOT NULL,
    issued_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class CodeRow:
    dept_code: str
    dept_name: str
    hash: str
    issued_at: str


def dept_key(code: str) -> str:
    """A 预算编码 as the credentials store and the ledger compare it."""
    return str(code).strip().upper()


def path_of(archive: str | os.PathLike[str]) -> Path:
    return Path(archive) / FOLDER / NAME


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def connect(archive: str | os.PathLike[str]) -> sqlite3.Connection:
    """Open (creating if needed) the credentials store; owner-only permissions."""
    path = path_of(archive)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(path.parent, 0o700)
    except OSError:
        pass
    fresh = not path.exists()
    if fresh:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 30000")
    conn.executescript(SCHEMA)
    return conn


def issue_codes(archive: str | os.PathLike[str], depts: Iterable[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """A new access code for each (code, name); the old codes stop working. Returns
    (预算编码, 部门名称, 登录码) — the only time the plain codes exist."""
    issued = [(str(code).strip(), str(name), passwords.new_code()) for code, name in depts]
    rows = [(dept_key(c), n, passwords.hash_secret(passwords.normalize_code(p)), _now()) for c, n, p in issued]
    conn = connect(archive)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT OR REPLACE INTO codes (dept_code, dept_name, hash, issued_at) VALUES (?,?,?,?)", rows)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return issued


def code_row(archive: str | os.PathLike[str], dept_code: str) -> CodeRow | None:
    conn = connect(archive)
    try:
        r = conn.execute("SELECT dept_code, dept_name, hash, issued_at FROM codes WHERE dept_code = ?",
                         (dept_key(dept_code),)).fetchone()
    finally:
        conn.close()
    return CodeRow(*r) if r else None


def issue_token(archive: str | os.PathLike[str]) -> str:
    """A new bureau API token (older tokens keep working until revoked)."""
    token = passwords.new_token()
    conn = connect(archive)
    try:
        conn.execute("INSERT INTO tokens (hash, issued_at) VALUES (?, ?)", (passwords.hash_secret(token), _now()))
    finally:
        conn.close()
    return token


def revoke_tokens(archive: str | os.PathLike[str]) -> int:
    conn = connect(archive)
    try:
        return conn.execute("DELETE FROM tokens").rowcount
    finally:
        conn.close()


def token_hashes(archive: str | os.PathLike[str]) -> list[str]:
    conn = connect(archive)
    try:
        return [r[0] for r in conn.execute("SELECT hash FROM tokens ORDER BY id")]
    finally:
        conn.close()


def _setting(conn: sqlite3.Connection, key: str) -> str | None:
    r = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return r[0] if r else None


def set_admin_password(archive: str | os.PathLike[str], password: str) -> None:
    conn = connect(archive)
    try:
        conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('admin_hash', ?)",
                     (passwords.hash_secret(password),))
    finally:
        conn.close()


def admin_hash(archive: str | os.PathLike[str]) -> str | None:
    conn = connect(archive)
    try:
        return _setting(conn, "admin_hash")
    finally:
        conn.close()


def session_key(archive: str | os.PathLike[str]) -> str:
    """The key that signs session cookies: made once, kept, so a restart keeps people logged in."""
    conn = connect(archive)
    try:
        conn.execute("BEGIN IMMEDIATE")
        key = _setting(conn, "session_key")
        if key is None:
            key = secrets.token_urlsafe(48)
            conn.execute("INSERT INTO settings (key, value) VALUES ('session_key', ?)", (key,))
        conn.execute("COMMIT")
        return key
    finally:
        conn.close()
