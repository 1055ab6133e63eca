"""Number text has one home (model/numtext.py): the importer reads a report's figures as the checker
reads a number typed into a cell, and the narrative's full-width digits use the same table while
the Chinese punctuation of the prose stays as written."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from selfeval_xl.check.coerce import to_decimal, to_integer
from selfeval_xl.importer import import_report
from selfeval_xl.model.numtext import HALF_WIDTH, HALF_WIDTH_FIGURES, document_number, half_width_figures
from selfeval_xl.narrative.figures import normalise
from selfeval_xl.spec import default_template

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "selfeval_xl"
SEED_TEXT = ROOT / "samples" / "reports" / "906017_临湘市委网信办_2021.txt"

# what a clerk or a website puts in an amount cell; the checker's reading decides
AMOUNTS = ["１６．１８", "16.18 万元", "1,234.5", "约96万元", "96 万", "—", "无", "0", "-3.5", "1e5", "①",
           "约十六万", "16.18\u00a0万元", "１６.１８元", "16..18"]


def _imported(tmp_path: Path, old: str, new: str):  # noqa: ANN202 - an ImportResult
    """The seed report with the one passage `old` replaced by `new`, imported."""
    p = tmp_path / "variant.txt"
    text = SEED_TEXT.read_text(encoding="utf-8")
    assert text.count(old) == 1
    p.write_text(text.replace(old, new), encoding="utf-8")
    return import_report(p, default_template())


@pytest.mark.parametrize("cell", AMOUNTS)
def test_the_importer_takes_an_amount_exactly_when_the_checker_does(tmp_path: Path, cell: str) -> None:
    res = _imported(tmp_path, "\t16.18\n", f"\t{cell}\n")
    checker = to_decimal(cell.replace("\u00a0", " "), "money")
    unplaced = [f for f in res.findings if f.code == "import-unplaced"]
    if checker.bad:
        assert "income.carryover" not in res.values
        assert len(unplaced) == 1 and unplaced[0].field == "income.carryover"
    else:
        assert res.values["income.carryover"] == checker.value
        assert unplaced == []


@pytest.mark.parametrize("cell", ["７", "7人", "7 名", "约7人", "7.5", "七"])
def test_the_importer_reads_a_count_as_the_checker_does(tmp_path: Path, cell: str) -> None:
    res = _imported(tmp_path, "\t人员编制\n\t7\n", f"\t人员编制\n\t{cell}\n")
    checker = to_integer(cell)
    if checker.bad:
        assert "staff.authorized" not in res.values
        assert [f.field for f in res.findings if f.code == "import-unplaced"] == ["staff.authorized"]
    else:
        assert res.values["staff.authorized"] == checker.value


def test_document_white_space_is_a_space() -> None:
    assert document_number("96\u00a0万元", "money") == Decimal(96)
    assert document_number("1,234.50\n", "money") == Decimal("1234.50")
    assert document_number("\t", "money") is None


def test_the_narrative_uses_numtexts_table_and_keeps_chinese_punctuation() -> None:
    prose = "支出合计９６．００万元，人员经费占６８．７５％；其中：（一）项目"
    assert normalise(prose) == "支出合计96.00万元，人员经费占68.75%；其中：（一）项目"
    assert len(normalise(prose)) == len(prose)  # positions stay valid for quoting
    assert HALF_WIDTH_FIGURES.items() <= HALF_WIDTH.items()
    assert sorted(map(chr, HALF_WIDTH_FIGURES.values())) == sorted("0123456789.%")
    assert half_width_figures("，：；（）") == "，：；（）"


def test_no_second_full_width_table() -> None:
    """The full-width offset (0xFEE0) is written only in model/numtext.py."""
    pattern = re.compile(r"0x[fF][eE][eE]0|65248")
    found = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if pattern.search(p.read_text("utf-8")))
    assert found == ["model/numtext.py"]
