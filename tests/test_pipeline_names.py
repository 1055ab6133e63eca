"""Hostile file systems: any name bytes reach every output (readable, and losslessly in JSON), an
unreadable file or folder is the officer's problem and never stops the batch, and annotated
copies follow the content's real format, not the suffix."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from selfeval_xl.cli import _register, app
from selfeval_xl.inbox.names import raw_name, readable

_register()
ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "submissions"
GOOD = SAMPLES / "906017_临湘市委网信办.xlsx"
BAD = SAMPLES / "907001_临湘市民政局_支出合计不符.xlsx"
GBK = "报表.xlsx".encode("gbk")  # as unzipping a Windows archive leaves it on a Linux share
JUNK = b"\xff\xfe\x80.pdf"  # neither UTF-8 nor GBK


def _run(*args: str):  # noqa: ANN202
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})
    assert "Traceback" not in result.output and "Error" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    box = tmp_path / "收件箱"
    box.mkdir()
    shutil.copy(BAD, os.fsencode(box) + b"/" + GBK)
    (Path(os.fsdecode(os.fsencode(box) + b"/" + JUNK))).write_bytes(b"%PDF-1.4")
    shutil.copy(GOOD, box / "906017.xlsx")
    return box


def test_names_that_are_not_utf8_reach_every_output(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = _run("check", str(inbox), "--json", str(out / "r.json"), "--report", str(out / "r.xlsx"))
    assert r.exit_code == 1, r.output
    assert "/报表.xlsx" in r.output and "收支情况!B11" in r.output  # the terminal shows the GBK name
    doc = json.loads((out / "r.json").read_text(encoding="utf-8"))
    entries = {Path(s["file"]).name: s for s in doc["submissions"]}
    assert set(entries) == {"报表.xlsx", "906017.xlsx", "\ufffd\ufffd\ufffd.pdf"}
    gbk = entries["报表.xlsx"]
    # lossless: the exact bytes of the path, from which the file can be opened again
    assert os.fsdecode(bytes.fromhex(gbk["file_bytes"])) == os.fsdecode(os.fsencode(inbox) + b"/" + GBK)
    assert Path(os.fsdecode(bytes.fromhex(gbk["file_bytes"]))).read_bytes() == BAD.read_bytes()
    assert bytes.fromhex(entries["\ufffd\ufffd\ufffd.pdf"]["file_bytes"]).endswith(JUNK)
    assert "file_bytes" not in entries["906017.xlsx"] and gbk["status"] == "fail"
    files = [c.value for c in openpyxl.load_workbook(out / "r.xlsx").worksheets[1]["A"]]
    assert any(str(v).endswith("收件箱/报表.xlsx") for v in files), files

    s = _run("summarize", str(inbox), "-o", str(out / "s.xlsx"), "--csv", str(out / "csv"), "--json",
             str(out / "s.json"), "-q")
    assert s.exit_code == 0, s.output
    rows = list(csv.reader((out / "csv" / "总览.csv").open(encoding="utf-8-sig")))
    assert any(any(c.endswith("收件箱/报表.xlsx") for c in row) for row in rows)
    assert "报表.xlsx" in (out / "s.json").read_text(encoding="utf-8")

    c = _run("collect", str(inbox / "906017.xlsx"), os.fsdecode(os.fsencode(inbox) + b"/" + GBK),
             "--archive", str(tmp_path / "报送库"))
    assert c.exit_code == 0 and "报表.xlsx" in c.output, c.output
    st = _run("status", "--archive", str(tmp_path / "报送库"), "-o", str(out / "st.xlsx"))
    assert st.exit_code == 0 and (out / "st.xlsx").is_file(), st.output


def test_readable_and_raw_forms() -> None:
    name = os.fsdecode(GBK)
    assert readable(name) == "报表.xlsx" and bytes.fromhex(raw_name(name) or "") == GBK
    assert readable("普通.xlsx") == "普通.xlsx" and raw_name("普通.xlsx") is None
    assert "\ufffd" in readable(os.fsdecode(JUNK))


def _without_root_read_rights() -> None:
    """In the child, before exec: drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the bounding
    set, so even root then obeys permission bits (as an officer's account does)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _as_officer(box: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """The CLI in a fresh process that cannot read some files (root otherwise reads anything)."""
    env = {**os.environ, "COLUMNS": "250", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "selfeval_xl", "check", str(box), "--json", str(out)]
    drop = _without_root_read_rights if os.geteuid() == 0 else None
    return subprocess.run(cmd, capture_output=True, text=True, env=env, preexec_fn=drop, timeout=300)


def test_files_and_folders_the_officer_cannot_read_are_reported_as_such() -> None:
    top = Path(tempfile.mkdtemp(prefix="selfeval-access-"))
    try:
        top.chmod(0o777)
        box = top / "收件箱"
        (box / "锁住的文件夹").mkdir(parents=True)
        shutil.copy(GOOD, box / "906017.xlsx")
        shutil.copy(BAD, box / "没有权限.xlsx")
        shutil.copy(GOOD, box / "锁住的文件夹" / "x.xlsx")
        for p in (box, box / "906017.xlsx"):
            p.chmod(0o755 if p.is_dir() else 0o644)
        (box / "没有权限.xlsx").chmod(0o000)
        (box / "锁住的文件夹").chmod(0o000)
        r = _as_officer(box, top / "r.json")
        assert r.returncode == 1, r.stdout + r.stderr
        assert "Traceback" not in r.stderr
        doc = json.loads((top / "r.json").read_text(encoding="utf-8"))
        entries = {Path(s["file"]).name: s for s in doc["submissions"]}
        assert set(entries) == {"906017.xlsx", "没有权限.xlsx", "锁住的文件夹"}
        assert entries["906017.xlsx"]["status"] in ("pass", "warn")
        for name in ("没有权限.xlsx", "锁住的文件夹"):
            e = entries[name]
            assert e["status"] == "unreadable" and [f["code"] for f in e["findings"]] == ["access-denied"]
            assert "权限" in e["findings"][0]["message"] and "不是报送部门的问题" in e["findings"][0]["message"]
    finally:
        for p in (top / "收件箱" / "锁住的文件夹", top / "收件箱" / "没有权限.xlsx"):
            if p.exists():
                p.chmod(0o755)
        shutil.rmtree(top, ignore_errors=True)


def test_annotated_copy_follows_the_content_not_the_suffix(tmp_path: Path) -> None:
    box = tmp_path / "收件箱"
    box.mkdir()
    shutil.copy(BAD, box / "907001.xls")  # an .xlsx workbook under an .xls name
    r = _run("check", str(box), "--annotate", str(tmp_path / "退回"))
    assert r.exit_code == 1, r.output
    copy = tmp_path / "退回" / "907001.xlsx"
    assert copy.is_file() and "审核意见" in openpyxl.load_workbook(copy).sheetnames


@pytest.mark.libreoffice
def test_an_xls_named_xlsx_gets_a_clear_note_not_an_exception_name(tmp_path: Path) -> None:
    import lo

    xls = lo.convert(BAD, "xls", tmp_path / "lo")
    box = tmp_path / "收件箱"
    box.mkdir()
    shutil.copy(xls, box / "907001.xlsx")
    r = _run("check", str(box), "--annotate", str(tmp_path / "退回"))
    assert r.exit_code == 1 and "收支情况!B11" in r.output, r.output
    assert ".xls 格式无法生成标注副本" in r.output and "BadZip" not in r.output
