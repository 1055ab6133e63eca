"""Form 2 through the generator and reader: one sheet per project with sheet-scoped names, an
item roster giving each department one workbook, and a real engine (LibreOffice) recalculating
执行率, 资金得分, 参考得分 and every live check to what Python cached — at the boundaries too."""

from __future__ import annotations

from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import lo
import openpyxl
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from project_seed import DEPT, FORM, project, raw_of, snapshot, workbook_values
from typer.testing import CliRunner

from selfeval_xl.check import check_snapshot
from selfeval_xl.cli import _register, app
from selfeval_xl.generate import generate_roster, write_workbook
from selfeval_xl.layout import build_layout
from selfeval_xl.read import read_file
from selfeval_xl.roster_items import read_item_roster
from selfeval_xl.spec import default_template

runner = CliRunner()


@pytest.fixture(scope="module")
def t() -> Any:
    return default_template(FORM)


def test_sheet_scoped_names_on_every_project_sheet(t: Any, tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    write_workbook(path, t, copies=3, values=workbook_values([project(), project("桥梁维修")]))
    wb = openpyxl.load_workbook(path)
    assert [n for n in wb.sheetnames if n.startswith("项目")] == ["项目1", "项目2", "项目3"]
    for sheet in ("项目1", "项目2", "项目3"):
        local = wb[sheet].defined_names
        assert {"funds.rate", "funds.total.budget", "project.name", "project_indicators"} <= set(local)
        (dest_sheet, ref), = list(local["funds.rate"].destinations)
        assert dest_sheet == sheet and ref == "$G$10"
    assert "dept.name" in wb.defined_names and "funds.rate" not in wb.defined_names
    # 执行率 is a locked formula, 资金得分 a yellow input
    ws = wb["项目1"]
    assert str(ws["G10"].value).startswith("=") and ws["G10"].protection.locked
    assert not ws["H10"].protection.locked and ws.protection.sheet


def test_round_trip_reads_and_checks_clean(t: Any, tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    values = workbook_values([project(f"项目{k}", f"P{k}") for k in range(5)])
    write_workbook(path, t, copies=5, values=values)
    snap = read_file(path)
    assert snap.template_id == FORM and snap.copies == 5 and snap.readable and snap.findings == []
    assert snap.raw["项目5!funds.rate"] == 0.9893 and snap.raw["项目3!project_indicators[4].expected"] == 5
    sub = check_snapshot(snap)
    assert sub.status == "pass", [f.message for f in sub.findings]
    assert len(sub.parts) == 5 and sub.parts[4].values["project.name"] == "项目4"


def test_deleted_project_sheet_is_missing(t: Any, tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    write_workbook(path, t, copies=2, values=workbook_values([project(), project()]))
    wb = openpyxl.load_workbook(path)
    del wb["项目2"]
    wb.save(tmp_path / "cut.xlsx")
    sub = check_snapshot(read_file(tmp_path / "cut.xlsx"))  # the stamp says 2 project sheets
    assert any(f.code == "missing-sheet" and f.sheet == "项目2" for f in sub.findings)


def _item_roster(path: Path) -> None:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("项目名单")
    ws.write_row(0, 0, ["2021年度项目支出绩效自评名单"])
    ws.write_row(1, 0, ["预算编码", "部门名称", "项目名称", "项目编码", "全年预算数"])
    rows = [("909001", "临湘市交通运输局", "农村公路养护", "P-001", 140),
            ("909001", "临湘市交通运输局", "桥梁维修", "P-002", 80.5),
            ("910001", "临湘市农业农村局", "高标准农田建设", "P-101", 300),
            ("909001", "临湘市交通运输局", "客运站改造", "", "三百"),
            ("909001", "临湘市交通运输局", "渡口安全", "P-003", 12)]
    for i, row in enumerate(rows, start=2):
        ws.write_row(i, 0, row)
    wb.close()


def test_item_roster_one_workbook_per_department(t: Any, tmp_path: Path) -> None:
    roster = tmp_path / "项目名单.xlsx"
    _item_roster(roster)
    result = read_item_roster(roster, t)
    assert [(e.code, len(e.items)) for e in result.entries] == [("909001", 3), ("910001", 1)]
    assert len(result.problems) == 1 and "第 6 行" in result.problems[0] and "全年预算数" in result.problems[0]
    report = generate_roster(result.entries, tmp_path / "out", year=2021, template=t, workers=1)
    assert len(report.written) == 2 and report.skipped == []
    assert report.written[0].name == "909001_临湘市交通运输局_2021_项目支出绩效自评表.xlsx"
    snap = read_file(report.written[0])
    assert snap.copies == 3
    assert snap.raw["项目2!project.name"] == "桥梁维修" and snap.raw["项目2!funds.total.budget"] == 80.5
    assert snap.raw["项目3!project.code"] == "P-003" and snap.raw["项目1!project.department"] == "临湘市交通运输局"
    assert snap.raw["dept.name"] == "临湘市交通运输局" and snap.raw["report.year"] == 2021
    ws = openpyxl.load_workbook(report.written[0])["项目2"]
    assert ws["C2"].protection.locked and ws["D10"].protection.locked  # prefilled from the roster: locked
    assert not ws["C5"].protection.locked  # 实施单位 stays open


def test_cli_form_and_projects(tmp_path: Path) -> None:
    _register()
    out = tmp_path / "blank.xlsx"
    r = runner.invoke(app, ["template", "--form", "project-selfeval", "--projects", "4", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert read_file(out).copies == 4
    r = runner.invoke(app, ["template", "--form", "project-selfeval", "--projects", "0", "-o", str(out)])
    assert r.exit_code == 2 and "--projects" in r.output
    data = Path(__file__).resolve().parents[1] / "samples" / "data" / "projects" / "909001_临湘市交通运输局_项目支出.yaml"
    r = runner.invoke(app, ["template", "--form", "project-selfeval", "--values", str(data), "-o", str(out)])
    assert r.exit_code == 0 and "5 个项目表" in r.output, r.output
    assert check_snapshot(read_file(out)).status == "pass"
    r = runner.invoke(app, ["template", "--form", "project-selfeval", "--values", str(data), "--projects", "3",
                            "-o", str(out)])
    assert r.exit_code == 2 and "--projects 不能小于 5" in r.output
    roster = tmp_path / "名单.xlsx"
    _item_roster(roster)
    r = runner.invoke(app, ["template", "--template", "project-selfeval", "--roster", str(roster), "--year", "2021",
                            "-o", str(tmp_path / "outdir"), "--workers", "1"])
    assert r.exit_code == 1 and "第 6 行" in r.output  # a bad row is reported, the rest written
    assert len(list((tmp_path / "outdir").glob("*.xlsx"))) == 2


WAN = D("0.01")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=50_000_000), min_size=3, max_size=3),
       st.lists(st.integers(min_value=0, max_value=50_000_000), min_size=3, max_size=3))
def test_amounts_rounded_from_yuan_never_mismatch(budget_yuan: list[int], executed_yuan: list[int]) -> None:
    """Each figure rounded from 元 to 万元 on its own: totals, 执行率 and 资金得分 still agree."""
    def wan(yuan: int) -> D:
        return (D(yuan) / 10000).quantize(WAN)

    values = project()
    for key, yuan in zip(("current", "carryover", "other"), budget_yuan, strict=True):
        values[f"funds.{key}.budget"] = wan(yuan)
    for key, yuan in zip(("current", "carryover", "other"), executed_yuan, strict=True):
        values[f"funds.{key}.executed"] = wan(yuan)
    values["funds.total.budget"] = wan(sum(budget_yuan))
    values["funds.total.executed"] = wan(sum(executed_yuan))
    rate = raw_of(workbook_values([values]))["项目1!funds.rate"] if values["funds.total.budget"] else None
    if rate is not None:
        values["funds.score"] = (min(D(repr(rate)), D(1)) * 10).quantize(WAN, rounding=ROUND_HALF_UP)
        values["evaluation.score"] = values["funds.score"] + 89
        values["evaluation.grade"] = default_template(FORM).grade_for(values["evaluation.score"])
    sub = check_snapshot(snapshot(workbook_values([values])))
    bad = [f for f in sub.findings if f.code in ("sum-mismatch", "funds-mismatch")]
    assert not bad, [f.message for f in bad]
    if rate is None:
        assert [f.code for f in sub.findings if f.rule == "funds-rate"] == ["zero-divisor"]


# -- a real engine ----------------------------------------------------------------------------

def _boundaries() -> list[dict[str, Any]]:
    full = project("执行率100%") | {"funds.total.executed": D("140.00"), "funds.current.executed": D("120.00"),
                                    "funds.score": D(10), "evaluation.score": D(99)}
    edge = project("执行率89.995%") | {"funds.total.budget": D("200.00"), "funds.current.budget": D("180.00"),
                                       "funds.total.executed": D("179.99"), "funds.current.executed": D("159.99"),
                                       "funds.score": D(9), "evaluation.score": D(98)}
    zero = project("全年预算数0") | {"funds.total.budget": D(0), "funds.current.budget": D(0),
                                    "funds.carryover.budget": D(0)}
    faulty = project("各种问题") | {"project_indicators[4].actual": D("1.5"), "project_indicators[5].grade": "部分达成",
                                   "project_indicators[5].deviation": None, "project_indicators[1].weight": D(25),
                                   "evaluation.grade": "良", "funds.total.executed": D("100.00"),
                                   "funds.current.executed": D("80.00")}
    return [full, edge, zero, faulty, project()]


def _formula_values(path: Path, layout: Any) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path, data_only=True)
    return {f"{f.cell.sheet}!{f.cell.a1}": wb[f.cell.sheet][f.cell.a1].value for f in layout.formulas}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) < 1e-9
    return (a if a is not None else "") == (b if b is not None else "")


