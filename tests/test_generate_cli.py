"""`selfeval-xl template`: blank, prefilled, roster mode end to end, file names, usage errors."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from selfeval_xl.cli import _register, app
from selfeval_xl.generate import generate_roster
from selfeval_xl.generate.filenames import roster_file_name, safe_part
from selfeval_xl.layout.types import META_SHEET
from selfeval_xl.roster import RosterEntry
from selfeval_xl.spec import default_template

_register()
runner = CliRunner()


def _name_value(wb: openpyxl.Workbook, name: str):
    (sheet, ref), = list(wb.defined_names[name].destinations)
    return wb[sheet][ref.replace("$", "")]


def _roster(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["预算编码", "部门名称", "单位数", "联系人"])
        w.writerows(rows)
    return path


def test_blank_default_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["template"])
    assert res.exit_code == 0, res.output
    p = tmp_path / "部门整体支出绩效自评表.xlsx"
    assert p.is_file() and "已生成空白自评表" in res.output
    wb = openpyxl.load_workbook(p)
    assert _name_value(wb, "dept.name").value is None


def test_units_year_password(tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    res = runner.invoke(app, ["template", "-o", str(out), "--units", "3", "--year", "2022", "--password", "pw"])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    assert _name_value(wb, "income.total.u3").protection.locked is False
    assert _name_value(wb, "report.year").value == 2022
    assert wb["收支情况"].protection.password


def test_values_file(tmp_path: Path) -> None:
    data = tmp_path / "v.yaml"
    data.write_text("dept.name: 临湘市委网信办\nexpenditure: {total: 96, basic: 66, project: 30}\n"
                    "income.total.u2: 5\n", encoding="utf-8")
    out = tmp_path / "filled.xlsx"
    res = runner.invoke(app, ["template", "--values", str(data), "-o", str(out)])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    assert _name_value(wb, "dept.name").value == "临湘市委网信办"
    assert _name_value(wb, "expenditure.basic").value == 66
    assert _name_value(wb, "income.total.u2").value == 5  # two units, from the .u2 key


@pytest.mark.parametrize("args,words", [
    (["--units", "0"], "--units"),
    (["--units", "51"], "--units"),
    (["-o", "x.txt"], ".xlsx"),
    (["--values", "missing.yaml"], "missing.yaml"),
    (["--roster", "missing.csv"], "missing.csv"),
    (["--year", "1800"], "--year"),
    (["--year", "二〇二一"], "--year"),
    (["--units", "abc"], "--units"),
    (["--workers", "0"], "--workers"),
])
def test_usage_errors_exit_2_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args, words) -> None:
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["template", *args])
    assert res.exit_code == 2, res.output
    assert "错误" in res.output and words in res.output
    assert "Traceback" not in res.output


def test_values_unknown_key_names_it(tmp_path: Path) -> None:
    data = tmp_path / "v.yaml"
    data.write_text("expenditure.totl: 96\n", encoding="utf-8")
    res = runner.invoke(app, ["template", "--values", str(data), "-o", str(tmp_path / "o.xlsx")])
    assert res.exit_code == 2 and "expenditure.totl" in res.output
    assert not (tmp_path / "o.xlsx").exists()


def test_roster_mode_end_to_end_with_a_bad_row(tmp_path: Path) -> None:
    roster = _roster(tmp_path / "名单.csv", [
        ["906017", "中共临湘市委网络安全和信息化委员会办公室", "1", "张三"],
        ["906018", "财政局/预算股", "2", ""],
        ["bad code!", "坏行", "1", ""],
        ["906019", '=HYPERLINK("x")', "", "李四"],
    ])
    outdir = tmp_path / "out"
    res = runner.invoke(app, ["template", "--roster", str(roster), "--year", "2021", "-o", str(outdir),
                              "--workers", "2"])
    assert res.exit_code == 1, res.output  # a row was skipped: the others are written
    assert "第 4 行" in res.output
    assert "生成 3 份，跳过 1 行" in res.output
    files = sorted(p.name for p in outdir.iterdir())
    assert files == ["906017_中共临湘市委网络安全和信息化委员会办公室_2021.xlsx", "906018_财政局_预算股_2021.xlsx",
                     "906019_=HYPERLINK(_x_)_2021.xlsx"]
    wb = openpyxl.load_workbook(outdir / files[1])
    name = _name_value(wb, "dept.name")
    assert name.value == "财政局/预算股" and name.protection.locked is True
    assert _name_value(wb, "dept.code").value == "906018" and _name_value(wb, "dept.code").protection.locked
    assert _name_value(wb, "report.year").value == 2021 and _name_value(wb, "report.year").protection.locked
    assert _name_value(wb, "income.total.u2").protection.locked is False  # 单位数 2
    assert wb[META_SHEET]["B6"].value == "财政局/预算股"
    wb = openpyxl.load_workbook(outdir / files[0])
    contact = _name_value(wb, "contact.name")
    assert contact.value == "张三" and contact.protection.locked is False
    wb = openpyxl.load_workbook(outdir / files[2])
    assert _name_value(wb, "dept.name").value == '=HYPERLINK("x")'
    assert _name_value(wb, "dept.name").data_type == "s"


def test_roster_mode_rejects_file_output(tmp_path: Path) -> None:
    roster = _roster(tmp_path / "r.csv", [["1", "甲"]])
    res = runner.invoke(app, ["template", "--roster", str(roster), "--year", "2021", "-o", str(tmp_path / "a.xlsx")])
    assert res.exit_code == 2 and "文件夹" in res.output


def test_generate_roster_api_reports_failures_by_row(tmp_path: Path) -> None:
    entries = [RosterEntry(2, "1", "甲", 1, None), RosterEntry(3, "2", "乙", 99, None), RosterEntry(4, "3", "丙", 1, "王")]
    seen: list[int] = []
    report = generate_roster(entries, tmp_path, year=2021, template=default_template(), workers=1,
                             progress=seen.append)
    assert [p.name for p in report.written] == ["1_甲_2021.xlsx", "3_丙_2021.xlsx"]
    assert len(report.skipped) == 1 and report.skipped[0].startswith("第 3 行")
    assert sum(seen) == 3


def test_generate_roster_accepts_a_roster_path_and_dedupes_names(tmp_path: Path) -> None:
    roster = _roster(tmp_path / "r.csv", [["1", "甲"], ["2", "乙"]])
    report = generate_roster(roster, tmp_path / "o", year=2021, workers=2, progress=False)
    assert len(report.written) == 2 and not report.skipped
    entries = [RosterEntry(2, "1", "甲/乙"), RosterEntry(3, "1", "甲_乙")]
    report = generate_roster(entries, tmp_path / "d", year=2021, template=default_template(), workers=1)
    assert sorted(p.name for p in report.written) == ["1_甲_乙_2021.xlsx", "1_甲_乙_2021_第3行.xlsx"]


@pytest.mark.parametrize("raw,safe", [
    ("a/b\\c", "a_b_c"),
    ("CON", "_CON"),
    ("nul.txt", "_nul.txt"),
    ("com1", "_com1"),
    ("LPT9", "_LPT9"),
    ("COM10", "COM10"),
    ("名称. . ", "名称"),
    ("..", "未命名"),
    ("", "未命名"),
    ("a\x00b\nc\td", "a b c d"),
    ('<>:"|?*', "未命名"),
    ("财政局:预算股?", "财政局_预算股_"),
    (".hidden", "hidden"),
])
def test_safe_part(raw: str, safe: str) -> None:
    assert safe_part(raw) == safe


def test_roster_file_name_caps_length_and_keeps_code_and_year() -> None:
    name = roster_file_name("906017", "很长的部门名称" * 40, 2021)
    assert name.startswith("906017_") and name.endswith("_2021.xlsx")
    assert len(name.encode("utf-8")) < 255
    assert roster_file_name("../..", "NUL", 2021) == "无编码__NUL_2021.xlsx"
    assert "/" not in roster_file_name("a/b", "c\\d", 2021) and "\\" not in roster_file_name("a/b", "c\\d", 2021)
