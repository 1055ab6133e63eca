"""The terminal table: status per file, 表名!单元格 + message, explained warnings, counts."""

from __future__ import annotations

from report_samples import batch, phone_warning, sub
from rich.console import Console

from selfeval_xl.report import counts_line, print_report


def _render(subs, **kw) -> str:
    console = Console(record=True, width=200, color_system=None)
    print_report(subs, console, **kw)
    return console.export_text()


def test_every_file_status_and_location() -> None:
    text = _render(batch())
    for label in ("通过", "警告", "未通过", "无法读取"):
        assert label in text
    assert "支出!B6" in text and "支出合计 96.00 ≠" in text
    assert "封面!C12" in text
    assert "已说明" in text
    assert "共 6 份：通过 2，警告 1，未通过 2，无法读取 1" in text


def test_passing_file_takes_one_line() -> None:
    text = _render([sub("收到/only-ok.xlsx")])
    lines = [line for line in text.splitlines() if "only-ok" in line]
    assert len(lines) == 1 and "通过" in lines[0]


def test_only_problems_hides_passing_files() -> None:
    text = _render(batch(), only_problems=True)
    assert "ok.xlsx" not in text.replace("bad.xlsx", "")
    assert "bad.xlsx" in text and "empty.xlsx" in text
    assert "explained.xlsx" not in text  # an explained warning alone is a pass
    assert "所有文件均通过审核" in _render([sub("a.xlsx")], only_problems=True)


def test_errors_listed_before_warnings() -> None:
    from report_samples import sum_mismatch

    text = _render([sub("x.xlsx", phone_warning(), sum_mismatch())])
    assert text.index("支出!B6") < text.index("封面!C12")


def test_counts_line_empty() -> None:
    assert counts_line([]) == "共 0 份：通过 0，警告 0，未通过 0，无法读取 0"


def test_file_names_and_messages_are_not_rich_markup() -> None:
    from selfeval_xl.model import codes

    f = codes.make("tampered-cell", sheet="支出", cell="A1", detail="[bold red]改动[/bold red]")
    text = _render([sub("[red]部门[/red].xlsx", f)])
    assert "[red]部门[/red].xlsx" in text and "[bold red]改动[/bold red]" in text


def test_large_batch_prints_in_chunks_with_one_header() -> None:
    from report_samples import sum_mismatch

    subs = [sub(f"f{i:03d}.xlsx", *( [sum_mismatch()] if i % 3 == 0 else [])) for i in range(120)]
    text = _render(subs)
    assert text.count("文件 / 问题") == 1
    assert sum(1 for line in text.splitlines() if "f0" in line or "f1" in line) == 120
    assert text.count("支出!B6") == 40
    assert "共 120 份：通过 80，警告 0，未通过 40，无法读取 0" in text
