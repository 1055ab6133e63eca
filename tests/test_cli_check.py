"""`selfeval-xl check`: exit codes 0/1/2 and --strict, outputs written and announced, no traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from report_samples import phone_warning, sub, sum_mismatch
from typer.testing import CliRunner

import selfeval_xl.cli.check  # noqa: F401 - registers the command on `app`
from selfeval_xl import pipeline
from selfeval_xl.cli import app

runner = CliRunner()

# file stem → what the (faked) checker finds
FAKE = {
    "ok": lambda p: sub(p),
    "bad": lambda p: sub(p, sum_mismatch(), code="906018"),
    "warn": lambda p: sub(p, phone_warning(), code="906019"),
    "explained": lambda p: sub(p, phone_warning(explained=True), code="906020"),
}


@pytest.fixture
def inbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(pipeline, "check_file", lambda p: FAKE[Path(p).stem](os.fspath(p)))
    box = tmp_path / "收到"
    box.mkdir()
    for stem in FAKE:
        (box / f"{stem}.xlsx").write_bytes(b"x")
    return box


def _run(*args: str):
    result = runner.invoke(app, ["check", *args], env={"COLUMNS": "250"})
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_exit_0_when_nothing_fails(inbox: Path) -> None:
    r = _run(str(inbox / "ok.xlsx"), str(inbox / "warn.xlsx"), str(inbox / "explained.xlsx"))
    assert r.exit_code == 0, r.output
    assert "共 3 份：通过 2，警告 1，未通过 0，无法读取 0" in r.output


def test_exit_1_when_one_fails(inbox: Path) -> None:
    r = _run(str(inbox))
    assert r.exit_code == 1
    assert "支出!B6" in r.output and "未通过" in r.output


def test_strict_fails_on_unexplained_warnings_only(inbox: Path) -> None:
    assert _run("--strict", str(inbox / "warn.xlsx")).exit_code == 1
    assert _run("--strict", str(inbox / "explained.xlsx"), str(inbox / "ok.xlsx")).exit_code == 0
    assert _run(str(inbox / "warn.xlsx")).exit_code == 0


@pytest.mark.parametrize("args", [
    ["{box}/无此文件.xlsx"], ["{box}/ok.xlsx", "{box}/missing.xlsx"], ["{box}/*.none"], ["--no-such-option", "{box}"],
    [], ["--workers", "-1", "{box}"], ["--report", "{out}/r.txt", "{box}"], ["{empty}"],
])
def test_exit_2_when_used_wrongly(inbox: Path, tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "empty").mkdir()
    fmt = {"box": inbox, "out": tmp_path, "empty": tmp_path / "empty"}
    r = _run(*[a.format(**fmt) for a in args])
    assert r.exit_code == 2, r.output
    assert not (tmp_path / "r.txt").exists()


def test_annotate_into_the_source_folder_is_refused(inbox: Path) -> None:
    r = _run(str(inbox), "--annotate", str(inbox))
    assert r.exit_code == 2 and "位于输入文件夹" in r.output


def test_outputs_written_and_announced(inbox: Path, tmp_path: Path) -> None:
    js, xlsx = tmp_path / "out" / "结果.json", tmp_path / "out" / "结果.xlsx"
    r = _run(str(inbox), "--json", str(js), "--report", str(xlsx), "--quiet")
    assert r.exit_code == 1
    doc = json.loads(js.read_text(encoding="utf-8"))
    assert doc["counts"] == {"submissions": 4, "pass": 2, "warn": 1, "fail": 1, "unreadable": 0}
    assert [s["file"] for s in doc["submissions"]] == [str(inbox / f"{n}.xlsx") for n in
                                                       ("bad", "explained", "ok", "warn")]
    assert xlsx.is_file()
    flat = r.output.replace("\n", "")
    assert str(js) in flat and str(xlsx) in flat
    assert "支出!B6" not in r.output  # --quiet: counts only


def test_outputs_inside_the_inbox_are_refused(inbox: Path) -> None:
    (inbox / "结果.xlsx").write_bytes(b"old report")  # it could be a department's return
    r = _run(str(inbox), "--report", str(inbox / "结果.xlsx"))
    assert r.exit_code == 2 and "就是输入文件" in r.output
    assert (inbox / "结果.xlsx").read_bytes() == b"old report"


def test_problems_only(inbox: Path) -> None:
    r = _run(str(inbox), "--problems-only")
    assert "bad.xlsx" in r.output and "ok.xlsx" not in r.output


def test_output_paths_that_cannot_be_files_are_usage_errors(inbox: Path, tmp_path: Path) -> None:
    assert _run(str(inbox), "--json", str(tmp_path)).exit_code == 2
    assert _run(str(inbox), "--report", str(tmp_path / "d.xlsx"), "--json", str(inbox)).exit_code == 2
    (tmp_path / "file").write_text("x")
    assert _run(str(inbox), "--annotate", str(tmp_path / "file")).exit_code == 2
