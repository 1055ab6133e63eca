"""`selfeval-xl summarize`: one 汇总 workbook (and optional CSV/Parquet/JSON) over many submissions.

Sources: workbooks (files, folders, globs — each read and checked once, as `check` does), or the
ledger's current submissions of a year (`--archive`). Exit status: 0 written; 1 nothing to
summarize; 2 used wrongly (no such file, bad option, an output that cannot be written); 3 the
program failed on some file (`internal-error`; the summary was still written without it).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from selfeval_xl.cli import app
from selfeval_xl.cli.gcpause import paused_gc
from selfeval_xl.cli.progress import progress_bar
from selfeval_xl.inbox.guard import Output, output_problems
from selfeval_xl.oserrors import explain

if TYPE_CHECKING:
    from selfeval_xl.model.submission import Submission


def _usage(err: Console, *problems: str) -> None:
    for p in problems:
        err.print(f"错误：{p}", style="red", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _auto_workers(n: int) -> int:
    """Parallel only where it pays: starting a process costs about as much as a dozen files."""
    return 1 if n < 24 else max(1, min(os.cpu_count() or 1, 8))


def archive_submissions(err: Console, archive: Path, year: int | None) -> list[Submission]:
    """The ledger's current submissions of a year, or a Chinese usage error (exit 2)."""
    from selfeval_xl.ledger import LedgerError, current_submissions

    try:
        return current_submissions(archive, year)
    except LedgerError as exc:
        _usage(err, str(exc))
    except OSError as exc:
        _usage(err, f"无法读取报送库。{explain(exc, archive)}")
    return []


