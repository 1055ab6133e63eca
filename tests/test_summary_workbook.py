"""The 汇总 workbook: sheets, SUMIFS totals with exact cached values, charts, styling, injection."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from summary_subs import COUNTED_FILES, INJECT_HYPERLINK, INJECT_PLUS, batch

from selfeval_xl.api import from_submissions
from selfeval_xl.summary import workbook as summary_workbook
from selfeval_xl.summary.workbook import write_summary

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
SHEETS = ["总览", "收入", "支出和结余", "三公经费", "固定资产", "绩效指标", "审核问题", "统计"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    subs = batch()
    path = tmp_path_factory.mktemp("summary") / "汇总.xlsx"
    write_summary(path, from_submissions(subs))
    return path, subs


def sheet_xml(path: Path, name: str) -> ET.Element:
    """The worksheet XML of sheet `name` (resolved through workbook.xml and its rels)."""
    with zipfile.ZipFile(path) as z:
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        rid = next(s.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
                   for s in wb.iter(f"{{{NS['m']}}}sheet") if s.get("name") == name)
        target = next(r.get("Target") for r in rels if r.get("Id") == rid)
        return ET.fromstring(z.read("xl/" + target.lstrip("/").removeprefix("xl/")))


def formula_cells(path: Path, name: str) -> dict[str, tuple[str, str]]:
    """A1 → (formula, cached value text exactly as stored)."""
    out = {}
    for c in sheet_xml(path, name).iter(f"{{{NS['m']}}}c"):
        f = c.find("m:f", NS)
        if f is not None:
            v = c.find("m:v", NS)
            out[c.get("r")] = (f.text or "", v.text if v is not None else "")
    return out


def test_sheets_in_order(built) -> None:
    path, _ = built
    assert openpyxl.load_workbook(path).sheetnames == SHEETS


def header_map(ws) -> dict[str, int]:  # noqa: ANN001
    return {c.value: c.column for c in ws[3] if c.value}


@pytest.mark.parametrize(("sheet", "column", "key"), [
    ("总览", "支出合计", "expenditure.total"), ("总览", "三公经费合计", "three_public.total"),
    ("收入", "收入合计", "income.total"), ("收入", "上年结转", "income.carryover"),
    ("支出和结余", "人员支出", "expenditure.personnel"), ("支出和结余", "项目支出", "expenditure.project"),
    ("三公经费", "公务接待费", "three_public.reception"), ("固定资产", "固定资产合计", "assets.total"),
])
def test_totals_are_sumifs_with_exact_decimal_cached_values(built, sheet: str, column: str, key: str) -> None:
    path, subs = built
    ws = openpyxl.load_workbook(path)[sheet]
    col = header_map(ws)[column]
    total_row = next(r for r in range(4, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith("合计"))
    letter = openpyxl.utils.get_column_letter(col)
    formula, cached = formula_cells(path, sheet)[f"{letter}{total_row}"]
    assert formula.startswith("SUMIFS(") and '"是"' in formula
    want = sum((s.values[key] for s in subs if s.file in COUNTED_FILES), Decimal(0))
    assert Decimal(cached) == want
    assert re.fullmatch(r"-?\d+(\.\d+)?", cached)  # plain decimal text, no exponent
    # the criteria column is 计入汇总 and says 是 exactly on the counted rows
    crit = header_map(ws)["计入汇总"]
    code_col = header_map(ws)["预算编码"]
    flagged = sorted(ws.cell(r, code_col).value for r in range(4, total_row) if ws.cell(r, crit).value == "是")
    assert flagged == sorted(s.values["dept.code"] for s in subs if s.file in COUNTED_FILES)


def test_note_row_says_how_many_were_left_out(built) -> None:
    path, _ = built
    ws = openpyxl.load_workbook(path)["总览"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    notes = [t for t in texts if t.startswith("注：")]
    assert notes and all("3 份未计入" in t and "无法读取 1 份" in t for t in notes)


def test_injection_strings_stay_literal_text(built) -> None:
    path, _ = built
    ws = openpyxl.load_workbook(path)["总览"]
    name_col = header_map(ws)["部门名称"]
    names = {ws.cell(r, name_col).value: ws.cell(r, name_col).data_type for r in range(4, 11)}
    assert names[INJECT_HYPERLINK] == "s" and names[INJECT_PLUS] == "s"
    for sheet in SHEETS:
        for f, _v in formula_cells(path, sheet).values():
            assert "HYPERLINK" not in f and "1+1" not in f
    assert sheet_xml(path, "总览").find("m:hyperlinks", NS) is None


def chart_refs(path: Path) -> list[dict[str, list[str]]]:
    """Per chart part: its series' name / category / value references, and its type."""
    out = []
    with zipfile.ZipFile(path) as z:
        for part in sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)):
            root = ET.fromstring(z.read(part))
            kinds = [el.tag.split("}")[1] for el in root.find("c:chart/c:plotArea", NS) if el.tag.endswith("Chart")]
            sers = root.findall(".//c:ser", NS)
            out.append({"type": kinds,
                        "title": ["".join(t.text or "" for t in root.findall("c:chart/c:title//{*}t", NS))],
                        "tx": [s.findtext("c:tx/c:strRef/c:f", namespaces=NS) for s in sers],
                        "cat": [s.findtext("c:cat//c:f", namespaces=NS) for s in sers],
                        "val": [s.findtext("c:val//c:f", namespaces=NS) for s in sers]})
    return out


