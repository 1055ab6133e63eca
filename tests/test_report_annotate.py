"""Annotated copies: fills and comments at the right cells, findings sheet first, the workbook
otherwise intact, the original byte-identical; no copy for .xls/.ods or unreadable files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from report_samples import phone_warning, sub, sum_mismatch, unreadable

from selfeval_xl.report import AnnotateError, annotate, annotate_batch
from selfeval_xl.report.annotate import FILL, safe_name


def _workbook(path: Path) -> Path:
    """A small protected workbook like the template: formula, merge, hidden stamp sheet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    unlocked = wb.add_format({"locked": False})
    cover = wb.add_worksheet("封面")
    cover.merge_range("B3:D3", "临湘市委网信办", unlocked)
    cover.write_string("C12", "12", unlocked)
    cover.protect()
    ws = wb.add_worksheet("支出")
    ws.write_string("A6", "支出合计")
    ws.write_number("B6", 96, unlocked)
    ws.write_number("B7", 66, unlocked)
    ws.write_number("B8", 31, unlocked)
    ws.write_formula("C6", '=IF(ABS(B6-(B7+B8))<=0.015,"","不符")', None, "不符")
    ws.write_comment("B8", "项目支出：万元")
    ws.protect()
    meta = wb.add_worksheet("_meta")
    meta.write_string("A1", "template_id")
    meta.very_hidden()
    wb.close()
    return path


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_copy_marks_cells_and_keeps_the_workbook(tmp_path: Path) -> None:
    src = _workbook(tmp_path / "收到" / "网信办.xlsx")
    before = _sha(src)
    s = sub(str(src), sum_mismatch(), phone_warning(), sum_mismatch(cell="B8"))
    written = annotate([s], tmp_path / "退回")
    assert written == [tmp_path / "退回" / "网信办.xlsx"]
    assert _sha(src) == before  # the original is untouched
    wb = openpyxl.load_workbook(written[0])
    assert wb.sheetnames[0] == "审核意见" and wb.active.title == "审核意见"
    ws = wb["支出"]
    assert ws["B6"].fill.fgColor.rgb == FILL["error"]
    assert "支出合计 96.00 ≠" in ws["B6"].comment.text
    assert ws["B7"].fill.fill_type is None and ws["B7"].comment is None  # unmarked cells stay plain
    assert "原批注" in ws["B8"].comment.text and "项目支出：万元" in ws["B8"].comment.text
    assert wb["封面"]["C12"].fill.fgColor.rgb == FILL["warning"]
    assert "电话号码" in wb["封面"]["C12"].comment.text
    # otherwise intact: formula, protection, locking, hidden stamp
    assert ws["C6"].value.startswith("=IF(ABS(B6")
    assert ws.protection.sheet and wb["封面"].protection.sheet
    assert ws["B6"].protection.locked is False and ws["A6"].protection.locked is True
    assert wb["_meta"].sheet_state == "veryHidden"
    listing = [r for r in wb["审核意见"].iter_rows(min_row=2, values_only=True)]
    assert len(listing) == 3 and listing[0][1] == "错误" and listing[0][2] == "支出!B6"
    assert listing[-1][2] == "封面!C12"
    assert wb["审核意见"]["C2"].hyperlink.location == "'支出'!B6"


def test_explained_warning_and_merged_cell(tmp_path: Path) -> None:
    src = _workbook(tmp_path / "in" / "a.xlsx")
    name_err = sum_mismatch(sheet="封面", cell="C3")  # inside the merge B3:D3
    s = sub(str(src), name_err, phone_warning(explained=True))
    [copy] = annotate([s], tmp_path / "out")
    wb = openpyxl.load_workbook(copy)
    assert wb["封面"]["B3"].fill.fgColor.rgb == FILL["error"] and wb["封面"]["B3"].comment
    assert wb["封面"]["C12"].comment is None  # explained: listed, not marked
    assert [r[5] for r in wb["审核意见"].iter_rows(min_row=2, values_only=True)] == [None, "已说明"]


