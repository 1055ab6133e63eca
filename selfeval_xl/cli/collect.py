"""`selfeval-xl collect`, `status` and `verify`: the collection ledger on the command line."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from selfeval_xl.cli import app
from selfeval_xl.cli.progress import progress_bar
from selfeval_xl.inbox.discover import Source
from selfeval_xl.inbox.stage import stage_members
from selfeval_xl.ledger import DEFAULT_ARCHIVE, LedgerError
from selfeval_xl.ledger.collect import (
    CHANGED,
    CHUNK,
    INTERNAL,
    KNOWN,
    NEW,
    REPEATED,
    UNREADABLE_SOURCE,
    CollectItem,
    CollectReport,
)
from selfeval_xl.ledger.status import FAILED, MISSING, PASSED, UNEXPLAINED, StatusReport
from selfeval_xl.model.money import fmt
from selfeval_xl.oserrors import explain, explain_database

STATUS_ZH = {"pass": "通过", "warn": "待说明", "fail": "未通过", "unreadable": "无法读取"}
STATUS_STYLE = {"pass": "green", "warn": "yellow", "fail": "red", "unreadable": "red"}
STATE_STYLE = {MISSING: "red", FAILED: "red", UNEXPLAINED: "yellow", PASSED: "green"}
MAX_ROWS = 200

ArchiveOpt = Annotated[Path, typer.Option("--archive", "-a", metavar="文件夹", help="报送库文件夹（默认 ./selfeval-archive/）")]


def _chunk() -> int:
    """Files per collect cycle. SELFEVAL_COLLECT_CHUNK (tests that kill a run part-way) is read
    here, at the command's boundary, never inside the library."""
    try:
        return max(1, int(os.environ.get("SELFEVAL_COLLECT_CHUNK", CHUNK)))
    except ValueError:
        return CHUNK


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _fail(msg: str, code: int = 2) -> None:
    Console(stderr=True, highlight=False).print(f"[red]{_esc(msg)}[/red]", markup=True)
    raise typer.Exit(code)


# ---- collect ------------------------------------------------------------------------------------

@app.command("collect")
def collect_cmd(
    inputs: Annotated[list[str], typer.Argument(metavar="报表文件或文件夹", show_default=False,
                                                help="报送的工作簿、文件夹或通配符（可多个）")],
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    workers: Annotated[int, typer.Option("--workers", "-w", min=0, max=64, help="并行审核的进程数（0 = 自动）")] = 0,
    year: Annotated[int | None, typer.Option("--year", "-y", metavar="年度", min=1900, max=2999,
                                             help="本轮收取的年度（记入报送库，以后的收件和报送情况沿用；"
                                                  "其他年度的报表报“年度不符”）")] = None,
    roster: Annotated[Path | None, typer.Option("--roster", "-r", metavar="文件",
                                                help="部门名单：预算编码不在名单中或部门名称与名单不符的报“与部门名单不符”")] = None,
) -> None:
    """收件登记：审核新收到的工作簿，原样存入报送库并登记；已登记过的文件自动跳过。

    同一部门同一年度以报告日期较晚的为准，报告日期相同时以后收件登记的为准（预算编码不分大小写）；其余版本保留并标记为已替代。
    审核未通过的报表同样登记（退出码 0）；有文件未能存入报送库时退出码为 1，用法错误时为 2；
    程序内部错误（文件本身可能没有问题，未登记）时为 3。
    """
    from selfeval_xl.cli.round import load_round
    from selfeval_xl.ledger import collect
    from selfeval_xl.pipeline import expand_inputs

    sources, problems = expand_inputs(inputs)
    if problems:
        for p in problems:
            Console(stderr=True, highlight=False).print(p, markup=False)
        _fail("输入有误，未登记任何文件。")
    # The ledger archives files as they are: a spreadsheet on disk. Anything else is listed here
    # (never silently left out) and makes the run end with exit code 1.
    # Members of a .zip are written out to a private temporary folder and archived as they are.
    paths = [s for s in sources if s.kind == "sheet" and not s.member]
    members = [s for s in sources if s.kind == "sheet" and s.member]
    others: list[tuple[Source, str | None]] = [(s, None) for s in sources if s.kind != "sheet"]
    rnd = load_round(year, roster, Console(stderr=True, highlight=False))
    try:
        with tempfile.TemporaryDirectory(prefix="selfeval-zip-") as tmp:
            staged, problems = stage_members(members, tmp)
            others += problems
            shown = {s.path: s.source for s in staged}
            todo = [*paths, *shown]
            with progress_bar("收件登记", len(todo)) as tick:
                rep = collect(todo, archive, workers=workers or _auto_workers(len(todo)), rnd=rnd,
                              on_item=(lambda _item: tick(1)) if tick else None, chunk=_chunk(), sources=shown)
    except LedgerError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"无法使用报送库。{explain(exc, exc.filename or archive, writing=True)}")
    except sqlite3.Error as exc:
        _fail(_db_problem(archive, exc), 1)
    _print_collect(rep)
    _print_not_collected(others)
    if rep.internal:
        raise typer.Exit(3)
    if rep.failed or others:
        raise typer.Exit(1)


