"""`repair`: a damaged return (a deleted row, a renamed sheet) becomes a fresh template for the
same department and year, prefilled with everything that could be read safely; what could not is
listed. The original is never touched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from selfeval_xl.cli import _register, app
from selfeval_xl.pipeline import check_file
from selfeval_xl.read import read_file
from selfeval_xl.salvage import SalvageError, salvage

ROOT = Path(__file__).resolve().parents[1]
FINANCE = ROOT / "samples" / "submissions" / "901001_临湘市财政局.xlsx"


def damaged(path: Path) -> Path:
    wb = openpyxl.load_workbook(FINANCE)
    wb["收支情况"].protection.sheet = False
    wb["收支情况"].delete_rows(4)          # a deleted row: 收支情况 cannot be read safely
    wb["评价人员"].title = "人员"       # a renamed sheet
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def test_damaged_return_is_identified_and_failed_with_chinese_messages(tmp_path: Path) -> None:
    sub = check_file(damaged(tmp_path / "in" / "901001_临湘市财政局.xlsx"))
    assert sub.status == "fail" and (sub.dept_code, sub.dept_name, sub.year) == ("901001", "临湘市财政局", 2021)
    for f in sub.findings:
        assert "expenditure" not in f.message and "=IF" not in f.message and "SUMPRODUCT" not in f.message
    assert {f.sheet for f in sub.findings if f.severity == "error"} == {"收支情况", "评价人员"}


def test_repair_writes_a_prefilled_template_and_lists_what_is_lost(tmp_path: Path) -> None:
    src = damaged(tmp_path / "in" / "901001_临湘市财政局.xlsx")
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    rep = salvage(src, tmp_path / "out")
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    assert rep.target == tmp_path / "out" / "901001_临湘市财政局_2021_重建.xlsx"
    assert any("「收支情况」表" in s for s in rep.lost_sheets) and any("「评价人员」表" in s for s in rep.lost_sheets)
    original, rebuilt = read_file(FINANCE), read_file(rep.target)
    assert rebuilt.readable and rebuilt.stamp["dept_code"] == "901001" and rebuilt.stamp["year"] == "2021"
    lost = {n for n in original.raw if n.startswith(("income.", "expenditure.", "balance.", "three_public.", "assets.",
                                                   "evaluators", "preparer."))}
    carried = [n for n, v in original.raw.items() if v not in (None, "") and n not in lost]
    assert len(carried) > 50
    for n in carried:  # every value read safely is in the new form, unchanged
        assert rebuilt.raw[n] == original.raw[n], n
    assert all(rebuilt.raw.get(n) in (None, "") or n.startswith("balance.") for n in lost)
    sub = check_file(rep.target)
    assert not [f for f in sub.findings if f.code in ("tampered-cell", "missing-sheet", "formula-overwritten")]


def test_repair_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    _register()
    src = damaged(tmp_path / "in" / "901001_临湘市财政局.xlsx")
    r = CliRunner().invoke(app, ["repair", str(src), "-o", str(tmp_path / "新表")])
    assert r.exit_code == 0, r.output
    assert "901001 临湘市财政局 2021" in r.output and "须在新模板中重新填写" in r.output and "「收支情况」表" in r.output
    r = CliRunner().invoke(app, ["repair", str(src), "-o", str(src.parent)])
    assert r.exit_code == 2 and "中有输入文件" in r.output
    junk = tmp_path / "in2" / "x.xlsx"
    junk.parent.mkdir()
    junk.write_bytes(b"not a workbook")
    r = CliRunner().invoke(app, ["repair", str(junk), "-o", str(tmp_path / "新表")])
    assert r.exit_code == 1 and "无法从 x.xlsx 重建" in r.output and "Traceback" not in r.output


def test_not_our_template_cannot_be_repaired(tmp_path: Path) -> None:
    other = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "别的表"
    wb.save(other)
    with pytest.raises(SalvageError):
        salvage(other, tmp_path / "out")
