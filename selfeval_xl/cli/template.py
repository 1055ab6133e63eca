"""`selfeval-xl template`: a blank or prefilled workbook, or one per department of a roster.

Exit status: 0 written; 1 roster mode skipped some rows (the others were written) or wrote
nothing; 2 used wrongly (bad option, unreadable roster or value file, output not writable).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from selfeval_xl.cli import app
from selfeval_xl.cli.gcpause import paused_gc
from selfeval_xl.cli.progress import progress_bar
from selfeval_xl.oserrors import explain

DEFAULT_OUTPUT = "部门整体支出绩效自评表.xlsx"
DEFAULT_ROSTER_DIR = "自评表模板"
MAX_UNITS = 50


def _usage(err: Console, message: str) -> NoReturn:
    err.print(f"错误：{message}", style="red", markup=False, highlight=False)
    raise typer.Exit(2)


def _write_error(err: Console, exc: OSError, target: Path) -> NoReturn:
    _usage(err, f"无法写出文件。{explain(exc, exc.filename or target, writing=True)}")


@app.command("template")
def template(
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="路径", show_default=False,
                                                help=f"输出文件（默认 {DEFAULT_OUTPUT}）；按名单生成时为输出文件夹")] = None,
    roster: Annotated[Path | None, typer.Option("--roster", metavar="文件",
                                                help="部门名单（.xlsx 或 .csv，列：预算编码、部门名称，可选 单位数、联系人）")] = None,
    year_text: Annotated[str | None, typer.Option("--year", metavar="年度", help="年度（按名单生成时默认为上一年）")] = None,
    values: Annotated[Path | None, typer.Option("--values", metavar="文件", help="预填数据（YAML 或 JSON，按字段键）")] = None,
    units_text: Annotated[str | None, typer.Option("--units", metavar="单位数", help="独立核算单位数（1–50，默认 1）")] = None,
    password: Annotated[str | None, typer.Option("--password", metavar="密码", help="工作表保护密码（默认无密码）")] = None,
    workers_text: Annotated[str | None, typer.Option("--workers", metavar="进程数",
                                                     help="按名单生成时的并行进程数（默认为本机处理器核数）")] = None,
    form: Annotated[str | None, typer.Option("--form", "--template", metavar="表样",
                                             help="表样：dept-selfeval（部门整体支出，默认）或 project-selfeval（项目支出，每个项目一张表）")] = None,
    projects_text: Annotated[str | None, typer.Option("--projects", metavar="项目数",
                                                      help="项目支出表的项目数（每个项目一张工作表，默认 1）")] = None,
) -> None:
    """生成自评表模板：空白表、预填表，或按名单每个部门一份（名称、编码、年度已锁定）。"""

    out = Console(highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    units = _int_option(err, "--units", units_text)
    year = _int_option(err, "--year", year_text)
    workers = _int_option(err, "--workers", workers_text)
    if units is not None and not 1 <= units <= MAX_UNITS:
        _usage(err, f"--units 应为 1 至 {MAX_UNITS} 的整数（现为 {units}）")
    if year is not None and not 2000 <= year <= 2100:
        _usage(err, f"--year 应为 2000 至 2100 之间的年份（现为 {year}）")
    if workers is not None and workers < 1:
        _usage(err, f"--workers 应为不小于 1 的整数（现为 {workers}）")
    if password is not None and len(password) > 255:
        _usage(err, "--password 过长（最多 255 个字符）")
    tpl = _form(err, form)
    copies = _int_option(err, "--projects", projects_text)
    if copies is not None:
        if tpl.repeat is None:
            _usage(err, f"表样 {tpl.id} 没有项目表，不能使用 --projects")
        elif not tpl.repeat.min <= copies <= tpl.repeat.max:
            _usage(err, f"--projects 应为 {tpl.repeat.min} 至 {tpl.repeat.max} 的整数（现为 {copies}）")
        if roster is not None:
            _usage(err, "按名单生成时项目数取自名单（每个项目一行），不能同时使用 --projects")
    prefill = _load_values(err, values, tpl) if values is not None else {}
    if roster is not None:
        _roster_mode(out, err, tpl, roster, output, year, prefill, units, password, workers)
    else:
        _single(out, err, tpl, output, year, prefill, units, password, copies)


def _form(err: Console, form: str | None) -> Any:
    from selfeval_xl.spec import default_template, template_ids

    ids = template_ids()
    if form is not None and form not in ids:
        _usage(err, f"未知的表样 “{form}”（可用：{'、'.join(ids)}）")
    return default_template(form) if form else default_template()


def _int_option(err: Console, option: str, text: str | None) -> int | None:
    """Integers parsed here, so a wrong value gets a Chinese message (exit 2)."""
    if text is None:
        return None
    try:
        return int(text.strip())
    except ValueError:
        _usage(err, f"{option} 应为整数（现为 “{text}”）")


def _load_values(err: Console, path: Path, tpl: Any) -> dict[str, Any]:
    from selfeval_xl.prefill import PrefillError, load_values

    try:
        return dict(load_values(path, tpl))
    except PrefillError as exc:
        _usage(err, str(exc))
    except OSError as exc:
        _usage(err, f"无法读取数据文件。{explain(exc, path)}")


def _units_needed(prefill: dict[str, Any]) -> int:
    from selfeval_xl.prefill import units_in

    return units_in(prefill)


def _default_output(tpl: Any) -> str:
    return f"{tpl.title}.xlsx" if tpl.repeat is not None else DEFAULT_OUTPUT


def _single(out: Console, err: Console, tpl: Any, output: Path | None, year: int | None,
            prefill: dict[str, Any], units: int | None, password: str | None, copies: int | None = None) -> None:
    from selfeval_xl.generate import GenerateError, write_workbook
    from selfeval_xl.prefill import copies_in

    target = output if output is not None else Path(_default_output(tpl))
    if target.is_dir() or str(target).endswith(("/", os.sep)):
        target = target / _default_output(tpl)
    if target.suffix.lower() != ".xlsx":
        _usage(err, f"输出文件名应以 .xlsx 结尾：{target}")
    if year is not None:
        given = prefill.get(tpl.identity.year)
        if given not in (None, "", year):
            _usage(err, f"--year {year} 与数据文件中的年度 {given} 不一致")
        prefill[tpl.identity.year] = year
    needed = _units_needed(prefill)
    if units is not None and units < needed:
        _usage(err, f"数据文件含第 {needed} 个单位的数据，--units 不能小于 {needed}")
    n = units or needed
    filled = copies_in(prefill) if tpl.repeat is not None else 1
    if copies is not None and copies < filled:
        _usage(err, f"数据文件含第 {filled} 个项目的数据，--projects 不能小于 {filled}")
    k = copies or filled
    try:
        with paused_gc():  # a 100-project layout is ~10⁶ small acyclic objects: refcounting frees them
            write_workbook(target, tpl, units=n, values=prefill, password=password, copies=k)
    except GenerateError as exc:
        _usage(err, str(exc))
    except OSError as exc:
        _write_error(err, exc, target)
    what = "预填的自评表" if prefill else "空白自评表"
    more = f"（{n} 个独立核算单位）" if n > 1 else (f"（{k} 个{tpl.repeat.label}表）" if tpl.repeat is not None else "")
    out.print(f"已生成{what}：{target}" + more, markup=False)


def _roster_mode(out: Console, err: Console, tpl: Any, roster: Path, output: Path | None, year: int | None,
                 prefill: dict[str, Any], units: int | None, password: str | None, workers: int | None) -> None:
    from selfeval_xl.generate import generate_roster
    from selfeval_xl.roster import RosterError, read_roster
    from selfeval_xl.roster_items import read_item_roster

    outdir = output if output is not None else Path(DEFAULT_ROSTER_DIR)
    if outdir.suffix.lower() == ".xlsx" and not outdir.is_dir():
        _usage(err, f"按名单生成时 -o 应为文件夹，而不是 .xlsx 文件：{outdir}")
    if outdir.exists() and not outdir.is_dir():
        _usage(err, f"输出位置已存在且不是文件夹：{outdir}")
    if units is not None:
        _usage(err, "按名单生成时单位数取自名单的“单位数”列，不能同时使用 --units")
    for key in (tpl.identity.dept_name, tpl.identity.dept_code, tpl.identity.year):
        if key in prefill:
            _usage(err, f"按名单生成时 {key} 取自名单，数据文件中不能包含该字段")
    if year is None:
        year = date.today().year - 1
        out.print(f"未指定 --year，按 {year} 年度生成。", markup=False)
    try:
        result = read_item_roster(roster, tpl) if tpl.repeat is not None else read_roster(roster)
    except RosterError as exc:
        _usage(err, str(exc))
    for problem in result.problems:
        err.print(f"名单问题：{problem}", style="yellow", markup=False, highlight=False)
    try:
        with progress_bar("生成模板", len(result.entries)) as tick:
            report = generate_roster(result.entries, outdir, year=year, template=tpl,
                                     workers=workers or os.cpu_count(), progress=tick, password=password,
                                     values=prefill)
    except OSError as exc:
        _write_error(err, exc, outdir)
    for problem in report.skipped:
        err.print(f"未生成：{problem}", style="yellow", markup=False, highlight=False)
    skipped = len(result.problems) + len(report.skipped)
    out.print(f"生成 {len(report.written)} 份，跳过 {skipped} 行，输出目录 {outdir}（用时 {report.seconds:.1f} 秒）",
              markup=False)
    if skipped or not report.written:
        raise typer.Exit(1)
