"""LibreOffice re-saves (.xlsx, .xls, .ods) of a filled workbook read back the same raw values.

Normalisation shared by all formats (read.book.normalise): blank and "" → None, integral numbers
→ int, other numbers → float, date fields → datetime.date. The .xlsx re-save raises no finding at
all (LibreOffice respells formulas and names; the comparison is normalised), .xls/.ods only
`legacy-format`; doctored workbooks re-saved as .xls/.ods are still caught.
"""

from __future__ import annotations

import re
from pathlib import Path

import lo
import openpyxl
import pytest
from read_samples import TRICKY, checked_read, codes_of, filled, judged, judged_codes

from selfeval_xl.layout import build_layout
from selfeval_xl.spec.load import template_for

pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def resaved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("lo")
    src = filled(d / "src" / "filled.xlsx", units=2, extra=TRICKY)
    out = {"orig": src}
    for fmt in ("xlsx", "xls", "ods"):
        out[fmt] = lo.convert(src, fmt, d / fmt)
    return out


@pytest.fixture(scope="module")
def doctored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A label edited on 支出, 收入 unprotected, a footer formula replaced by a number; re-saved.
    A version 1.0 return (one sheet per 收支 table): still read against its own layout."""
    d = tmp_path_factory.mktemp("lo_doctored")
    v10 = template_for("dept-selfeval", "1.0")
    src = filled(d / "src" / "filled.xlsx", template=v10)
    layout = build_layout(v10, 1)
    footer = next(f for f in layout.formulas if f.kind == "footer")
    wb = openpyxl.load_workbook(src)
    wb["支出"]["B3"] = "支出总计"
    wb["收入"].protection.sheet = False
    wb[footer.cell.sheet][footer.cell.a1] = 100
    edited = d / "edited" / "doctored.xlsx"
    edited.parent.mkdir()
    wb.save(edited)
    return {fmt: lo.convert(edited, fmt, d / fmt) for fmt in ("xls", "ods")} | {"footer": Path(footer.cell.a1)}


def test_all_resaves_read_the_same_values(resaved: dict[str, Path]) -> None:
    base = checked_read(resaved["orig"])
    assert base.units == 2 and base.raw["units.name.u1"] == "下属单位1"
    assert all(base.raw[k] == v for k, v in TRICKY.items())  # newlines, tabs, spaces, & < > quotes
    for fmt in ("xlsx", "xls", "ods"):
        snap = checked_read(resaved[fmt])
        assert snap.format == fmt
        assert snap.readable, snap.findings
        assert snap.template_id == base.template_id and snap.units == 2
        diff = {k: (base.raw.get(k), snap.raw.get(k)) for k in set(base.raw) | set(snap.raw)
                if base.raw.get(k) != snap.raw.get(k)}
        assert diff == {}, (fmt, diff)


def test_xlsx_resave_has_no_findings(resaved: dict[str, Path]) -> None:
    snap, sub = judged(resaved["xlsx"])
    assert snap.application and "LibreOffice" in snap.application
    assert codes_of(snap) == [] and judged_codes(sub) == []


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_legacy_formats_only_get_legacy_format(resaved: dict[str, Path], fmt: str) -> None:
    snap, sub = judged(resaved[fmt])
    assert codes_of(snap) == ["legacy-format"] and judged_codes(sub) == ["legacy-format"]
    assert snap.findings[0].severity == "info" and f".{fmt}" in snap.findings[0].message


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_doctored_resave_is_caught(doctored: dict[str, Path], fmt: str) -> None:
    snap, sub = judged(doctored[fmt])
    got = {(f.code, f.sheet, f.cell) for f in sub.findings}
    assert ("tampered-cell", "支出", "B3") in got
    assert any(c == "formula-overwritten" and cell == str(doctored["footer"]) for c, _s, cell in got)
    assert ("legacy-format", None, None) in got
    assert ("protection-removed", "收入", None) in got
    assert len([f for f in sub.findings if f.code == "protection-removed"]) == 1


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_truncated_legacy_file_is_corrupt(resaved: dict[str, Path], tmp_path: Path, fmt: str) -> None:
    data = resaved[fmt].read_bytes()
    p = tmp_path / f"cut.{fmt}"
    p.write_bytes(data[: len(data) // 2])
    snap = checked_read(p)
    assert codes_of(snap) == ["corrupt-file"] and snap.readable is False


FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXCEPTION_NAME = re.compile(r"[A-Za-z]*(Error|Exception|NotImplemented|Panic)[A-Za-z]*")


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_damaged_legacy_files_never_crash(tmp_path: Path, fmt: str) -> None:
    """Byte damage at fixed, seeded offsets of a committed LibreOffice re-save (the same files on
    every run): calamine may panic or even abort on such files (it runs in a child); every damaged
    file still gets a finding worded for a person, never a Python exception's name."""
    import random

    data = (FIXTURES / f"resaved.{fmt}").read_bytes()
    rnd = random.Random(1)
    p = tmp_path / f"damaged.{fmt}"
    for _ in range(80):
        d = bytearray(data)
        for _ in range(rnd.randint(1, 30)):
            d[rnd.randrange(len(d))] = rnd.randrange(256)
        p.write_bytes(bytes(d))
        snap, sub = judged(p)
        assert "internal-error" not in codes_of(snap), [f.message for f in snap.findings]
        for f in sub.findings:
            assert not EXCEPTION_NAME.search(f.message), f.message


def test_committed_fixtures_are_real_resaves() -> None:
    """The fixtures are LibreOffice re-saves of a filled workbook (of the template as it was when
    they were made): the reader recognises them and reads their values."""
    for fmt in ("xls", "ods"):
        snap = checked_read(FIXTURES / f"resaved.{fmt}")
        assert snap.readable and snap.template_id == "dept-selfeval" and snap.units == 2, fmt
        assert codes_of(snap) == ["legacy-format"] and snap.raw["units.name.u1"] == "下属单位1", fmt
