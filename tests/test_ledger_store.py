"""Object storage (atomic, byte-identical, source untouched) and the value codec."""

from __future__ import annotations

import hashlib
import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from selfeval_xl.ledger import store
from selfeval_xl.ledger.codec import decode, decode_tables, encode, encode_tables
from selfeval_xl.ledger.store import Archive


def test_store_is_byte_identical_and_leaves_source_alone(tmp_path: Path) -> None:
    src = tmp_path / "收件" / "网信办.XLSX"
    src.parent.mkdir()
    data = os.urandom(3 * store.CHUNK + 17)  # several read chunks
    src.write_bytes(data)
    os.utime(src, (1_600_000_000, 1_600_000_000))
    arc = Archive(tmp_path / "arc")
    arc.create()
    sha, size = store.hash_file(src)
    assert sha == hashlib.sha256(data).hexdigest() and size == len(data)
    obj = store.object_name(sha, src.name)
    assert obj == f"objects/{sha[:2]}/{sha}.xlsx"
    store.store(arc, src, sha, obj)
    assert arc.path_of(obj).read_bytes() == data
    assert src.read_bytes() == data and src.stat().st_mtime == 1_600_000_000
    objects, temps, strays = store.scan_objects(arc)
    assert list(objects) == [obj] and temps == [] and strays == []


def test_store_refuses_bytes_that_do_not_match_the_hash(tmp_path: Path) -> None:
    src = tmp_path / "a.xlsx"
    src.write_bytes(b"now different")
    arc = Archive(tmp_path / "arc")
    arc.create()
    wrong = hashlib.sha256(b"what was checked").hexdigest()
    with pytest.raises(store.ChangedWhileReading):
        store.store(arc, src, wrong, store.object_name(wrong, src.name))
    objects, temps, _ = store.scan_objects(arc)
    assert objects == {} and temps == []


def test_object_name_without_usable_suffix() -> None:
    sha = "ab" * 32
    assert store.object_name(sha, "无后缀") == f"objects/ab/{sha}.bin"
    assert store.object_name(sha, "x.tar.Gz") == f"objects/ab/{sha}.gz"


def test_scan_sorts_temp_and_stray_files(tmp_path: Path) -> None:
    arc = Archive(tmp_path)
    sha = "cd" * 32
    d = arc.objects / "cd"
    d.mkdir(parents=True)
    (d / f"{sha}.xlsx").write_bytes(b"x")
    (d / f".tmp-{store.HOST}-999999-abc").write_bytes(b"partial")
    (d / "notes.txt").write_text("?")
    objects, temps, strays = store.scan_objects(arc)
    assert list(objects) == [f"objects/cd/{sha}.xlsx"]
    assert [t.name for t in temps] == [f".tmp-{store.HOST}-999999-abc"]
    assert [s.name for s in strays] == ["notes.txt"]
    assert store.temp_owner(temps[0].name) == (store.HOST, 999999)


def test_pid_alive() -> None:
    assert store.pid_alive(store.HOST, os.getpid())
    assert store.pid_alive("other-machine", 1)  # never judged from here


@pytest.mark.parametrize("value", [Decimal("1.10"), Decimal("-0.005"), Decimal("96"), 7, 0, "文字 =1+1", "",
                                   date(2022, 3, 1), datetime(2022, 3, 1, 8, 30), None, True])
def test_codec_round_trip(value: object) -> None:
    kind, text = encode(value)
    back = decode(kind, text)
    assert back == value and type(back) is type(value)
    if isinstance(value, Decimal):
        assert str(back) == str(value)  # 1.10 stays 1.10: decimals as strings


def test_codec_tables_round_trip() -> None:
    tables = {"indicators": [{"_row": 1, "weight": Decimal("50.0"), "level1": "产出目标"}],
              "explanations": [{"_row": 2, "rule": "staff-over-quota", "text": "借调人员"}]}
    assert decode_tables(encode_tables(tables)) == tables
    assert decode("decimal", "not a number") == "not a number"  # a damaged value never raises


def test_store_batch_reports_per_job_failures(tmp_path: Path) -> None:
    arc = Archive(tmp_path / "arc")
    arc.create()
    good = tmp_path / "good.xlsx"
    good.write_bytes(b"good bytes")
    changed = tmp_path / "changed.xlsx"
    changed.write_bytes(b"changed bytes")
    sha_good = hashlib.sha256(b"good bytes").hexdigest()
    sha_old = hashlib.sha256(b"what was checked").hexdigest()
    jobs = [(good, sha_good, store.object_name(sha_good, "good.xlsx")),
            (changed, sha_old, store.object_name(sha_old, "changed.xlsx")),
            (tmp_path / "gone.xlsx", sha_old, store.object_name(sha_old, "gone.xlsx"))]
    errs = store.store_batch(arc, jobs)
    assert errs[0] is None and isinstance(errs[1], store.ChangedWhileReading) and isinstance(errs[2], OSError)
    objects, temps, _ = store.scan_objects(arc)
    assert list(objects) == [jobs[0][2]] and temps == []
    assert arc.path_of(jobs[0][2]).read_bytes() == b"good bytes"


def test_store_batch_without_syncfs_fsyncs_each_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real = os.fsync
    monkeypatch.setattr(store, "_SYNCFS", None)
    monkeypatch.setattr(store.os, "fsync", lambda fd: (synced.append(fd), real(fd)))
    arc = Archive(tmp_path / "arc")
    arc.create()
    src = tmp_path / "a.xlsx"
    src.write_bytes(b"abc")
    sha = hashlib.sha256(b"abc").hexdigest()
    store.store(arc, src, sha, store.object_name(sha, src.name))
    assert len(synced) == 2  # the file, then its directory
    assert arc.path_of(store.object_name(sha, src.name)).read_bytes() == b"abc"
