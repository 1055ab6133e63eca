"""The `selfeval-xl` command: one typer app, one module per command.

`app` is a `ChineseTyper` (cli/chinese.py): every command registered on it has Chinese help;
`main` turns click's usage errors and file-system errors into Chinese (cli/usage.py).
"""

from __future__ import annotations

import os
import sys

import typer
from click import exceptions as ce

from selfeval_xl import __version__
from selfeval_xl.cli.chinese import ChineseTyper
from selfeval_xl.cli.usage import usage_message

app = ChineseTyper(
    name="selfeval-xl",
    help="部门整体支出绩效自评表：生成模板、审核报表、汇总、收件登记。",
    no_args_is_help=True,
)

COMMAND_MODULES = ("template", "check", "summarize", "collect", "officer", "serve", "render", "importer")


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

    for name in COMMAND_MODULES:
        importlib.import_module(f"selfeval_xl.cli.{name}")


def main(argv: list[str] | None = None) -> None:
    """Console entry point: no traceback ever reaches a user; usage errors exit 2 in Chinese."""
    from selfeval_xl.oserrors import explain

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
        typer.echo(exc.ctx.get_help() if exc.ctx is not None else "")
        sys.exit(0)
    except ce.UsageError as exc:
        typer.echo(usage_message(exc), err=True)
        sys.exit(2)
    except typer.Abort:
        typer.echo("已取消。", err=True)
        sys.exit(1)
    except ce.ClickException as exc:
        typer.echo(f"出错：{usage_message(exc).splitlines()[0]}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("已中断。", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except OSError as exc:  # the environment's fault (permissions, disk, network share), not a bug
        typer.echo(f"错误：{explain(exc)}", err=True)
        sys.exit(2)
    except Exception as exc:  # a last resort: a bug, reported plainly
        typer.echo(f"出错：{exc}（这是程序内部错误，请将此信息反馈给开发人员）", err=True)
        sys.exit(3)
