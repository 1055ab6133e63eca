"""No output ever lands on an input: every output option of every command is refused (exit 2,
in Chinese, before any file is read) when it names an input or lies inside an input folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from selfeval_xl import pipeline
from selfeval_xl.cli import _register, app
from selfeval_xl.inbox.guard import Output, output_problems

_register()

CHECK = [("check", "--json", False), ("check", "--report", False), ("check", "--annotate", True)]
SUMMARIZE = [("summarize", "-o", False), ("summarize", "--csv", True), ("summarize", "--parquet", True),
             ("summarize", "--json", False)]


@pytest.fixture
def inbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    def no_work(path):  # noqa: ANN001, ANN202
        raise AssertionError(f"a file was read before the outputs were checked: {path}")

    monkeypatch.setattr(pipeline, "_check_one", no_work)
    box = tmp_path / "收件箱"
    (box / "子文件夹").mkdir(parents=True)
    for name in ("101001_某局_2023.xlsx", "子文件夹/102001_某委_2023.xlsx"):
        (box / name).write_bytes(b"the department's original")
    return box


def _run(*args: str):  # noqa: ANN202
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def _untouched(box: Path) -> None:
    for p in box.rglob("*.xlsx"):
        assert p.read_bytes() == b"the department's original", p
    assert sorted(p.name for p in box.rglob("*")) == ["101001_某局_2023.xlsx", "102001_某委_2023.xlsx", "子文件夹"]


def _target(box: Path, option: str, where: str) -> Path:
    original = box / "101001_某局_2023.xlsx"
    if where == "input":
        return original
    if where == "inside":
        suffix = "" if option in ("--annotate", "--csv", "--parquet") else (".json" if option == "--json" else ".xlsx")
        return box / "子文件夹" / f"结果{suffix}"
    return box  # the input folder itself


@pytest.mark.parametrize("where", ["input", "inside", "folder"])
@pytest.mark.parametrize(("command", "option", "folder"), CHECK + SUMMARIZE)
def test_an_output_on_an_input_is_refused_before_any_work(inbox: Path, command: str, option: str, folder: bool,
                                                          where: str) -> None:
    target = _target(inbox, option, where)
    if where == "folder" and not folder:
        target = inbox / "子文件夹" / ".." / "101001_某局_2023.xlsx"  # the same file by another spelling
    r = _run(command, str(inbox), option, str(target))
    assert r.exit_code == 2, r.output
    assert option in r.output and ("输入文件" in r.output or "输入文件夹" in r.output), r.output
    _untouched(inbox)


@pytest.mark.parametrize(("command", "option", "folder"), CHECK + SUMMARIZE)
def test_an_explicitly_named_input_file_is_protected_too(inbox: Path, tmp_path: Path, command: str, option: str,
                                                         folder: bool) -> None:
    original = inbox / "101001_某局_2023.xlsx"
    r = _run(command, str(original), option, str(original))
    assert r.exit_code == 2 and "就是输入文件" in r.output, r.output
    _untouched(inbox)


def test_a_glob_protects_what_it_matches(inbox: Path) -> None:
    r = _run("check", str(inbox / "*.xlsx"), "--report", str(inbox / "101001_某局_2023.xlsx"))
    assert r.exit_code == 2 and "就是输入文件" in r.output
    _untouched(inbox)


def test_summarize_default_output_into_an_input_folder_is_refused(inbox: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(inbox)
    r = _run("summarize", ".")
    assert r.exit_code == 2 and "-o" in r.output
    _untouched(inbox)


def _archive(tmp_path: Path) -> Path:
    from selfeval_xl.ledger.store import Archive

    arc = tmp_path / "报送库"
    Archive(arc).create()
    return arc


def test_summarize_archive_output_inside_the_archive_is_refused(tmp_path: Path) -> None:
    arc = _archive(tmp_path)
    before = sorted(p.name for p in arc.rglob("*"))
    r = _run("summarize", "--archive", str(arc), "-o", str(arc / "汇总.xlsx"))
    assert r.exit_code == 2 and "输入文件夹" in r.output, r.output
    assert sorted(p.name for p in arc.rglob("*")) == before


@pytest.mark.parametrize("where", ["archive", "roster"])
def test_status_output_on_its_inputs_is_refused(tmp_path: Path, where: str) -> None:
    arc = _archive(tmp_path)
    roster = tmp_path / "名单.xlsx"
    roster.write_bytes(b"the roster")
    target = arc / "情况.xlsx" if where == "archive" else roster
    r = _run("status", "--archive", str(arc), "--roster", str(roster), "-o", str(target))
    assert r.exit_code == 2 and "-o" in r.output, r.output
    assert roster.read_bytes() == b"the roster" and not (arc / "情况.xlsx").exists()


def test_safe_outputs_pass_the_guard(inbox: Path, tmp_path: Path) -> None:
    outs = [Output("--json", tmp_path / "r.json"), Output("--annotate", tmp_path / "退回", True),
            Output("--csv", tmp_path, True)]  # the inbox lies below tmp_path, but no input directly in it
    assert output_problems([inbox], outs, sorted(inbox.rglob("*.xlsx"))) == []


def test_a_folder_output_holding_an_input_file_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "a.xlsx"
    f.write_bytes(b"x")
    problems = output_problems([f], [Output("--annotate", tmp_path, True)], [f])
    assert len(problems) == 1 and "--annotate" in problems[0] and "a.xlsx" in problems[0]
