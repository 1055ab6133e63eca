"""`selfeval-xl serve` (the web intake) and `selfeval-xl access-codes` (its logins).

Exit status: 0 done (serve: stopped); 2 used wrongly (roster or archive unusable, bad option).
"""

from __future__ import annotations

import os
import socket
from datetime import date
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from selfeval_xl.cli import app
from selfeval_xl.ledger import DEFAULT_ARCHIVE
from selfeval_xl.oserrors import explain

PASSWORD_ENV = "SELFEVAL_ADMIN_PASSWORD"
ArchiveOpt = Annotated[Path, typer.Option("--archive", "-a", metavar="文件夹", help="报送库文件夹（默认 ./selfeval-archive/）")]
RosterOpt = Annotated[Path, typer.Option("--roster", "-r", metavar="文件", help="部门名单（.xlsx 或 .csv，列：预算编码、部门名称）")]


def _usage(message: str) -> NoReturn:
    Console(stderr=True, highlight=False).print(f"错误：{message}", style="red", markup=False)
    raise typer.Exit(2)


def _addresses(host: str, port: int) -> list[str]:
    """Addresses to type into a browser (all of this PC's IPv4 addresses for 0.0.0.0)."""
    if host not in ("0.0.0.0", "::", ""):
        return [f"http://{host}:{port}/"]
    found = {"127.0.0.1"}
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(str(info[4][0]))
    except OSError:
        pass
    return [f"http://{a}:{port}/" for a in sorted(found)]


@app.command("serve")
def serve(
    roster: RosterOpt,
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    year: Annotated[int | None, typer.Option("--year", "-y", metavar="年度", min=2000, max=2100, help="报送年度（默认为上一年）")] = None,
    host: Annotated[str, typer.Option("--host", metavar="地址", help="监听地址：127.0.0.1 只允许本机访问，0.0.0.0 允许单位内网访问")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", metavar="端口号", min=1, max=65535, help="端口")] = 8000,
    admin_password: Annotated[str | None, typer.Option("--admin-password", metavar="密码", envvar=PASSWORD_ENV, show_envvar=True,
                                                       help="财政局管理密码（只保存其加盐散列；不给出时沿用上次设置的密码）")] = None,
    max_upload_mb: Annotated[int, typer.Option("--max-upload-mb", min=1, max=50, help="上传文件大小上限（兆字节）")] = 20,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, max=16, help="审核进程数")] = 2,
    https_cookies: Annotated[bool, typer.Option("--https-cookies", help="登录凭据只经加密连接发送（网站经加密的反向代理对外时使用）")] = False,
) -> None:
    """网页报送：各部门在浏览器中上传自评表、立即看到审核结果；财政局查看报送情况、下载汇总。

    按 Ctrl+C 停止。部门登录码用 access-codes 命令生成。
    """
    import uvicorn

    from selfeval_xl.web import SetupError, WebConfig, create_app, credentials
    from selfeval_xl.web.passwords import new_password

    out = Console(highlight=False)
    the_year = year or date.today().year - 1
    try:
        archive.mkdir(parents=True, exist_ok=True)
        if admin_password:
            credentials.set_admin_password(archive, admin_password)
            admin_password = None
        elif credentials.admin_hash(archive) is None:
            generated = new_password()
            credentials.set_admin_password(archive, generated)
            out.print(f"已生成财政局管理密码：{generated}（只显示这一次，请记下；可用 --admin-password 或环境变量 "
                      f"{PASSWORD_ENV} 另设）", markup=False)
        os.environ.pop(PASSWORD_ENV, None)
        config = WebConfig(archive=archive, roster=roster, year=the_year, max_upload=max_upload_mb * 1024 * 1024,
                           workers=workers, secure_cookies=https_cookies)
        web = create_app(config)
    except SetupError as exc:
        _usage(str(exc))
    except OSError as exc:
        _usage(f"无法使用报送库。{explain(exc, exc.filename or archive, writing=True)}")
    coded = len(_coded(archive, web.state.web.roster))
    out.print(f"网页报送已启动（{the_year} 年度，名单 {len(web.state.web.roster)} 个部门，已发登录码 {coded} 个；"
              f"报送库 {archive}）。", markup=False)
    for a in _addresses(host, port):
        out.print(f"  部门报送：{a}    财政局：{a}bureau", markup=False)
    if coded == 0:
        out.print("尚未生成部门登录码：请运行 selfeval-xl access-codes --roster 名单 -o 登录码.xlsx", markup=False)
    out.print("按 Ctrl+C 停止。", markup=False)
    try:
        uvicorn.run(web, host=host, port=port, log_level="warning", access_log=False, server_header=False)
    except KeyboardInterrupt:  # uvicorn hands Ctrl+C back after its graceful shutdown
        pass
    out.print("网页报送已停止。", markup=False)