@pytest.mark.libreoffice
def test_libreoffice_recalculates_what_python_cached(t: Any, tmp_path: Path) -> None:
    src = tmp_path / "boundaries.xlsx"
    projects = _boundaries()
    write_workbook(src, t, copies=len(projects), values=workbook_values(projects))
    out = lo.recalc(src, tmp_path / "out")
    layout = build_layout(t, 1, len(projects))
    cached, recalculated = _formula_values(src, layout), _formula_values(out, layout)
    diff = {k: (cached[k], recalculated[k]) for k in cached if not _same(cached[k], recalculated[k])}
    assert not diff, diff
    assert recalculated["项目1!G10"] == 1 and recalculated["项目2!G10"] == 0.9
    assert recalculated["项目3!G10"] in (None, "")  # 全年预算数 0: blank, not #DIV/0!
    check_of = {(i.check.sheet, i.rule.id): f"{i.check.sheet}!{i.check.a1}" for i in layout.instances if i.row is None}
    assert recalculated[check_of[("项目3", "funds-rate")]] == "✘ 除数为零，无法计算"
    assert recalculated[check_of[("项目2", "low-execution-reason")]] == "—"
    assert recalculated[check_of[("项目4", "low-execution-reason")]] == "✘ 未满足"
    marks = [v for k, v in recalculated.items() if k.startswith("项目4!") and isinstance(v, str) and v.startswith("✘")]
    assert len(marks) >= 5
    # and the checker agrees with the engine's figures
    sub = check_snapshot(read_file(out))
    assert {p.sheet for p in sub.parts} == {f"项目{k}" for k in range(1, 6)}
    assert not [f for f in sub.findings if f.sheet in ("项目1", "项目2", "项目5")]


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_resaved_as_xls_or_ods_reads_the_same(t: Any, tmp_path: Path, fmt: str) -> None:
    src = tmp_path / "p.xlsx"
    write_workbook(src, t, copies=2, values=workbook_values([project(), _boundaries()[3]]))
    other = lo.convert(src, fmt, tmp_path / fmt)
    a, b = read_file(src), read_file(other)
    assert b.template_id == FORM and b.copies == 2
    def inputs(snap: Any) -> dict[str, Any]:  # a .xls keeps a formula's "" as 0: computed cells are recomputed
        return {k: v for k, v in snap.raw.items() if v not in (None, "") and not k.endswith((".expected", ".rate"))}

    assert inputs(a) == inputs(b)
    rules = lambda s: sorted((f.sheet, f.rule, f.code) for f in check_snapshot(s).findings if f.rule)  # noqa: E731
    assert rules(a) == rules(b) and rules(a)
    assert DEPT["dept.name"] == b.raw["dept.name"]


