"""The generated workbook in a real engine: LibreOffice recalculates what Python cached."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import lo
import openpyxl
import pytest
from generate_seed import SEED, edge_cases, faulty

from selfeval_xl.generate import write_workbook
from selfeval_xl.layout import build_layout
from selfeval_xl.layout.types import META_KEYS, META_SHEET, PROPERTY_PREFIX
from selfeval_xl.spec import default_template

pytestmark = pytest.mark.libreoffice
ROOT = Path(__file__).resolve().parents[1]


def _fill_by_names(src: Path, dst: Path, values: dict[str, Any]) -> None:
    """Type values into a workbook the way a user would: find each defined name, set its cell
    (table cells: the row of the table's named range)."""
    wb = openpyxl.load_workbook(src)
    layout = build_layout(default_template(), 1)
    for name, v in values.items():
        if name in wb.defined_names:
            (sheet, ref), = list(wb.defined_names[name].destinations)
            ref = ref.replace("$", "")
        else:
            cell = layout.inputs[name].cell
            sheet, ref = cell.sheet, cell.a1
        wb[sheet][ref].value = float(v) if isinstance(v, Decimal) else v
    wb.save(dst)


def _formula_values(path: Path, layout: Any) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path, data_only=True)
    return {f"{f.cell.sheet}!{f.cell.a1}": wb[f.cell.sheet][f.cell.a1].value for f in layout.formulas}


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    t = default_template()
    d = tmp_path_factory.mktemp("lo")
    blank = ROOT / "workbook_templates" / f"{t.id}-{t.version}-blank.xlsx"  # the committed one
    seed_vals = dict(SEED)  # every field, table rows included: a complete return
    filled = d / "filled.xlsx"
    _fill_by_names(blank, filled, seed_vals)
    wrong = d / "wrong.xlsx"
    _fill_by_names(blank, wrong, {**seed_vals, "expenditure.project": Decimal("31")})
    gen_seed = d / "gen_seed.xlsx"
    write_workbook(gen_seed, t, values=SEED)
    gen_faulty = d / "gen_faulty.xlsx"
    write_workbook(gen_faulty, t, values=faulty())
    gen_units = d / "gen_units.xlsx"
    units_vals = {**SEED, "units.name.u1": "机关", "units.name.u2": "中心",
                  "income.total.u1": Decimal("60"), "income.total.u2": Decimal("35"),
                  "expenditure.total.u1": Decimal("96"), "expenditure.basic.u1": Decimal("70")}
    write_workbook(gen_units, t, units=2, values=units_vals)
    edges = {}
    for k in range(5):
        edges[f"edge{k}"] = d / f"edge{k}.xlsx"
        write_workbook(edges[f"edge{k}"], t, units=1 + k % 2, values=edge_cases(k))
    out = d / "out"
    files = {**edges, "filled": filled, "wrong": wrong, "gen_seed": gen_seed, "gen_faulty": gen_faulty, "gen_units": gen_units}
    res = {k: lo.recalc(p, out / k) for k, p in files.items()}
    res.update({f"src_{k}": p for k, p in files.items()})
    res["pdf"] = lo.convert(gen_seed, "pdf", out / "pdf")
    return res


def test_seed_filled_by_names_all_checks_pass(work: dict[str, Path]) -> None:
    layout = build_layout(default_template(), 1)
    vals = _formula_values(work["filled"], layout)
    checks = {f"{f.cell.sheet}!{f.cell.a1}": vals[f"{f.cell.sheet}!{f.cell.a1}"]
              for f in layout.formulas if f.kind == "check"}
    assert checks and all(v in ("✔", "—") for v in checks.values()), checks
    # the figures the seed fills make the amount checks live, not merely skipped
    by_rule = {inst.rule.id: vals[f"{inst.check.sheet}!{inst.check.a1}"] for inst in layout.instances}
    for rid in ("income-total", "expenditure-total", "basic-total", "three-public-total", "assets-total",
                "balance-identity", "three-public-within-spending", "staff-over-quota", "score-range", "grade-band"):
        assert by_rule[rid] == "✔", rid
    results = [vals[f"{f.cell.sheet}!{f.cell.a1}"] for f in layout.formulas if f.kind == "result"]
    assert not any(str(r).startswith("✘") for r in results), results
    counts = [vals[f"{f.cell.sheet}!{f.cell.a1}"] for f in layout.formulas if f.kind == "count"]
    assert counts == [0, 0]
    wb = openpyxl.load_workbook(work["filled"], data_only=True)
    assert wb["封面"]["A1"].value == "临湘市2021年度部门（单位）整体支出绩效评价自评报告"


