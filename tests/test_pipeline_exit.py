"""An internal error on one file: the batch goes on, every command ends with exit code 3."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_api import make_inbox
from typer.testing import CliRunner

from selfeval_xl import pipeline
from selfeval_xl.cli import _register, app

_register()


@pytest.fixture(scope="module")
def real_inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_inbox(tmp_path_factory.mktemp("exit3"))


@pytest.fixture
def inbox(real_inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real inbox, where checking 906001.xlsx hits a bug in the program."""
    box = tmp_path / "收到"
    shutil.copytree(real_inbox, box)
    real = pipeline._check_one

    def buggy(path):  # noqa: ANN001, ANN202
        if Path(path).name == "906001.xlsx":
            raise KeyError("a bug")
        return real(path)

    monkeypatch.setattr(pipeline, "_check_one", buggy)
    return box


def _run(*args: str):  # noqa: ANN202
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})
    assert "Traceback" not in result.output and "KeyError" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_check_goes_on_and_exits_3(inbox: Path, tmp_path: Path) -> None:
    import json

    r = _run("check", str(inbox), "--json", str(tmp_path / "r.json"))
    assert r.exit_code == 3, r.output
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    by_name = {Path(s["file"]).name: s for s in doc["submissions"]}
    assert len(by_name) == 5
    assert [f["code"] for f in by_name["906001.xlsx"]["findings"]] == ["internal-error"]
    assert by_name["906017.xlsx"]["status"] in ("pass", "warn")  # the others were checked
    assert "程序内部错误" in r.output


def test_summarize_goes_on_and_exits_3(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "汇总.xlsx"
    r = _run("summarize", str(inbox), "-o", str(out), "-q")
    assert r.exit_code == 3, r.output
    assert out.is_file()


def test_collect_does_not_record_a_file_it_failed_on_and_exits_3(inbox: Path, tmp_path: Path) -> None:
    from selfeval_xl.ledger import current_submissions

    arc = tmp_path / "报送库"
    r = _run("collect", str(inbox), "--archive", str(arc))
    assert r.exit_code == 3, r.output
    assert "程序内部错误" in r.output
    names = {Path(s.file).name for s in current_submissions(arc, 2021)}
    assert "906001.xlsx" not in names and "906002_wrong.xlsx" in names
    # once the program is fixed, the file is collected on the next run (it was not recorded)
    again = _run("collect", str(inbox / "906001.xlsx"), "--archive", str(arc))
    assert again.exit_code == 3 and "已登记，跳过" not in again.output  # tried again, not skipped as known
