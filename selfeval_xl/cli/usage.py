"""click's usage errors told in Chinese, with parameters named as the help screen names them.

click builds its messages in English; the structured parts of each exception (the parameter,
the option name, close matches) are public, so the message is rebuilt from them here. Errors
raised by our own command classes and callbacks are already Chinese and pass through.
"""

from __future__ import annotations

import re

from click import exceptions as ce

from selfeval_xl.cli.chinese import ChineseUsageError, display_name, expected_value

_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _own(message: str) -> bool:
    """A message we wrote (Chinese, options like --json allowed), not one of click's English ones."""
    return not _LATIN_WORD.search(re.sub(r"--?[\w-]+|\.[A-Za-z]+\b", "", message))


def _option_is_flag(exc: ce.BadOptionUsage) -> bool:
    ctx = exc.ctx
    if ctx is None:
        return False
    for param in ctx.command.get_params(ctx):
        if exc.option_name in getattr(param, "opts", []) + getattr(param, "secondary_opts", []):
            return bool(getattr(param, "is_flag", False))
    return False


def usage_message(exc: ce.ClickException) -> str:
    """The Chinese message for a usage error, and where to read the help."""
    if isinstance(exc, ChineseUsageError):
        text = exc.message
    elif isinstance(exc, ce.NoSuchOption):
        text = f"没有这个选项：{exc.option_name}"
        if exc.possibilities:
            text += f"（是否想用 {'、'.join(sorted(exc.possibilities))}？）"
    elif isinstance(exc, ce.MissingParameter):
        text = f"缺少参数：{display_name(exc.param) if exc.param is not None else '必填参数'}"
    elif isinstance(exc, ce.BadOptionUsage):
        text = (f"选项 {exc.option_name} 不带值" if _option_is_flag(exc)
                else f"选项 {exc.option_name} 后面缺少值")
    elif isinstance(exc, ce.BadParameter) and exc.param is not None:
        name = display_name(exc.param)
        expected = expected_value(exc.param)
        gap = " " if expected[:1].isascii() else ""  # 应为 0 至 64 的整数 / 应为不小于 0 的整数
        text = exc.message if _own(exc.message) else f"参数 {name} 的值无效：应为{gap}{expected}"
        if _own(exc.message) and name not in text:
            text = f"参数 {name} 的值无效：{exc.message}"
    elif _own(exc.message):
        text = exc.message
    else:
        text = "命令用法有误"
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "selfeval-xl"
    return f"{text}\n运行 {command} --help 查看用法。"
