"""The work done in checker processes: check and record an upload, make a department's
template, an annotated copy, the summary and the reports. Top-level functions of plain
arguments (picklable by reference), each returning a small value or the bytes of a file.

An upload goes through the ledger's own collect path (content-addressed archive, supersede,
year-on-year), with the check done once: the file is checked here first, refused when it is
stamped with another department or year, and otherwise handed to `collect` with that result.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from selfeval_xl.check.round import Round
from selfeval_xl.model.submission import Submission

RECORDED, KNOWN, UNREADABLE, WRONG_DEPT, WRONG_YEAR, NOT_STORED, INTERNAL = (
    "recorded", "known", "unreadable", "wrong-dept", "wrong-year", "not-stored", "internal-error")
INTERNAL_MSG = "审核这个文件时程序出错（不是文件本身的问题），未登记。请稍后重新上传；仍不行请联系财政局。"


@dataclass
class Outcome:
    """What became of one upload."""

    kind: str
    submission: Submission          # `file` is the name the department gave it
    file_id: str = ""               # the ledger's id (sha256) when recorded or known
    message: str = ""               # Chinese, for refusals
    current: bool = False


def warm() -> bool:
    """Import the reader and checker once per process (the first upload is then as fast as the rest)."""
    import selfeval_xl.check  # noqa: F401
    import selfeval_xl.ledger  # noqa: F401
    import selfeval_xl.read  # noqa: F401

    return True


def _label(code: str | None, name: str | None) -> str:
    return f"{code or '（无编码）'}（{name or '名称未填'}）"


def intake(staged: str, original_name: str, archive: str, dept_code: str, dept_name: str, rnd: Round) -> Outcome:
    """Check `staged`; record it in the ledger when it is this department's return for the round's
    year (`rnd`: the year and roster `serve` was started with, as `collect --year --roster` takes them)."""
    from selfeval_xl.ledger import collect
    from selfeval_xl.ledger.collect import KNOWN as LEDGER_KNOWN
    from selfeval_xl.ledger.collect import NEW
    from selfeval_xl.ledger.lookup import version
    from selfeval_xl.model.faults import has_internal_error
    from selfeval_xl.pipeline import check_file
    from selfeval_xl.web.credentials import dept_key

    sub = check_file(staged)
    shown = replace(sub, file=original_name)
    if has_internal_error(sub.findings):
        return Outcome(INTERNAL, shown, message=INTERNAL_MSG)
    if not sub.readable:
        return Outcome(UNREADABLE, shown)
    if dept_key(sub.dept_code or "") != dept_key(dept_code):
        return Outcome(WRONG_DEPT, shown, message=(
            f"这份报表的预算编码是 {_label(sub.dept_code, sub.dept_name)}，不是本部门 {_label(dept_code, dept_name)}"
            f" 的报表，未登记。请确认后上传本部门的报表。"))
    if sub.year is None:
        return Outcome(WRONG_YEAR, shown, message=f"这份报表没有年度，未登记。请使用 {rnd.year} 年度的模板。")
    wrong_year = [f for f in rnd.findings(sub) if f.code == "wrong-year"]
    if wrong_year:
        return Outcome(WRONG_YEAR, replace(shown, findings=[*wrong_year, *shown.findings]),
                       message=f"{wrong_year[0].message}（未登记）")

    def checker(paths: Sequence[str], _workers: int) -> Iterator[Submission]:
        for p in paths:  # repair of someone's interrupted work may ask for other files
            yield sub if os.path.abspath(p) == os.path.abspath(staged) else check_file(p)

    rep = collect([staged], archive, workers=1, checker=checker, rnd=rnd)
    item = rep.items[0]
    if item.state not in (NEW, LEDGER_KNOWN):
        return Outcome(NOT_STORED, shown, message=item.message or "文件未能存入报送库，请稍后重新上传。")
    recorded = version(archive, item.sha256)
    if recorded is None:  # recorded a moment ago: only a concurrent deletion of the ledger gets here
        return Outcome(NOT_STORED, shown, message="文件未能登记，请稍后重新上传。")
    return Outcome(RECORDED if item.state == NEW else KNOWN, replace(recorded.submission, file=original_name),
                   file_id=item.sha256, current=recorded.is_current)


def personal_template(code: str, name: str, units: int, contact: str | None, year: int) -> bytes:
    """The department's own template (name, code and year locked), as `template --roster` makes it."""
    from selfeval_xl.generate import workbook_bytes
    from selfeval_xl.generate.roster import entry_values, locked_names
    from selfeval_xl.roster import RosterEntry
    from selfeval_xl.spec import default_template

    template = default_template()
    entry = RosterEntry(row=0, code=code, name=name, units=units, contact=contact)
    values = entry_values(entry, year, template)
    return workbook_bytes(template, units=max(1, units), values=values, locked=locked_names(template, values))


def annotated_copy(archive: str, file_id: str) -> bytes | None:
    """The archived file with its problem cells marked (None when it has nothing to mark)."""
    from selfeval_xl.ledger.lookup import version
    from selfeval_xl.report import annotate_batch

    v = version(archive, file_id)
    if v is None or v.path is None or not v.path.is_file():
        return None
    with tempfile.TemporaryDirectory(prefix="selfeval-annotate-") as tmp:
        result = annotate_batch([replace(v.submission, file=str(v.path))], tmp)
        if not result.written:
            return None
        return result.written[0].read_bytes()


def _to_bytes(write, suffix: str) -> bytes:  # noqa: ANN001 - write(path) -> None
    with tempfile.TemporaryDirectory(prefix="selfeval-web-") as tmp:
        target = Path(tmp) / f"out{suffix}"
        write(target)
        return target.read_bytes()


def summary_workbook(archive: str, year: int) -> bytes:
    """The 汇总 workbook of every department's current submission for `year`."""
    from selfeval_xl.ledger import current_submissions
    from selfeval_xl.summary import build, write_summary

    collection = build(current_submissions(Path(archive), year))
    return _to_bytes(lambda p: write_summary(p, collection), ".xlsx")


def check_report(archive: str, year: int, kind: str) -> bytes:
    """The check report (kind "json": data-model §4; "xlsx": the Excel report) of the current submissions."""
    from datetime import datetime

    from selfeval_xl import __version__
    from selfeval_xl.ledger import current_submissions
    from selfeval_xl.report import write_excel_report, write_json

    # The JSON names each file as the department named it, never by a server path.
    subs = [replace(s, file=Path(s.file).name) for s in current_submissions(Path(archive), year)]
    if kind == "json":
        return _to_bytes(lambda p: write_json(p, subs, version=__version__, checked_at=datetime.now().astimezone()),
                         ".json")
    return _to_bytes(lambda p: write_excel_report(p, subs), ".xlsx")


def status_workbook(archive: str, roster: str, year: int) -> bytes:
    """`status -o` for the roster and year."""
    from selfeval_xl.ledger import status
    from selfeval_xl.ledger.status_xlsx import write_status_xlsx

    rep = status(archive, roster, year)
    return _to_bytes(lambda p: write_status_xlsx(p, rep), ".xlsx")