def _print_not_collected(others: list[tuple[Source, str | None]]) -> None:
    """Files of the inbox the ledger cannot take as they are, each with the reason."""
    from selfeval_xl.inbox.names import readable

    if not others:
        return
    con = _console()
    con.print(f"[red]未登记 {len(others)} 个文件[/red]（可先用 check 查看详情）：")
    for s, reason in others[:MAX_ROWS]:
        if reason:
            why = reason
        elif s.member:
            why = "压缩包中的文件：不是可审核的表格文件（请向报送部门索取用模板填写的 .xlsx 工作簿）"
        elif s.problem:
            why = "无法打开（没有访问权限）"
        elif s.kind == "archive":
            why = "压缩包中没有可审核的工作簿，或压缩包已损坏（可先用 check 查看原因）"
        else:
            why = "不是可审核的表格文件（请向报送部门索取用模板填写的 .xlsx 工作簿）"
        con.print(f"  {_esc(readable(s.name))}：{why}", markup=True)


def _shown_name(it: CollectItem) -> str:
    """A file's name as the officer knows it: a zip member as `a.zip!m.xlsx`."""
    if not it.source:
        return it.name
    return Path(it.source.split("!", 1)[0]).name + "!" + it.source.split("!", 1)[1]


def _auto_workers(n: int) -> int:
    """Parallel only where it pays (as `check` decides): a process start costs a dozen files."""
    return 1 if n < 24 else max(1, min(os.cpu_count() or 1, 8))


def _note(it: CollectItem) -> str:
    if it.state == NEW and it.replaced:
        return "替代旧版本：" + "、".join(it.replaced)
    if it.state == NEW and it.superseded_by:
        return f"已被 {it.superseded_by} 替代"
    return it.message


def _print_collect(rep: CollectReport) -> None:
    con = _console()
    if rep.broke_lock:
        con.print(f"[yellow]提示：[/yellow]{_esc(f'已解除{rep.broke_lock}遗留的报送库锁（该程序已不在运行）。')}")
    if rep.year is not None:
        con.print(f"本轮年度：{rep.year}（其他年度的报表标为“年度不符”）", markup=False)
    for line in rep.repaired:
        con.print(f"[yellow]修复：[/yellow]{_esc(line)}")
    rows = rep.items
    if len(rows) > MAX_ROWS:  # thousands of rows help nobody: show what is new or went wrong
        rows = [i for i in rows if i.state not in (KNOWN, REPEATED)]
    t = Table(title=_esc(f"收件登记（报送库 {rep.archive}）"), show_lines=False)
    for col in ("文件", "结果", "审核", "预算编码", "部门名称", "年度", "错误", "警告", "说明"):
        t.add_column(col, overflow="fold", no_wrap=col in ("结果", "审核", "年度", "错误", "警告"))
    for it in rows[:MAX_ROWS]:
        state_style = {NEW: "green", KNOWN: "dim", REPEATED: "dim", CHANGED: "red", UNREADABLE_SOURCE: "red",
                       INTERNAL: "red"}[it.state]
        status = STATUS_ZH.get(it.status or "", "")
        t.add_row(_esc(_shown_name(it)), f"[{state_style}]{it.state_zh}[/]",
                  f"[{STATUS_STYLE.get(it.status or '', 'white')}]{status}[/]" if status else "",
                  _esc(it.dept_code or ""), _esc(it.dept_name or ""), str(it.year or ""),
                  str(it.errors) if it.state == NEW else "", str(it.warnings) if it.state == NEW else "",
                  _esc(_note(it)))
    if rows:
        con.print(t)
    if len(rows) > MAX_ROWS or len(rows) < len(rep.items):
        con.print(f"（表中只列出 {min(len(rows), MAX_ROWS)} 行；已登记跳过的文件未逐一列出）")
    con.print(rep.summary_zh(), markup=False)


def _db_problem(archive: Path, exc: sqlite3.Error) -> str:
    return explain_database(exc, archive)


