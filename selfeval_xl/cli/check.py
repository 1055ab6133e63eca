"""`selfeval-xl check`: check returned workbooks, print the table, write the reports.

Exit status (data-model.md §4): 0 none fail/unreadable; 1 one does (with --strict also on an
unexplained warning); 2 used wrongly (no such file, no workbook found, bad option); 3 the
program failed on a file (`internal-error`; every other file was still checked).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from selfeval_xl import __version__
from selfeval_xl.cli import app
from selfeval_xl.cli.progress import progress_bar
from selfeval_xl.oserrors import explain


def _fail_usage(console: Console, problems: list[str]) -> None:
    for p in problems:
        console.print(f"错误：{p}", style="red", markup=False, highlight=False)
    raise typer.Exit(2)


def _auto_workers(n: int) -> int:
    """Parallel only where it pays: a process start costs about as much as a dozen files."""
    if n < 24:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def exit_code(submissions: list, strict: bool) -> int:  # noqa: ANN001 - list[Submission]
    """3 when the program failed on a file (a bug; reported, the batch went on), else 0/1."""
    from selfeval_xl.model.faults import has_internal_error

    if any(has_internal_error(s.findings) for s in submissions):
        return 3
    if any(s.status in ("fail", "unreadable") for s in submissions):
        return 1
    if strict and any(s.counts()["unexplained_warnings"] for s in submissions):
        return 1
    return 0


@app.command("check")
def check(
    paths: Annotated[list[str], typer.Argument(metavar="报表文件或文件夹", show_default=False,
                                               help="报表文件、文件夹或通配符（如 收到/*.xlsx）")],
    json_out: Annotated[Path | None, typer.Option("--json", metavar="文件", help="写出 JSON 审核结果")] = None,
    report: Annotated[Path | None, typer.Option("--report", metavar="文件.xlsx", help="写出 Excel 审核报告")] = None,
    annotate_dir: Annotated[Path | None, typer.Option(
        "--annotate", metavar="文件夹", help="把标注了问题单元格的副本写入此文件夹（原文件不改动）")] = None,
    workers: Annotated[int, typer.Option("--workers", min=0, help="并行进程数（0 = 自动）")] = 0,
    strict: Annotated[bool, typer.Option("--strict", help="有未说明的警告时也以退出码 1 结束")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不显示进度和明细表，只显示统计")] = False,
    problems_only: Annotated[bool, typer.Option("--problems-only", help="明细表只列出有问题的文件")] = False,
    year: Annotated[int | None, typer.Option("--year", "-y", metavar="年度", min=1900, max=2999,
                                             help="本轮收取的年度：其他年度的报表报“年度不符”")] = None,
    roster: Annotated[Path | None, typer.Option("--roster", "-r", metavar="文件",
                                                help="部门名单：预算编码不在名单中或部门名称与名单不符的报“与部门名单不符”")] = None,
) -> None:
    """审核报回的自评表：逐个文件列出问题（表名!单元格 + 说明），可写出 JSON、Excel 报告和标注副本。"""
    from selfeval_xl.cli.round import load_round
    from selfeval_xl.inbox.guard import Output, output_problems
    from selfeval_xl.model.submission import Submission
    from selfeval_xl.pipeline import check_paths, expand_inputs, slim
    from selfeval_xl.report import (
        AnnotateError,
        annotate_batch,
        counts_line,
        print_report,
        write_excel_report,
    )
    from selfeval_xl.report.json_report import JsonSpool

    out = Console(highlight=False)
    err = Console(stderr=True, highlight=False)

    if report is not None and report.suffix.lower() != ".xlsx":
        _fail_usage(err, [f"--report 的文件名应以 .xlsx 结尾：{report}"])
    files, problems = expand_inputs(paths)
    if problems:
        _fail_usage(err, problems)
    rnd = load_round(year, roster, err)
    clashes = output_problems([*paths, *([roster] if roster is not None else [])], [json_out and Output("--json", json_out), report and Output("--report", report),
                                      annotate_dir and Output("--annotate", annotate_dir, folder=True)], files)
    if clashes:
        _fail_usage(err, clashes)
    for target in (json_out, report):
        if target is not None and target.is_dir():
            _fail_usage(err, [f"输出文件名是一个文件夹：{target}"])
    if annotate_dir is not None and annotate_dir.exists() and not annotate_dir.is_dir():
        _fail_usage(err, [f"--annotate 应为文件夹：{annotate_dir}"])
    if not files:
        _fail_usage(err, ["没有找到要审核的工作簿"])

    checked_at = datetime.now().astimezone()
    n = len(files)
    # Full entries go to the JSON spool as they arrive; the batch keeps slim submissions.
    spool = JsonSpool() if json_out is not None else None

    def keep(sub: Submission) -> Submission:
        rnd.apply(sub)
        if spool is not None:
            spool.add(sub)
        return slim(sub)

    # Slim submissions are spooled to a temp file too: memory stays flat for any batch size.
    with progress_bar("审核中", n, enabled=not quiet) as tick:
        subs = check_paths(files, workers=workers or _auto_workers(n), progress=tick, keep=keep, spool=True)

    if quiet:
        out.print(counts_line(subs), style="bold")
    else:
        print_report(subs, out, only_problems=problems_only)

    written: list[tuple[str, str]] = []
    try:
        if json_out is not None:
            spool.write(json_out, subs, version=__version__, checked_at=checked_at)
            spool.close()
            written.append((" JSON 审核结果", str(json_out)))
        if report is not None:
            write_excel_report(report, subs)
            written.append((" Excel 审核报告", str(report)))
        if annotate_dir is not None:
            result = annotate_batch(subs, annotate_dir)
            for note in result.notes:
                out.print(f"  说明：{note}", markup=False)
            written.append((f" {len(result.written)} 份标注副本", str(annotate_dir)))
    except AnnotateError as exc:
        _fail_usage(err, [str(exc)])
    except OSError as exc:
        err.print(f"错误：无法写出结果文件。{explain(exc, writing=True)}", style="red", markup=False)
        raise typer.Exit(2) from None
    for what, where in written:
        out.print(f"已写出{what}：{where}", markup=False)
    code = exit_code(subs, strict)
    if code == 3:
        failed = [s.file for s in subs if s.findings and any(f.code == "internal-error" for f in s.findings)]
        err.print(f"程序内部错误：有 {len(failed)} 份文件未能审核（文件本身可能没有问题），请反馈给开发人员："
                  f"{'、'.join(failed[:3])}", style="red", markup=False, soft_wrap=True)
    raise typer.Exit(code)
