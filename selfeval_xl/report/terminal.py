"""The terminal report: one table a finance officer can read top to bottom for 150 files.

A file that passes takes one line; a file with findings takes one line per finding, each as
表名!单元格 + message, errors first. The last line counts the statuses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

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


def build_table(submissions: Sequence[Submission], *, only_problems: bool = False) -> Table:
    """The rich table: a line per file (status, file, counts), then a line per finding
    (表名!单元格, message). The message column gets the width: file names go there too."""
    table = Table(show_lines=False, header_style="bold", expand=False, pad_edge=False)
    table.add_column("状态", no_wrap=True)
    table.add_column("位置", no_wrap=True)
    table.add_column("文件 / 问题", overflow="fold", ratio=1)
    rows = [s for s in submissions if not (only_problems and s.status == "pass")]
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
            msg.append(f"[{SEVERITY_LABEL.get(f.severity, f.severity)}] ", style=_SEVERITY_STYLE.get(f.severity, ""))
            msg.append(f.message)
            mark = explained_mark(f)
            if mark:
                msg.append(f"（{mark}）", style="green")
            table.add_row("", where(f), msg, end_section=(i == len(findings) - 1 and not last))
    return table


def print_report(submissions: Sequence[Submission], console: Console | None = None, *,
                 only_problems: bool = False) -> None:
    """Print the table (unless there is nothing to show) and the counts line."""
    console = console or Console()
    table = build_table(submissions, only_problems=only_problems)
    if table.row_count:
        console.print(table)
    elif only_problems and submissions:
        console.print("所有文件均通过审核。")
    console.print(counts_line(submissions), style="bold")