def _esc(s: str) -> str:
    from rich.markup import escape

    return escape(s)


# ---- status -------------------------------------------------------------------------------------

@app.command("status")
def status_cmd(
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    roster: Annotated[Path | None, typer.Option("--roster", "-r", metavar="文件",
                                                help="部门名单（.xlsx/.csv，含预算编码、部门名称、联系人）")] = None,
    year: Annotated[int | None, typer.Option("--year", "-y", metavar="年度", help="年度（默认：报送库中最新的年度）")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="文件.xlsx",
                                                help="另存为 Excel 报送情况表")] = None,
    dept: Annotated[str | None, typer.Option("--dept", "-d", metavar="预算编码",
                                             help="只看一个部门（预算编码）的全部报送版本和审核意见")] = None,
    notice: Annotated[Path | None, typer.Option("--notice", metavar="文件夹",
                                                help="为每个要催报的部门写一份催报通知（文本文件）到此文件夹")] = None,
) -> None:
    """报送情况：按名单列出每个部门 未提交 / 未通过 / 待说明 / 已通过，并列出催报名单。

    年度默认为报送库的本轮年度（collect --year 设定），否则为最新的年度；该年度没有任何报送时退出码为 1。
    """
    from selfeval_xl.ledger import status
    from selfeval_xl.roster import RosterError

    if output is not None and output.suffix.lower() != ".xlsx":
        _fail(f"输出文件须为 .xlsx：{output}")
    from selfeval_xl.inbox.guard import Output, output_problems

    clashes = output_problems([archive, *([roster] if roster is not None else [])],
                              [output and Output("-o", output), notice and Output("--notice", notice, folder=True)])
    if clashes:
        _fail("\n".join(clashes))
    if dept is not None:
        try:
            _print_history(archive, dept, year)
        except LedgerError as exc:
            _fail(str(exc))
        except sqlite3.Error as exc:
            _fail(_db_problem(archive, exc), 1)
        return
    try:
        rep = status(archive, roster=roster, year=year)
    except (LedgerError, RosterError) as exc:
        _fail(str(exc))
    except sqlite3.Error as exc:
        _fail(_db_problem(archive, exc), 1)
    _print_status(rep)
    if output is not None:
        from selfeval_xl.ledger.status_xlsx import write_status_xlsx

        try:
            write_status_xlsx(output, rep)
        except OSError as exc:
            _fail(f"无法写出报送情况表。{explain(exc, output, writing=True)}")
        _console().print(f"报送情况表已保存：{output}", markup=False)
    if notice is not None:
        from selfeval_xl.ledger.notice import write_notices

        try:
            written = write_notices(rep, notice)
        except OSError as exc:
            _fail(f"无法写入催报通知。{explain(exc, exc.filename or notice, writing=True)}")
        _console().print(f"催报通知 {len(written)} 份已写入：{notice}", markup=False)
    if rep.empty:
        raise typer.Exit(1)



def _money(v: Decimal | None) -> str:
    return fmt(v) if v is not None else "—"


