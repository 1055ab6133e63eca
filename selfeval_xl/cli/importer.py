"""`selfeval-xl import`: published reports (.docx, .doc, text) read back into a value file, a filled
workbook or the ledger; and last year's workbook carried over into this year's.

Exit status: 0 imported (findings are listed but do not fail the import); 1 some file could not be
imported; 2 used wrongly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from selfeval_xl.cli import app
from selfeval_xl.inbox.guard import Output, output_problems
from selfeval_xl.oserrors import explain


def _usage(err: Console, *problems: str) -> None:
    for p in problems:
        err.print(f"错误：{p}", style="red", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _show(out: Console, findings: list, indent: str = "    ") -> None:  # noqa: ANN001
    zh = {"error": "[错误]", "warning": "[警告]", "info": "[提示]"}
    for f in findings:
        out.print(f"{indent}{zh.get(f.severity, '')} {f.message}", markup=False, soft_wrap=True)


VALUE_SUFFIXES = (".yaml", ".yml", ".json")


@app.command("import")
def import_cmd(
    inputs: Annotated[list[Path], typer.Argument(metavar="报告文件或文件夹", show_default=False,
                                                 help="自评报告（Word .docx、.doc 或文本 .txt）、报告所在文件夹，或上年的自评表 .xlsx")],
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="数据文件",
                                                help="写出数据文件（.yaml 或 .json，供 template --values 使用）；"
                                                     ".yaml 中每个值注明在报告中的位置")] = None,
    workbook: Annotated[Path | None, typer.Option("--workbook", metavar="文件", help="写出已填好的自评表（.xlsx），可直接审核")] = None,
    archive: Annotated[Path | None, typer.Option("--archive", "-a", metavar="文件夹",
                                                 help="把报告登记为该年度的报送（标记为“由报告导入”）")] = None,
    year: Annotated[int | None, typer.Option("--year", "-y", metavar="年度", min=1900, max=2999,
                                             help="年度：登记报送库时报告应属的年度；由上年自评表结转时为新年度")] = None,
) -> None:
    """把已公开的自评报告读回自评表的各项数据（与 render 互逆，字段对应关系相同）。

    读不准的内容不猜测：列出它在报告中的位置（“报告内容无法对应”“报告内容对应不唯一”），该项留空。
    导入的数据随后按审核规则核对，例如综述文字与表格不符时报“文字与表格不符”。给出上年的自评表 .xlsx
    和 --workbook 时，生成新年度的自评表：结转职能职责、主要工作内容、指标名称和目标、评价人员等，
    金额、完成情况、得分和文字部分留空。
    """
    from selfeval_xl.importer.run import run_import

    out = Console(highlight=False)
    err = Console(stderr=True, highlight=False)
    targets = [x for x in (output, workbook, archive) if x is not None]
    if len(targets) != 1:
        _usage(err, "请指定一种输出：-o 数据文件、--workbook 自评表，或 --archive 报送库。")
    if output is not None and output.suffix.lower() not in VALUE_SUFFIXES:
        _usage(err, f"-o 的文件名应以 .yaml、.yml 或 .json 结尾：{output}")
    if workbook is not None and workbook.suffix.lower() != ".xlsx":
        _usage(err, f"--workbook 的文件名应以 .xlsx 结尾：{workbook}")
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        _usage(err, *(f"找不到文件：{m}" for m in missing))
    if archive is None and (len(inputs) != 1 or inputs[0].is_dir()):
        _usage(err, "写出数据文件或自评表时只能给出一个报告文件。")
    if archive is not None and year is None:
        _usage(err, "登记报送库时请用 --year 指定报告所属的年度。")
    clashes = output_problems(list(inputs), [output and Output("-o", output), workbook and Output("--workbook", workbook),
                                             archive and Output("--archive", archive, folder=True)])
    if clashes:
        _usage(err, *clashes)
    try:
        rc = run_import(inputs, out, output=output, workbook=workbook, archive=archive, year=year, show=_show)
    except OSError as exc:
        _usage(err, f"无法写出结果。{explain(exc, exc.filename, writing=True)}")
    raise typer.Exit(rc)
