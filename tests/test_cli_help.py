"""Every help screen and usage error is Chinese: the only Latin words are option names, command
names, metavars chosen on purpose, file extensions and the few names of file formats and
programs an officer knows by their own names."""

from __future__ import annotations

import re

import click
import pytest
import typer

from selfeval_xl.cli import COMMAND_MODULES, _register, app, main
from selfeval_xl.cli.chinese import ChineseCommand, ChineseGroup, ChineseTyper
from selfeval_xl.ledger import DEFAULT_ARCHIVE
from selfeval_xl.spec import template_ids

# Names of file formats and programs, written as the README's Chinese part writes them.
PROPER_NAMES = {"Excel", "WPS", "JSON", "CSV", "YAML", "Parquet", "UTF-8", "BOM", "Word", "PDF", "LibreOffice"}
KEYS = ("Ctrl+C",)  # keys as printed on the keyboard
PROGRAM = "selfeval-xl"
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")


def _tree() -> list[tuple[list[str], click.Command]]:
    """(path of names, command) for the root and every command below it."""
    _register()
    root = typer.main.get_command(app)
    out: list[tuple[list[str], click.Command]] = []

    def walk(path: list[str], cmd: click.Command) -> None:
        out.append((path, cmd))
        if isinstance(cmd, click.Group):
            ctx = click.Context(cmd, info_name=path[-1] if path else PROGRAM)
            for name in cmd.list_commands(ctx):
                walk([*path, name], cmd.get_command(ctx, name))

    walk([], root)
    return out


TREE = _tree()
COMMAND_NAMES = {name for path, _ in TREE for name in path}
OPTION_NAMES = {o for _, cmd in TREE for p in cmd.params if isinstance(p, click.Option)
                for o in p.opts + p.secondary_opts} | {"--help"}
# Form ids (dept-selfeval, project-selfeval) are values the user types after --form, like option names.
FORM_IDS = set(template_ids())
ENV_VARS = {p.envvar for _, cmd in TREE for p in cmd.params if isinstance(getattr(p, "envvar", None), str)}


TOKEN = re.compile(r"[A-Za-z0-9_./*-]*[A-Za-z][A-Za-z0-9_./*-]*")


def latin_words(text: str, allowed: set[str] = frozenset()) -> list[str]:
    """Latin-letter words of `text` that are none of the allowed kinds."""
    bad = []
    for key in KEYS:
        text = text.replace(key, "")
    for m in TOKEN.finditer(text):
        for token in m.group(0).split("/"):  # 收到/*.xlsx, .xlsx/.csv, ./selfeval-archive/
            if not re.search("[A-Za-z]", token) or re.fullmatch(r"[^A-Za-z]*\.[a-z]{2,5}", token):
                continue  # no letters, or a file extension (.xlsx, 文件.xlsx)
            core = token.strip(".*")
            if core in OPTION_NAMES | COMMAND_NAMES | ENV_VARS | PROPER_NAMES | FORM_IDS or core == PROGRAM:
                continue
            if core not in allowed:
                bad.append(token)
    return bad


def run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def test_the_walk_sees_every_registered_command() -> None:
    assert {"template", "check", "summarize", "collect", "status", "verify"} <= COMMAND_NAMES
    assert len(TREE) >= 1 + len(COMMAND_MODULES)


@pytest.mark.parametrize("path", [p for p, _ in TREE], ids=lambda p: " ".join(p) or PROGRAM)
def test_help_screen_is_chinese(capsys, path: list[str]) -> None:
    code, out, err = run(capsys, *path, "--help")
    assert code == 0 and not err
    assert out.startswith(f"用法：{' '.join([PROGRAM, *path])} [选项]"), out
    # a path default is a folder name the user sees on disk, shown as it is
    assert latin_words(out, {str(DEFAULT_ARCHIVE)}) == [], out
    for english in ("Usage", "Options", "Arguments", "Commands", "default", "Show this message", "<int", "TEXT",
                    "INTEGER", "PATH"):
        assert english not in out