def _coded(archive: Path, roster: dict[str, object]) -> list[str]:
    from selfeval_xl.web import credentials

    return [k for k in roster if credentials.code_row(archive, k) is not None]


@app.command("access-codes")
def access_codes(
    roster: Annotated[Path | None, typer.Option("--roster", "-r", metavar="文件",
                                                help="部门名单（.xlsx 或 .csv，列：预算编码、部门名称）")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="文件.xlsx", help="登录码表（预算编码、部门名称、登录码）")] = None,
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    dept: Annotated[list[str] | None, typer.Option("--dept", "-d", metavar="预算编码",
                                                   help="只为这些部门重新生成（可多次给出）；默认名单上的全部部门")] = None,
    bureau: Annotated[bool, typer.Option("--bureau", help="生成一个财政局接口令牌（显示一次，只保存其散列）")] = False,
    revoke: Annotated[bool, typer.Option("--revoke-tokens", help="作废全部财政局接口令牌")] = False,
) -> None:
    """生成网页报送的登录码：每个部门一个（写入 Excel 表，旧登录码随即失效），或财政局接口令牌。"""
    from selfeval_xl.roster import RosterError, read_roster
    from selfeval_xl.web import credentials
    from selfeval_xl.web.codes_xlsx import write_codes

    out = Console(highlight=False)
    if not (roster or bureau or revoke):
        _usage("请给出 --roster 名单和 -o 登录码表，或 --bureau 生成财政局令牌。")
    if revoke:
        n = credentials.revoke_tokens(archive)
        out.print(f"已作废财政局接口令牌 {n} 个。", markup=False)
    if bureau:
        token = credentials.issue_token(archive)
        out.print("财政局接口令牌（只显示这一次，请妥善保存；用法：Authorization: Bearer <令牌>）：", markup=False)
        typer.echo(token)
    if roster is None:
        return
    if output is None:
        _usage("请用 -o 指定登录码表的输出文件，如 -o 登录码.xlsx")
    if output.suffix.lower() != ".xlsx":
        _usage(f"登录码表应为 .xlsx 文件：{output}")
    if output.resolve() == roster.resolve():
        _usage("登录码表不能写到名单文件上。")
    try:
        res = read_roster(roster)
    except RosterError as exc:
        _usage(str(exc))
    for p in res.problems:
        Console(stderr=True, highlight=False).print(p, markup=False)
    wanted = {credentials.dept_key(d) for d in dept or []}
    entries = [e for e in res.entries if not wanted or credentials.dept_key(e.code) in wanted]
    unknown = wanted - {credentials.dept_key(e.code) for e in res.entries}
    if unknown:
        _usage(f"名单中没有这些预算编码：{'、'.join(sorted(unknown))}")
    try:
        rows = credentials.issue_codes(archive, [(e.code, e.name) for e in entries])
        write_codes(output, rows)
    except OSError as exc:
        _usage(f"无法写出文件。{explain(exc, exc.filename or output, writing=True)}")
    out.print(f"已为 {len(rows)} 个部门生成登录码，写入 {output}；这些部门原来的登录码已失效。"
              "请把登录码单独交给各部门。", markup=False)
