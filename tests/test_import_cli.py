"""`selfeval-xl import`: value file, workbook, ledger (imports marked, superseded by a workbook),
carry-over from last year's workbook, and .doc reports through LibreOffice."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selfeval_xl.cli import _register, app
from selfeval_xl.importer import import_report
from selfeval_xl.ledger import collect, current_submissions
from selfeval_xl.pipeline import check_file
from selfeval_xl.prefill import load_values
from selfeval_xl.render import render_batch
from selfeval_xl.spec import default_template

ROOT = Path(__file__).resolve().parents[1]
SEED_TEXT = ROOT / "samples" / "reports" / "906017_临湘市委网信办_2021.txt"
PREVIOUS = ROOT / "samples" / "previous" / "906017_临湘市委网信办_2020.xlsx"
SEED_XLSX = ROOT / "samples" / "submissions" / "906017_临湘市委网信办.xlsx"


def _invoke(*args: str):  # noqa: ANN202
    _register()
    return CliRunner().invoke(app, list(args))


def test_value_file_reads_back_and_names_its_sources(tmp_path: Path) -> None:
    out = tmp_path / "seed.yaml"
    res = _invoke("import", str(SEED_TEXT), "-o", str(out))
    assert res.exit_code == 0, res.output
    assert "人员经费 43.4 万元" in res.output  # the checker ran on the imported values (narrative-mismatch)
    assert load_values(out, default_template()) == import_report(SEED_TEXT, default_template()).values
    text = out.read_text(encoding="utf-8")
    assert "# expenditure.personnel: 第 " in text


def test_json_value_file_is_json_and_reads_back(tmp_path: Path) -> None:
    out = tmp_path / "seed.json"
    res = _invoke("import", str(SEED_TEXT), "-o", str(out))
    assert res.exit_code == 0, res.output
    doc = json.loads(out.read_text(encoding="utf-8"))  # JSON, not YAML
    want = import_report(SEED_TEXT, default_template()).values
    assert doc["expenditure.personnel"] == float(want["expenditure.personnel"])
    assert load_values(out, default_template()) == want  # amounts exact: Decimals, never floats
    assert "JSON 数据文件不含各值在报告中的位置" in res.output
    carried = tmp_path / "2022.json"
    assert _invoke("import", str(SEED_XLSX), "-o", str(carried), "--year", "2022").exit_code == 0
    assert json.loads(carried.read_text(encoding="utf-8"))["report.year"] == 2022


def test_an_output_is_never_an_input(tmp_path: Path) -> None:
    copy = tmp_path / "report.txt"
    copy.write_bytes(SEED_TEXT.read_bytes())
    link = tmp_path / "link.yaml"
    link.hardlink_to(copy)  # the same file under another name
    res = _invoke("import", str(copy), "-o", str(link))
    assert res.exit_code == 2 and "就是输入文件" in res.output
    assert copy.read_bytes() == SEED_TEXT.read_bytes()
    res = _invoke("import", str(tmp_path), "--archive", str(tmp_path / "库"), "--year", "2020")
    assert res.exit_code == 2 and "位于输入文件夹" in res.output and not (tmp_path / "库").exists()
    xlsx = tmp_path / "2020.xlsx"
    xlsx.write_bytes(PREVIOUS.read_bytes())
    assert _invoke("import", str(xlsx), "--workbook", str(xlsx), "--year", "2021").exit_code == 2
    assert xlsx.read_bytes() == PREVIOUS.read_bytes()


def test_workbook_is_ready_for_check(tmp_path: Path) -> None:
    out = tmp_path / "seed.xlsx"
    assert _invoke("import", str(SEED_TEXT), "--workbook", str(out)).exit_code == 0
    sub = check_file(out)
    assert sub.readable and sub.values["expenditure.personnel"] == import_report(
        SEED_TEXT, default_template()).values["expenditure.personnel"]
    assert [f.code for f in sub.findings].count("narrative-mismatch") == 2


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert _invoke("import", str(SEED_TEXT)).exit_code == 2  # no output chosen
    assert _invoke("import", str(SEED_TEXT), "-o", str(tmp_path / "x.txt")).exit_code == 2
    assert _invoke("import", str(tmp_path), "--archive", str(tmp_path / "a")).exit_code == 2  # no --year
    assert _invoke("import", str(SEED_TEXT), "-o", str(SEED_TEXT)).exit_code == 2


def test_unreadable_report_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 broken")
    res = _invoke("import", str(bad), "-o", str(tmp_path / "x.yaml"))
    assert res.exit_code == 1 and "无法导入" in res.output and not (tmp_path / "x.yaml").exists()


@pytest.fixture()
def report_2020(tmp_path: Path) -> Path:
    """Last year's report as a department would have published it: rendered from its workbook."""
    rep = render_batch([check_file(PREVIOUS)], tmp_path / "reports", now=datetime(2021, 9, 1, tzinfo=UTC))
    return rep.items[0].output


