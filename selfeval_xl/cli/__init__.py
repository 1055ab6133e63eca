"""The `selfeval-xl` command: one typer app, one module per command."""

from __future__ import annotations

import os
import sys

import typer
from click import exceptions as ce

from selfeval_xl import __version__

app = typer.Typer(
    name="selfeval-xl",
    help="部门整体支出绩效自评表：生成模板、审核报表、汇总、收件登记。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"selfeval-xl {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="显示版本号")) -> None:
    """部门整体支出绩效自评表工具。"""


def _register() -> None:
    # Each command module adds itself to `app`; a missing module must not break the others.
    import importlib

    for name in ("template", "check", "summarize", "collect", "officer", "serve"):
        importlib.import_module(f"selfeval_xl.cli.{name}")


def usage_message(exc: Exception) -> str:
    """Click's usage errors in Chinese (typer raises them before any command code runs)."""
    hint = getattr(exc, "param_hint", None) or ""
    param = getattr(exc, "param", None)
    if not hint and param is not None:
        opts = getattr(param, "opts", None) or [getattr(param, "name", "")]
        hint = " / ".join(str(o) for o in opts)
    if isinstance(exc, ce.NoSuchOption):
        text = f"没有这个选项：{exc.option_name}"
        if exc.possibilities:
            text += f"（是否想用 {'、'.join(sorted(exc.possibilities))}？）"
    elif isinstance(exc, ce.MissingParameter):
        text = f"缺少参数：{hint or '必填参数'}"
    elif isinstance(exc, ce.BadOptionUsage):
        text = f"选项用法有误：{exc.option_name}（{exc.message}）"
    elif isinstance(exc, ce.BadParameter):
        text = f"参数 {hint} 的值无效：{exc.message}"
    elif "No such command" in str(exc):
        text = f"没有这个命令：{str(exc).split(chr(39))[1] if chr(39) in str(exc) else exc}"
    elif "unexpected extra argument" in str(exc).lower():
        text = f"多余的参数：{str(exc).split('(')[-1].rstrip(')')}"
    else:
        text = f"用法有误：{exc}"
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "selfeval-xl"
    return f"{text}\n运行 {command} --help 查看用法。"


def main(argv: list[str] | None = None) -> None:
    """Console entry point: no traceback ever reaches a user; usage errors exit 2 in Chinese."""
    if not sys.stdout.isatty() and not os.environ.get("COLUMNS"):
        # Piped into a log or a file: rich would assume 80 columns and wrap Chinese names
        # character by character; a log is read wide.
        os.environ["COLUMNS"] = "160"
    _register()
    try:
        command = typer.main.get_command(app)
        rc = command.main(args=argv if argv is not None else sys.argv[1:], prog_name="selfeval-xl",
                          standalone_mode=False)
        sys.exit(rc if isinstance(rc, int) else 0)
    except ce.NoArgsIsHelpError as exc:
        exc.show()
        sys.exit(0)
    except ce.UsageError as exc:
        typer.echo(usage_message(exc), err=True)
        sys.exit(2)
    except typer.Abort:
        typer.echo("已取消。", err=True)
        sys.exit(1)
    except ce.ClickException as exc:
        typer.echo(f"出错：{exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("已中断。", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # a last resort: a bug, reported plainly
        typer.echo(f"出错：{exc}（这是程序内部错误，请将此信息反馈给开发人员）", err=True)
        sys.exit(3)