@app.command("summarize")
def summarize(
    paths: Annotated[list[str] | None, typer.Argument(metavar="报表文件或文件夹", show_default=False,
                                                      help="报表文件、文件夹或通配符（如 收到/*.xlsx）")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="文件.xlsx",
                                                help="汇总工作簿（默认：<年度>年度部门整体支出绩效自评汇总.xlsx）")] = None,
    csv_dir: Annotated[Path | None, typer.Option("--csv", metavar="文件夹", help="每张表另存一个 CSV（UTF-8 带 BOM）到此文件夹")] = None,
    parquet_dir: Annotated[Path | None, typer.Option("--parquet", metavar="文件夹", help="每张表另存一个 Parquet 文件到此文件夹")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", metavar="文件", help="全部表格另存为一个 JSON 文件")] = None,
    archive: Annotated[Path | None, typer.Option("--archive", "-a", metavar="文件夹", help="从报送库汇总（各部门当前有效的报送）")] = None,
    year: Annotated[int | None, typer.Option("--year", "-y", metavar="年度", help="只汇总该年度（用报送库时默认为本轮年度或最近一年）")] = None,
    roster: Annotated[Path | None, typer.Option("--roster", "-r", metavar="文件",
                                                help="部门名单：预算编码不在名单中或部门名称与名单不符的报“与部门名单不符”")] = None,
    workers: Annotated[int, typer.Option("--workers", min=0, help="并行进程数（0 = 自动）")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不显示进度")] = False,
) -> None:
    """汇总各部门自评表：总览、收入、支出和结余、三公经费、固定资产、绩效指标、审核问题和统计图表。"""
    from selfeval_xl.summary import ParquetUnavailable, build, title_for, write_csv, write_json, write_parquet
    from selfeval_xl.summary.export import check_parquet
    from selfeval_xl.summary.frame import exclusion_note
    from selfeval_xl.summary.workbook import write_summary

    out = Console(highlight=False)
    err = Console(stderr=True, highlight=False)

    if output is not None and output.suffix.lower() != ".xlsx":
        _usage(err, f"-o 的文件名应以 .xlsx 结尾：{output}")
    if archive is not None and paths:
        _usage(err, "请二选一：给出报表文件/文件夹，或用 --archive 从报送库汇总。")
    if archive is None and not paths:
        _usage(err, "请给出要汇总的报表文件、文件夹或通配符，或用 --archive 指定报送库。")
    clashes = output_problems([archive] if archive is not None else list(paths or []), [
        Output("-o", output) if output is not None else None,
        Output("--csv", csv_dir, folder=True) if csv_dir is not None else None,
        Output("--parquet", parquet_dir, folder=True) if parquet_dir is not None else None,
        Output("--json", json_out) if json_out is not None else None,
        # without -o the summary is written into the current folder
        Output("-o（省略时写入当前文件夹）", Path.cwd() / "汇总.xlsx") if output is None else None])
    if clashes:
        _usage(err, *clashes)
    if parquet_dir is not None:
        try:
            check_parquet()
        except ParquetUnavailable as exc:
            _usage(err, str(exc))

    if archive is not None:
        subs = archive_submissions(err, archive, year)
        if not subs:
            err.print(f"报送库中没有{f' {year} 年度' if year else ''}可汇总的报送。", style="yellow", markup=False, soft_wrap=True)
            raise typer.Exit(1)
    else:
        from selfeval_xl.cli.round import load_round
        from selfeval_xl.pipeline import check_paths, expand_inputs

        files, problems = expand_inputs(paths or [])
        if problems:
            _usage(err, *problems)
        rnd = load_round(year, roster, err)
        if not files:
            _usage(err, "没有找到要汇总的工作簿。")
        with progress_bar("审核中", len(files), enabled=not quiet) as tick:
            subs = check_paths(files, workers=workers or _auto_workers(len(files)), progress=tick, keep=rnd.apply)
        if year is not None:
            kept = [s for s in subs if s.year in (year, None)]
            if not any(s.year == year for s in kept):
                err.print(f"没有 {year} 年度的报送可汇总（共审核 {len(subs)} 份）。", style="yellow", markup=False, soft_wrap=True)
                raise typer.Exit(1)
            if len(kept) < len(subs):
                out.print(f"已略过其他年度的报送 {len(subs) - len(kept)} 份（只汇总 {year} 年度）。", markup=False)
            subs = kept

    with paused_gc():  # the frames and the workbook allocate much and free by refcount alone
        collection = build(subs)
    target = output or Path(f"{title_for(collection)}.xlsx")
    written: list[tuple[str, str]] = []
    try:
        with err.status("正在写出汇总……", spinner="dots") if not quiet else contextlib.nullcontext(), paused_gc():
            write_summary(target, collection)
            written.append(("汇总工作簿", str(target)))
            if csv_dir is not None:
                write_csv(csv_dir, collection)
                written.append((" CSV 文件（每表一个）", str(csv_dir)))
            if parquet_dir is not None:
                write_parquet(parquet_dir, collection)
                written.append((" Parquet 文件（每表一个）", str(parquet_dir)))
            if json_out is not None:
                write_json(json_out, collection)
                written.append((" JSON 文件", str(json_out)))
    except OSError as exc:
        _usage(err, f"无法写出结果文件。{explain(exc, exc.filename or target, writing=True)}")
    out.print(exclusion_note(collection).removeprefix("注："), markup=False, soft_wrap=True)
    for what, where in written:
        out.print(f"已写出{what}：{where}", markup=False, soft_wrap=True)
    _exit_on_internal_errors(err, collection.submissions)


def _exit_on_internal_errors(err: Console, subs: list[Submission]) -> None:
    """Exit 3 after a complete run when the program failed on some file (a bug, not the file's)."""
    from selfeval_xl.model.faults import has_internal_error

    failed = [s.file for s in subs if has_internal_error(s.findings)]
    if failed:
        err.print(f"程序内部错误：有 {len(failed)} 份文件未能审核（文件本身可能没有问题），已列入“审核问题”表，"
                  f"请反馈给开发人员：{'、'.join(failed[:3])}", style="red", markup=False, soft_wrap=True)
        raise typer.Exit(3)
