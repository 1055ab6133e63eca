"""The officer's side of the ledger: the round's year, an empty year, the 催报 list with contacts
and the first findings, notices to hand out, export by department, 100× last year's."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest
from ledger_samples import fake_checker, write_fake
from typer.testing import CliRunner

from selfeval_xl.check.round import Round
from selfeval_xl.cli import _register, app
from selfeval_xl.ledger import collect, current_submissions, status
from selfeval_xl.ledger.export import ExportError, export
from selfeval_xl.ledger.notice import write_notices
from selfeval_xl.roster import RosterEntry

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "submissions"
ROSTER = [RosterEntry(2, "001", "未交局", 1, "赵一", "13800000001"),
          RosterEntry(3, "002", "出错局", 1, "钱二", "0730-1234567"),
          RosterEntry(4, "003", "警告局", 1, "孙三"),
          RosterEntry(5, "004", "合格局", 1, None)]


@pytest.fixture
def arc(tmp_path: Path) -> Path:
    a = tmp_path / "arc"
    files = [write_fake(tmp_path / "in" / "002.xlsx", code="002", name="出错局", errors=2),
             write_fake(tmp_path / "in" / "003.xlsx", code="003", name="警告局", warnings=1),
             write_fake(tmp_path / "in" / "004.xlsx", code="004", name="合格局"),
             write_fake(tmp_path / "in" / "004_2020.xlsx", code="004", name="合格局", year=2020)]
    collect(files, a, checker=fake_checker, rnd=Round.of(2021))
    return a


def _invoke(*args: str, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN202
    monkeypatch.setenv("COLUMNS", "250")
    _register()
    return CliRunner().invoke(app, list(args))


def test_round_year_is_stored_and_used_by_later_runs(arc: Path, tmp_path: Path) -> None:
    late = write_fake(tmp_path / "in" / "001_2020.xlsx", code="001", name="未交局", year=2020)
    rep = collect([late], arc, checker=fake_checker)  # no --year: the archive's round applies
    assert rep.year == 2021 and rep.items[0].errors == 1
    [sub] = [s for s in current_submissions(arc, 2020) if s.dept_code == "001"]
    [f] = [f for f in sub.findings if f.code == "wrong-year"]
    assert "2020" in f.message and "2021" in f.message
    st = status(arc, roster=ROSTER)  # default year: the round's, not the latest
    assert st.year == 2021 and st.round_year == 2021
    collect([write_fake(tmp_path / "in" / "004_2022.xlsx", code="004", name="合格局", year=2022)], arc,
            checker=fake_checker)  # a return from the future: the latest year is now 2022
    assert status(arc).year == 2021
    assert {s.year for s in current_submissions(arc)} == {2021}  # summarize --archive without --year
    assert export(arc, tmp_path / "导出").year == 2021


def test_status_chase_list_carries_contacts_and_first_findings(arc: Path) -> None:
    st = status(arc, roster=ROSTER, year=2021)
    by = {d.code: d for d in st.rows}
    assert (by["001"].contact, by["001"].phone) == ("赵一", "13800000001")
    assert by["002"].state == "未通过" and by["002"].problems[0].startswith("支出!B6 支出合计")
    assert "支出合计 96.00 ≠ 97.00" in by["002"].problems_sentence()
    assert by["003"].state == "待说明" and "实有人数 9 超过人员编制 7" in by["003"].problems_sentence()
    assert by["004"].problems == [] and by["001"].problems == []


def test_notices_one_per_department_to_chase(arc: Path, tmp_path: Path) -> None:
    st = status(arc, roster=ROSTER, year=2021)
    written = write_notices(st, tmp_path / "通知")
    names = sorted(p.name for p in written)
    assert names == ["001_未交局_2021_催报通知.txt", "002_出错局_2021_催报通知.txt", "003_警告局_2021_催报通知.txt"]
    missing = (tmp_path / "通知" / names[0]).read_text(encoding="utf-8-sig")
    assert "尚未收到" in missing and "赵一、13800000001" in missing
    assert b"\r\n" in (tmp_path / "通知" / names[0]).read_bytes()  # Notepad-friendly line ends
    failed = (tmp_path / "通知" / names[1]).read_text(encoding="utf-8-sig")
    assert "审核未通过" in failed and "支出!B6" in failed and "002.xlsx" in failed
    warn = (tmp_path / "通知" / names[2]).read_text(encoding="utf-8-sig")
    assert "情况说明" in warn and "实有人数" in warn


def test_status_cli_notice_option_and_empty_year(arc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    roster = tmp_path / "名单.csv"
    roster.write_text("预算编码,部门名称,联系人,联系电话\n001,未交局,赵一,13800000001\n002,出错局,钱二,\n",
                      encoding="utf-8-sig")
    r = _invoke("status", "-a", str(arc), "-r", str(roster), "--notice", str(tmp_path / "通知"), monkeypatch=monkeypatch)
    assert r.exit_code == 0, r.output
    assert "13800000001" in r.output and "支出合计" in r.output and "催报通知 2 份" in r.output
    r = _invoke("status", "-a", str(arc), "-y", "2023", monkeypatch=monkeypatch)
    assert r.exit_code == 1 and "没有 2023 年度的任何报送" in r.output and "本轮年度为 2021" in r.output
    r = _invoke("status", "-a", str(arc), "--notice", str(arc / "通知"), monkeypatch=monkeypatch)
    assert r.exit_code == 2 and "--notice" in r.output and "之内" in r.output


def test_export_by_department(arc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rep = export(arc, tmp_path / "导出")
    assert rep.year == 2021 and rep.problems == []
    assert sorted(p.name for p in rep.written) == ["002_出错局_2021.xlsx", "003_警告局_2021.xlsx", "004_合格局_2021.xlsx"]
    original = (tmp_path / "in" / "004.xlsx").read_bytes()
    assert (tmp_path / "导出" / "004_合格局_2021.xlsx").read_bytes() == original
    assert not [p for p in (tmp_path / "导出").iterdir() if p.name.startswith(".")]  # no temp files left
    with pytest.raises(ExportError):
        export(arc, arc / "导出")
    # a damaged archive object is reported, never handed out
    import sqlite3

    conn = sqlite3.connect(arc / "ledger.sqlite")
    (rel,) = conn.execute("SELECT object FROM submissions WHERE dept_code = '002'").fetchone()
    conn.close()
    obj = arc / rel
    obj.chmod(0o644)
    obj.write_bytes(b"damaged")
    rep = export(arc, tmp_path / "导出2")
    assert len(rep.problems) == 1 and "verify" in rep.problems[0] and len(rep.written) == 2
    r = _invoke("export", "-a", str(arc), "-o", str(tmp_path / "导出3"), "-y", "2020", monkeypatch=monkeypatch)
    assert r.exit_code == 0 and "2020" in r.output, r.output
    assert [p.name for p in (tmp_path / "导出3").iterdir()] == ["004_合格局_2020.xlsx"]
    r = _invoke("export", "-a", str(arc), "-o", str(tmp_path / "导出4"), "-y", "1999", monkeypatch=monkeypatch)
    assert r.exit_code == 1 and "没有" in r.output


def test_export_names_are_sanitized(tmp_path: Path) -> None:
    a = tmp_path / "arc"
    files = [write_fake(tmp_path / "x1.xlsx", code="A1", name='局/名:"坏"*?'),
             write_fake(tmp_path / "x2.xlsx", code="A2", name="CON")]
    collect(files, a, checker=fake_checker)
    rep = export(a, tmp_path / "out")
    names = sorted(p.name for p in rep.written)
    assert names == ["A1_局_名__坏____2021.xlsx", "A2__CON_2021.xlsx"]  # CON is reserved on Windows


def test_hundred_times_last_year_is_implausible(tmp_path: Path) -> None:
    a = tmp_path / "arc"
    collect([write_fake(tmp_path / "p.xlsx", code="005", year=2020, spending="96.00", income="96.00")], a,
            checker=fake_checker)
    collect([write_fake(tmp_path / "c.xlsx", code="005", spending="960000.00", income="96.00")], a, checker=fake_checker)
    [sub] = current_submissions(a, 2021)
    [f] = [f for f in sub.findings if f.code == "implausible-amount"]
    assert f.field == "expenditure.total" and "960000.00" in f.message and "10000 倍" in f.message
    assert "96.00" in f.message and sub.status == "warn"
    st = status(a, year=2021)
    assert st.rows[0].state == "待说明" and "上年" in st.rows[0].problems_sentence()
    # explained in 情况说明: the department may say so
    collect([write_fake(tmp_path / "c2.xlsx", code="005", spending="960000.00", explain=["implausible-amount"])], a,
            checker=fake_checker)
    [sub] = current_submissions(a, 2021)
    assert [f.explained for f in sub.findings if f.code == "implausible-amount"] == [True]
    assert status(a, year=2021).rows[0].state == "已通过"


def test_damaged_but_identified_is_failed_under_its_name(tmp_path: Path) -> None:
    src = tmp_path / "in" / "901001_临湘市财政局.xlsx"
    src.parent.mkdir()
    wb = openpyxl.load_workbook(SAMPLES / "901001_临湘市财政局.xlsx")
    wb["收支情况"].protection.sheet = False
    wb["收支情况"].delete_rows(4)  # a deleted row
    wb["评价人员"].title = "人员"  # a renamed sheet
    wb.save(src)
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    a = tmp_path / "arc"
    rep = collect([src], a)
    assert rep.items[0].dept_code == "901001" and rep.items[0].status == "fail"
    st = status(a, roster=[RosterEntry(2, "901001", "临湘市财政局")], year=2021)
    assert (st.rows[0].state, st.rows[0].name) == ("未通过", "临湘市财政局")
    assert st.unidentified == []
    sentence = st.rows[0].problems_sentence()
    assert "收支情况" in sentence and "expenditure" not in sentence and "=IF" not in sentence
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    shutil.rmtree(a)
