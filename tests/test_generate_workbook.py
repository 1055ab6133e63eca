"""The generated workbook's structure: names, protection, unlocked cells, stamp, validation, print."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from generate_seed import SEED, faulty
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xlsx_compare import diff_parts

from selfeval_xl.generate import GenerateError, workbook_bytes, write_workbook
from selfeval_xl.generate.plan import plan_of
from selfeval_xl.layout import build_layout
from selfeval_xl.layout.types import META_KEYS, META_SHEET, PROPERTY_PREFIX
from selfeval_xl.spec import default_template

ROOT = Path(__file__).resolve().parents[1]

# data-model.md §1, verbatim: every key must be a workbook-level name on its input cell.
SCALAR_KEYS = """dept.name dept.code report.year report.issuer report.method report.evaluator report.date
contact.name contact.phone staff.authorized staff.actual dept.functions dept.tasks dept.achievements
income.total income.carryover income.general_budget income.gov_fund income.special_account income.other
expenditure.total expenditure.basic expenditure.personnel expenditure.public expenditure.project
balance.current balance.accumulated three_public.total three_public.reception three_public.vehicle_operation
three_public.vehicle_purchase three_public.overseas assets.total assets.in_use assets.leased assets.other
evaluation.score evaluation.grade preparer.name preparer.phone narrative.overview narrative.basic_spending
narrative.project_spending narrative.organization narrative.management narrative.performance
narrative.problems narrative.improvements""".split()
UNIT_KEYS = [k for k in SCALAR_KEYS if k.split(".")[0] in ("income", "expenditure", "balance", "three_public", "assets")]
RANGE_KEYS = ["goals", "indicators", "evaluators", "explanations"]


@pytest.fixture(scope="module")
def t():
    return default_template()


@pytest.fixture(scope="module")
def blank(t, tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("gen") / "blank.xlsx"
    write_workbook(p, t)
    return p


def _destination(wb: openpyxl.Workbook, name: str) -> tuple[str, str]:
    dn = wb.defined_names[name]
    assert dn.localSheetId is None, name  # workbook level
    (sheet, ref), = list(dn.destinations)
    return sheet, ref.replace("$", "")


@pytest.mark.parametrize("units", [1, 3])
def test_every_field_key_is_a_name_on_its_input_cell(t, tmp_path, units) -> None:
    p = tmp_path / "w.xlsx"
    write_workbook(p, t, units=units)
    wb = openpyxl.load_workbook(p)
    layout = build_layout(t, units)
    keys = list(SCALAR_KEYS)
    if units > 1:
        keys += [f"{k}.u{u}" for k in UNIT_KEYS for u in range(1, units + 1)]
        keys += [f"units.name.u{u}" for u in range(1, units + 1)]
    for key in keys:
        sheet, ref = _destination(wb, key)
        assert (sheet, ref) == (layout.inputs[key].cell.sheet, layout.inputs[key].cell.a1), key
        assert wb[sheet][ref].protection.locked is False, key
    for key in RANGE_KEYS:
        sheet, ref = _destination(wb, key)
        area = layout.tables[key]
        first, last = ref.split(":")
        assert sheet == area.sheet and first == area.cell(1, next(iter(area.columns))).a1, key
        assert int(last.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) == area.first_row + area.rows, key
    # data-model §3: 支出!B6 in version 1.0, the 收支情况 sheet from 1.1 (B11, one unit)
    assert _destination(wb, "expenditure.total") == ("收支情况", "B11" if units == 1 else layout.cell("expenditure.total").a1)


def _unlocked(wb: openpyxl.Workbook) -> set[tuple[str, str]]:
    out = set()
    for ws in wb.worksheets:
        covered = {(r, c) for m in ws.merged_cells.ranges for r in range(m.min_row, m.max_row + 1)
                   for c in range(m.min_col, m.max_col + 1) if (r, c) != (m.min_row, m.min_col)}
        for row in ws.iter_rows():
            for cell in row:
                if cell.has_style and cell.protection.locked is False and (cell.row, cell.column) not in covered:
                    out.add((ws.title, cell.coordinate))
    return out


@pytest.mark.parametrize("units,locked", [(1, ()), (2, ("dept.name", "dept.code", "report.year"))])
def test_protection_and_unlocked_cells_are_exactly_the_inputs(t, tmp_path, units, locked) -> None:
    p = tmp_path / "w.xlsx"
    write_workbook(p, t, units=units, values={"dept.name": "某局", "dept.code": "1", "report.year": 2021},
                   locked=locked)
    wb = openpyxl.load_workbook(p)
    layout = build_layout(t, units)
    expected = {(i.cell.sheet, i.cell.a1) for n, i in layout.inputs.items() if n not in locked}
    assert _unlocked(wb) == expected
    for ws in wb.worksheets:
        prot = ws.protection
        assert prot.sheet, ws.title
        assert not prot.selectLockedCells and not prot.selectUnlockedCells, ws.title  # True = forbidden
        assert prot.insertRows and prot.insertColumns and prot.deleteRows and prot.deleteColumns, ws.title
        assert prot.formatCells and prot.formatColumns and prot.formatRows, ws.title
        assert not prot.password, ws.title
    for name in locked:  # still found by name, holding the roster's value
        sheet, ref = _destination(wb, name)
        assert wb[sheet][ref].protection.locked is True
        assert wb[sheet][ref].value not in (None, "")


def test_password_sets_a_hash_on_every_sheet(t, tmp_path) -> None:
    p = tmp_path / "w.xlsx"
    write_workbook(p, t, password="secret")
    wb = openpyxl.load_workbook(p)
    assert all(ws.protection.password for ws in wb.worksheets)


def test_stamp_sheet_and_properties(t, blank, tmp_path) -> None:
    wb = openpyxl.load_workbook(blank)
    assert wb.sheetnames[0] == "填表说明" and wb.sheetnames[-1] == META_SHEET
    assert wb[META_SHEET].sheet_state == "veryHidden"
    p = tmp_path / "s.xlsx"
    write_workbook(p, t, units=2, values={"dept.name": "某局", "dept.code": "yyx342", "report.year": 2021})
    wb = openpyxl.load_workbook(p)
    ws = wb[META_SHEET]
    stamp = {ws.cell(i + 1, 1).value: ws.cell(i + 1, 2).value for i in range(len(META_KEYS))}
    assert list(stamp) == list(META_KEYS)
    assert stamp["template_id"] == t.id and stamp["template_version"] == t.version
    assert stamp["spec_sha256"] == t.sha256 and stamp["year"] == "2021" and stamp["units"] == "2"
    assert stamp["dept_code"] == "yyx342" and stamp["dept_name"] == "某局"
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert {k: props[PROPERTY_PREFIX + k] for k in META_KEYS} == stamp


def test_deterministic_and_committed_blank_is_current(t, blank) -> None:
    assert workbook_bytes(t) == workbook_bytes(t)
    committed = ROOT / "workbook_templates" / f"{t.id}-{t.version}-blank.xlsx"
    assert committed.is_file()
    assert diff_parts(blank, committed) == [], "run scripts/make_blank_template.py"


def test_compare_helper_sees_a_change(t, tmp_path) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_workbook(a, t)
    write_workbook(b, t, values={"dept.name": "某局"})
    diffs = diff_parts(a, b)
    assert any(d.startswith("xl/sharedStrings.xml") for d in diffs)
    assert any(d.startswith("docProps/custom.xml") for d in diffs)


def test_formula_injection_stays_text(t, tmp_path) -> None:
    p = tmp_path / "w.xlsx"
    evil = '=HYPERLINK("x")'
    write_workbook(p, t, values={"dept.name": evil, "contact.name": "+1+2", "goals[1].target": "@SUM(A1)"})
    wb = openpyxl.load_workbook(p)
    for key, text in (("dept.name", evil), ("contact.name", "+1+2")):
        sheet, ref = _destination(wb, key)
        assert wb[sheet][ref].data_type == "s" and wb[sheet][ref].value == text
    with zipfile.ZipFile(p) as zf:
        sheets = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>HYPERLINK" not in sheets and b"SUM(A1)</f>" not in sheets


def test_header_escapes_ampersand_and_footer_counts_pages(t, tmp_path) -> None:
    p = tmp_path / "w.xlsx"
    write_workbook(p, t, values={"dept.name": "财政局&审计局"})
    wb = openpyxl.load_workbook(p)
    for ws in wb.worksheets[:-1]:
        assert ws.oddHeader.center.text == "财政局&&审计局"
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
        assert ws.page_setup.paperSize == 9 and ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage


def test_print_setup_follows_layout(t, blank) -> None:
    wb = openpyxl.load_workbook(blank)
    layout = build_layout(t, 1)
    plan = plan_of(layout)
    for s in layout.sheets:
        ws = wb[s.name]
        assert ws.page_setup.orientation == ("landscape" if plan.sheets[s.name].landscape else "portrait"), s.name
        captions = sorted(st.cell.row for st in layout.statics if st.cell.sheet == s.name and st.style == "caption")
        if s.printed_rows is not None:  # 审核结果: the counts print, the item list is for the screen
            assert ws.print_area == f"'{s.name}'!$A$1:${chr(64 + len(s.widths))}${s.printed_rows}", s.name
            assert ws.print_title_rows is None, s.name
        elif s.repeat_rows and len(captions) <= 1:
            assert ws.print_title_rows == f"${s.repeat_rows[0] + 1}:${s.repeat_rows[1] + 1}", s.name
        elif len(captions) > 1 and any(a.sheet == s.name for a in layout.tables.values()):
            # several row tables: the longest one's header repeats (unit tables are short)
            longest = max((a for a in layout.tables.values() if a.sheet == s.name), key=lambda a: a.rows)
            assert ws.print_title_rows == f"${longest.first_row}:${longest.first_row}", s.name
        breaks = {b.id for b in ws.row_breaks.brk}
        assert breaks == set(plan.sheets[s.name].breaks), s.name  # only the breaks the plan forces
    with zipfile.ZipFile(blank) as zf:
        for idx, s in enumerate(layout.sheets, start=1):
            xml = zf.read(f"xl/worksheets/sheet{idx}.xml").decode()
            cols = [(int(a), int(b), float(w)) for a, b, w in re.findall(r'<col min="(\d+)" max="(\d+)" width="([\d.]+)"', xml)]
            for i, w in enumerate(s.widths, start=1):
                got = next(width for a, b, width in cols if a <= i <= b)
                assert abs(got - w) < 1, (s.name, i, got, w)


def _validations(ws) -> dict[str, object]:
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            for row in ws[rng.coord] if ":" in rng.coord else [[ws[rng.coord]]]:
                for cell in row:
                    out[cell.coordinate] = dv
    return out


def test_data_validation_on_inputs(t, blank) -> None:
    wb = openpyxl.load_workbook(blank)
    layout = build_layout(t, 1)
    by_sheet = {s: _validations(wb[s]) for s in wb.sheetnames}
    for name, inp in layout.inputs.items():
        dv = by_sheet[inp.cell.sheet].get(inp.cell.a1)
        f = inp.field
        if f.type in ("money", "number", "integer", "date", "choice") or f.max_length:
            assert dv is not None, name
            assert dv.promptTitle and dv.prompt and dv.errorTitle and dv.error, name
        if f.type == "money":
            assert dv.type == "custom" and ">=0" in dv.formula1 and ",2)=" in dv.formula1, name
        elif f.type == "integer":
            assert dv.type == "whole", name
        elif f.type == "date":
            assert dv.type == "date", name
        elif f.type == "choice" and inp.table in layout.choice_lists and f.key.endswith(".level2"):
            assert dv.type == "list" and dv.formula1.startswith("OFFSET("), name  # dependent: see below
        elif f.type == "choice":
            assert dv.type == "list" and all(c in dv.formula1 for c in f.choices), name
        elif f.max_length:
            assert dv.type == "textLength" and dv.formula1 == str(f.max_length), name
    grade = by_sheet["绩效自评"][layout.cell("evaluation.grade").a1]
    assert grade.formula1 == '"优,良,中,差"'
    rule = by_sheet["情况说明"][layout.inputs["explanations[1].rule"].cell.a1]
    assert "结余与收支差额核对" in rule.formula1 and "实有人数超编" in rule.formula1 and "-" not in rule.formula1
    region = by_sheet["封面"][layout.cell("report.region").a1]
    assert region.prompt == t.fields["report.region"].prompt


def test_level2_dropdown_lists_exactly_the_hierarchy(t, blank) -> None:
    """The 二级 dropdown reads hidden lists: per 一级 exactly its hierarchy, and every 二级
    while the 一级 is blank; the hidden columns hold them (so the form offers what the checker accepts)."""
    wb = openpyxl.load_workbook(blank)
    layout = build_layout(t, 1)
    cl = layout.choice_lists["indicators"]
    ws = wb[cl.anchor.sheet]
    table = t.tables["indicators"]

    def column(col: int) -> list[str]:
        return [ws.cell(cl.anchor.row + 1 + i, col + 1).value for i in range(cl.length)
                if ws.cell(cl.anchor.row + 1 + i, col + 1).value is not None]

    assert column(cl.anchor.col) == list(table.column("level2").choices)
    heads = [ws.cell(cl.parents[0].row + 1, c + 1).value for c in range(cl.parents[0].col, cl.parents[1].col + 1)]
    assert heads == list(table.hierarchy)
    for k, parent in enumerate(heads, start=1):
        assert column(cl.anchor.col + k) == list(table.hierarchy[parent])
    assert "社会公众或服务对象满意度" in table.hierarchy["效益目标"]
    hidden = {c for d in ws.column_dimensions.values() if d.hidden for c in range(d.min, d.max + 1)}
    assert set(range(cl.anchor.col + 1, cl.parents[1].col + 2)) <= hidden
    dv = _validations(ws)[layout.inputs["indicators[1].level2"].cell.a1]
    level1 = layout.inputs["indicators[1].level1"].cell.a1
    assert f"MATCH($A{level1[1:]}," in dv.formula1 and dv.formula1.startswith(f"OFFSET({cl.anchor.absolute},")


def test_conditional_formats_colour_checks(t, blank) -> None:
    wb = openpyxl.load_workbook(blank)
    layout = build_layout(t, 1)
    for sheet in {f.cell.sheet for f in layout.formulas if f.kind == "check"}:
        rules = [r for cf in wb[sheet].conditional_formatting for r in cf.rules]
        texts = {r.text for r in rules if r.type == "beginsWith"}
        assert texts == {"✔", "✘", "—"}, sheet
        covered = " ".join(str(cf.sqref) for cf in wb[sheet].conditional_formatting)
        for f in layout.formulas:
            if f.cell.sheet == sheet and f.kind == "check":
                assert any(_in(f.cell.a1, rng) for rng in covered.split()), (sheet, f.cell.a1)


def _in(a1: str, rng: str) -> bool:
    from openpyxl.worksheet.cell_range import CellRange

    return a1 in CellRange(rng) if ":" in rng else a1 == rng


def test_values_are_written_with_types_and_cached_results(t, tmp_path) -> None:
    p = tmp_path / "w.xlsx"
    write_workbook(p, t, values=faulty())
    wb = openpyxl.load_workbook(p, data_only=True)
    layout = build_layout(t, 1)

    def at(name: str):
        c = layout.inputs[name].cell
        return wb[c.sheet][c.a1]

    assert at("expenditure.personnel").value == pytest.approx(42.26) and at("expenditure.personnel").number_format == "0.00"
    assert at("three_public.reception").value == "2万元"
    assert at("report.date").is_date
    assert at("report.method").value == "部门（单位）绩效自评"  # spec default prefilled
    check = next(i.check for i in layout.instances if i.rule.id == "expenditure-total")
    assert wb[check.sheet][check.a1].value == "✘ 差额 1.00"
    check = next(i.check for i in layout.instances if i.rule.id == "three-public-total")
    assert wb[check.sheet][check.a1].value == "✔"  # "2万元" taken as 2, as the checker takes it
    text_number = next(f.cell for f in layout.formulas if f.kind == "result" and f.rule == "text-number")
    assert wb[text_number.sheet][text_number.a1].value == "✘ 1 处"
    assert wb["封面"]["A1"].value == "临湘市2021年度部门（单位）整体支出绩效评价自评报告"
    blank = openpyxl.load_workbook(workbook_path(t, tmp_path), data_only=True)
    assert blank["封面"]["A1"].value == "    年度部门（单位）整体支出绩效评价自评报告"
    checks = [blank[f.cell.sheet][f.cell.a1].value for f in layout.formulas if f.kind == "check"]
    assert set(checks) == {"—"}
    rules = {r.id for r in t.rules}
    results = {f.rule: blank[f.cell.sheet][f.cell.a1].value for f in layout.formulas if f.kind == "result"}
    assert {results[r] for r in rules} == {"✔"} and results["dept.name"] == "✘ 1 处"  # a blank form is incomplete


def workbook_path(t, tmp_path: Path) -> Path:
    p = tmp_path / "blank.xlsx"
    write_workbook(p, t)
    return p


def test_seed_values_all_checks_pass_in_cache(t, tmp_path) -> None:
    p = tmp_path / "w.xlsx"
    write_workbook(p, t, values=SEED)
    wb = openpyxl.load_workbook(p, data_only=True)
    layout = build_layout(t, 1)
    live = [wb[i.check.sheet][i.check.a1].value for i in layout.instances]
    assert "✔" in live and all(v in ("✔", "—") for v in live)
    counts = [wb[f.cell.sheet][f.cell.a1].value for f in layout.formulas if f.kind == "count"]
    assert counts == [0, 0]


@pytest.mark.parametrize("values,match", [
    ({"no.such.key": 1}, "no.such.key"),
    ({"income.total": True}, "income.total"),
    ({"income.total": [1]}, "income.total"),
    ({"income.total": Decimal("NaN")}, "income.total"),
    ({"income.total": Decimal("sNaN")}, "income.total"),
    ({"income.total": float("inf")}, "income.total"),
    ({"dept.tasks": "字" * 40000}, "dept.tasks"),
])
def test_bad_values_are_named(t, tmp_path, values, match) -> None:
    with pytest.raises(GenerateError, match=match.replace(".", r"\.")):
        write_workbook(tmp_path / "w.xlsx", t, values=values)
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_atomic_write_keeps_no_temp_files(t, tmp_path) -> None:
    p = tmp_path / "w.xlsx"
    p.write_bytes(b"old")
    write_workbook(p, t, values={"income.total": Decimal("1.5")})
    assert zipfile.is_zipfile(p)
    assert [x.name for x in tmp_path.iterdir()] == ["w.xlsx"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_any_text_is_written_verbatim_as_text(t, tmp_path_factory, text: str) -> None:
    p = tmp_path_factory.mktemp("h") / "w.xlsx"
    write_workbook(p, t, values={"dept.name": text, "narrative.overview": text})
    wb = openpyxl.load_workbook(p)
    cell = _name_value_cell(wb, "dept.name")
    assert (cell.value or "") == text.replace("\r\n", "\n") or cell.data_type == "s"
    with zipfile.ZipFile(p) as zf:
        assert zf.testzip() is None


def _name_value_cell(wb: openpyxl.Workbook, name: str):
    sheet, ref = _destination(wb, name)
    return wb[sheet][ref]


def test_lone_surrogate_is_refused_by_name(t, tmp_path) -> None:
    with pytest.raises(GenerateError, match="dept.name"):
        write_workbook(tmp_path / "w.xlsx", t, values={"dept.name": "a\ud800b"})
