"""Usage errors reach the user in Chinese with exit 2, never a traceback."""

from __future__ import annotations

import pytest

from selfeval_xl.cli import main


def run(capsys, *argv: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    out = capsys.readouterr()
    return exc.value.code, out.out + out.err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["check", "--nope", "x"], "没有这个选项：--nope"),
        (["check"], "缺少参数"),
        (["check", "x.xlsx", "--workers", "abc"], "参数 --workers 的值无效"),
        (["frobnicate"], "没有这个命令：frobnicate"),
        (["template", "a", "b"], "多余的参数"),
    ],
)
def test_usage_errors_in_chinese(capsys, argv, expected):
    code, text = run(capsys, *argv)
    assert code == 2
    assert expected in text
    assert "--help 查看用法" in text
    assert "Traceback" not in text


def test_help_and_version_exit_0(capsys):
    assert run(capsys, "--version") == (0, run(capsys, "--version")[1])
    code, text = run(capsys, "--help")
    assert code == 0 and "check" in text and "template" in text