def test_no_copy_for_legacy_unreadable_or_clean(tmp_path: Path) -> None:
    src = _workbook(tmp_path / "in" / "ok.xlsx")
    xls = tmp_path / "in" / "old.xls"
    xls.write_bytes(b"x")
    result = annotate_batch([sub(str(src)), sub(str(xls), sum_mismatch()), unreadable(str(tmp_path / "in" / "e.xlsx")),
                             sub(str(src), codes_only_file_level())], tmp_path / "out")
    assert result.written == []
    assert any("old.xls" in n and ".xls" in n for n in result.notes)
    assert any("e.xlsx" in n and "无法读取" in n for n in result.notes)
    # a duplicate is the officer's business: no copy and no note for the department
    assert len(result.notes) == 2
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def codes_only_file_level():
    from selfeval_xl.model import codes

    return codes.make("duplicate-submission", code="1", year=2021, other="b.xlsx", which="")


def test_officer_side_notes_stay_out_of_the_copy(tmp_path: Path) -> None:
    # The department gets back only what it must fix: not "还有另一份报送 … 本文件不计入".
    from selfeval_xl.model import codes

    src = _workbook(tmp_path / "in" / "a.xlsx")
    dup = codes.make("duplicate-submission", field="dept.code", sheet="封面", cell="C12", code="1", year=2021,
                     other="b.xlsx", which="以较新的 b.xlsx 为准，本文件不计入。")
    superseded = codes.make("superseded", received="2022-03-01 09:00:00", file="新版.xlsx")
    [copy] = annotate([sub(str(src), sum_mismatch(), dup, superseded)], tmp_path / "out")
    wb = openpyxl.load_workbook(copy)
    listing = list(wb["审核意见"].iter_rows(min_row=2, values_only=True))
    assert [r[2] for r in listing] == ["支出!B6"]
    assert listing[0][4] == "合计不等于分项之和"  # the kind of problem in Chinese, not the code
    assert wb["封面"]["C12"].comment is None
    texts = " ".join(str(c.value) for row in wb["审核意见"].iter_rows() for c in row if c.value)
    assert "不计入" not in texts and "替代" not in texts


def test_refuses_the_source_folder(tmp_path: Path) -> None:
    src = _workbook(tmp_path / "in" / "a.xlsx")
    before = _sha(src)
    with pytest.raises(AnnotateError):
        annotate([sub(str(src), sum_mismatch())], tmp_path / "in")
    assert _sha(src) == before


def test_same_names_do_not_overwrite_each_other_or_inputs(tmp_path: Path) -> None:
    a = _workbook(tmp_path / "in" / "x" / "同名.xlsx")
    b = _workbook(tmp_path / "in" / "y" / "同名.xlsx")
    written = annotate([sub(str(a), sum_mismatch()), sub(str(b), sum_mismatch())], tmp_path / "out")
    assert [p.name for p in written] == ["同名.xlsx", "同名（2）.xlsx"]
    # an output folder that holds another input: that input is never replaced
    c = _workbook(tmp_path / "in" / "z" / "同名.xlsx")
    before = _sha(c)
    written = annotate([sub(str(a), sum_mismatch())], tmp_path / "in" / "z")
    assert written[0].name != "同名.xlsx" and _sha(c) == before


@pytest.mark.parametrize(("raw", "expected"), [
    ("a/b.xlsx", "a_b.xlsx"), ('x<>:"|?*.xlsx', "x_______.xlsx"), ("CON.xlsx", "_CON.xlsx"),
    ("name. .xlsx", "name. .xlsx"), ("tail. ", "tail"), ("普通.xlsx", "普通.xlsx"),
])
def test_safe_name(raw: str, expected: str) -> None:
    assert safe_name(raw) == expected


def test_rerun_replaces_its_own_copy(tmp_path: Path) -> None:
    src = _workbook(tmp_path / "in" / "a.xlsx")
    first = annotate([sub(str(src), sum_mismatch())], tmp_path / "out")
    second = annotate([sub(str(src), phone_warning())], tmp_path / "out")
    assert first == second and len(list((tmp_path / "out").iterdir())) == 1
    wb = openpyxl.load_workbook(second[0])
    assert wb["支出"]["B6"].comment is None and wb["封面"]["C12"].comment is not None


def test_findings_sheet_keeps_formula_like_text_as_text(tmp_path: Path) -> None:
    from report_samples import INJECT_NAME

    from selfeval_xl.model import codes

    src = _workbook(tmp_path / "in" / "a.xlsx")
    f = codes.make("tampered-cell", sheet="支出", cell="A6", detail=INJECT_NAME)
    [copy] = annotate([sub(str(src), f)], tmp_path / "out")
    cell = openpyxl.load_workbook(copy)["审核意见"]["D2"]
    assert cell.value == INJECT_NAME and cell.data_type == "s"