@pytest.mark.parametrize("path", [p for p, _ in TREE], ids=lambda p: " ".join(p) or PROGRAM)
def test_every_parameter_and_command_has_chinese_help(path: list[str]) -> None:
    cmd = dict((tuple(p), c) for p, c in TREE)[tuple(path)]
    assert isinstance(cmd, ChineseCommand | ChineseGroup), f"{path}: not built by ChineseTyper"
    assert cmd.help and re.search(r"[\u4e00-\u9fff]", cmd.help), f"{path}: no Chinese description"
    for p in cmd.params:
        text = getattr(p, "help", None)
        assert text and re.search(r"[\u4e00-\u9fff]", text), f"{path} {p.name}: no Chinese help"
        if p.metavar:
            assert re.search(r"[\u4e00-\u9fff]", p.metavar), f"{path} {p.name}: metavar {p.metavar!r}"


def test_root_without_arguments_shows_the_help(capsys) -> None:
    code, out, _ = run(capsys)
    assert code == 0 and out.startswith("用法：selfeval-xl [选项] 命令 [参数]...")
    for name in ("template", "check", "summarize", "collect", "status", "verify"):
        assert re.search(rf"^  {name}\s+\S", out, re.M), name


def test_help_names_types_defaults_and_ranges_in_chinese(capsys) -> None:
    _, out, _ = run(capsys, "check", "--help")
    assert "用法：selfeval-xl check [选项] 报表文件或文件夹..." in out
    assert re.search(r"--workers 整数\s+并行进程数（0 = 自动）\s+［默认：0；取值：不小于 0］", out), out
    assert re.search(r"--help\s+显示本帮助并退出", out)
    _, out, _ = run(capsys, "collect", "--help")
    assert re.search(r"-w, --workers 整数 .*［默认：0；取值：0 至 64］", out), out
    _, out, _ = run(capsys, "verify", "--help")
    assert re.search(r"--repair / --no-repair\s+补登或清理中断的收件", out), out


@pytest.mark.parametrize(
    ("argv", "expected", "typed"),
    [
        (["check"], "缺少参数：报表文件或文件夹", set()),
        (["collect"], "缺少参数：报表文件或文件夹", set()),
        (["check", "--nope", "x"], "没有这个选项：--nope", {"x", "--nope"}),
        (["check", "x.xlsx", "--workers", "abc"], "参数 --workers 的值无效：应为不小于 0 的整数", {"abc"}),
        (["collect", "x.xlsx", "--workers", "99"], "参数 -w / --workers 的值无效：应为 0 至 64 的整数", set()),
        (["check", "x.xlsx", "--json"], "选项 --json 后面缺少值", set()),
        (["check", "x.xlsx", "--strict=yes"], "选项 --strict 不带值", set()),
        (["chek"], "没有这个命令：chek（是否想用 check？）", {"chek"}),
        (["frobnicate"], "没有这个命令：frobnicate", {"frobnicate"}),
        (["template", "a", "b"], "多余的参数：a b", {"a", "b"}),
    ],
)
def test_usage_errors_are_chinese(capsys, argv: list[str], expected: str, typed: set[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and not out
    assert expected in err, err
    assert "--help 查看用法" in err
    assert latin_words(err, typed) == [], err


def test_commands_registered_elsewhere_get_the_chinese_classes() -> None:
    """What a new command module gets by writing `@app.command()`."""
    extra = ChineseTyper(name="t")

    @extra.command("demo")
    def demo(count: int = typer.Option(1, "--count", help="次数")) -> None:
        """示例命令。"""

    @extra.command("other")
    def other() -> None:
        """另一个。"""

    group = typer.main.get_command(extra)
    ctx = click.Context(group, info_name="t")
    cmd = group.get_command(ctx, "demo")
    assert isinstance(group, ChineseGroup) and isinstance(cmd, ChineseCommand)
    text = cmd.get_help(click.Context(cmd, info_name="demo", parent=ctx))
    assert "用法：t demo [选项]" in text and re.search(r"--count 整数\s+次数\s+［默认：1］", text), text
    with pytest.raises(TypeError):
        extra.command("bad", cls=typer.core.TyperCommand)
    with pytest.raises(TypeError):
        extra.add_typer(typer.Typer(), name="sub")