def test_imported_reports_are_recorded_and_superseded_by_a_workbook(tmp_path: Path, report_2020: Path) -> None:
    arc = tmp_path / "arc"
    res = _invoke("import", str(report_2020.parent), "--archive", str(arc), "--year", "2020")
    assert res.exit_code == 0, res.output
    (cur,) = current_submissions(arc, 2020)
    assert cur.format == "report-docx" and cur.dept_code == "906017"
    assert cur.values["three_public.total"] == check_file(PREVIOUS).values["three_public.total"]
    db = sqlite3.connect(arc / "ledger.sqlite")
    obj = db.execute("SELECT object, sha256 FROM submissions WHERE format = 'report-docx'").fetchone()
    assert (arc / obj[0]).read_bytes() == report_2020.read_bytes()  # archived as is
    # this year's collection sees last year's imported figures (三公经费只减不增)
    collect([SEED_XLSX], arc)
    (now,) = current_submissions(arc, 2021)
    assert "three-public-growth" in [f.code for f in now.findings]
    # a later workbook of 2020 supersedes the import ...
    collect([PREVIOUS], arc)
    (cur,) = current_submissions(arc, 2020)
    assert cur.format != "report-docx"
    # ... and an import recorded after it never replaces the workbook
    again = report_2020.with_name("again.docx")
    again.write_bytes(report_2020.read_bytes() + b"\0")  # byte-distinct copy (trailing byte ignored by zip)
    assert _invoke("import", str(again), "--archive", str(arc), "--year", "2020").exit_code == 0
    (cur,) = current_submissions(arc, 2020)
    assert cur.format != "report-docx"


def test_carry_over_keeps_the_stable_parts(tmp_path: Path) -> None:
    out = tmp_path / "2022.xlsx"
    assert _invoke("import", str(SEED_XLSX), "--workbook", str(out), "--year", "2022").exit_code == 0
    new, old = check_file(out), check_file(SEED_XLSX)
    assert new.year == 2022
    for k in ("dept.name", "dept.code", "dept.functions", "dept.tasks", "contact.name"):
        assert new.values[k] == old.values[k]
    for k in ("income.total", "expenditure.total", "evaluation.score", "narrative.overview", "staff.actual"):
        assert new.values.get(k) is None
    kept = [{c: r.get(c) for c in ("level1", "level2", "level3", "target")} for r in new.tables["indicators"]]
    assert kept == [{c: r.get(c) for c in ("level1", "level2", "level3", "target")} for r in old.tables["indicators"]]
    assert all(r.get("actual") is None for r in new.tables["indicators"])
    assert [r["name"] for r in new.tables["evaluators"]] == [r["name"] for r in old.tables["evaluators"]]


@pytest.mark.libreoffice
def test_a_doc_made_by_libreoffice_imports_the_same(tmp_path: Path, report_2020: Path) -> None:
    from selfeval_xl.render.pdf import convert_files

    made = convert_files([report_2020], tmp_path / "doc", "doc:MS Word 97", ".doc")
    doc = made.written[report_2020]
    assert doc.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a real Word 97 file
    from selfeval_xl.importer.doc import converter

    with converter() as convert:
        res = import_report(doc, default_template(), convert_doc=convert)
    assert res.format == "report-doc" and res.findings == []
    assert res.values == import_report(report_2020, default_template()).values
