"""`selfeval-xl render`: the published 附件2 report (.docx, optionally PDF) from checked workbooks.

Sources: workbooks (files, folders, globs — read and checked once, as `check` does), or the
ledger's current submission of every department of a year (`--archive`). Exit status: 0 every
report written or already current; 1 some submission was not rendered; 2 used wrongly.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from selfeval_xl.cli import app
from selfeval_xl.cli.summarize import archive_submissions
from selfeval_xl.inbox.guard import Output, output_problems
from selfeval_xl.oserrors import explain

if TYPE_CHECKING:
    from selfeval_xl.model.submission import Submission
    from selfeval_xl.render import RenderReport

OUTCOME_ZH = {"written": "已生成", "unchanged": "未变化", "refused": "未生成", "failed": "出错"}
OUTCOME_STYLE = {"written": "green", "unchanged": "green", "refused": "yellow", "failed": "red"}


def _usage(err: Console, *problems: str) -> None:
    for p in problems:
        err.print(f"错误：{p}", style="red", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


@app.command("render")
def render(
    paths: Annotated[list[str] | None, typer.Argument(metavar="报表文件或文件夹", show_default=False,
                                                      help="报表文件、文件夹或通配符（如 收到/*.xlsx）")] = None,
    output: Annotated[Path, typer.Option("--output", "-o", metavar="文件夹", help="报告输出文件夹（必填）")] = Path(),
    pdf: Annotated[bool, typer.Option("--pdf", help="同时生成 PDF（需要 LibreOffice；整批只启动一次）")] = False,
    force: Annotated[bool, typer.Option("--force", help="审核未通过的报表也生成报告，每页页眉注明“审核未通过，仅供核对”")] = False,
    archive: Annotated[Path | None, typer.Option("--archive", "-a", metavar="文件夹",
                                                 help="从报送库生成（各部门当前有效的报送）")] = None,
    year: Annotated[int | None, typer.Option("--year", "-y", metavar="年度", help="年度（用报送库时默认最近一年）")] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=0, max=64, help="并行审核的进程数（0 = 自动）")] = 0,
) -> None:
    """由自评表生成对外公开的自评报告（Word .docx，加 --pdf 另生成 PDF）。

    报告的全部数字和文字都取自审核后的工作簿，版式按党政机关公文格式国家标准。审核未通过的报表不生成
    （--force 时生成核对稿）；输出文件夹中已有的报告只在来源工作簿变化时才重新生成。
    """
    from selfeval_xl.render import render_batch

    out = Console(highlight=False)
    err = Console(stderr=True, highlight=False)
    if output == Path():
        _usage(err, "请用 -o 指定报告输出文件夹。")
    if output.exists() and not output.is_dir():
        _usage(err, f"-o 应为文件夹：{output}")
    if archive is not None and paths:
        _usage(err, "请二选一：给出报表文件/文件夹，或用 --archive 从报送库生成。")
    if archive is None and not paths:
        _usage(err, "请给出报表文件、文件夹或通配符，或用 --archive 指定报送库。")
    clashes = output_problems([archive] if archive is not None else list(paths or []),
                              [Output("-o", output, folder=True)])
    if clashes:
        _usage(err, *clashes)

    if archive is not None:
        subs: list[Submission] | object = archive_submissions(err, archive, year)
        if not subs:
            err.print(f"报送库中没有{f' {year} 年度' if year else ''}的报送。", style="yellow", markup=False)
            raise typer.Exit(1)
    else:
        from selfeval_xl.pipeline import check_paths, expand_inputs

        files, problems = expand_inputs(paths or [])
        if problems:
            _usage(err, *problems)
        n = len(files)
        subs = check_paths(files, workers=workers or (1 if n < 24 else max(1, min(os.cpu_count() or 1, 8))),
                           progress=None)
        if year is not None:
            subs = [s for s in subs if s.year in (year, None)]
    try:
        report = render_batch(subs, output, force=force, pdf=pdf)  # type: ignore[arg-type]
    except OSError as exc:
        _usage(err, f"无法写出报告。{explain(exc, exc.filename or output, writing=True)}")
    except RuntimeError as exc:  # PdfUnavailable: LibreOffice missing
        _usage(err, str(exc))
    _print(out, report)
    raise typer.Exit(0 if report.ok else 1)


def _print(out: Console, report: RenderReport) -> None:
    for item in report.items:
        what = OUTCOME_ZH[item.outcome]
        line = f"{what}  {item.source}"
        if item.output is not None and item.outcome in ("written", "unchanged"):
            line += f" → {item.output}"
            if item.draft:
                line += "（核对稿：审核未通过）"
            if item.pdf is not None:
                line += f"（PDF：{item.pdf.name}）"
        out.print(line, style=OUTCOME_STYLE[item.outcome], markup=False, soft_wrap=True)
        for reason in (item.reason, item.pdf_problem and f"PDF 未生成：{item.pdf_problem}"):
            if reason:
                out.print(f"    {reason}", markup=False, soft_wrap=True)
    total = len(report.items)
    out.print(f"共 {total} 份：生成 {report.count('written')}，未变化 {report.count('unchanged')}，"
              f"未生成 {report.count('refused') + report.count('failed')}", markup=False)
    if report.pdf_seconds is not None and report.pdf_count:
        out.print(f"PDF：{report.pdf_count} 份，用时 {report.pdf_seconds:.1f} 秒"
                  f"（每份 {report.pdf_seconds / report.pdf_count:.2f} 秒）", markup=False)
