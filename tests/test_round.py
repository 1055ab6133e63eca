"""The round's year and roster (wrong-year, roster-mismatch) and the file's own identity: a
return for another year, for a department not on the roster, under another name than the
roster's, or in a file named after another department never passes silently."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from report_samples import sub
from test_check_seed import seed_raw
from typer.testing import CliRunner

from selfeval_xl.check import check_snapshot
from selfeval_xl.check.round import Round
from selfeval_xl.cli import _register, app
from selfeval_xl.model.snapshot import Snapshot
from selfeval_xl.roster import RosterEntry

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "submissions"
FINANCE = SAMPLES / "901001_临湘市财政局.xlsx"
ROSTER = [RosterEntry(2, "906017", "临湘市委网信办"), RosterEntry(3, "901001", "临湘市财政局")]


def codes(s) -> list[str]:  # noqa: ANN001
    return [f.code for f in s.findings]


def test_wrong_year_names_both_years_at_the_year_cell() -> None:
    s = sub("a.xlsx", year=2020)
    [f] = Round.of(2021).findings(s)
    assert (f.code, f.severity, f.field) == ("wrong-year", "error", "report.year")
    assert "2020" in f.message and "2021" in f.message
    assert f.sheet == "封面" and f.cell  # located in the submission's own layout
    assert f.args == {"found": "2020", "year": "2021"}
    assert Round.of(2021).findings(sub("b.xlsx", year=2021)) == []
    assert Round.of(None).findings(s) == []  # no round year: any year is fine


def test_roster_mismatch_for_an_unknown_code_and_a_different_name() -> None:
    rnd = Round.of(2021, ROSTER, "名单 roster.xlsx ")
    [off] = rnd.findings(sub("a.xlsx", code="999999", name="某某局"))
    assert off.code == "roster-mismatch" and off.severity == "warning" and "999999" in off.message
    assert "不在名单 roster.xlsx 中" in off.message
    [other] = rnd.findings(sub("b.xlsx", code="901001", name="临湘市卫生健康局"))
    assert "临湘市财政局" in other.message and "临湘市卫生健康局" in other.message and other.field == "dept.name"
    # the same name in other widths and spacing, and a code in another case: no finding
    assert rnd.findings(sub("c.xlsx", code=" 906017", name="临湘市委网信办 ")) == []
    assert Round.of(2021, [RosterEntry(2, "yyx342", "某局")]).findings(sub("d.xlsx", code="YYX342", name="某局")) == []


def test_apply_is_the_keep_callback() -> None:
    s = sub("a.xlsx", year=2019, code="1")
    assert Round.of(2021, ROSTER).apply(s) is s
    assert codes(s) == ["wrong-year", "roster-mismatch"] and s.status == "fail"


def _snap(path: str, **stamp: str) -> Snapshot:
    raw = seed_raw()
    raw["dept.code"] = "906017"
    return Snapshot(path=path, template_id="dept-selfeval", template_version="1.0", raw=raw, stamp=stamp)


def test_file_named_after_another_department_is_caught() -> None:
    # seed: 预算编码 906017, 中共临湘市委网络安全和信息化委员会办公室 (as its cover says)
    name = seed_raw()["dept.name"]
    ok = check_snapshot(_snap(f"收件/906017_{name}_2021.xlsx"))
    assert "roster-mismatch" not in codes(ok)
    short = check_snapshot(_snap("906017_网络安全和信息化委员会办公室.xlsx"))  # a shortened name is the same
    assert "roster-mismatch" not in codes(short)
    wrong = check_snapshot(_snap("906017_临湘市卫生健康局_2021.xlsx"))
    [f] = [f for f in wrong.findings if f.code == "roster-mismatch"]
    assert "临湘市卫生健康局" in f.message and f.field == "dept.name" and f.sheet and f.cell
    other_code = check_snapshot(_snap("901001_临湘市财政局.xlsx"))
    [g] = [f for f in other_code.findings if f.code == "roster-mismatch"]
    assert "901001" in g.message and "906017" in g.message
    # names that do not follow the roster pattern say nothing about the department
    assert "roster-mismatch" not in codes(check_snapshot(_snap("网信办自评表（终稿）.xlsx")))
    assert "roster-mismatch" not in codes(check_snapshot(_snap("2021_终稿.xlsx")))


def test_cover_differs_from_the_stamp() -> None:
    s = check_snapshot(_snap("x.xlsx", dept_code="901001", dept_name="临湘市财政局"))
    [f] = [f for f in s.findings if f.code == "roster-mismatch"]
    assert "901001" in f.message and "906017" in f.message


def _invoke(*args: str, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN202
    monkeypatch.setenv("COLUMNS", "250")
    _register()
    return CliRunner().invoke(app, list(args))


def test_check_cli_year_and_roster_on_real_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = tmp_path / "收件"
    inbox.mkdir()
    shutil.copy2(FINANCE, inbox / "901001_临湘市卫生健康局.xlsx")  # the stamp says 临湘市财政局
    shutil.copy2(SAMPLES / "906017_临湘市委网信办.xlsx", inbox / "906017_临湘市委网信办.xlsx")
    out = tmp_path / "r.json"
    r = _invoke("check", str(inbox), "--json", str(out), monkeypatch=monkeypatch)
    assert r.exit_code == 0, r.output  # warnings only
    doc = json.loads(out.read_text(encoding="utf-8"))
    by = {Path(s["file"]).name: [f["code"] for f in s["findings"]] for s in doc["submissions"]}
    assert "roster-mismatch" in by["901001_临湘市卫生健康局.xlsx"]
    assert "roster-mismatch" not in by["906017_临湘市委网信办.xlsx"]
    roster = tmp_path / "名单.csv"
    roster.write_text("预算编码,部门名称\n906017,临湘市网信办\n", encoding="utf-8-sig")
    r = _invoke("check", str(inbox), "--year", "2022", "--roster", str(roster), "--json", str(out),
                monkeypatch=monkeypatch)
    assert r.exit_code == 1, r.output
    assert "本轮收取的是 2022 年度" in r.output and "2021" in r.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    found = {Path(s["file"]).name: s for s in doc["submissions"]}
    wx = [f for f in found["906017_临湘市委网信办.xlsx"]["findings"] if f["code"] in ("wrong-year", "roster-mismatch")]
    assert {f["code"] for f in wx} == {"wrong-year", "roster-mismatch"}
    assert found["906017_临湘市委网信办.xlsx"]["status"] == "fail"
    r = _invoke("check", str(inbox), "--roster", str(tmp_path / "无此名单.csv"), monkeypatch=monkeypatch)
    assert r.exit_code == 2 and "名单" in r.output


def test_summarize_takes_archive_and_year_short_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    arc = tmp_path / "库"
    r = _invoke("collect", str(SAMPLES / "906017_临湘市委网信办.xlsx"), "-a", str(arc), "-y", "2021",
                monkeypatch=monkeypatch)
    assert r.exit_code == 0, r.output
    out = tmp_path / "汇总.xlsx"
    r = _invoke("summarize", "-a", str(arc), "-y", "2021", "-o", str(out), "-q", monkeypatch=monkeypatch)
    assert r.exit_code == 0, r.output
    assert out.is_file()
    r = _invoke("summarize", "-a", str(arc), "-y", "2030", "-o", str(tmp_path / "x.xlsx"), "-q", monkeypatch=monkeypatch)
    assert r.exit_code == 1 and "2030" in r.output