def test_project_31_shows_difference(work: dict[str, Path]) -> None:
    layout = build_layout(default_template(), 1)
    vals = _formula_values(work["wrong"], layout)
    inst = next(i for i in layout.instances if i.rule.id == "expenditure-total")
    assert vals[f"{inst.check.sheet}!{inst.check.a1}"] == "✘ 差额 1.00"
    result = next(f for f in layout.formulas if f.kind == "result" and f.rule == "expenditure-total")
    assert vals[f"{result.cell.sheet}!{result.cell.a1}"] == "✘ 1 处"
    counts = [vals[f"{f.cell.sheet}!{f.cell.a1}"] for f in layout.formulas if f.kind == "count"]
    assert counts == [1, 0]


@pytest.mark.parametrize("name,units", [("gen_seed", 1), ("gen_faulty", 1), ("gen_units", 2),
                                        ("edge0", 1), ("edge1", 2), ("edge2", 1), ("edge3", 2), ("edge4", 1)])
def test_cached_values_equal_libreoffice(work: dict[str, Path], name: str, units: int) -> None:
    layout = build_layout(default_template(), units)
    cached = _formula_values(work[f"src_{name}"], layout)
    recalculated = _formula_values(work[name], layout)
    diff = {k: (cached[k], recalculated[k]) for k in cached if not _same(cached[k], recalculated[k])}
    assert not diff, diff
    if name == "gen_faulty":
        marks = [v for v in cached.values() if isinstance(v, str) and v.startswith("✘")]
        assert len(marks) >= 5, marks


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) < 1e-9
    return (a if a is not None else "") == (b if b is not None else "")


def test_pdf_renders(work: dict[str, Path], tmp_path: Path) -> None:
    pdf = work["pdf"]
    assert pdf.stat().st_size > 10_000
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not installed")
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=120)
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages and pages[0].stat().st_size > 2_000


def test_stamp_and_names_survive_a_libreoffice_resave(work: dict[str, Path]) -> None:
    """LibreOffice turns very hidden into hidden; the stamp and the names must still be there."""
    wb = openpyxl.load_workbook(work["gen_units"])
    assert META_SHEET in wb.sheetnames and wb[META_SHEET].sheet_state in ("hidden", "veryHidden")
    ws = wb[META_SHEET]
    stamp = {ws.cell(i + 1, 1).value: ws.cell(i + 1, 2).value for i in range(len(META_KEYS))}
    assert stamp["template_id"] == "dept-selfeval" and str(stamp["units"]) == "2"
    assert str(stamp["dept_code"]) == SEED["dept.code"]
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props[PROPERTY_PREFIX + "template_version"] == default_template().version
    (sheet, ref), = list(wb.defined_names["income.total.u2"].destinations)
    assert sheet == "收支情况"
    assert all(w.protection.sheet for w in wb.worksheets)


def test_level2_dropdown_source_depends_on_level1(tmp_path: Path) -> None:
    """The 二级 list formula of the committed blank, evaluated by LibreOffice for rows whose 一级
    is 产出目标, 效益目标, blank and unknown: exactly the spec's hierarchy (or every 二级)."""
    import re

    t = default_template()
    layout = build_layout(t, 1)
    blank = ROOT / "workbook_templates" / f"{t.id}-{t.version}-blank.xlsx"
    wb = openpyxl.load_workbook(blank)
    first = layout.inputs["indicators[1].level2"].cell
    ws = wb[first.sheet]
    (dv,) = [d for d in ws.data_validations.dataValidation if first.a1 in str(d.sqref)]
    source = dv.formula1
    level1_row = int(re.search(r"MATCH\(\$A(\d+),", source).group(1))  # type: ignore[union-attr]
    cases = {1: "产出目标", 2: "效益目标", 3: None, 4: "投入目标"}
    probe_col = 30  # free cells on the same sheet: the source's references are unqualified
    table = t.tables["indicators"]
    for i, level1 in cases.items():
        ws[layout.inputs[f"indicators[{i}].level1"].cell.a1].value = level1
        row_source = source.replace(f"$A{level1_row},", f"$A{level1_row + i - 1},")
        ws.cell(i, probe_col).value = f"=ROWS({row_source})"
        for k in range(1, 10):
            ws.cell(i, probe_col + k).value = f'=IFERROR(INDEX({row_source},{k}),"")'
    src = tmp_path / "probe.xlsx"
    wb.save(src)
    out = openpyxl.load_workbook(lo.recalc(src, tmp_path / "out"), data_only=True)[first.sheet]
    for i, level1 in cases.items():
        expected = list(table.hierarchy.get(level1 or "", table.column("level2").choices))
        n = out.cell(i, probe_col).value
        got = [out.cell(i, probe_col + k).value for k in range(1, int(n) + 1)]
        assert got == expected, level1
