"""render --pdf: LibreOffice converts a batch in ONE process; fonts embedded, figures in the text."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import lo
import pytest

from selfeval_xl.pipeline import check_file
from selfeval_xl.render import render_batch

pytestmark = pytest.mark.libreoffice
ROOT = Path(__file__).resolve().parents[1]
SUBS = ROOT / "samples" / "submissions"
PASSING = ["906017_临湘市委网信办.xlsx", "902001_临湘市教育局.xlsx", "901001_临湘市财政局.xlsx"]


def _pdffonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def _pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in out.splitlines() if line.startswith("Pages:")))


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Three reports to PDF through a soffice wrapper that logs every start."""
    tmp = tmp_path_factory.mktemp("pdf")
    log = tmp / "starts.log"
    wrapper = tmp / "soffice"
    wrapper.write_text(f'#!/bin/sh\necho start >> "{log}"\nexec "{lo.soffice_path()}" "$@"\n', encoding="utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    old = os.environ.get("SELFEVAL_SOFFICE")
    os.environ["SELFEVAL_SOFFICE"] = str(wrapper)
    try:
        rep = render_batch([check_file(SUBS / n) for n in PASSING], tmp / "out", pdf=True)
    finally:
        if old is None:
            del os.environ["SELFEVAL_SOFFICE"]
        else:
            os.environ["SELFEVAL_SOFFICE"] = old
    assert rep.ok, [(i.reason, i.pdf_problem) for i in rep.items]
    assert all(i.pdf is not None and i.pdf.is_file() for i in rep.items)
    return tmp / "out", log


def test_one_soffice_process_for_the_batch(batch: tuple[Path, Path]) -> None:
    out, log = batch
    assert log.read_text().split() == ["start"]
    assert len(list(out.glob("*.pdf"))) == 3
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no temp folder left


def test_fonts_embedded_and_chinese_never_boxes(batch: tuple[Path, Path]) -> None:
    out, _ = batch
    pdf = next(out.glob("906017_*.pdf"))
    fonts = _pdffonts(pdf)
    assert fonts and all(row[-5] == "yes" for row in fonts)  # emb column
    names = " ".join(row[0] for row in fonts)
    assert "NotoSerifCJK" in names and "NotoSansCJK" in names  # 仿宋/楷体 → serif, 黑体 → sans
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    squeezed = "".join(text.split())
    for figure in ("16.18", "79.82", "42.26", "23.74", "19.65", "15080990101"):
        assert figure in squeezed
    for words in ("中共临湘市委网络安全和信息化委员会办公室", "一、部门（单位）基本概况", "— 1 —".replace(" ", "")):
        assert words in squeezed


def test_page_count_is_stable(batch: tuple[Path, Path], tmp_path: Path) -> None:
    out, _ = batch
    first = next(out.glob("906017_*.pdf"))
    again = render_batch([check_file(SUBS / PASSING[0])], tmp_path, pdf=True).items[0].pdf
    assert again is not None and _pages(first) == _pages(again) >= 8


def test_unchanged_report_keeps_its_pdf(batch: tuple[Path, Path]) -> None:
    out, _ = batch
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")}
    rep = render_batch([check_file(SUBS / n) for n in PASSING], out, pdf=True)
    assert {i.outcome for i in rep.items} == {"unchanged"}
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")} == before
