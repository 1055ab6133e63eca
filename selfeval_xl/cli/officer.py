"""`selfeval-xl export` and `selfeval-xl repair`: files out of the archive, forms out of damaged returns."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from selfeval_xl.cli import app
from selfeval_xl.ledger import DEFAULT_ARCHIVE, LedgerError
from selfeval_xl.oserrors import explain, explain_database


def _out() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _fail(msg: str, code: int = 2) -> None:
    Console(stderr=True, highlight=False, soft_wrap=True).print(msg, style="red", markup=False)
    raise typer.Exit(code)


@app.command("export")
def export_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", metavar="文件夹", help="导出到此文件夹")],
    archive: Annotated[Path, typer.Option("--archive", "-a", metavar="文件夹",
                                          help="报送库文件夹（默认 ./selfeval-archive/）")] = DEFAULT_ARCHIVE,
    year: Annotated[int | None, typer.Option("--year", "-y", metavar="年度",
                                             help="年度（默认：报送库的本轮年度，否则最新的年度）")] = None,
) -> None:
    """导出：把每个部门当前有效的报送复制为“预算编码_部门名称_年度.xlsx”，便于归档和移交。"""
    from selfeval_xl.inbox.guard import Output, output_problems
    from selfeval_xl.ledger.export import ExportError, export

    if output.exists() and not output.is_dir():
        _fail(f"-o 应为文件夹：{output}")
    clashes = output_problems([archive], [Output("-o", output, folder=True)])
    if clashes:
        _fail("\n".join(clashes))
    try:
        rep = export(archive, output, year)
    except (LedgerError, ExportError) as exc:
        _fail(str(exc))
    except sqlite3.Error as exc:
        _fail(explain_database(exc, archive), 1)
    except OSError as exc:
        _fail(f"无法写出文件。{explain(exc, exc.filename or output, writing=True)}")
    out = _out()
    for p in rep.problems:
        out.print(f"未导出：{p}", style="red", markup=False)
    if rep.year is None or not rep.written and not rep.problems:
        out.print(f"报送库中没有{f' {rep.year} 年度' if rep.year else ''}可导出的报送。", markup=False)
        raise typer.Exit(1)
    out.print(f"已导出 {rep.year} 年度 {len(rep.written)} 个部门的当前报送：{output}", markup=False)
    if rep.problems:
        raise typer.Exit(1)


@app.command("repair")
def repair_cmd(
    file: Annotated[Path, typer.Argument(metavar="报表文件", show_default=False, help="损坏的报表（如删除了行、改了表名）")],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="文件夹", help="新模板写入此文件夹")],
) -> None:
    """重建：为损坏的报表生成一份新模板（同一部门、年度），预填所有能安全读出的内容，并列出须重新填写之处。"""
    from selfeval_xl.salvage import SalvageError, salvage

    if not file.is_file():
        _fail(f"文件不存在：{file}")
    if output.exists() and not output.is_dir():
        _fail(f"-o 应为文件夹：{output}")
    from selfeval_xl.inbox.guard import Output, output_problems

    clashes = output_problems([file], [Output("-o", output, folder=True)])
    if clashes:
        _fail("\n".join(clashes))
    try:
        rep = salvage(file, output)
    except SalvageError as exc:
        _fail(str(exc), 1)
    except OSError as exc:
        _fail(f"无法写出文件。{explain(exc, exc.filename or output, writing=True)}")
    out = _out()
    who = f"{rep.dept_code or '（无预算编码）'} {rep.dept_name or '（无部门名称）'} {rep.year or '（无年度）'} 年度"
    out.print(f"已为 {who} 生成新模板：{rep.target}（预填 {rep.carried} 项）", markup=False)
    if rep.lost_sheets or rep.lost_cells:
        out.print("以下内容未能读出，须在新模板中重新填写：", markup=False)
        for line in rep.lost_sheets + rep.lost_cells:
            out.print(f"  {line}", markup=False)
    else:
        out.print("原表的全部内容均已转入新模板。", markup=False)
