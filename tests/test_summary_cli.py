"""`selfeval-xl summarize`: outputs written and announced, default name, ledger source, misuse → 2."""

from __future__ import annotations

import builtins
import json
from pathlib import Path

import openpyxl
import pytest
from test_api import make_inbox
from typer.testing import CliRunner

from selfeval_xl.cli import _register, app

runner = CliRunner()
_register()


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_inbox(tmp_path_factory.mktemp("cli"))


def run(*args: str):  # noqa: ANN202
    result = runner.invoke(app, ["summarize", *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def overview_files(path: Path) -> list[str]:
    ws = openpyxl.load_workbook(path)["总览"]
    col = [c.value for c in ws[3]].index("文件") + 1
    return [ws.cell(r, col).value for r in range(4, ws.max_row + 1)
            if ws.cell(r, col).value and not str(ws.cell(r, 1).value or "").startswith(("合计", "注"))]


def test_writes_every_output(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "汇总.xlsx"
    r = run(str(inbox), "-o", str(out), "--csv", str(tmp_path / "csv"), "--json", str(tmp_path / "s.json"),
            "--parquet", str(tmp_path / "pq"), "--workers", "1", "-q")
    assert r.exit_code == 0, r.output
    assert "已写出汇总工作簿" in r.output and "5 份报送，2 份计入合计" in r.output
    assert len(overview_files(out)) == 5
    assert (tmp_path / "csv" / "总览.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert len(json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["tables"]["overview"]) == 5
    assert (tmp_path / "pq" / "overview.parquet").is_file()


def test_default_output_name_and_no_output_into_the_inbox(inbox: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    r = run(str(inbox), "-q")
    assert r.exit_code == 0, r.output
    default = tmp_path / "2021年度部门整体支出绩效自评汇总.xlsx"
    assert default.is_file()
    # an output is never written into the inbox (it would be read back as a return next time)
    inside = inbox / "汇总.xlsx"
    r = run(str(inbox), "-o", str(inside), "-q")
    assert r.exit_code == 2 and "输入文件夹" in r.output and not inside.exists()


@pytest.mark.parametrize("args", [
    [],
    ["does-not-exist"],
    ["{inbox}", "-o", "x.csv"],
    ["{inbox}", "--archive", "{tmp}"],
    ["--archive", "{tmp}/no-archive"],
    ["{inbox}", "--workers", "-1"],
])
def test_misuse_exits_2_in_chinese(inbox: Path, tmp_path: Path, args: list[str]) -> None:
    r = run(*[a.format(inbox=inbox, tmp=tmp_path) for a in args])
    assert r.exit_code == 2, r.output
    assert not list(tmp_path.glob("*.xlsx"))


def test_missing_pyarrow_is_reported_before_any_work(inbox: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def fake(name: str, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError("No module named 'pyarrow'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)
    out = tmp_path / "s.xlsx"
    r = run(str(inbox), "-o", str(out), "--parquet", str(tmp_path / "pq"))
    assert r.exit_code == 2 and "pyarrow" in r.output and "未安装" in r.output
    assert not out.exists()


def test_from_the_ledger_only_current_submissions(inbox: Path, tmp_path: Path) -> None:
    ledger = pytest.importorskip("selfeval_xl.ledger")
    archive = tmp_path / "报送库"
    from selfeval_xl.pipeline import expand_inputs

    ledger.collect(expand_inputs([inbox])[0], archive)
    out = tmp_path / "汇总.xlsx"
    r = run("--archive", str(archive), "--year", "2021", "-o", str(out), "-q")
    assert r.exit_code == 0, r.output
    files = overview_files(out)
    # broken.xlsx has no code/year and the old 906017 was superseded: 3 current departments
    assert len(files) == 3, files
    r = run("--archive", str(archive), "--year", "2019", "-o", str(tmp_path / "none.xlsx"), "-q")
    assert r.exit_code == 1 and "没有" in r.output


def test_year_filter_on_files(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    r = run(str(inbox), "--year", "2020", "-o", str(out), "-q")
    assert r.exit_code == 1 and "没有 2020 年度" in r.output and not out.exists()
    r = run(str(inbox), "--year", "2021", "-o", str(out), "-q")
    assert r.exit_code == 0 and len(overview_files(out)) == 5  # the unreadable file (no year) stays listed


def test_locked_output_is_reported_not_raised(inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import selfeval_xl.summary.workbook as wbmod

    def locked(path, c):  # noqa: ANN001, ANN202
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(wbmod, "write_summary", locked)
    r = run(str(inbox), "-o", str(tmp_path / "s.xlsx"), "-q")
    assert r.exit_code == 2 and "文件被占用" in r.output
