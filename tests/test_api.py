"""`selfeval_xl.load`: real workbooks (generated from the seed) → DataFrames, each file checked once."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

import selfeval_xl
from selfeval_xl import pipeline
from selfeval_xl.api import Collection, LoadError, from_submissions, load
from selfeval_xl.generate import write_workbook
from selfeval_xl.prefill import load_values
from selfeval_xl.spec import default_template

SEED_VALUES = Path(__file__).resolve().parents[1] / "samples" / "data" / "906017_临湘市委网信办.yaml"


def make_inbox(root: Path) -> Path:
    """Three departments (one submitted twice), one failing, one broken file."""
    t = default_template()
    vals = load_values(SEED_VALUES, t)
    inbox = root / "收到的报表"
    inbox.mkdir()
    write_workbook(inbox / "906017.xlsx", t, values=vals)
    write_workbook(inbox / "906001.xlsx", t, values={**vals, "dept.code": "906001",
                                                     "dept.name": '=HYPERLINK("http://x","点我")',
                                                     "expenditure.project": Decimal("31.55"),
                                                     "expenditure.total": Decimal("97.55")})
    write_workbook(inbox / "906002_wrong.xlsx", t, values={**vals, "dept.code": "906002", "dept.name": "+1+1",
                                                           "expenditure.total": Decimal("99.00")})
    old = inbox / "906017_old.xlsx"
    write_workbook(old, t, values={**vals, "expenditure.personnel": Decimal("42.00"),
                                   "expenditure.public": Decimal("24.00")})
    os.utime(old, (1_600_000_000, 1_600_000_000))  # older file time, same report date
    (inbox / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    return inbox


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_inbox(tmp_path_factory.mktemp("api"))


def test_load_reads_a_folder_into_frames(inbox: Path) -> None:
    c = selfeval_xl.load([inbox])
    assert isinstance(c, Collection)
    ov = c.overview
    assert len(ov) == 5
    by_file = {Path(f).name: row for f, row in zip(ov["文件"], ov.to_dict("records"), strict=True)}
    assert by_file["broken.xlsx"]["状态"] == "无法读取" and not by_file["broken.xlsx"]["计入汇总"]
    assert by_file["906002_wrong.xlsx"]["状态"] == "未通过" and not by_file["906002_wrong.xlsx"]["计入汇总"]
    assert by_file["906017.xlsx"]["计入汇总"] and not by_file["906017_old.xlsx"]["计入汇总"]
    assert by_file["906001.xlsx"]["部门名称"] == '=HYPERLINK("http://x","点我")'
    assert by_file["906001.xlsx"]["支出合计"] == Decimal("97.55")
    assert isinstance(by_file["906017.xlsx"]["收入合计"], Decimal)
    # duplicate flagged by the pipeline on both
    dup = c.findings[c.findings["代码"] == "duplicate-submission"]
    assert {Path(f).name for f in dup["文件"]} == {"906017.xlsx", "906017_old.xlsx"}
    assert len(c.indicators) >= 2 and set(c.indicators["预算编码"]) >= {"906017", "906001"}
    counted = c.expenditure[c.expenditure["计入汇总"]]
    assert sum(counted["支出合计"], Decimal(0)) == Decimal("96") + Decimal("97.55")


def test_each_file_is_checked_once(inbox: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import selfeval_xl.check
    import selfeval_xl.read

    read: list[str] = []
    checked: list[str] = []
    real_read, real_check = selfeval_xl.read.read_file, selfeval_xl.check.check_snapshot

    def counting_read(path):  # noqa: ANN001, ANN202
        read.append(os.fspath(path))
        return real_read(path)

    def counting_check(snapshot):  # noqa: ANN001, ANN202
        checked.append(snapshot.path)
        return real_check(snapshot)

    monkeypatch.setattr(selfeval_xl.read, "read_file", counting_read)
    monkeypatch.setattr(selfeval_xl.check, "check_snapshot", counting_check)
    load(inbox)
    assert len(read) == 5 and len(set(read)) == 5
    assert sorted(checked) == sorted(read)


def test_load_rejects_missing_paths(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="找不到"):
        load([tmp_path / "nope.xlsx"])


def test_from_submissions_equals_load(inbox: Path) -> None:
    subs = pipeline.check_paths(pipeline.expand_inputs([inbox])[0], progress=False)
    a, b = from_submissions(subs), load([inbox])
    assert a.overview.drop(columns=["文件"]).equals(b.overview.drop(columns=["文件"]))
