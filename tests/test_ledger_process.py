"""Nothing lost, nothing doubled — with real `python -m selfeval_xl collect` processes:
two at once on overlapping inputs, and one killed (SIGKILL) part-way, then repaired."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ledger_samples import fake_check

from selfeval_xl.ledger import collect, verify
from selfeval_xl.ledger import store as st
from selfeval_xl.ledger.collect import KNOWN, NEW

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "submissions"


def _distinct_workbooks(folder: Path, n: int) -> list[Path]:
    """n byte-distinct, valid workbooks: the samples with a different zip comment each."""
    base = sorted(SAMPLES.glob("*.xlsx"))
    if not base:
        pytest.skip("no sample submissions")
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        data = base[i % len(base)].read_bytes()
        assert data[-22:-18] == b"PK\x05\x06" and data[-2:] == b"\x00\x00"
        comment = f"copy {i}".encode()
        p = folder / f"{i:04d}_{base[i % len(base)].name}"
        p.write_bytes(data[:-2] + len(comment).to_bytes(2, "little") + comment)
        out.append(p)
    return out


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "selfeval_xl", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "COLUMNS": "200", **(env or {})})


def _recorded(arc: Path) -> list[str]:
    return [r[0] for r in sqlite3.connect(arc / "ledger.sqlite").execute("SELECT sha256 FROM submissions")]


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_two_collects_at_once_archive_every_file_exactly_once(tmp_path: Path) -> None:
    files = _distinct_workbooks(tmp_path / "in", 48)
    arc = tmp_path / "arc"
    a = _run(["collect", *map(str, files[:32]), "--archive", str(arc), "--workers", "1"], tmp_path)
    b = _run(["collect", *map(str, files[16:]), "--archive", str(arc), "--workers", "1"], tmp_path)
    outs = [p.communicate(timeout=240) for p in (a, b)]
    assert a.returncode == 0 and b.returncode == 0, outs
    assert all("Traceback" not in o + e for o, e in outs)
    recorded = _recorded(arc)
    assert sorted(recorded) == sorted({_sha(f) for f in files})  # every file, none twice
    objects, temps, strays = st.scan_objects(st.Archive(arc))
    assert len(objects) == len(files) and temps == [] and strays == []
    rep = verify(arc, repair=False)
    assert rep.ok, rep
    new_a, new_b = (int(re.search(r"新登记 (\d+) 个，已登记跳过 (\d+) 个", o)[1]) for o, _e in outs)
    assert new_a + new_b == len(files)  # each file was new to exactly one of the two


def test_collect_killed_part_way_leaves_a_consistent_archive(tmp_path: Path) -> None:
    files = _distinct_workbooks(tmp_path / "in", 120)
    arc = tmp_path / "arc"
    proc = _run(["collect", *map(str, files), "--archive", str(arc), "--workers", "1"], tmp_path,
                env={"SELFEVAL_COLLECT_CHUNK": "3"})
    deadline = time.monotonic() + 120
    db = arc / "ledger.sqlite"
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                n = sqlite3.connect(db).execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
            except sqlite3.Error:
                n = 0
            if n >= 9:
                break
        time.sleep(0.02)
    assert proc.poll() is None, "collect finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    # Consistent as left: every recorded file is archived whole; an archived file the ledger
    # does not know is journaled (intake) for repair — nothing is silently half-done.
    rep = verify(arc, repair=False)
    assert rep.mismatched == [] and rep.missing == [] and rep.unknown == [], rep
    recorded = set(_recorded(arc))
    assert 9 <= len(recorded) < len(files)
    sources = {_sha(f) for f in files}
    assert recorded <= sources

    fixed = subprocess.run([sys.executable, "-m", "selfeval_xl", "verify", "--archive", str(arc)],
                           capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert verify(arc, repair=False).ok

    again = subprocess.run([sys.executable, "-m", "selfeval_xl", "collect", *map(str, files), "--archive", str(arc)],
                           capture_output=True, text=True, timeout=240, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    final = _recorded(arc)
    assert sorted(final) == sorted(sources)  # all there, none twice
    assert len(st.scan_objects(st.Archive(arc))[0]) == len(files)
    assert verify(arc, repair=False).ok


def test_crash_between_storing_and_recording_is_repaired(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process: the 3rd object copy dies (like a kill) while the work is journaled."""
    from ledger_samples import fake_checker, write_fake

    files = [write_fake(tmp_path / f"{i}.xlsx", code=f"00{i}") for i in range(5)]
    arc = tmp_path / "arc"
    real_write, calls = st.write_temp, []

    def dying_write(*a, **k):  # noqa: ANN002, ANN003, ANN202
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_write(*a, **k)

    monkeypatch.setattr(st, "write_temp", dying_write)
    with pytest.raises(KeyboardInterrupt):
        collect(files, arc, checker=fake_checker, chunk=1)  # one store batch per file
    monkeypatch.setattr(st, "write_temp", real_write)
    assert len(_recorded(arc)) == 2  # chunks (of one file) before the crash were recorded
    rep = verify(arc, repair=False)
    assert rep.unfinished == []  # our own pid is alive: its work is never touched...
    monkeypatch.setattr(st, "pid_alive", lambda host, pid: False)  # ...until the process is gone
    rep = verify(arc, repair=False)
    assert len(rep.unfinished) == 3 and rep.unknown == [] and rep.mismatched == [] and rep.missing == []
    whole = set(st.scan_objects(st.Archive(arc))[0])  # copies run ahead in a thread: 2 to 4 made it
    assert 2 <= len(whole) <= 4
    rep = verify(arc, check=fake_check)
    assert rep.ok, rep
    recorded = sqlite3.connect(arc / "ledger.sqlite").execute("SELECT object FROM submissions").fetchall()
    assert {r[0] for r in recorded} == whole  # the whole objects are recorded; the rest start afresh
    again = collect(files, arc, checker=fake_checker)
    states = [i.state for i in again.items]
    assert states.count(KNOWN) == len(whole) and states.count(NEW) == 5 - len(whole)
    assert sorted(_recorded(arc)) == sorted(fake_check(f).sha256 for f in files)
    assert verify(arc, repair=False).ok


def test_verify_while_a_collect_runs_sees_nothing_wrong(tmp_path: Path) -> None:
    files = _distinct_workbooks(tmp_path / "in", 80)
    arc = tmp_path / "arc"
    collect(files[:1], arc)  # the ledger exists before the race starts
    proc = _run(["collect", *map(str, files), "--archive", str(arc), "--workers", "1"], tmp_path,
                env={"SELFEVAL_COLLECT_CHUNK": "4"})
    reports = []
    while proc.poll() is None:
        reports.append(verify(arc, repair=False))
    proc.communicate(timeout=60)
    assert proc.returncode == 0 and len(reports) >= 2
    for rep in reports:
        assert rep.mismatched == [] and rep.missing == [] and rep.unknown == [] and rep.unfinished == [], rep
    assert verify(arc, repair=False).ok and len(_recorded(arc)) == len(files)
