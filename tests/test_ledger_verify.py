"""verify: tampered, missing and unknown objects, stray temp files; repair of dead work."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from ledger_samples import fake_check, fake_checker, write_fake
from typer.testing import CliRunner

from selfeval_xl.cli import _register, app
from selfeval_xl.ledger import collect, verify
from selfeval_xl.ledger import store as st
from selfeval_xl.ledger.store import Archive


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


@pytest.fixture
def arc(tmp_path: Path) -> Path:
    a = tmp_path / "arc"
    collect([write_fake(tmp_path / f"{i}.xlsx", code=f"00{i}") for i in range(3)], a, checker=fake_checker)
    return a


def _objects(a: Path) -> list[Path]:
    return sorted(st.scan_objects(Archive(a))[0].values())


def _cli_verify(a: Path, *extra: str):  # noqa: ANN202
    _register()
    return CliRunner().invoke(app, ["verify", "--archive", str(a), *extra])


def test_clean_archive_verifies(arc: Path) -> None:
    rep = verify(arc)
    assert rep.ok and rep.checked == 3 and rep.repaired == []
    r = _cli_verify(arc)
    assert r.exit_code == 0 and "完好" in r.output


def test_tampered_object(arc: Path) -> None:
    victim = _objects(arc)[1]
    victim.write_bytes(victim.read_bytes() + b" ")
    rep = verify(arc)
    assert not rep.ok and len(rep.mismatched) == 1 and victim.name in rep.mismatched[0]
    assert rep.missing == [] and rep.unknown == []
    r = _cli_verify(arc)
    assert r.exit_code == 1 and "被改动" in r.output


def test_missing_object(arc: Path) -> None:
    victim = _objects(arc)[0]
    victim.unlink()
    rep = verify(arc)
    assert not rep.ok and len(rep.missing) == 1 and victim.name in rep.missing[0]
    assert _cli_verify(arc).exit_code == 1


def test_unknown_object_and_stray_file(arc: Path) -> None:
    data = b"put here by hand"
    sha = hashlib.sha256(data).hexdigest()
    p = arc / st.object_name(sha, "x.xlsx")
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    (arc / "objects" / "README.txt").write_text("?")
    rep = verify(arc)  # repair never adopts an object nobody journaled
    assert not rep.ok and sorted(rep.unknown) == sorted([st.object_name(sha, "x.xlsx"), "objects/README.txt"])
    assert p.exists()
    r = _cli_verify(arc)
    assert r.exit_code == 1 and "没有记录" in r.output


def test_stray_temp_file_of_a_dead_process(arc: Path) -> None:
    tmp = arc / "objects" / "ab" / f".tmp-{st.HOST}-{_dead_pid()}-00ff"
    tmp.parent.mkdir(exist_ok=True)
    tmp.write_bytes(b"half a file")
    rep = verify(arc, repair=False)
    assert not rep.ok and rep.temps == [str(tmp.relative_to(arc))]
    assert _cli_verify(arc, "--no-repair").exit_code == 1
    rep = verify(arc)
    assert rep.ok and not tmp.exists() and any("临时文件" in x for x in rep.repaired)


def test_temp_file_of_a_live_process_is_left_alone(arc: Path) -> None:
    import os

    tmp = arc / "objects" / "ab" / f".tmp-{st.HOST}-{os.getpid()}-00ff"
    tmp.parent.mkdir(exist_ok=True)
    tmp.write_bytes(b"being written")
    rep = verify(arc)
    assert rep.ok and tmp.exists()


def test_orphan_object_of_a_dead_collect_is_recorded(arc: Path, tmp_path: Path) -> None:
    """A collect died after storing an object but before recording it: repair records it."""
    src = write_fake(tmp_path / "orphan.xlsx", code="077", warnings=1)
    sha = fake_check(src).sha256
    obj = st.object_name(sha, src.name)
    st.store(Archive(arc), src, sha, obj)
    half = write_fake(tmp_path / "never_stored.xlsx", code="078")
    half_sha = fake_check(half).sha256
    db = sqlite3.connect(arc / "ledger.sqlite")
    pid = _dead_pid()
    for s, o, name in ((sha, obj, src.name), (half_sha, st.object_name(half_sha, half.name), half.name)):
        db.execute("INSERT INTO intake (sha256, object, original_name, source_path, mtime, received_at, pid, host)"
                   " VALUES (?,?,?,?,0,'2026-01-01T00:00:00+00:00',?,?)", (s, o, name, f"/in/{name}", pid, st.HOST))
    db.commit()
    rep = verify(arc, repair=False)
    assert not rep.ok and sorted(rep.unfinished) == ["never_stored.xlsx", "orphan.xlsx"]
    assert rep.unknown == []  # journaled, so not "unknown"
    rep = verify(arc, check=fake_check)
    assert rep.ok, rep
    assert any("orphan.xlsx" in x for x in rep.repaired) and any("never_stored.xlsx" in x for x in rep.repaired)
    row = db.execute("SELECT original_name, source_path, status, warnings FROM submissions WHERE sha256 = ?",
                     (sha,)).fetchone()
    assert row == ("orphan.xlsx", "/in/orphan.xlsx", "warn", 1)
    assert db.execute("SELECT COUNT(*) FROM intake").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM submissions WHERE sha256 = ?", (half_sha,)).fetchone()[0] == 0


def test_verify_missing_archive_is_misuse(tmp_path: Path) -> None:
    r = _cli_verify(tmp_path / "none")
    assert r.exit_code == 2 and "不存在" in r.output


def test_stale_intake_of_a_reused_pid_is_repaired(arc: Path, tmp_path: Path) -> None:
    import os

    half = write_fake(tmp_path / "old.xlsx", code="079")
    db = sqlite3.connect(arc / "ledger.sqlite")
    db.execute("INSERT INTO intake (sha256, object, original_name, source_path, mtime, received_at, pid, host)"
               " VALUES (?,?,?,?,0,'2000-01-01T00:00:00+00:00',?,?)",
               (fake_check(half).sha256, "objects/xx/none.xlsx", half.name, str(half), os.getpid(), st.HOST))
    db.commit()
    assert verify(arc, repair=False).unfinished == ["old.xlsx"]
    rep = verify(arc)
    assert rep.ok and db.execute("SELECT COUNT(*) FROM intake").fetchone()[0] == 0
