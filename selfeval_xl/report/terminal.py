"""The terminal report: one table a finance officer can read top to bottom for 150 files.

A file that passes takes one line; a file with findings takes one line per finding, each as
表名!单元格 + message, errors first. The last line counts the statuses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from selfeval_xl.model.submission import Submission
from selfeval_xl.report.labels import (
    SEVERITY_LABEL,
    STATUS_LABEL,
    STATUS_STYLE,
    explained_mark,
    ordered,
    where,
)

_SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "dim"}


def counts(submissions: Sequence[Submission]) -> dict[str, int]:
    """{"submissions", "pass", "warn", "fail", "unreadable"} as data-model.md §4 counts them."""
    c = Counter(s.status for s in submissions)
    return {"submissions": len(submissions), **{k: c.get(k, 0) for k in ("pass", "warn", "fail", "unreadable")}}


def counts_line(submissions: Sequence[Submission]) -> str:
    c = counts(submissions)
    return (f"共 {c['submissions']} 份：通过 {c['pass']}，警告 {c['warn']}，"
            f"未通过 {c['fail']}，无法读取 {c['unreadable']}")


def _summary(sub: Submission) -> str:
    c = sub.counts()
    parts = [f"错误 {c['errors']}" if c["errors"] else "", f"警告 {c['warnings']}" if c["warnings"] else ""]
    text = "，".join(p for p in parts if p)
    return f"（{text}）" if text else ""


def _visible(submissions: Iterable[Submission], only_problems: bool) -> Iterator[Submission]:
    return (s for s in submissions if not (only_problems and s.status == "pass"))


def _location_width(submissions: Iterable[Submission]) -> int:
    widths = [cell_len(where(f)) for s in submissions for f in s.findings]
    return min(max([4, *widths]), 24)


def build_table(submissions: Sequence[Submission], *, only_problems: bool = False, show_header: bool = True,
                location_width: int | None = None) -> Table:
    """The rich table: a line per file (status, file, counts), then a line per finding
    (表名!单元格, message); a blank line between files with findings. The message column gets
    the width (file names go there too); fixed widths let consecutive tables line up."""
    rows = list(_visible(submissions, only_problems))
    table = Table(box=box.SIMPLE, show_edge=False, show_header=show_header, header_style="bold",
                  expand=True, pad_edge=False)
    table.add_column("状态", no_wrap=True, width=8)
    table.add_column("位置", no_wrap=True, width=location_width or _location_width(rows))
    table.add_column("文件 / 问题", overflow="fold", ratio=1)
    for n, sub in enumerate(rows):
        status = sub.status
        findings = ordered(sub.findings)
        head = Text(sub.file, style="bold" if findings else "")
        head.append(_summary(sub), style="dim")
        last = n == len(rows) - 1
        table.add_row(Text(STATUS_LABEL[status], style=STATUS_STYLE[status]), "", head,
                      end_section=not findings and not last and bool(rows[n + 1].findings))
        for i, f in enumerate(findings):
            msg = Text()
            msg.append(f"【{SEVERITY_LABEL.get(f.severity, f.severity)}】", style=_SEVERITY_STYLE.get(f.severity, ""))
            msg.append(f.message)
            mark = explained_mark(f)
            if mark:
                msg.append(f"（{mark}）", style="green")
            table.add_row("", where(f), msg, end_section=(i == len(findings) - 1 and not last))
    return table


CHUNK = 50  # files per printed table: a 10,000-file batch is never rendered at once


def print_report(submissions: Sequence[Submission], console: Console | None = None, *,
                 only_problems: bool = False) -> None:
    """Print the table in chunks (memory stays flat for any batch size), then the counts line."""
    console = console or Console()
    width = _location_width(_visible(submissions, only_problems))
    chunk: list[Submission] = []
    printed = 0
    for sub in _visible(submissions, only_problems):
        chunk.append(sub)
        if len(chunk) == CHUNK:
            printed = _print_chunk(console, chunk, printed, width)
            chunk = []
    if chunk:
        printed = _print_chunk(console, chunk, printed, width)
    if not printed and only_problems and submissions:
        console.print("所有文件均通过审核。")
    console.print(counts_line(submissions), style="bold")


def _print_chunk(console: Console, chunk: list[Submission], printed: int, width: int) -> int:
    if printed and chunk[0].findings:
        console.print()  # the blank line a section break would have drawn
    console.print(build_table(chunk, show_header=not printed, location_width=width))
    return printed + len(chunk)
