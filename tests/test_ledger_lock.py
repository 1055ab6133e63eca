"""One writer at a time on a shared folder: the lock file (O_EXCL create), stale locks, the
rollback journal (no WAL), and two real processes writing the same archive at once."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from selfeval_xl.ledger import LedgerError, collect, store
from selfeval_xl.ledger.lock import LOCK_NAME, Owner, is_stale, writer_lock

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "submissions"
HOLDER = """
import sys, time
from pathlib import Path
from selfeval_xl.ledger.lock import writer_lock
root, release = Path(sys.argv[1]), Path(sys.argv[2])
with writer_lock(root, wait=30):
    (root / "held").write_text("1")
    while not release.exists():
        time.sleep(0.05)
"""


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_lock_is_exclusive_and_released(tmp_path: Path) -> None:
    with writer_lock(tmp_path) as held:
        lock = tmp_path / LOCK_NAME
        owner = json.loads(lock.read_text(encoding="utf-8"))
        assert owner["pid"] == os.getpid() and owner["host"] == store.HOST
        assert held.broke is None
        with pytest.raises(LedgerError) as exc:  # a second writer in this very process waits, then gives up
            with writer_lock(tmp_path, wait=0.3):
                pass
        assert f"进程 {os.getpid()}" in str(exc.value) and "同一时间只能有一个程序写入" in str(exc.value)
    assert not (tmp_path / LOCK_NAME).exists()


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    dead = Owner(store.HOST, _dead_pid(), "2026-01-01T00:00:00+00:00")
    (tmp_path / LOCK_NAME).write_text(json.dumps(dead.__dict__), encoding="utf-8")
    assert is_stale(tmp_path / LOCK_NAME, dead)
    with writer_lock(tmp_path, wait=1) as held:
        assert held.broke == dead
    assert not list(tmp_path.iterdir())  # the stale lock was moved aside and removed


def test_a_fresh_lock_of_another_machine_is_respected(tmp_path: Path) -> None:
    other = Owner("其他电脑", 1, "2026-01-01T00:00:00+00:00")
    lock = tmp_path / LOCK_NAME
    lock.write_text(json.dumps(other.__dict__), encoding="utf-8")
    with pytest.raises(LedgerError) as exc:
        with writer_lock(tmp_path, wait=0.3):
            pass
    assert "其他电脑" in str(exc.value)
    assert json.loads(lock.read_text(encoding="utf-8"))["host"] == "其他电脑"  # untouched
    old = time.time() - 3600  # silent for an hour: the other machine's writer is gone
    os.utime(lock, (old, old))
    with writer_lock(tmp_path, wait=1) as held:
        assert held.broke == other


def test_collect_waits_for_another_process_holding_the_lock(tmp_path: Path) -> None:
    arc = tmp_path / "库"
    arc.mkdir()
    release = tmp_path / "release"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(arc), str(release)], env=env)
    try:
        deadline = time.monotonic() + 60
        while not (arc / "held").exists():
            assert holder.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        with pytest.raises(LedgerError) as exc:
            collect([SAMPLES / "906017_临湘市委网信办.xlsx"], arc, lock_wait=0.5)
        assert f"进程 {holder.pid}" in str(exc.value)
        assert not (arc / "ledger.sqlite").exists()  # nothing was written while the other held the lock
        release.write_text("go")
        assert holder.wait(timeout=60) == 0
        rep = collect([SAMPLES / "906017_临湘市委网信办.xlsx"], arc, lock_wait=5)
        assert rep.new == 1
    finally:
        release.write_text("go")
        holder.wait(timeout=60)


def test_two_real_writers_at_once_lose_nothing(tmp_path: Path) -> None:
    files = sorted(SAMPLES.glob("*.xlsx"))
    assert len(files) >= 6
    a, b = tmp_path / "甲", tmp_path / "乙"
    a.mkdir()
    b.mkdir()
    for i, f in enumerate(files):
        shutil.copy2(f, (a if i % 2 else b) / f.name)
    shutil.copy2(files[0], a / "重复.xlsx")  # the same bytes from both sides: recorded once
    arc = tmp_path / "共享文件夹" / "报送库"
    exe = Path(sys.executable).with_name("selfeval-xl")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "selfeval_xl"]
    procs = [subprocess.Popen([*cmd, "collect", str(d), "--archive", str(arc)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for d in (a, b)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    conn = sqlite3.connect(arc / "ledger.sqlite")
    try:
        names = sorted(r[0] for r in conn.execute("SELECT original_name FROM submissions"))
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT COUNT(*) FROM intake").fetchone()[0] == 0
    finally:
        conn.close()
    assert len(names) == len(files)  # every distinct file once; the duplicate bytes once
    assert not (arc / LOCK_NAME).exists() and not (arc / "ledger.sqlite-wal").exists()
    assert "Traceback" not in "".join(o + e for o, e in outs)
