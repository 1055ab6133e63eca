"""The `selfeval-xl` command: one typer app, one module per command."""

from __future__ import annotations

import sys

import typer

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

    for name in ("template", "check", "summarize", "collect"):
        importlib.import_module(f"selfeval_xl.cli.{name}")


def main() -> None:
    """Console entry point: no traceback ever reaches a user."""
    _register()
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("已中断。", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # a last resort: a bug, reported plainly
        typer.echo(f"出错：{exc}（这是程序内部错误，请将此信息反馈给开发人员）", err=True)
        sys.exit(3)