def _print_status(rep: StatusReport) -> None:
    con = _console()
    for p in rep.problems:
        con.print(f"[yellow]名单：[/yellow]{_esc(p)}")
    if rep.year is None:
        con.print(f"报送库 {rep.archive} 中还没有可识别年度的报送；可用 --year 指定年度。", markup=False)
        return
    if rep.received == 0:
        con.print(f"[yellow]报送库中没有 {rep.year} 年度的任何报送。[/yellow]" + (
            f"（本轮年度为 {rep.round_year}）" if rep.round_year not in (None, rep.year) else ""))
    title = f"{rep.year} 年度报送情况" + (f"（名单：{rep.roster}）" if rep.roster else "（报送库中的全部部门）")
    counts = rep.counts()
    con.print(f"[bold]{_esc(title)}[/bold]  部门 {len(rep.rows)} 个：" + "，".join(
        f"[{STATE_STYLE[s]}]{s} {n}[/]" for s, n in counts.items()))
    chase = rep.chase() if rep.roster else [r for r in rep.rows if r.to_chase]
    if chase:
        t = Table(title="催报名单（未提交、未通过、待说明）")
        for col in ("预算编码", "部门名称", "状态", "联系人", "联系电话", "最后收到", "主要问题"):
            t.add_column(col, overflow="fold", no_wrap=col in ("状态", "最后收到"))
        for d in chase:
            t.add_row(_esc(d.code), _esc(d.name), f"[{STATE_STYLE[d.state]}]{d.state}[/]", _esc(d.contact or ""),
                      _esc(d.phone or ""), d.received_at, _esc(d.problems_sentence()))
        con.print(t)
    else:
        con.print("[green]全部已通过，无需催报。[/green]")
    filed = [d for d in rep.rows if d.versions]
    if filed:
        t = Table(title="主要数据与上年对比（万元）")
        for col in ("预算编码", "部门名称", "收入合计 本年", "上年", "支出合计 本年", "上年", "三公经费 本年", "上年"):
            t.add_column(col, overflow="fold", justify="right" if "年" in col else "left", no_wrap="年" in col)
        for d in filed[:MAX_ROWS]:
            cells = []
            for key in ("income.total", "expenditure.total", "three_public.total"):
                cells += [_money(d.this_year.get(key)), _money(d.last_year.get(key)) if d.last_year else "—"]
            if d.growth is not None:
                cells[4] = f"[yellow]{cells[4]}（+{fmt(d.growth)}）[/]"
            t.add_row(_esc(d.code), _esc(d.name), *cells)
        con.print(t)
    if rep.off_roster:
        t = Table(title="名单外的报送（预算编码不在名单中）")
        for col in ("预算编码", "部门名称", "状态", "最后收到", "文件"):
            t.add_column(col, overflow="fold")
        for d in rep.off_roster:
            t.add_row(_esc(d.code), _esc(d.name), f"[{STATE_STYLE[d.state]}]{d.state}[/]", d.received_at, _esc(d.file))
        con.print(t)
    if rep.unidentified:
        con.print(f"[yellow]另有 {len(rep.unidentified)} 份报送无法识别预算编码或年度（无法读取或未填写）：[/yellow]")
        for received, name, st in rep.unidentified[:MAX_ROWS]:
            con.print(f"  {received}  {_esc(name)}  {STATUS_ZH.get(st, st)}")


def _print_history(archive: Path, code: str, year: int | None) -> None:
    """Every version a department sent (oldest first), each with its findings; superseded ones say by which."""
    from selfeval_xl.ledger import history

    subs = history(archive, code, year)
    con = _console()
    if not subs:
        con.print(f"报送库中没有预算编码 {code} 的报送" + (f"（{year} 年度）" if year else "") + "。", markup=False)
        return
    for s in subs:
        name = Path(s.file).name
        sup = next((f for f in s.findings if f.code == "superseded"), None)
        head = f"[bold]{_esc(name)}[/bold]  {s.year or ''} 年度  " \
               f"[{STATUS_STYLE.get(s.status, 'white')}]{STATUS_ZH.get(s.status, s.status)}[/]"
        con.print(head + ("  [dim]已被替代[/dim]" if sup else "  [green]当前有效[/green]"))
        for f in s.findings:
            where = f"{f.sheet}!{f.cell}" if f.sheet and f.cell else (f.sheet or "")
            tag = {"error": "[red]错误[/red]", "warning": "[yellow]警告[/yellow]", "info": "[dim]提示[/dim]"}[f.severity]
            note = "（已说明）" if f.explained else ""
            con.print(f"  {tag} {_esc(where)} {_esc(f.message)}{note}")


# ---- verify -------------------------------------------------------------------------------------

@app.command("verify")
def verify_cmd(
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    repair: Annotated[bool, typer.Option("--repair/--no-repair", help="补登或清理中断的收件（默认补登）")] = True,
) -> None:
    """核验报送库：重新计算每个存档文件的校验值，与登记库核对；有问题时退出码为 1。"""
    from selfeval_xl.ledger import verify

    try:
        rep = verify(archive, repair=repair)
    except LedgerError as exc:
        _fail(str(exc))
    except sqlite3.Error as exc:
        _fail(_db_problem(archive, exc), 1)
    con = _console()
    for line in rep.repaired:
        con.print(f"[yellow]修复：[/yellow]{_esc(line)}")
    sections = (("内容与登记不符（文件被改动）", rep.mismatched), ("登记了但文件缺失", rep.missing),
                ("登记库中没有记录的文件", rep.unknown), ("遗留的临时文件", rep.temps),
                ("中断未完成的收件", rep.unfinished))
    for label, items in sections:
        if items:
            con.print(f"[red]{label}：{len(items)} 个[/red]")
            for x in items[:MAX_ROWS]:
                con.print(f"  {_esc(x)}")
    if rep.ok:
        con.print(f"[green]报送库完好：{rep.checked} 个文件全部与登记一致。[/green]")
    else:
        con.print(f"[red]报送库有问题：已核验 {rep.checked} 个登记文件。[/red]")
        raise typer.Exit(1)
