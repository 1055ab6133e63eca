"""The batch pipeline: which files, internal errors as findings, duplicate submissions."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from report_samples import sub, unreadable

from selfeval_xl import pipeline, runner
from selfeval_xl.pipeline import add_batch_findings, check_file, expand_inputs


def _touch(p: Path, data: bytes = b"x") -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return p


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    box = tmp_path / "收到"
    for name in ("b.xlsx", "a.XLSX", "c.xlsm", "d.xls", "e.ods", "sub/f.xlsx", "~$a.xlsx", ".hidden.xlsx",
                 "notes.txt", "report.pdf", ".git/g.xlsx"):
        _touch(box / name)
    return box


def test_folder_is_walked_recursively_skipping_lock_and_hidden_files(inbox: Path) -> None:
    files, problems = expand_inputs([str(inbox)])
    assert problems == []
    rel = [Path(f).relative_to(inbox).as_posix() for f in files]
    # every file is in the batch (a .txt and a .pdf too: listed as unsupported-file, never skipped)
    assert rel == ["a.XLSX", "b.xlsx", "c.xlsm", "d.xls", "e.ods", "notes.txt", "report.pdf", "sub/f.xlsx"]
    assert [f.kind for f in files].count("other") == 2


def test_files_globs_dedup_and_problems(inbox: Path, tmp_path: Path) -> None:
    files, problems = expand_inputs([str(inbox / "b.xlsx"), str(inbox / "*.xls*"), str(inbox / "report.pdf"),
                                     str(inbox), str(tmp_path / "无此文件.xlsx"), str(tmp_path / "*.none")])
    names = [Path(f).name for f in files]
    assert names.count("b.xlsx") == 1  # named, globbed and walked: once
    assert "report.pdf" in names
    assert "~$a.xlsx" not in names and ".hidden.xlsx" not in names
    assert problems == [f"找不到文件：{tmp_path / '无此文件.xlsx'}", f"没有与“{tmp_path / '*.none'}”匹配的文件"]


def test_empty_folder_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "空").mkdir()
    _touch(tmp_path / "空" / "~$lock.xlsx")
    files, problems = expand_inputs([str(tmp_path / "空")])
    assert files == [] and len(problems) == 1 and "没有任何文件" in problems[0]


def test_a_folder_without_workbooks_still_lists_its_files(tmp_path: Path) -> None:
    _touch(tmp_path / "收到" / "readme.txt")
    files, problems = expand_inputs([str(tmp_path / "收到")])
    assert problems == [] and [f.kind for f in files] == ["other"]


def test_relative_paths_stay_as_given(inbox: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(inbox.parent)
    files, _ = expand_inputs(["收到"])
    assert Path(files[0]) == Path("收到/a.XLSX") and files[0].name == "收到/a.XLSX"


def test_internal_error_becomes_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in the checker is the program's fault: `internal-error`, never `corrupt-file`."""
    import selfeval_xl.check as check
    import selfeval_xl.read as read
    from selfeval_xl import __version__

    def boom(snapshot):
        raise ZeroDivisionError("secret internals")

    monkeypatch.setattr(read, "read_file", lambda path: path, raising=False)
    monkeypatch.setattr(check, "check_snapshot", boom, raising=False)
    f = _touch(tmp_path / "x.xlsx", b"abc")
    s = check_file(f)
    assert not s.readable and s.status == "unreadable"
    assert [x.code for x in s.findings] == ["internal-error"]
    found = s.findings[0]
    msg = found.message
    assert found.severity == "error"
    assert "程序" in msg and "文件本身可能没有问题" in msg and __version__ in msg
    assert "ZeroDivisionError" not in msg and "secret" not in msg and "Traceback" not in msg
    assert found.args["exception"] == "ZeroDivisionError"
    assert s.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" and s.size == 3


def test_a_bug_inside_the_reader_is_not_blamed_on_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from selfeval_xl.read import reader

    def bug(data, path):
        raise AttributeError("'NoneType' object has no attribute 'x'")

    monkeypatch.setattr(reader, "_book", bug)
    s = check_file(_touch(tmp_path / "x.xlsx", b"PK\x03\x04 whatever"))
    assert [x.code for x in s.findings] == ["internal-error"]
    assert "AttributeError" not in s.findings[0].message


def test_the_batch_goes_on_after_an_internal_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def flaky(p):
        if Path(p).stem == "b":
            raise RuntimeError("bug")
        return sub(os.fspath(p), code=Path(p).stem)

    monkeypatch.setattr(pipeline, "_check_one", flaky)
    paths = [tmp_path / f"{n}.xlsx" for n in "abc"]
    subs = pipeline.check_paths(paths, progress=False)
    assert [s.status for s in subs] == ["pass", "unreadable", "pass"]
    assert subs[1].findings[0].code == "internal-error"


def _dup_codes(s) -> list:
    return [f for f in s.findings if f.code == "duplicate-submission"]


