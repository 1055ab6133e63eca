"""File-system and database errors reach the user as what to do, in Chinese, naming the file
they asked for — never the operating system's English text or our temp file's name."""

from __future__ import annotations

import errno
import os
import re
import sqlite3
from pathlib import Path

import pytest

from selfeval_xl.atomic import write_bytes
from selfeval_xl.cli import main
from selfeval_xl.oserrors import explain, explain_database

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "submissions" / "901001_临湘市财政局.xlsx"
ENGLISH = re.compile(r"Permission|denied|Operation|permitted|No such|directory|space|Errno|Error", re.I)
# sysfs refuses new files even to root: a real permission error wherever the tests run
NO_WRITE = Path("/sys")
needs_sysfs = pytest.mark.skipif(not NO_WRITE.is_dir() or os.access(NO_WRITE / "x", os.F_OK), reason="no sysfs")


def english(text: str, *paths: Path) -> bool:
    """OS or SQLite English in `text` (the paths it names, which may hold any word, left aside)."""
    for p in sorted(map(str, paths), key=len, reverse=True):
        text = text.replace(p, "")
    return bool(ENGLISH.search(text))


def raised(fn) -> OSError:  # noqa: ANN001
    with pytest.raises(OSError) as info:
        fn()
    return info.value


def test_real_errors_are_explained_in_chinese(tmp_path: Path) -> None:
    plain_file = tmp_path / "a.txt"
    plain_file.write_text("x")
    cases = {
        "找不到文件或文件夹": raised(lambda: open(tmp_path / "gone.xlsx", "rb")),
        "路径中有一部分不是文件夹": raised(lambda: open(plain_file / "b.xlsx", "wb")),
        "这是一个文件夹": raised(lambda: open(tmp_path, "wb")),
    }
    with open("/dev/full", "wb", buffering=0) as full:
        cases["磁盘空间不足"] = raised(lambda: full.write(b"x"))
    cases["文件被占用或无读取权限"] = OSError(errno.EPERM, "Operation not permitted", str(plain_file))
    for expected, exc in cases.items():
        text = explain(exc)
        assert text.startswith(expected), (expected, text)
        assert not english(text, tmp_path), text
    assert explain(cases["文件被占用或无读取权限"], writing=True).startswith("文件被占用或无写入权限：")
    assert str(plain_file) in explain(cases["文件被占用或无读取权限"])


@needs_sysfs
def test_atomic_writes_name_the_target_not_the_temp_file() -> None:
    exc = raised(lambda: write_bytes(NO_WRITE / "报表.xlsx", b"x"))
    assert exc.filename == str(NO_WRITE / "报表.xlsx")
    assert explain(exc, writing=True) .startswith(f"文件被占用或无写入权限：{NO_WRITE / '报表.xlsx'}（")


def test_database_errors_are_explained_without_internal_names(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite"
    db.write_bytes(b"not a database" * 100)
    with pytest.raises(sqlite3.DatabaseError) as info:
        sqlite3.connect(db).execute("SELECT * FROM sqlite_master").fetchall()
    text = explain_database(info.value, tmp_path)
    assert text == f"报送库 {tmp_path} 的登记库已损坏，无法打开：请运行 selfeval-xl verify 核验，或从备份恢复该文件夹。"
    assert not english(text, tmp_path) and "sqlite" not in text.replace(str(tmp_path), "")


def run(capsys, *argv: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    out = capsys.readouterr()
    return exc.value.code, out.out + out.err


@needs_sysfs
@pytest.mark.parametrize("argv", [
    ["template", "-o", str(NO_WRITE / "模板.xlsx")],
    ["check", str(SAMPLE), "-q", "--report", str(NO_WRITE / "模板.xlsx")],
    ["summarize", str(SAMPLE), "-q", "-o", str(NO_WRITE / "模板.xlsx")],
])
def test_commands_say_what_to_do_when_they_cannot_write(capsys, argv: list[str]) -> None:
    code, text = run(capsys, *argv)
    assert code == 2
    assert f"文件被占用或无写入权限：{NO_WRITE / '模板.xlsx'}（如已在 Excel 或 WPS 中打开，请先关闭" in text, text
    assert not ENGLISH.search(text) and ".~" not in text, text


def test_a_corrupt_archive_is_told_without_file_names_of_ours(capsys, tmp_path: Path) -> None:
    (tmp_path / "ledger.sqlite").write_bytes(b"not a database" * 100)
    code, text = run(capsys, "status", "--archive", str(tmp_path))
    assert code in (1, 2)
    assert "登记库已损坏" in text and "ledger.sqlite" not in text and not english(text, tmp_path), text
