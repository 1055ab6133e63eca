"""collect: record once, skip known hashes unread, supersede older submissions, rebuild them."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from ledger_samples import fake_check, fake_checker, make_sub, write_fake

from selfeval_xl.ledger import collect, current_submissions, history, status
from selfeval_xl.ledger.collect import KNOWN, NEW, REPEATED
from selfeval_xl.ledger.store import Archive, scan_objects


def _db(arc: Path) -> sqlite3.Connection:
    return sqlite3.connect(arc / "ledger.sqlite")


def _count(arc: Path, table: str = "submissions") -> int:
    return _db(arc).execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_collect_records_and_archives(tmp_path: Path) -> None:
    a = write_fake(tmp_path / "in" / "a.xlsx", code="001", warnings=1)
    b = write_fake(tmp_path / "in" / "b.xlsx", code="002", errors=2)
    arc = tmp_path / "arc"
    rep = collect([a, b], arc, checker=fake_checker)
    assert [i.state for i in rep.items] == [NEW, NEW]
    assert [(i.status, i.errors, i.warnings) for i in rep.items] == [("warn", 0, 1), ("fail", 2, 0)]
    assert _count(arc) == 2 and _count(arc, "intake") == 0
    objects, temps, _ = scan_objects(Archive(arc))
    assert len(objects) == 2 and temps == []
    for p in (a, b):
        sha = fake_check(p).sha256
        row = _db(arc).execute("SELECT object, original_name, size, status FROM submissions WHERE sha256 = ?",
                               (sha,)).fetchone()
        assert (arc / row[0]).read_bytes() == p.read_bytes()  # byte-identical
        assert row[1] == p.name and row[2] == p.stat().st_size
    assert "新登记 2 个" in rep.summary_zh()


def test_collect_again_records_nothing_and_never_checks(tmp_path: Path) -> None:
    a = write_fake(tmp_path / "a.xlsx", code="001")
    arc = tmp_path / "arc"
    collect([a], arc, checker=fake_checker)
    before = _db(arc).execute("SELECT * FROM submissions").fetchall()

    def exploding(paths, workers):  # noqa: ANN001, ANN202 - a known hash must be skipped unread
        assert list(paths) == []
        return iter(())

    copy = tmp_path / "renamed copy.xlsx"
    copy.write_bytes(a.read_bytes())
    rep = collect([a, copy], arc, checker=exploding)
    assert [i.state for i in rep.items] == [KNOWN, KNOWN]
    assert rep.items[0].state_zh == "已登记，跳过"
    assert _db(arc).execute("SELECT * FROM submissions").fetchall() == before
    assert rep.new == 0 and rep.skipped == 2


def test_same_bytes_twice_in_one_run(tmp_path: Path) -> None:
    a = write_fake(tmp_path / "x" / "a.xlsx", code="001")
    b = tmp_path / "y" / "a.xlsx"
    b.parent.mkdir()
    b.write_bytes(a.read_bytes())
    rep = collect([a, b], tmp_path / "arc", checker=fake_checker)
    assert [i.state for i in rep.items] == [NEW, REPEATED]
    assert _count(tmp_path / "arc") == 1


def test_newer_run_supersedes_older(tmp_path: Path) -> None:
    arc = tmp_path / "arc"
    old = write_fake(tmp_path / "v1.xlsx", code="001", errors=1)
    new = write_fake(tmp_path / "v2.xlsx", code="001")
    other_year = write_fake(tmp_path / "2020.xlsx", code="001", year=2020)
    collect([old, other_year], arc, checker=fake_checker)
    rep = collect([new], arc, checker=fake_checker)
    assert rep.items[0].current and rep.items[0].replaced == ["v1.xlsx"]
    rows = dict(_db(arc).execute("SELECT original_name, is_current FROM submissions").fetchall())
    assert rows == {"v1.xlsx": 0, "v2.xlsx": 1, "2020.xlsx": 1}  # another year is not touched
    sup = _db(arc).execute("SELECT s.superseded_by = n.id FROM submissions s, submissions n"
                           " WHERE s.original_name = 'v1.xlsx' AND n.original_name = 'v2.xlsx'").fetchone()[0]
    assert sup == 1
    cur = current_submissions(arc, 2021)
    assert [Path(s.file).name for s in cur] == ["v2.xlsx"] and cur[0].status == "pass"
    hist = {Path(s.file).name: s for s in history(arc, "001", 2021)}
    old_codes = [f.code for f in hist["v1.xlsx"].findings]
    assert "superseded" in old_codes
    sup_f = next(f for f in hist["v1.xlsx"].findings if f.code == "superseded")
    assert sup_f.severity == "info" and "v2.xlsx" in sup_f.message
    assert "superseded" not in [f.code for f in hist["v2.xlsx"].findings]
    assert status(arc, year=2021).rows[0].state == "已通过"


def test_within_one_run_the_later_report_date_wins(tmp_path: Path) -> None:
    arc = tmp_path / "arc"
    later = write_fake(tmp_path / "a_later.xlsx", code="001", report_date="2022-03-02")
    earlier = write_fake(tmp_path / "b_earlier.xlsx", code="001", report_date="2022-03-01", errors=1)
    rep = collect([later, earlier], arc, checker=fake_checker)
    by_name = {i.name: i for i in rep.items}
    assert by_name["a_later.xlsx"].current and not by_name["b_earlier.xlsx"].current
    assert by_name["b_earlier.xlsx"].superseded_by == "a_later.xlsx"
    assert rep.superseded == 1


def test_collect_strips_batch_duplicate_warnings(tmp_path: Path) -> None:
    from selfeval_xl.model import codes

    a = write_fake(tmp_path / "a.xlsx", code="001")

    def with_dup(paths, workers):  # noqa: ANN001, ANN202
        for p in paths:
            s = fake_check(p)
            s.findings.append(codes.make("duplicate-submission", code="001", year=2021, other="b.xlsx", which=""))
            yield s

    collect([a], tmp_path / "arc", checker=with_dup)
    (sub,) = current_submissions(tmp_path / "arc", 2021)
    assert sub.status == "pass" and sub.findings == []


def test_current_submissions_rebuilds_values_and_findings_exactly(tmp_path: Path) -> None:
    a = write_fake(tmp_path / "a.xlsx", code="001", warnings=1, explained_warnings=1, errors=1,
                   report_date="2022-03-01", explain=["staff-over-quota"], three_public="2.50")
    collect([a], tmp_path / "arc", checker=fake_checker)
    (got,) = current_submissions(tmp_path / "arc", None)  # default: the latest year
    want = fake_check(a)
    assert got.values == want.values
    assert got.values["three_public.total"] == Decimal("2.50") and str(got.values["three_public.total"]) == "2.50"
    assert "narrative.problems" in got.values and got.values["narrative.problems"] is None
    assert got.findings == want.findings
    assert got.tables == want.tables
    assert (got.sha256, got.size, got.template_id, got.template_version) == (want.sha256, want.size, "dept-selfeval", "1.0")
    assert got.to_json()["status"] == want.to_json()["status"] == "fail"
    assert Path(got.file).name == "a.xlsx"


def test_current_submissions_empty_and_missing_archive(tmp_path: Path) -> None:
    from selfeval_xl.ledger import LedgerError

    with pytest.raises(LedgerError, match="不存在"):
        current_submissions(tmp_path / "nope", 2021)
    assert not (tmp_path / "nope").exists()  # reading never creates an archive
    collect([], tmp_path / "arc", checker=fake_checker)
    assert current_submissions(tmp_path / "arc", None) == []


def test_growth_against_last_year(tmp_path: Path) -> None:
    arc = tmp_path / "arc"
    files = [write_fake(tmp_path / "001_2020.xlsx", code="001", year=2020, three_public="1.00"),
             write_fake(tmp_path / "001_2021.xlsx", code="001", year=2021, three_public="2.50"),
             write_fake(tmp_path / "002_2020.xlsx", code="002", year=2020, three_public="3.00"),
             write_fake(tmp_path / "002_2021.xlsx", code="002", year=2021, three_public="2.00"),
             write_fake(tmp_path / "003_2021.xlsx", code="003", year=2021, three_public="9.00")]
    collect(files, arc, checker=fake_checker)
    subs = {s.dept_code: s for s in current_submissions(arc, 2021)}
    growth = [f for f in subs["001"].findings if f.code == "three-public-growth"]
    assert len(growth) == 1
    g = growth[0]
    assert (g.severity, g.sheet, g.cell, g.field) == ("warning", "三公经费", "B5", "three_public.total")
    assert "2.50" in g.message and "1.00" in g.message and "1.50" in g.message
    assert g.args == {"current": "2.50", "previous": "1.00", "difference": "1.50"}
    assert subs["001"].status == "warn"
    assert not [f for f in subs["002"].findings if f.code == "three-public-growth"]  # went down
    assert not [f for f in subs["003"].findings if f.code == "three-public-growth"]  # no last year
    rows = {d.code: d for d in status(arc, year=2021).rows}
    assert rows["001"].state == "待说明" and rows["001"].growth == Decimal("1.50")
    assert rows["001"].this_year["three_public.total"] == Decimal("2.50")
    assert rows["001"].last_year["three_public.total"] == Decimal("1.00")
    assert rows["002"].state == "已通过" and rows["003"].last_year == {}


def test_growth_explained_in_the_workbook(tmp_path: Path) -> None:
    arc = tmp_path / "arc"
    collect([write_fake(tmp_path / "a.xlsx", code="001", year=2020, three_public="1.00"),
             write_fake(tmp_path / "b.xlsx", code="001", year=2021, three_public="2.00",
                        explain=["three-public-growth"])], arc, checker=fake_checker)
    (sub,) = current_submissions(arc, 2021)
    (g,) = [f for f in sub.findings if f.code == "three-public-growth"]
    assert g.explained and sub.status == "pass"
    assert status(arc, year=2021).rows[0].state == "已通过"


def test_growth_uses_last_years_current_submission(tmp_path: Path) -> None:
    arc = tmp_path / "arc"
    collect([write_fake(tmp_path / "a.xlsx", code="001", year=2020, three_public="5.00")], arc, checker=fake_checker)
    collect([write_fake(tmp_path / "a2.xlsx", code="001", year=2020, three_public="1.00"),
             write_fake(tmp_path / "b.xlsx", code="001", year=2021, three_public="2.00")], arc, checker=fake_checker)
    (sub,) = current_submissions(arc, 2021)
    (g,) = [f for f in sub.findings if f.code == "three-public-growth"]
    assert g.args["previous"] == "1.00"


def test_unreadable_submissions_are_recorded_too(tmp_path: Path) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"\x00\xffnot json")
    rep = collect([junk], tmp_path / "arc", checker=fake_checker)
    assert rep.items[0].state == NEW and rep.items[0].status == "unreadable"
    st = status(tmp_path / "arc", year=2021)
    assert st.rows == [] and [u[1] for u in st.unidentified] == ["junk.xlsx"]


def test_missing_source_is_reported_not_recorded(tmp_path: Path) -> None:
    rep = collect([tmp_path / "gone.xlsx"], tmp_path / "arc", checker=fake_checker)
    assert rep.items[0].state == "io-error" and "无法读取" in rep.items[0].message
    assert _count(tmp_path / "arc") == 0


def test_file_changed_after_hashing_is_not_recorded(tmp_path: Path) -> None:
    a = write_fake(tmp_path / "a.xlsx", code="001")

    def changing(paths, workers):  # noqa: ANN001, ANN202 - the file is re-saved while being collected
        for p in paths:
            Path(p).write_text('{"code": "001", "errors": 1}', encoding="utf-8")
            yield fake_check(p)

    rep = collect([a], tmp_path / "arc", checker=changing)
    assert rep.items[0].state == "changed" and _count(tmp_path / "arc") == 0
    assert scan_objects(Archive(tmp_path / "arc"))[0] == {}


def test_make_sub_helper_is_what_it_says() -> None:
    s = make_sub(errors=1, warnings=2, explained_warnings=1)
    assert s.counts() == {"errors": 1, "warnings": 3, "unexplained_warnings": 2}


def test_figures_by_dept_for_last_year(tmp_path: Path) -> None:
    from selfeval_xl.ledger import figures_by_dept

    arc = tmp_path / "arc"
    collect([write_fake(tmp_path / "a.xlsx", code="001", year=2020, three_public="1.25", income="80.50"),
             write_fake(tmp_path / "b.xlsx", code="002", year=2021)], arc, checker=fake_checker)
    got = figures_by_dept(arc, 2020)
    assert got == {"001": {"income.total": Decimal("80.50"), "expenditure.total": Decimal("96.00"),
                           "three_public.total": Decimal("1.25")}}


def test_collect_ignores_the_archive_inside_its_inputs(tmp_path: Path) -> None:
    write_fake(tmp_path / "a.xlsx", code="001")
    arc = tmp_path / "selfeval-archive"
    collect([tmp_path / "a.xlsx"], arc, checker=fake_checker)
    inside = sorted(p for p in arc.rglob("*.xlsx"))
    assert inside
    rep = collect([tmp_path / "a.xlsx", *inside], arc, checker=fake_checker)
    assert len(rep.items) == 1 and rep.ignored == len(inside) and "忽略报送库内的文件" in rep.summary_zh()


def test_third_version_reports_only_what_it_replaced(tmp_path: Path) -> None:
    arc = tmp_path / "arc"
    for v in (1, 2):
        collect([write_fake(tmp_path / f"v{v}.xlsx", code="001", income=f"{v}.00")], arc, checker=fake_checker)
    rep = collect([write_fake(tmp_path / "v3.xlsx", code="001", income="3.00")], arc, checker=fake_checker)
    assert rep.items[0].replaced == ["v2.xlsx"] and rep.superseded == 1
    rows = dict(_db(arc).execute("SELECT s.original_name, n.original_name FROM submissions s"
                                 " JOIN submissions n ON n.id = s.superseded_by").fetchall())
    assert rows == {"v1.xlsx": "v3.xlsx", "v2.xlsx": "v3.xlsx"}  # all point at the current one