def _places(t: Any, copies: int) -> dict[str, str]:
    """审核结果: item key (hidden column) → its 位置 text."""
    from selfeval_xl.layout.results import KEY_COL

    layout = build_layout(t, 1, copies)
    on = [s for s in layout.statics if s.cell.sheet == layout.results_sheet]
    keys = {s.cell.row: s.text for s in on if s.cell.col == KEY_COL}
    return {keys[s.cell.row]: s.text for s in on if s.cell.col == 3 and s.cell.row in keys}


def test_results_location_names_every_project_sheet(t: Any) -> None:
    """The 审核结果 counts cover every project sheet: so does its 位置 column, in plain words."""
    one, three = _places(t, 1), _places(t, 3)
    assert one.keys() == three.keys()
    name_cell = one["project.name"].removeprefix("项目1!")
    assert one["project.name"] == f"项目1!{name_cell}" and three["project.name"] == f"各项目表 {name_cell}"
    assert three["funds-rate"] == "各项目表 " + one["funds-rate"].removeprefix("项目1!")
    assert three["project_indicators"].startswith("各项目表 ")
    assert not [k for k, v in three.items() if v.startswith("项目1!")]  # no item names the first sheet alone
    assert three["dept.name"] == one["dept.name"] and "项目" not in three["dept.name"]  # one cell, on its own sheet
