"""End to end on the bundled sample submissions and roster: collect, status, verify, and the
ledger's rebuilt submissions equal what the checker says about the same files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selfeval_xl.cli import _register, app
from selfeval_xl.ledger import current_submissions, status

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "submissions"
ROSTER = ROOT / "samples" / "roster.xlsx"


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not sorted(SAMPLES.glob("*.xlsx")):
        pytest.skip("no sample submissions")
    d = tmp_path_factory.mktemp("inbox")
    for p in SAMPLES.glob("*.xlsx"):
        shutil.copy2(p, d / p.name)
    return d


def _invoke(*args: str, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN202
    monkeypatch.setenv("COLUMNS", "250")
    _register()
    return CliRunner().invoke(app, list(args))


def test_collect_status_verify_on_the_samples(inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    arc = tmp_path / "报送库"
    before = {p.name: (p.read_bytes(), p.stat().st_mtime) for p in inbox.iterdir()}
    r = _invoke("collect", str(inbox), "--archive", str(arc), monkeypatch=monkeypatch)
    assert r.exit_code == 0, r.output
    n = len(before)
    assert f"新登记 {n} 个" in r.output and "Traceback" not in r.output
    assert {p.name: (p.read_bytes(), p.stat().st_mtime) for p in inbox.iterdir()} == before  # sources untouched

    r = _invoke("collect", str(inbox), "--archive", str(arc), monkeypatch=monkeypatch)
    assert r.exit_code == 0 and "已登记，跳过" in r.output and f"已登记跳过 {n} 个" in r.output

    r = _invoke("status", "--archive", str(arc), "--roster", str(ROSTER), monkeypatch=monkeypatch)
    assert r.exit_code == 0, r.output
    assert "催报名单" in r.output and "未通过" in r.output

    r = _invoke("verify", "--archive", str(arc), monkeypatch=monkeypatch)
    assert r.exit_code == 0 and f"{n} 个文件全部与登记一致" in r.output


def test_rebuilt_submissions_equal_the_checkers(inbox: Path, tmp_path: Path) -> None:
    from selfeval_xl.ledger import collect
    from selfeval_xl.pipeline import check_file

    arc = tmp_path / "arc"
    collect(sorted(inbox.iterdir()), arc)
    rebuilt = {s.sha256: s for s in current_submissions(arc, 2021)}
    assert rebuilt
    for p in sorted(inbox.iterdir()):
        direct = check_file(p)
        if direct.year != 2021 or not direct.dept_code:
            continue
        got = rebuilt[direct.sha256]
        assert got.values == direct.values
        assert got.tables == direct.tables
        assert got.findings == direct.findings  # the samples are one per department: no batch findings
        assert got.status == direct.status
    rep = status(arc, roster=ROSTER)
    assert sum(rep.counts().values()) == len(rep.rows) > 0


def test_collect_misuse_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = _invoke("collect", str(tmp_path / "没有这个文件.xlsx"), "--archive", str(tmp_path / "a"), monkeypatch=monkeypatch)
    assert r.exit_code == 2 and "找不到" in r.output
    assert not (tmp_path / "a").exists()
    r = _invoke("collect", monkeypatch=monkeypatch)
    assert r.exit_code == 2


def test_collect_with_two_worker_processes(inbox: Path, tmp_path: Path) -> None:
    from selfeval_xl.ledger import collect

    files = sorted(inbox.iterdir())
    seen: list[str] = []
    rep = collect(files, tmp_path / "arc", workers=2, on_item=lambda item: seen.append(item.name))
    assert sorted(seen) == sorted(f.name for f in files)  # progress: once per file
    assert rep.new == len(files) and rep.failed == 0
    by_name = {i.name: i for i in rep.items}
    assert {i.status for i in rep.items} >= {"pass", "fail"}
    assert all(by_name[f.name].sha256 for f in files)
    current = current_submissions(tmp_path / "arc", 2021)
    # one current return per department and form (a department sends both forms)
    assert len(current) == len({(s.template_id, s.dept_code) for s in current})
    assert len({s.dept_code for s in current}) == len({i.dept_code for i in rep.items if i.dept_code and i.year == 2021})
