"""status: the four states per roster department, off-roster filers, Excel output, the CLI, speed."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from ledger_samples import fake_checker, make_sub, write_fake
from typer.testing import CliRunner

from selfeval_xl.cli import _register, app
from selfeval_xl.ledger import collect, status
from selfeval_xl.ledger.records import Entry, insert, now_utc, transaction
from selfeval_xl.ledger.schema import connect
from selfeval_xl.ledger.status_xlsx import write_status_xlsx
from selfeval_xl.roster import RosterEntry

ROSTER = [RosterEntry(2, "001", "未交局", 1, "赵一 13800000001"),
          RosterEntry(3, "002", "出错局", 1, "钱二"),
          RosterEntry(4, "003", "警告局", 1, "孙三"),
          RosterEntry(5, "004", "合格局", 1, None),
          RosterEntry(6, "005", "增长局", 1, "周五")]


@pytest.fixture
def arc(tmp_path: Path) -> Path:
    a = tmp_path / "arc"
    files = [write_fake(tmp_path / "002.xlsx", code="002", errors=1),
             write_fake(tmp_path / "003.xlsx", code="003", warnings=1),
             write_fake(tmp_path / "004.xlsx", code="004", explained_warnings=1),
             write_fake(tmp_path / "005_2020.xlsx", code="005", year=2020, three_public="1.00"),
             write_fake(tmp_path / "005.xlsx", code="005", three_public="3.00"),
             write_fake(tmp_path / "999.xlsx", code="999", name="=HYPERLINK(\"x\")名单外局"),
             write_fake(tmp_path / "001_2020.xlsx", code="001", year=2020)]  # last year only: 2021 未提交
    collect(files, a, checker=fake_checker)
    collect([write_fake(tmp_path / "002_v0.xlsx", code="002")], a, checker=fake_checker)  # same (blank) date: later run wins
    collect([write_fake(tmp_path / "002_v2.xlsx", code="002", errors=2)], a, checker=fake_checker)
    return a


def test_states_for_each_case(arc: Path) -> None:
    rep = status(arc, roster=ROSTER, year=2021)
    states = {d.code: d.state for d in rep.rows}
    assert states == {"001": "未提交", "002": "未通过", "003": "待说明", "004": "已通过", "005": "待说明"}
    assert [d.code for d in rep.rows] == ["001", "002", "003", "004", "005"]  # roster order
    assert rep.counts() == {"未提交": 1, "未通过": 1, "待说明": 2, "已通过": 1}
    assert [d.code for d in rep.chase()] == ["001", "002", "003", "005"]
    assert [d.code for d in rep.off_roster] == ["999"] and rep.off_roster[0].name.endswith("名单外局")
    d2 = next(d for d in rep.rows if d.code == "002")
    assert d2.file == "002_v2.xlsx" and d2.errors == 2 and d2.versions == 3 and d2.contact == "钱二"
    assert d2.received_at[:4].isdigit() and len(d2.received_at) == 19
    d5 = next(d for d in rep.rows if d.code == "005")
    assert d5.warnings == 1 and d5.growth is not None  # three-public-growth counts as a warning to explain
    d1 = rep.rows[0]
    assert d1.versions == 0 and d1.file == "" and d1.name == "未交局" and d1.contact.startswith("赵一")


def test_default_year_is_the_latest_and_without_roster_lists_the_ledger(arc: Path) -> None:
    rep = status(arc)
    assert rep.year == 2021
    assert [d.code for d in rep.rows] == ["002", "003", "004", "005", "999"]
    assert rep.off_roster == []
    rep2020 = status(arc, year=2020)
    assert [d.code for d in rep2020.rows] == ["001", "005"]


def test_excel_output(arc: Path, tmp_path: Path) -> None:
    rep = status(arc, roster=ROSTER, year=2021)
    out = tmp_path / "out" / "报送情况.xlsx"
    write_status_xlsx(out, rep)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["报送情况", "催报名单", "名单外报送", "统计"]
    ws = wb["报送情况"]
    header = [c.value for c in ws[3]]
    assert header[:4] == ["序号", "预算编码", "部门名称", "状态"] and "三公经费合计（上年）" in header
    rows = {r[1]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert rows["001"][3] == "未提交" and rows["002"][3] == "未通过" and rows["005"][3] == "待说明"
    tp_now, tp_last = header.index("三公经费合计（本年）"), header.index("三公经费合计（上年）")
    assert rows["005"][tp_now] == 3.0 and rows["005"][tp_last] == 1.0
    assert [r[1] for r in wb["催报名单"].iter_rows(min_row=4, values_only=True)] == ["001", "002", "003", "005"]
    assert [r[1] for r in wb["名单外报送"].iter_rows(min_row=4, values_only=True)] == ["999"]
    # text from a submission stays text: no formula was written
    cells = [c for row in wb["名单外报送"].iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".tmp-")]


def test_cli_status_with_roster_file(arc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    roster = tmp_path / "名单.csv"
    roster.write_text("预算编码,部门名称,单位数,联系人\n" + "".join(
        f"{e.code},{e.name},1,{e.contact or ''}\n" for e in ROSTER), encoding="utf-8-sig")
    _register()
    out = tmp_path / "s.xlsx"
    res = CliRunner().invoke(app, ["status", "--archive", str(arc), "--roster", str(roster), "--year", "2021",
                                   "-o", str(out)], terminal_width=200)
    assert res.exit_code == 0, res.output
    assert "催报名单" in res.output and "赵一" in res.output and "未提交 1" in res.output
    assert "名单外" in res.output and "999" in res.output
    assert "主要数据与上年对比" in res.output and "+2.00" in res.output
    assert out.is_file()
    assert "Traceback" not in res.output


def test_cli_status_misuse(tmp_path: Path, arc: Path) -> None:
    _register()
    r = CliRunner().invoke(app, ["status", "--archive", str(tmp_path / "none")])
    assert r.exit_code == 2 and "不存在" in r.output
    r = CliRunner().invoke(app, ["status", "--archive", str(arc), "--roster", str(tmp_path / "无.csv")])
    assert r.exit_code == 2 and "名单" in r.output
    r = CliRunner().invoke(app, ["status", "--archive", str(arc), "-o", str(tmp_path / "x.csv")])
    assert r.exit_code == 2


def test_status_over_10000_submissions_costs_a_few_queries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Its speed is measured by scripts/benchmark.py (d); here: the work does not grow per department.
    arc = tmp_path / "arc"
    (arc / "objects").mkdir(parents=True)
    conn = connect(arc / "ledger.sqlite")
    t = now_utc()
    entries = []
    for i in range(10_000):
        code, year = f"{i % 2500:05d}", 2020 + (i // 2500) % 2  # 2,500 departments, two years, 2 versions each
        s = make_sub(code, year, three_public=f"{i % 7}.00", warnings=i % 3 == 0, errors=i % 11 == 0)
        entries.append(Entry(f"{i:064x}", f"objects/00/{i:064x}.xlsx", f"{code}.xlsx", f"/in/{code}.xlsx", 1, i, s))
    with transaction(conn):
        insert(conn, entries, t)
    conn.close()
    roster = [RosterEntry(i + 2, f"{i:05d}", f"部门{i}", 1, "张三") for i in range(3000)]
    import importlib

    status_module = importlib.import_module("selfeval_xl.ledger.status")  # the package exports a function of that name

    statements: list[str] = []
    real_open = status_module.open_existing

    def counting_open(path):  # noqa: ANN001, ANN202
        arc_, conn_ = real_open(path)
        conn_.set_trace_callback(statements.append)
        return arc_, conn_

    monkeypatch.setattr(status_module, "open_existing", counting_open)
    rep = status(arc, roster=roster, year=2021)
    assert len(rep.rows) == 3000 and rep.counts()["未提交"] == 500
    assert sum(rep.counts().values()) == 3000
    chased = [d for d in rep.rows if d.state in ("未通过", "待说明")]
    assert len(chased) > 1000 and all(d.problems for d in chased)
    assert len(statements) < 40, f"{len(statements)} SQL statements for 2,500 departments"


def test_excel_output_survives_hostile_text(tmp_path: Path) -> None:
    from selfeval_xl.ledger.status import DeptStatus, StatusReport

    evil = "=cmd|' /C calc'!A0" + "\x01\x07" + "长" * 40000
    rep = StatusReport(tmp_path, 2021, rows=[DeptStatus(code="@SUM(1)", name=evil, state="已通过", versions=1,
                                                        file="+x.xlsx", contact="-1")])
    out = tmp_path / "s.xlsx"
    write_status_xlsx(out, rep)
    ws = openpyxl.load_workbook(out)["报送情况"]
    row = [c for c in ws[4]]
    assert row[1].value == "@SUM(1)" and row[1].data_type == "s"
    assert row[2].data_type == "s" and row[2].value.startswith("=cmd") and row[2].value.endswith("…")
    assert row[4].value == "-1" and row[7].value == "+x.xlsx"


def test_cli_status_dept_shows_every_version_with_superseded(arc: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    _register()
    res = CliRunner().invoke(app, ["status", "--archive", str(arc), "--dept", "002", "--year", "2021"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    heads = [ln for ln in lines if ln.startswith("002")]
    assert [h.split()[0] for h in heads] == ["002.xlsx", "002_v0.xlsx", "002_v2.xlsx"]
    assert "当前有效" in heads[-1] and all("已被替代" in h for h in heads[:-1])
    assert res.output.count("替代。") == 2 and "002_v2.xlsx）替代" in res.output
    res = CliRunner().invoke(app, ["status", "--archive", str(arc), "--dept", "nope"])
    assert res.exit_code == 0 and "没有预算编码 nope" in res.output