def test_duplicate_submission_names_the_other_and_the_one_that_counts() -> None:
    old = sub("a.xlsx", **{"report.date": date(2022, 3, 1)})
    new = sub("b.xlsx", **{"report.date": date(2022, 4, 1)})
    other_year = sub("c.xlsx", year=2020)
    other_code = sub("d.xlsx", code="906099")
    batch = [old, new, other_year, other_code, unreadable("e.xlsx")]
    add_batch_findings(batch)
    assert [len(_dup_codes(s)) for s in batch] == [1, 1, 0, 0, 0]
    m_old, m_new = _dup_codes(old)[0].message, _dup_codes(new)[0].message
    assert "b.xlsx" in m_old and "以较新的 b.xlsx 为准" in m_old
    assert "a.xlsx" in m_new and "以本文件为准" in m_new
    assert old.status == "warn"


def test_duplicate_tie_on_date_goes_by_file_time() -> None:
    a, b = sub("a.xlsx"), sub("b.xlsx")
    a.mtime, b.mtime = 200.0, 100.0
    add_batch_findings([a, b])
    assert "以本文件为准" in _dup_codes(a)[0].message and "以较新的 a.xlsx" in _dup_codes(b)[0].message


def test_check_paths_keeps_input_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "check_file", lambda p: sub(os.fspath(p), code=Path(p).stem))
    paths = [tmp_path / f"{n}.xlsx" for n in ("z", "a", "m")]
    seen: list[int] = []
    subs = pipeline.check_paths(paths, workers=1, progress=seen.append)
    assert [s.file for s in subs] == [str(p) for p in paths] and sum(seen) == 3
    assert all(not _dup_codes(s) for s in subs)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_keep_order_and_survive_a_dying_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       method: str) -> None:
    from pipeline_workers import fake_check

    monkeypatch.setattr(runner, "START_METHOD", method)
    names = [f"f{i:03d}.xlsx" for i in range(40)]
    names[25] = "crash.xlsx"
    paths = [str(tmp_path / n) for n in names]
    subs = list(pipeline.iter_check(paths, workers=2, fn=fake_check))
    assert [s.file for s in subs] == paths
    crashed = subs[25]
    assert not crashed.readable and crashed.findings[0].code == "internal-error"
    assert "BrokenProcessPool" not in crashed.findings[0].message
    assert all(s.readable for i, s in enumerate(subs) if i != 25)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_two_workers_equal_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, method: str) -> None:
    from pipeline_workers import fake_check

    monkeypatch.setattr(runner, "START_METHOD", method)
    paths = [str(tmp_path / f"{i}.xlsx") for i in range(30)]
    one = [s.to_json() for s in pipeline.iter_check(paths, workers=1, fn=fake_check)]
    two = [s.to_json() for s in pipeline.iter_check(paths, workers=2, fn=fake_check)]
    assert one == two and len(one) == 30


def test_platform_default_start_method(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import threading

    monkeypatch.setattr(threading, "active_count", lambda: 1)
    expected = "fork" if sys.platform.startswith("linux") else "spawn"
    assert runner.context().get_start_method() == expected
    monkeypatch.setattr(threading, "active_count", lambda: 2)  # a live thread: never fork
    assert runner.context().get_start_method() == "spawn"


def test_many_duplicates_name_a_few_others_only() -> None:
    batch = [sub(f"copy{i}.xlsx") for i in range(50)]
    add_batch_findings(batch)
    msg = _dup_codes(batch[0])[0].message
    assert "等 49 份" in msg and msg.count("copy") <= 4
    assert all(len(_dup_codes(s)) == 1 for s in batch)


def test_spooled_batch_equals_the_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from selfeval_xl.pipeline import SubmissionSpool, check_paths, slim

    made = {f"{n}.xlsx": sub(str(tmp_path / f"{n}.xlsx"), code=c) for n, c in
            (("a", "1"), ("b", "2"), ("c", "1"), ("d", "3"))}
    monkeypatch.setattr(pipeline, "check_file", lambda p: made[Path(p).name])
    paths = [tmp_path / n for n in made]
    as_list = check_paths(paths, progress=False)
    expected = [list(s.findings) for s in as_list]
    for s in made.values():  # the fake hands out the same objects: reset the batch findings
        s.findings.clear()
    spooled = check_paths(paths, progress=False, keep=slim, spool=True)
    assert isinstance(spooled, SubmissionSpool) and len(spooled) == 4
    assert [s.file for s in spooled] == [s.file for s in as_list]
    assert [[f.code for f in s.findings] for s in spooled] == [["duplicate-submission"], [],
                                                               ["duplicate-submission"], []]
    assert [s.findings for s in spooled] == expected
    assert spooled[-1].file == as_list[3].file and [s.file for s in spooled[1:3]] == [as_list[1].file,
                                                                                       as_list[2].file]
    assert set(spooled[0].values) <= set(pipeline.SLIM_KEYS)
    # nested iteration works (pread, no shared file position)
    assert [(x.file, y.file) for x in spooled for y in spooled][5] == (as_list[1].file, as_list[1].file)
    with pytest.raises(IndexError):
        spooled[4]
