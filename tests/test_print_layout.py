"""The form on paper (issue 9, point 9): the blank template prints on at most 10 A4 pages with
the four 收支 tables together, and a long answer continues in the cells below its box so the
printed form carries every word. Printed by a real LibreOffice, read back with pdftotext."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import yaml
from lo import convert

from selfeval_xl.generate import write_workbook
from selfeval_xl.generate.plan import plan_of
from selfeval_xl.layout import build_layout
from selfeval_xl.layout.longtext import joined, part_name
from selfeval_xl.pipeline import check_file
from selfeval_xl.prefill import load_values
from selfeval_xl.spec import default_template
from selfeval_xl.spec.load import template_for

ROOT = Path(__file__).resolve().parents[1]
SEED_SAMPLE = ROOT / "samples" / "submissions" / "906017_临湘市委网信办.xlsx"
SEED_VALUES = ROOT / "samples" / "data" / "906017_临湘市委网信办.yaml"


def _pages(pdf: Path, *flags: str) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) missing")
    text = subprocess.run(["pdftotext", *flags, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


def _flat(text: str) -> str:
    return "".join(text.split())


@pytest.mark.libreoffice
def test_blank_template_prints_on_ten_pages_with_the_four_tables_together(tmp_path: Path) -> None:
    blank = tmp_path / "空白.xlsx"
    write_workbook(blank, default_template())
    pages = _pages(convert(blank, "pdf", tmp_path / "pdf"), "-layout")
    assert len(pages) <= 10, [p.strip().splitlines()[0] for p in pages]
    captions = ("年度收入情况", "年度支出和结余情况", "三公经费情况", "固定资产情况")
    together = [p for p in pages if all(c in _flat(p) for c in captions)]
    assert len(together) == 1
    # every sheet prints, none is cut at the left edge (LibreOffice crops a column wider than the page)
    text = _flat("".join(pages))
    for heading in ("填表说明", "一、部门（单位）基本概况", "五、评价报告综述（文字部分）", "（一）部门（单位）概况", "四、评价人员"):
        assert heading in text, heading


@pytest.mark.libreoffice
def test_seed_sample_prints_every_word_of_its_answers(tmp_path: Path) -> None:
    values = yaml.safe_load(SEED_VALUES.read_text(encoding="utf-8"))
    dept = values["dept.name"]
    pages = _pages(convert(SEED_SAMPLE, "pdf", tmp_path / "pdf"))  # reading order: a label beside a text comes apart
    # the page header (the department) and footer (第 n 页 共 m 页) sit between a text's cells
    body = "".join(line for p in pages for line in p.splitlines()
                   if line.strip() != dept and not line.strip().startswith("第 "))
    flat = _flat(body)
    longest = max((v for v in values.values() if isinstance(v, str)), key=len)
    assert len(longest) > 1200  # longer than one 409-point cell shows
    for key, v in values.items():
        if isinstance(v, str) and key.startswith("narrative."):
            assert _flat(v) in flat, key  # whole, in order
        if isinstance(v, str) and len(v) > 30:  # the answers (short values may be the page header)
            for para in v.splitlines():
                assert _flat(para) in flat, (key, para[:30])


@pytest.mark.parametrize("key", ["narrative.performance", "dept.functions"])  # a stacked box, an inline answer
def test_a_long_answer_is_spread_over_its_cells_and_read_back_whole(tmp_path: Path, key: str) -> None:
    t = default_template()
    layout = build_layout(t, 1)
    parts = layout.continuations[key]
    assert parts == (part_name(key, 2), part_name(key, 3))
    paragraph = "一是全面监测。市委网信办实行24小时网络舆情监测，把住风险预警关口，确保舆情监测无盲区死角。" * 6
    text = "\n".join([paragraph] * 12 + ["", "（二）最后一段。"])
    out = tmp_path / "长文字.xlsx"
    write_workbook(out, t, values={key: text, "dept.name": "临湘市测试局"})
    ws = openpyxl.load_workbook(out)[layout.inputs[key].cell.sheet]
    cells = [ws[layout.inputs[n].cell.a1].value for n in (key, *parts)]
    assert all(cells)  # the text needed all three cells
    assert "\n".join(cells) == text
    for name in (key, *parts):
        assert ws.row_dimensions[layout.inputs[name].cell.row + 1].height <= 409
    sub = check_file(out)
    assert sub.values[key] == text
    assert not [f for f in sub.findings if f.field == key]


def test_a_text_typed_only_in_a_continuation_cell_counts() -> None:
    layout = build_layout(default_template(), 1)
    key = "narrative.problems"
    p2, p3 = layout.continuations[key]
    assert joined({p2: "资金使用进度偏慢。", p3: 12}, layout.continuations) == {key: "资金使用进度偏慢。\n12"}
    assert joined({key: "", p3: ""}, layout.continuations) == {key: ""}
    raw = {key: "只有一格。"}
    assert joined(raw, layout.continuations) is raw


def test_orientation_is_chosen_per_sheet_and_no_column_is_wider_than_its_page() -> None:
    layout = build_layout(default_template(), 1)
    plan = plan_of(layout)
    by_name = {s.name: s for s in layout.sheets}
    assert plan.sheets["评价报告综述"].landscape is False  # one text column: portrait fits
    assert plan.sheets["收支情况"].landscape is True  # twelve columns: landscape prints larger
    assert plan.sheets["收支情况"].freeze == (0, 1)  # unit names stay in view beside four tables
    assert len(by_name["收支情况"].widths) >= 12


def test_version_1_0_returns_are_still_checked_against_their_own_layout(tmp_path: Path) -> None:
    old = template_for("dept-selfeval", "1.0")
    assert old is not None and default_template().version == "1.1"
    assert "收入" in [s.name for s in old.sheets] and "收入" not in [s.name for s in default_template().sheets]
    assert old.fields.keys() == default_template().fields.keys()
    assert [r.id for r in old.rules] == [r.id for r in default_template().rules]
    subs = {}
    for t in (old, default_template()):
        out = tmp_path / f"{t.version}.xlsx"
        write_workbook(out, t, values=load_values(SEED_VALUES, t))
        subs[t.version] = check_file(out)
    assert subs["1.0"].template_version == "1.0" and subs["1.1"].template_version == "1.1"
    assert [(f.code, f.field) for f in subs["1.0"].findings] == [(f.code, f.field) for f in subs["1.1"].findings]
    assert subs["1.0"].values == subs["1.1"].values and subs["1.0"].tables == subs["1.1"].tables
