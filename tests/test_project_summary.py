"""Both forms in one folder: one check, one summary. The summary gains 项目 (one row per project
across departments), 项目按部门 (totals, 执行率 and 等次 counts) and 项目统计 (charts);
`selfeval_xl.load()` returns those tables too; the first form's sheets keep only its returns."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest

import selfeval_xl
from selfeval_xl.summary.export import to_json
from selfeval_xl.summary.workbook import write_summary

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = ROOT / "samples" / "submissions"


@pytest.fixture(scope="module")
def c() -> selfeval_xl.Collection:
    return selfeval_xl.load([SUBMISSIONS])


def test_project_rows_across_departments(c: selfeval_xl.Collection) -> None:
    df = c.projects
    assert df is not None and len(df) == 5 + 2 + 1 + 6 * 2
    row = df[(df["预算编码"] == "909001") & (df["工作表"] == "项目1")].iloc[0]
    assert row["项目名称"] == "农村公路养护" and row["全年预算数"] == D("140") and row["全年执行数"] == D("138.5")
    assert row["执行率（%）"] == D("98.93") and row["资金得分"] == D("9.89") and row["评价等次"] == "优"
    assert bool(row["计入汇总"])
    failing = df[df["预算编码"] == "907005"]
    assert not failing["计入汇总"].any()  # a failing return is listed, not counted


def test_project_totals_by_department(c: selfeval_xl.Collection) -> None:
    d = c.project_depts
    assert d is not None
    jt = d[d["预算编码"] == "909001"].iloc[0]
    assert jt["项目数"] == 5 and jt["全年预算数"] == D("680") and jt["全年执行数"] == D("665.45")
    assert jt["执行率（%）"] == (D("665.45") / D("680") * 100).quantize(D("0.01"))
    assert jt["优（个）"] == 5 and jt["差（个）"] == 0
    assert d[d["预算编码"] == "907005"].iloc[0]["良（个）"] == 1


def test_first_form_sheets_keep_their_own_returns(c: selfeval_xl.Collection) -> None:
    assert len(c.overview) == len(list(SUBMISSIONS.glob("*.xlsx")))
    forms = set(c.overview["表样"])
    assert forms == {"部门（单位）整体支出绩效评价自评报告", "项目支出绩效自评表"}
    assert not c.income["文件"].str.contains("项目支出").any()
    # one return of each form per department: neither form replaces the other
    assert not c.overview["说明"].str.contains("重复报送").any()


def test_summary_workbook_and_json(c: selfeval_xl.Collection, tmp_path: Path) -> None:
    out = tmp_path / "汇总.xlsx"
    write_summary(out, c)
    wb = openpyxl.load_workbook(out)
    assert {"项目", "项目按部门", "项目统计"} <= set(wb.sheetnames)
    stats = wb["项目统计"]
    assert len(stats._charts) == 2  # 等次 counts and 执行率 per project
    doc = to_json(c)
    assert {"projects", "project_depts"} <= set(doc["tables"])
    assert doc["tables"]["projects"][0]["项目名称"]


def test_a_first_form_batch_has_no_project_sheets() -> None:
    c = selfeval_xl.load([p for p in SUBMISSIONS.glob("*.xlsx") if "项目支出" not in p.name])
    assert c.projects is None and c.project_depts is None and "表样" not in c.overview.columns
    assert c.names() == ["overview", "income", "expenditure", "three_public", "assets", "indicators", "findings"]
