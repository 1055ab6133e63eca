"""The xlsx parser: the regex fast path agrees with the general expat parser, which handles the
rarer shapes (namespace prefixes, cells without r, inline and rich strings, shared formulas)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from read_samples import checked_read, codes_of, filled, rezip

from selfeval_xl.read import fastxml, ooxml
from selfeval_xl.read.formula import expand_shared, normalise, shift

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _same(fast, slow) -> None:
    """Equal up to the number type spelling ('' in the fast path, None in the general one)."""
    fc, ff, fp = fast
    sc, sf, sp = slow
    assert {k: (t or None, v) for k, (t, v) in fc.items()} == {k: (t or None, v) for k, (t, v) in sc.items()}
    assert ff == sf and fp == sp


def _xlsx_parts(values: list[object]) -> tuple[bytes, bytes]:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("S")
    for i, v in enumerate(values):
        # text as text: ws.write would turn "=\x08" into a formula holding a raw control
        # character, XML that no spreadsheet application writes and that expat rightly refuses
        if isinstance(v, str):
            ws.write_string(i, 1, v)
        else:
            ws.write(i, 1, v)
    ws.write_formula(0, 3, '=IF(B1="","&<>","x")', None, "&<>")
    ws.write_string(0, 5, "a&b<c>\r\nd")
    ws.protect()
    wb.close()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        return z.read("xl/worksheets/sheet1.xml"), z.read("xl/sharedStrings.xml")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.text(min_size=1, max_size=30), st.integers(-10**9, 10**9),
                          st.floats(allow_nan=False, allow_infinity=False), st.booleans()), min_size=1, max_size=30))
def test_fast_path_equals_expat_parser(values: list[object]) -> None:
    sheet, sst = _xlsx_parts(values)
    fast = fastxml.sheet(sheet)
    assert fast is not None  # XlsxWriter's shapes always take the fast path
    _same(fast, ooxml.parse_sheet(sheet, "s"))
    fast_sst = fastxml.shared_strings(sst)
    slow_sst = ooxml.parse_sst(sst, "sst")
    assert fast_sst is None or fast_sst == slow_sst


def test_prefixed_namespace_and_cells_without_r() -> None:
    xml = ('<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<x:sheetData><x:row r="2"><x:c t="inlineStr"><x:is><x:r><x:t>甲</x:t></x:r><x:r><x:t xml:space="preserve"> 乙</x:t>'
           '</x:r></x:is></x:c><x:c><x:v>1.5</x:v></x:c><x:c r="E2"><x:f>SUM(A1:B1)</x:f><x:v>3</x:v></x:c>'
           '<x:c><x:v>7</x:v></x:c></x:row></x:sheetData><x:sheetProtection sheet="1"/></x:worksheet>').encode()
    assert not fastxml.plain(xml, b"worksheet")
    cells, formulas, protected = ooxml.read_sheet(xml, "s")
    assert cells == {"A2": ("inlineStr", "甲 乙"), "B2": (None, "1.5"), "E2": (None, "3"), "F2": (None, "7")}
    assert formulas == {"E2": ("SUM(A1:B1)", None, None)}
    assert protected is True


def test_shared_strings_rich_text_and_phonetic_runs() -> None:
    xml = (f'<sst {NS}><si><t>a_x000D_b</t></si><si><t>plain &amp; simple</t></si><si><r><rPr><b/></rPr><t>富</t></r><r><t>文本</t></r>'
           '<rPh sb="0" eb="1"><t>フ</t></rPh></si><si><t/></si></sst>').encode()
    assert ooxml.read_sst(xml, "sst") == ["a\rb", "plain & simple", "富文本", ""]
    assert fastxml.shared_strings(xml) == ooxml.parse_sst(xml, "sst")
    assert fastxml.shared_strings(f'<sst {NS}><si><t>a_x000D_b</t></si></sst>'.encode()) == ["a\rb"]


def test_comment_or_cdata_takes_the_general_parser() -> None:
    xml = f'<worksheet {NS}><!-- x --><sheetData><row r="1"><c r="A1"><v><![CDATA[5]]></v></c></row></sheetData></worksheet>'
    assert not fastxml.plain(xml.encode(), b"worksheet")
    assert ooxml.read_sheet(xml.encode(), "s")[0] == {"A1": (None, "5")}


def test_unknown_cell_shape_fails_completeness_check() -> None:
    xml = (f'<worksheet {NS}><sheetData><row r="1"><c r="A1" s="1" t="s" cm="1"><v>0</v></c><c r="B1"><v>2</v></c>'
           '</row></sheetData></worksheet>').encode()
    assert fastxml.sheet(xml) is None  # one </c> not matched: never a silent partial read
    assert ooxml.read_sheet(xml, "s")[0] == {"A1": ("s", "0"), "B1": (None, "2")}


def test_shared_formulas_are_expanded() -> None:
    formulas = {"B3": ("A3+$C$1", "0", "B3:B5"), "B4": (None, "0", None), "B5": (None, "0", None),
                "D1": (None, "9", None)}
    assert expand_shared(formulas) == {"B3": "A3+$C$1", "B4": "A4+$C$1", "B5": "A5+$C$1", "D1": None}
    assert shift('IF(A1="A1",SUM(A1:B2),\'封面\'!B3)', 2, 1) == 'IF(B3="A1",SUM(B3:C4),\'封面\'!C5)'


@pytest.mark.parametrize("a,b", [
    ("=SUM($F$17:$F$46)", "sum(F17:F46)"),
    ("IF('封面'!$B$3=\"\",\"\",'封面'!$B$3)", "IF(封面!B3=\"\",\"\",封面!B3)"),
    ("_xlfn.IFERROR(A1, 0)", "IFERROR(A1,0)"),
])
def test_formula_normalisation(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)


def test_whole_workbook_with_prefixed_sheets(tmp_path: Path) -> None:
    """Every sheet rewritten with an x: prefix (as some .NET writers do): same values, no findings."""
    clean = filled(tmp_path / "clean.xlsx")
    base = checked_read(clean)

    def prefix(name: str, data: bytes) -> bytes:
        if not name.startswith("xl/worksheets/sheet"):
            return data
        text = data.decode()
        text = re.sub(r"<(/?)([A-Za-z]+)([ >/])", r"<\1x:\2\3", text)
        text = text.replace('xmlns="http://schemas', 'xmlns:x="http://schemas', 1)
        return text.encode()

    snap = checked_read(rezip(clean, tmp_path / "prefixed.xlsx", prefix))
    assert codes_of(snap) == []
    assert snap.raw == base.raw


def test_small_parts_fast_path_equals_expat(tmp_path: Path) -> None:
    import openpyxl

    clean = filled(tmp_path / "clean.xlsx")
    wb = openpyxl.load_workbook(clean)
    wb.save(tmp_path / "op.xlsx")
    for path in (clean, tmp_path / "op.xlsx"):
        with zipfile.ZipFile(path) as z:
            for name, fast, slow in (("xl/workbook.xml", fastxml.workbook, ooxml.parse_workbook),
                                     ("docProps/custom.xml", fastxml.custom, ooxml.parse_custom),
                                     ("docProps/app.xml", fastxml.app, ooxml.parse_app),
                                     ("_rels/.rels", fastxml.rels, ooxml.parse_rels),
                                     ("xl/_rels/workbook.xml.rels", fastxml.rels, ooxml.parse_rels)):
                data = z.read(name)
                got = fast(data)
                assert got is not None and got is not False, (path.name, name)
                assert got == slow(data, name), (path.name, name)
