"""Finish or undo what a killed collect left behind (intake rows and temp files of dead processes).

An intake row whose object is whole (its bytes hash to its name) is recorded: the object is
checked once more (the original check died with the process), under the original name and
source path. Otherwise the row is dropped: the file was never archived, and the next collect
of it starts afresh. Work of live processes (or of other machines) is never touched.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from selfeval_xl.ledger import records, store
from selfeval_xl.ledger.records import Entry, transaction
from selfeval_xl.ledger.store import Archive
from selfeval_xl.model.submission import Submission
from selfeval_xl.oserrors import explain


def _check(path: Path) -> Submission:
    from selfeval_xl.pipeline import check_file  # lazily: the pipeline pulls in the reader

    return check_file(path)


def repair(conn: sqlite3.Connection, arc: Archive, check: Callable[[Path], Submission] | None = None) -> list[str]:
    """Repair dead work; returns one Chinese line per thing done. `check`: one file → Submission."""
    check = check or _check
    done: list[str] = []
    rows = conn.execute("SELECT id, sha256, object, original_name, source_path, mtime, received_at, pid, host"
                        " FROM intake ORDER BY id").fetchall()
    for iid, sha, obj, name, source, mtime, received_at, pid, host in rows:
        if not store.work_abandoned(host, pid, received_at):
            continue
        if records.known_hashes(conn, [sha]):
            conn.execute("DELETE FROM intake WHERE id = ?", (iid,))
            continue
        path = arc.path_of(obj)
        whole = False
        if path.is_file():
            try:
                whole = store.hash_file(path)[0] == sha
            except OSError:
                whole = False
        if not whole:
            conn.execute("DELETE FROM intake WHERE id = ?", (iid,))
            done.append(f"清除未完成的登记：{name}（文件未存入报送库，重新收件即可）")
            continue
        sub = check(path)
        sub.file = source
        entry = Entry(sha, obj, name, source, path.stat().st_size, mtime, sub)
        with transaction(conn):
            ids = records.insert(conn, [entry], received_at)
            conn.execute("DELETE FROM intake WHERE id = ?", (iid,))
        if ids.get(sha):
            done.append(f"补登中断时已存入的文件：{name}")
    for tmp in store.scan_objects(arc)[1]:
        owner = store.temp_owner(tmp.name)
        if owner is not None and store.pid_alive(*owner):
            continue
        try:
            tmp.unlink()
            done.append(f"删除中断时遗留的临时文件：{tmp.relative_to(arc.root)}")
        except FileNotFoundError:
            pass
        except OSError as exc:
            done.append(f"无法删除临时文件。{explain(exc, tmp.relative_to(arc.root), writing=True)}")
    return done
