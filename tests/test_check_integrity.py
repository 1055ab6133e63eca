"""Integrity findings, judged by the checker from the reader's facts: deleted sheet, edited label,
inserted row, overwritten formula, protection, stamp lost or unknown version; each fires on its
doctored workbook and not on the clean one."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from read_samples import INTEGRITY, filled, judged, judged_codes, rezip

from selfeval_xl.layout import build_layout
from selfeval_xl.layout.types import META_SHEET
from selfeval_xl.read import read_file
from selfeval_xl.spec.load import template_for

# Returns of version 1.0 (one sheet per 收支 table), which the checker still reads against their
# own layout: the damage below is placed by that layout's sheet and cell names.
V10 = template_for("dept-selfeval", "1.0")


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return filled(tmp_path_factory.mktemp("clean") / "filled.xlsx", template=V10)


@pytest.fixture(scope="module")
def clean3(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return filled(tmp_path_factory.mktemp("clean3") / "filled3.xlsx", units=3, template=V10)


def assert_not_evaluated(sub) -> None:
    """A damaged return: no rule ran on it; at most its identity (cover or stamp) is kept, and it fails."""
    assert set(sub.values) <= {"dept.code", "dept.name", "report.year"}, sub.values
    assert sub.status in ("fail", "unreadable")


def _edit(src: Path, dst: Path, change) -> Path:
    wb = openpyxl.load_workbook(src)
    change(wb)
    wb.save(dst)
    return dst


def _findings(sub, code: str):
    return [f for f in sub.findings if f.code == code]


def test_clean_and_openpyxl_roundtrip_have_no_integrity_findings(tmp_path: Path, clean: Path) -> None:
    base, base_sub = judged(clean)
    assert not [c for c in judged_codes(base_sub) if c in INTEGRITY]
    layout = build_layout(V10, 1)
    assert set(base.raw) == set(layout.inputs)
    same, same_sub = judged(_edit(clean, tmp_path / "same.xlsx", lambda wb: None))
    assert judged_codes(same_sub) == []
    assert same.raw == base.raw


def test_sheet_deleted(tmp_path: Path, clean: Path) -> None:
    p = _edit(clean, tmp_path / "deleted.xlsx", lambda wb: wb.remove(wb["三公经费"]))
    snap, sub = judged(p)
    missing = _findings(sub, "missing-sheet")
    assert [(f.sheet, f.severity) for f in missing] == [("三公经费", "error")]
    assert "三公经费" in missing[0].message
    assert_not_evaluated(sub)  # the sheet held inputs: no partial evaluation
    assert "three_public.total" not in snap.raw and snap.raw["expenditure.total"] == 96


def test_sheet_renamed(tmp_path: Path, clean: Path) -> None:
    def rename(wb):
        wb["固定资产"].title = "资产"

    snap, sub = judged(_edit(clean, tmp_path / "renamed.xlsx", rename))
    assert [f.sheet for f in _findings(sub, "missing-sheet")] == ["固定资产"]


def test_instructions_sheet_deleted_keeps_values(tmp_path: Path, clean: Path) -> None:
    snap, sub = judged(_edit(clean, tmp_path / "noinfo.xlsx", lambda wb: wb.remove(wb["填表说明"])))
    assert judged_codes(sub) == ["missing-sheet"]
    assert sub.readable is True


def test_label_edited_after_removing_protection(tmp_path: Path, clean: Path) -> None:
    def edit(wb):
        ws = wb["支出"]
        ws.protection.sheet = False
        ws["B3"] = "支出总计（改）"

    base = read_file(clean)
    layout = build_layout(V10, 1)
    assert any(s.cell.sheet == "支出" and s.cell.a1 == "B3" for s in layout.statics)
    snap, sub = judged(_edit(clean, tmp_path / "label.xlsx", edit))
    tampered = _findings(sub, "tampered-cell")
    assert [(f.sheet, f.cell) for f in tampered] == [("支出", "B3")]
    assert "支出总计（改）" in tampered[0].message
    assert [f.sheet for f in _findings(sub, "protection-removed")] == ["支出"]
    assert _findings(sub, "protection-removed")[0].severity == "warning"
    assert snap.raw == base.raw  # a single edited label does not stop the values


def test_label_whitespace_is_not_tampering(tmp_path: Path, clean: Path) -> None:
    def edit(wb):
        ws = wb["支出"]
        ws["B3"] = "  " + str(ws["B3"].value) + " "

    snap, sub = judged(_edit(clean, tmp_path / "ws.xlsx", edit))
    assert judged_codes(sub) == []


@pytest.mark.parametrize("sheet,op", [("支出", "rows"), ("绩效自评", "rows"), ("收入", "cols"), ("封面", "rows")])
def test_inserted_row_or_column_is_never_read_silently(tmp_path: Path, clean: Path, sheet: str, op: str) -> None:
    def edit(wb):
        ws = wb[sheet]
        ws.protection.sheet = False
        if op == "rows":
            ws.insert_rows(4)
        else:
            ws.insert_cols(2)

    snap, sub = judged(_edit(clean, tmp_path / "shifted.xlsx", edit))
    tampered = _findings(sub, "tampered-cell")
    assert len(tampered) == 1 and tampered[0].sheet == sheet
    assert "插入或删除了行/列" in tampered[0].message
    assert not _findings(sub, "formula-overwritten")  # no per-cell noise from the shifted sheet
    assert_not_evaluated(sub)
    layout = build_layout(V10, 1)
    assert not [n for n, inp in layout.inputs.items() if inp.cell.sheet == sheet and n in sub.values
                and n not in ("dept.code", "dept.name", "report.year")]
    if sheet == "封面":  # the shifted cover is not read: whose return it is comes from the stamp
        assert (sub.values["dept.code"], sub.values["dept.name"]) == (snap.stamp["dept_code"], snap.stamp["dept_name"])
    assert snap.sheets is not None and snap.sheets[sheet].texts  # the reader's facts the checker used


def test_deleted_row_is_detected(tmp_path: Path, clean: Path) -> None:
    def edit(wb):
        wb["基本概况"].delete_rows(3)

    snap, sub = judged(_edit(clean, tmp_path / "deleted_row.xlsx", edit))
    assert [f.sheet for f in _findings(sub, "tampered-cell")] == ["基本概况"]
    assert_not_evaluated(sub)


def test_defined_name_pointing_elsewhere_is_a_shift(tmp_path: Path, clean: Path) -> None:
    """Excel moves names with inserted rows: a name off its layout cell means a shift."""
    def edit(wb):
        wb.defined_names["expenditure.total"].attr_text = "'支出'!$B$7"

    snap, sub = judged(_edit(clean, tmp_path / "name.xlsx", edit))
    tampered = _findings(sub, "tampered-cell")
    assert [f.sheet for f in tampered] == ["支出"]
    # the clerk's words, never the internal key (issue 9: "名称 evaluation.score 应指向 D49")
    assert "“支出合计”应在" in tampered[0].message and "expenditure.total" not in tampered[0].message
    assert_not_evaluated(sub)


def test_formula_replaced_by_number(tmp_path: Path, clean: Path) -> None:
    layout = build_layout(V10, 1)
    footer = next(f for f in layout.formulas if f.kind == "footer")

    def edit(wb):
        wb[footer.cell.sheet][footer.cell.a1] = 100

    snap, sub = judged(_edit(clean, tmp_path / "formula.xlsx", edit))
    over = _findings(sub, "formula-overwritten")
    assert [(f.sheet, f.cell) for f in over] == [(footer.cell.sheet, footer.cell.a1)]
    assert "100" in over[0].message
    assert sub.readable is True


def test_formula_text_changed(tmp_path: Path, clean: Path) -> None:
    layout = build_layout(V10, 1)
    check = next(f for f in layout.formulas if f.kind == "check")

    def edit(wb):
        wb[check.cell.sheet][check.cell.a1] = '="✔"'

    snap, sub = judged(_edit(clean, tmp_path / "ftext.xlsx", edit))
    tampered = _findings(sub, "tampered-cell")
    assert [(f.sheet, f.cell) for f in tampered] == [(check.cell.sheet, check.cell.a1)]
    assert "公式" in tampered[0].message


def test_formula_respelled_is_not_tampering(tmp_path: Path, clean: Path) -> None:
    """$ signs, spacing, case, _xlfn. and sheet quotes as other writers spell them."""
    layout = build_layout(V10, 1)
    f = next(f for f in layout.formulas if f.kind == "unit_name")

    def edit(wb):
        text = f.formula.replace("$", "").replace("'封面'", "封面").replace("IF(", "if( ")
        wb[f.cell.sheet][f.cell.a1] = "=_xlfn." + text

    snap, sub = judged(_edit(clean, tmp_path / "respelled.xlsx", edit))
    assert judged_codes(sub) == []


def test_protection_removed_only(tmp_path: Path, clean: Path) -> None:
    def edit(wb):
        wb["收入"].protection.sheet = False

    snap, sub = judged(_edit(clean, tmp_path / "unprotected.xlsx", edit))
    assert judged_codes(sub) == ["protection-removed"]
    assert sub.findings[0].sheet == "收入"


def test_stamp_lost_recognised_from_structure(tmp_path: Path, clean3: Path) -> None:
    base = read_file(clean3)
    assert base.units == 3

    def edit(wb):
        wb.remove(wb[META_SHEET])
        wb.custom_doc_props.props.clear()

    snap, sub = judged(_edit(clean3, tmp_path / "nostamp.xlsx", edit))
    assert snap.stamp == {}
    assert snap.template_id == "dept-selfeval" and snap.units == 3
    assert judged_codes(sub) == []
    assert snap.raw == base.raw
    assert snap.raw["units.name.u2"] == "下属单位2" and snap.raw["income.total.u3"] == 30


def test_stamp_lost_single_unit(tmp_path: Path, clean: Path) -> None:
    def edit(wb):
        wb.remove(wb[META_SHEET])
        wb.custom_doc_props.props.clear()

    snap, sub = judged(_edit(clean, tmp_path / "nostamp1.xlsx", edit))
    assert snap.units == 1 and sub.readable and judged_codes(sub) == []


def test_custom_properties_alone_identify(tmp_path: Path, clean3: Path) -> None:
    snap, sub = judged(_edit(clean3, tmp_path / "props.xlsx", lambda wb: wb.remove(wb[META_SHEET])))
    assert snap.stamp["units"] == "3" and snap.units == 3 and judged_codes(sub) == []


def _restamp(src: Path, dst: Path, version: str, tid: str = "dept-selfeval") -> Path:
    """Change the stamp's template id/version in _meta (via sharedStrings) and custom.xml."""
    def change(name: str, data: bytes) -> bytes:
        if name in ("xl/sharedStrings.xml", "docProps/custom.xml"):
            text = data.decode()
            text = re.sub(r">1\.0<", f">{version}<", text)
            text = text.replace(">dept-selfeval<", f">{tid}<")
            return text.encode()
        return data

    return rezip(src, dst, change)


