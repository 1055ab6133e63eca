"""Chinese help screens for every command, through click's and typer's public hooks.

`ChineseTyper` is the application class: a command registered with `@app.command()` is built as
a `ChineseCommand`, a sub-application must itself be a `ChineseTyper` (its group is a
`ChineseGroup`). Both replace click's help rendering (`format_help`) with one written here from
the parameters' public description (`Parameter.to_info_dict()`), rendered by rich so that
Chinese text is measured and wrapped by its display width. Nothing English from click or typer
("Usage:", "Options", "[default: 0]", "<int range>", "Show this message and exit.") is shown.
"""

from __future__ import annotations

import difflib
import inspect
import io
import shutil
from collections.abc import Callable
from typing import Any

import click
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

HELP_TEXT = "显示本帮助并退出"
HELP_WIDTH = 100  # wider help lines are hard to read; narrower terminals wrap

# Placeholders shown for a value whose command gave no metavar, by click's type name.
TYPE_METAVARS = {
    "integer": "整数", "integer range": "整数", "float": "数值", "float range": "数值",
    "text": "文本", "boolean": "是或否", "path": "路径", "file": "文件", "filename": "文件",
    "directory": "文件夹", "datetime": "日期", "uuid": "文本",
}


class ChineseUsageError(click.UsageError):
    """A usage error whose message we wrote in Chinese (it may quote what the user typed)."""


def _info(param: click.Parameter) -> dict[str, Any]:
    return param.to_info_dict()


def value_metavar(param: click.Parameter) -> str:
    """What stands for the value in help and messages: the command's own metavar, or the type's."""
    if param.metavar:
        return param.metavar.removesuffix("...")
    kind = _info(param)["type"]
    if kind.get("choices"):
        return "{" + "|".join(str(c) for c in kind["choices"]) + "}"
    if kind.get("name") == "path":
        if kind.get("file_okay") and not kind.get("dir_okay"):
            return "文件"
        if kind.get("dir_okay") and not kind.get("file_okay"):
            return "文件夹"
    return TYPE_METAVARS.get(str(kind.get("name")), "值")


def display_name(param: click.Parameter) -> str:
    """How a parameter is named to the user: option names (`--workers`) or an argument's metavar."""
    if isinstance(param, click.Option):
        return " / ".join(_sorted_opts(param.opts) + param.secondary_opts)
    return value_metavar(param)


def _sorted_opts(opts: list[str]) -> list[str]:
    return sorted(opts, key=lambda o: (o.startswith("--"), o))


def range_text(param: click.Parameter) -> str:
    """`IntRange`/`FloatRange` limits in words ("0 至 64", "不小于 1"); empty for other types."""
    kind = _info(param)["type"]
    lo, hi = kind.get("min"), kind.get("max")
    low = None if lo is None else (f"大于 {lo}" if kind.get("min_open") else f"不小于 {lo}")
    high = None if hi is None else (f"小于 {hi}" if kind.get("max_open") else f"不大于 {hi}")
    if low and high and not kind.get("min_open") and not kind.get("max_open"):
        return f"{lo} 至 {hi}"
    return "且".join(x for x in (low, high) if x)


def expected_value(param: click.Parameter) -> str:
    """What a value must be, for messages about a wrong one ("不小于 0 的整数")."""
    what = TYPE_METAVARS.get(str(_info(param)["type"].get("name")), value_metavar(param))
    limits = range_text(param)
    return f"{limits} 的{what}" if limits else what


def _default_text(param: click.Parameter, ctx: click.Context) -> str | None:
    show = getattr(param, "show_default", None)
    if show is False or (show is None and not ctx.show_default):
        return None
    if isinstance(show, str):
        return show
    help_text = getattr(param, "help", None) or ""
    if "默认" in help_text:  # the command already says it in words
        return None
    info = _info(param)
    default = info.get("default")
    if isinstance(param, click.Option) and param.is_flag:
        if param.secondary_opts and isinstance(default, bool):
            return param.opts[-1] if default else param.secondary_opts[-1]
        return None
    if default is None or default == () or default == []:
        return None
    if isinstance(default, list | tuple):
        return "、".join(str(v) for v in default)
    return str(default)


def _param_row(param: click.Parameter, ctx: click.Context) -> tuple[str, str]:
    if isinstance(param, click.Option):
        left = ", ".join(_sorted_opts(param.opts))
        if param.secondary_opts:
            left += " / " + ", ".join(param.secondary_opts)
        if not param.is_flag and not param.count:
            left += " " + value_metavar(param)
    else:
        left = value_metavar(param) + ("..." if param.nargs == -1 else "")
    extras = []
    if param.required:
        extras.append("必填")
    default = _default_text(param, ctx)
    if default:
        extras.append(f"默认：{default}")
    limits = range_text(param)
    if limits:
        extras.append(f"取值：{limits}")
    envvar = param.envvar if getattr(param, "show_envvar", False) else None
    if envvar:
        extras.append("也可用环境变量 " + "、".join([envvar] if isinstance(envvar, str) else list(envvar)))
    right = (getattr(param, "help", None) or "").strip()
    if extras:
        right += ("  " if right else "") + "［" + "；".join(extras) + "］"
    return left, right


