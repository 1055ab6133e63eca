"""One policy for which submission counts: check, summarize and the ledger agree (预算编码 trimmed
and upper-cased; the later 报告日期, then the later receipt)."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from test_api import SEED_VALUES
from typer.testing import CliRunner

from selfeval_xl.cli import _register, app
from selfeval_xl.generate import write_workbook
from selfeval_xl.model.precedence import dept_key, group_key, newest, recency
from selfeval_xl.prefill import load_values
from selfeval_xl.spec import default_template

_register()


def _run(*args: str):  # noqa: ANN202
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def _make(path: Path, code: str, day: date, mtime: float) -> Path:
    t = default_template()
    vals = {**load_values(SEED_VALUES, t), "dept.code": code, "report.date": day, "contact.name": path.stem}
    path.parent.mkdir(parents=True, exist_ok=True)
    write_workbook(path, t, values=vals)
    os.utime(path, (mtime, mtime))
    return path


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    box = tmp_path_factory.mktemp("policy") / "收件箱"
    # the newer report date counts although its file is older and it sorts first
    _make(box / "a_新.xlsx", "yyx342", date(2022, 4, 1), 1_600_000_000)
    _make(box / "b_旧.xlsx", "YYX342 ", date(2022, 3, 1), 1_700_000_000)
    # the same report date: the later receipt (file time) counts
    _make(box / "c_先.xlsx", "906001", date(2022, 3, 1), 1_600_000_000)
    _make(box / "d_后.xlsx", "906001", date(2022, 3, 1), 1_700_000_000)
    return box


COUNTED = {"a_新.xlsx", "d_后.xlsx"}


def test_check_summarize_and_the_ledger_agree(inbox: Path, tmp_path: Path) -> None:
    r = _run("check", str(inbox), "--json", str(tmp_path / "r.json"))
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    dup = {Path(s["file"]).name: [f for f in s["findings"] if f["code"] == "duplicate-submission"]
           for s in doc["submissions"]}
    assert all(len(found) == 1 for found in dup.values()), (r.output, dup)
    by_check = {n for n, found in dup.items() if "以本文件为准" in found[0]["message"]}
    assert by_check == COUNTED

    _run("summarize", str(inbox), "-o", str(tmp_path / "s.xlsx"), "-q")
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx")["总览"]
    header = [c.value for c in ws[3]]
    col_file, col_in = header.index("文件"), header.index("计入汇总")
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    by_summary = {Path(r[col_file]).name for r in rows if r[col_file] and r[col_in] in ("是", True)}
    assert by_summary == COUNTED

    # the ledger: the newer report date stays current although it was collected first
    arc = tmp_path / "报送库"
    for name in ("a_新.xlsx", "c_先.xlsx", "d_后.xlsx", "b_旧.xlsx"):
        assert _run("collect", str(inbox / name), "--archive", str(arc)).exit_code == 0
    from selfeval_xl.ledger import current_submissions

    by_ledger = {Path(s.file).name for s in current_submissions(arc, 2021)}
    assert by_ledger == COUNTED
    _run("summarize", "--archive", str(arc), "--year", "2021", "-o", str(tmp_path / "a.xlsx"), "-q")
    ws = openpyxl.load_workbook(tmp_path / "a.xlsx")["总览"]
    names = {Path(r[col_file]).name for r in ([c.value for c in row] for row in ws.iter_rows(min_row=4))
             if r[col_file]}
    assert names == COUNTED


def test_the_policy_itself() -> None:
    assert dept_key(" yyx342 ") == dept_key("YYX342") == "YYX342" and dept_key("  ") is None
    assert group_key("yyx342", 2021) == ("YYX342", 2021) and group_key("x", None) is None
    items = [recency(date(2022, 3, 1), 200.0, "a"), recency(date(2022, 4, 1), 100.0, "b"),
             recency(None, 900.0, "c")]
    assert newest(items, lambda r: r) == 1
    assert newest(items[::2], lambda r: r) == 0  # a blank date is older than any date
    assert newest([recency("2022-03-01", 1.0, "z"), recency(date(2022, 3, 1), 2.0, "a")], lambda r: r) == 1
    # a workbook outranks a report read back by `import`, however new the report
    report = recency(date(2023, 1, 1), 999.0, "r", fmt="report-docx")
    workbook = recency(None, 1.0, "w", fmt="xlsx")
    assert newest([report, workbook], lambda r: r) == 1 and newest([workbook, report], lambda r: r) == 0
    assert newest([recency(None, 1.0, "a", fmt="report-text"), recency(None, 2.0, "b", fmt="report-doc")],
                  lambda r: r) == 1  # among imports: the newest, as for workbooks