def cells(ws, ref: str) -> list:  # noqa: ANN001
    rng = ref.split("!")[1].replace("$", "")
    if ":" not in rng:
        return [ws[rng].value]
    return [c.value for row in ws[rng] for c in row]


def test_charts_exist_and_reference_their_tables(built) -> None:
    path, subs = built
    charts = chart_refs(path)
    assert len(charts) == 5
    wb = openpyxl.load_workbook(path)
    st = wb["统计"]
    by_title = {c["title"][0]: c for c in charts}
    grade = by_title["评价等次分布（份）"]
    assert grade["type"] == ["barChart"]
    assert cells(st, grade["cat"][0]) == ["优", "良", "中", "差", "未填或无效"]
    assert all(str(v).startswith("=COUNTIFS('总览'!") or str(v).startswith("=COUNTIF(") for v in cells(st, grade["val"][0]))
    status = by_title["审核状态分布（份）"]
    assert cells(st, status["cat"][0]) == ["通过", "有警告", "未通过", "无法读取"]
    bands = by_title["综合得分分布（份）"]
    assert len(cells(st, bands["cat"][0])) == 5
    pie = by_title["三公经费构成"]
    assert pie["type"] == ["pieChart"]
    assert cells(st, pie["cat"][0]) == ["公务接待费", "公务用车运维费", "公务用车购置费", "因公出国费"]
    assert all(str(v).startswith("='三公经费'!") for v in cells(st, pie["val"][0]))
    spend = next(c for t, c in by_title.items() if t.startswith("各部门支出结构"))
    assert spend["type"] == ["barChart"] and len(spend["val"]) == 3
    assert [cells(st, t)[0] for t in spend["tx"]] == ["人员支出", "公用支出", "项目支出"]
    counted_names = {s.values["dept.name"] for s in subs if s.file in COUNTED_FILES}
    assert set(cells(st, spend["cat"][0])) == counted_names
    with zipfile.ZipFile(path) as z:
        bar = z.read("xl/charts/chart5.xml").decode()
    assert 'c:grouping val="stacked"' in bar


def test_chart_cached_values_match_cells(built) -> None:
    path, subs = built
    st = formula_cells(path, "统计")
    wb = openpyxl.load_workbook(path)["统计"]
    grade_rows = {wb.cell(r, 1).value: r for r in range(1, 20)}
    counted_grades = [s.values["evaluation.grade"] for s in subs if s.file in COUNTED_FILES]
    for g in ("优", "良", "中", "差"):
        assert int(st[f"B{grade_rows[g]}"][1]) == counted_grades.count(g)


def test_styling_frozen_filtered_printable(built) -> None:
    path, _ = built
    wb = openpyxl.load_workbook(path)
    for name in SHEETS[:-1]:
        ws = wb[name]
        assert ws.freeze_panes in ("C4", "A4"), name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A3:"), name
        assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9", name
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1), name
        assert ws.page_setup.fitToHeight == 0, name
        assert ws.print_title_rows.replace("$", "") == "3:3", name
        assert ws.cell(3, 1).font.b, name
    ov = wb["总览"]
    col = header_map(ov)["支出合计"]
    assert ov.cell(4, col).number_format == "0.00"
    name_w = ov.column_dimensions["B"].width
    assert name_w >= 2 * len("临湘市委网信办")  # CJK counted as two


def test_atomic_write_keeps_previous_file_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "s.xlsx"
    target.write_bytes(b"previous")

    def boom(path: str, c) -> None:  # noqa: ANN001
        Path(path).write_bytes(b"half")
        raise RuntimeError("disk full")

    monkeypatch.setattr(summary_workbook, "_write", boom)
    with pytest.raises(RuntimeError):
        write_summary(target, from_submissions(batch()))
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["s.xlsx"]


def test_empty_collection_still_writes(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    write_summary(path, from_submissions([]))
    assert openpyxl.load_workbook(path).sheetnames == SHEETS