def _usage_pieces(command: click.Command, ctx: click.Context) -> list[str]:
    pieces = ["[选项]"]
    for param in command.get_params(ctx):
        if isinstance(param, click.Argument):
            name = value_metavar(param) + ("..." if param.nargs == -1 else "")
            pieces.append(name if param.required else f"[{name}]")
    return pieces


def _description(command: click.Command) -> str:
    text = inspect.cleandoc(command.help or "").partition("\f")[0]
    return text.strip()


def short_description(command: click.Command) -> str:
    """The first paragraph of a command's help, for the list of commands."""
    if command.short_help:
        return command.short_help
    return _description(command).split("\n\n")[0].replace("\n", "")


def _table(rows: list[tuple[str, str]]) -> Table:
    t = Table.grid(padding=(0, 3))
    t.add_column(no_wrap=True)
    t.add_column(overflow="fold")
    for left, right in rows:
        t.add_row(Text(left), Text(right))
    return t


def render_help(usage: str, description: str, sections: list[tuple[str, list[tuple[str, str]]]],
                epilog: str = "") -> str:
    """One help screen as text; rich measures Chinese characters as two columns."""
    width = max(40, min(shutil.get_terminal_size((HELP_WIDTH, 24)).columns, HELP_WIDTH))
    buf = io.StringIO()
    con = Console(file=buf, width=width, no_color=True, highlight=False, markup=False, emoji=False,
                  force_terminal=False, legacy_windows=False)
    con.print(Text(f"用法：{usage}"))
    if description:
        con.print()
        con.print(Text(description))
    for title, rows in sections:
        if rows:
            con.print()
            con.print(Text(f"{title}："))
            con.print(_table(rows))
    if epilog:
        con.print()
        con.print(Text(epilog))
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


def _indent(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("  " + left, right) for left, right in rows]


class _ChineseHelp:
    """Shared by commands and groups: the help option's text and the help screen."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_TEXT
        return option

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc]
        except click.UsageError as exc:
            if exc.ctx is None:  # click's parser leaves it out; messages name the command's help
                exc.ctx = ctx
            raise

    def _sections(self, ctx: click.Context) -> list[tuple[str, list[tuple[str, str]]]]:
        params = [p for p in self.get_params(ctx) if not getattr(p, "hidden", False)]  # type: ignore[attr-defined]
        arguments = [_param_row(p, ctx) for p in params if isinstance(p, click.Argument)]
        options = [_param_row(p, ctx) for p in params if isinstance(p, click.Option)]
        return [("参数", _indent(arguments)), ("选项", _indent(options))]

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        command: click.Command = self  # type: ignore[assignment]
        usage = " ".join([ctx.command_path, *self._usage_pieces(ctx)])
        formatter.write(render_help(usage, _description(command), self._sections(ctx), command.epilog or ""))

    def _usage_pieces(self, ctx: click.Context) -> list[str]:
        return _usage_pieces(self, ctx)  # type: ignore[arg-type]


class ChineseCommand(_ChineseHelp, TyperCommand):
    """A leaf command: Chinese help, and extra arguments refused in Chinese."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # click refuses extra arguments with an English message; take them and refuse here.
        wanted = ctx.allow_extra_args
        ctx.allow_extra_args = True
        try:
            rest = super().parse_args(ctx, args)
        finally:
            ctx.allow_extra_args = wanted
        if ctx.args and not wanted and not ctx.resilient_parsing:
            raise ChineseUsageError(f"多余的参数：{' '.join(ctx.args)}", ctx)
        return rest


class ChineseGroup(_ChineseHelp, TyperGroup):
    """A group of commands: Chinese help listing its commands; unknown commands refused in Chinese."""

    def _usage_pieces(self, ctx: click.Context) -> list[str]:
        return ["[选项]", "命令", "[参数]..."]

    def _sections(self, ctx: click.Context) -> list[tuple[str, list[tuple[str, str]]]]:
        commands = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                commands.append((name, short_description(cmd)))
        return [*super()._sections(ctx), ("命令", _indent(commands))]

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=2)
            hint = f"（是否想用 {'、'.join(close)}？）" if close else ""
            raise ChineseUsageError(f"没有这个命令：{name}{hint}", ctx)
        return super().resolve_command(ctx, args)


class ChineseTyper(typer.Typer):
    """The app class: every command and sub-application gets the Chinese help by default."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", ChineseGroup)
        if not issubclass(kwargs["cls"], ChineseGroup):
            raise TypeError("cls must be a ChineseGroup subclass (Chinese help for every command)")
        kwargs.setdefault("rich_markup_mode", None)
        kwargs.setdefault("add_completion", False)
        kwargs.setdefault("pretty_exceptions_enable", False)
        super().__init__(**kwargs)

    def command(self, name: str | None = None, *, cls: type[TyperCommand] | None = None,
                **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        cls = cls or ChineseCommand
        if not issubclass(cls, ChineseCommand):
            raise TypeError("cls must be a ChineseCommand subclass (Chinese help for every command)")
        return super().command(name, cls=cls, **kwargs)

    def add_typer(self, typer_instance: typer.Typer, **kwargs: Any) -> None:
        if not isinstance(typer_instance, ChineseTyper):
            raise TypeError("a sub-application must be a ChineseTyper (Chinese help for every command)")
        kwargs.setdefault("cls", ChineseGroup)
        super().add_typer(typer_instance, **kwargs)