def test_unsupported_version(tmp_path: Path, clean: Path) -> None:
    snap, sub = judged(_restamp(clean, tmp_path / "v9.xlsx", "9.9"))
    assert judged_codes(sub) == ["unsupported-version"] and sub.readable is False
    assert "9.9" in sub.findings[0].message and "1.0" in sub.findings[0].message


def test_unknown_template_id_in_stamp(tmp_path: Path, clean: Path) -> None:
    snap, sub = judged(_restamp(clean, tmp_path / "other.xlsx", "1.0", tid="other-form"))
    assert judged_codes(sub) == ["unknown-template"] and sub.readable is False


def test_meta_merely_hidden_still_found(tmp_path: Path, clean: Path) -> None:
    def edit(wb):
        wb[META_SHEET].sheet_state = "hidden"
        wb.custom_doc_props.props.clear()

    snap, sub = judged(_edit(clean, tmp_path / "hidden.xlsx", edit))
    assert snap.stamp["template_id"] == "dept-selfeval" and judged_codes(sub) == []


def test_cleared_formula_is_reported(tmp_path: Path, clean: Path) -> None:
    layout = build_layout(V10, 1)
    f = next(f for f in layout.formulas if f.kind == "check")

    def edit(wb):
        wb[f.cell.sheet][f.cell.a1] = None

    snap, sub = judged(_edit(clean, tmp_path / "cleared.xlsx", edit))
    assert [(x.code, x.cell) for x in sub.findings if x.code in INTEGRITY] == [("formula-overwritten", f.cell.a1)]
