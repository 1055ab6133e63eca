"""The xlsx parser reads what Excel shows: a real XML parser, only <c> inside <sheetData>, PIs and
comments ignored, prefixes resolved, malformed or ambiguous parts refused with a reason."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from read_samples import checked_read, codes_of, filled, rezip

from selfeval_xl.check import check_snapshot
from selfeval_xl.check.formula_text import normalise
from selfeval_xl.read import read_file
from selfeval_xl.read.budget import Budget
from selfeval_xl.read.errors import Refused
from selfeval_xl.read.formula import expand_shared, shift
from selfeval_xl.read.ooxml import parse_sst, parse_workbook
from selfeval_xl.read.sheetxml import parse_sheet

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = next((ROOT / "samples" / "submissions").glob("907001_*支出合计不符.xlsx"))
SPENDING = "xl/worksheets/sheet4.xml"  # the 收支情况 sheet of the generated template (1.1)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _sheet(body: str, head: str = "") -> bytes:
    return f'<?xml version="1.0"?>{head}<worksheet {NS}><sheetData>{body}</sheetData></worksheet>'.encode()


def _cells(xml: bytes) -> dict[str, tuple[str | None, str]]:
    return parse_sheet(xml, "s", Budget()).cells


def _refused(xml: bytes, code: str = "corrupt-file") -> str:
    with pytest.raises(Refused) as exc:
        parse_sheet(xml, "s", Budget())
    assert exc.value.code == code
    return exc.value.detail


def _after_b11(fake: str):
    """A change for rezip: `fake` inserted right after the real B11 cell (支出合计) of the 收支情况 sheet."""
    def change(name: str, data: bytes) -> bytes:
        if name != SPENDING:
            return data
        text = data.decode("utf-8")
        i = text.index('<c r="B11"')
        j = text.index("</c>", i) + len("</c>")
        return (text[:j] + fake + text[j:]).encode("utf-8")
    return change


@pytest.mark.parametrize("fake", [
    '<?x <c r="B11"><v>97</v></c>?>',  # the exploit: a processing instruction
    '<!-- <c r="B11"><v>97</v></c> -->',
])
def test_markup_hidden_from_excel_cannot_change_a_value(tmp_path: Path, fake: str) -> None:
    """The sample reads 96 with a sum mismatch; a cell hidden in a PI or comment changes nothing."""
    base = check_snapshot(read_file(SAMPLE))
    assert base.values["expenditure.total"] == 96
    assert "sum-mismatch" in [f.code for f in base.findings]
    doctored = rezip(SAMPLE, tmp_path / "doctored.xlsx", _after_b11(fake))
    assert fake.encode() in zipfile.ZipFile(doctored).read(SPENDING)
    sub = check_snapshot(checked_read(doctored))
    assert sub.values["expenditure.total"] == 96
    assert [(f.code, f.cell) for f in sub.findings] == [(f.code, f.cell) for f in base.findings]


def test_a_second_b11_is_refused_not_chosen(tmp_path: Path) -> None:
    snap = checked_read(rezip(SAMPLE, tmp_path / "dup.xlsx", _after_b11('<c r="B11"><v>97</v></c>')))
    assert codes_of(snap) == ["corrupt-file"] and not snap.readable
    assert "B11" in snap.findings[0].message and "两次" in snap.findings[0].message


@pytest.mark.parametrize("body,why", [
    ('<row r="1"><c r="A1"><v>1</v></row></c>', "标签不配对"),  # bad nesting
    ('<row r="1"><c r="A1"><v>1&nbsp;</v></c></row>', "未定义的实体"),
    ('<row r="1"><c r="A1"><v>1</v></c></row><c r="B1"><v>2</v></c>', "sheetData中出现了不应有的元素 c"),
    ('<row r="1"><c r="A1"><x><v>1</v></x></c></row>', "单元格中出现了不应有的元素 x"),
    ('<row r="1"><c r="A1"><v>1</v><v>2</v></c></row>', "两个值"),
    ('<row r="1"><c r="A2"><v>1</v></c></row>', "不在所属的第 1 行"),
    ('<row r="1"><c r="a1"><v>1</v></c></row>', "无效"),
    ('<row r="1"><c r="A1" t="zz"><v>1</v></c></row>', "类型"),
    ('<row r="1"><c r="A1" t="inlineStr"><v>1</v><is><t>x</t></is></c></row>', "同时有内嵌字符串和值"),
    ('<row r="1"><c r="A1"><is><t>x</t></is></c></row>', "类型不是 inlineStr"),
])
def test_malformed_or_ambiguous_sheets_are_refused(body: str, why: str) -> None:
    assert why in _refused(_sheet(body))


def test_trailing_garbage_and_truncation_are_refused() -> None:
    assert "根元素之后" in _refused(_sheet('<row r="1"/>') + b"<c/>")
    assert _refused(_sheet('<row r="1"/>')[:-5])


def test_doctype_is_refused_even_without_entities() -> None:
    """With an external DTD expat would skip `&nbsp;` silently: no DTD is accepted at all."""
    xml = _sheet('<row r="1"><c r="A1" t="str"><v>a&nbsp;b</v></c></row>', '<!DOCTYPE worksheet SYSTEM "x.dtd">')
    assert "DOCTYPE" in _refused(xml) or "实体" in _refused(xml)


def test_cells_outside_sheet_data_are_not_cells() -> None:
    xml = (f'<worksheet {NS}><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'
           '<extLst><ext><c r="A1"><v>9</v></c><c r="B1"><v>9</v></c></ext></extLst>'
           '<sheetProtection sheet="1"/></worksheet>').encode()
    got = parse_sheet(xml, "s", Budget())
    assert got.cells == {"A1": (None, "1")} and got.protected is True


def test_prefixes_cdata_comments_and_cells_without_r() -> None:
    xml = ('<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<!-- c --><x:sheetData><x:row r="2"><x:c t="inlineStr"><x:is><x:r><x:t>甲</x:t></x:r>'
           '<x:r><x:t xml:space="preserve"> 乙</x:t></x:r><x:rPh><x:t>yi</x:t></x:rPh></x:is></x:c>'
           '<x:c><x:v><![CDATA[1.5]]></x:v></x:c><c xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
           ' r="E2"><f>SUM(A1:B1)</f><v>3</v></c><x:c><?pi <x:v>8</x:v>?><x:v>7</x:v></x:c></x:row></x:sheetData>'
           '<x:sheetProtection sheet="1"/></x:worksheet>').encode()
    got = parse_sheet(xml, "s", Budget())
    assert got.cells == {"A2": ("inlineStr", "甲 乙"), "B2": (None, "1.5"), "E2": (None, "3"), "F2": (None, "7")}
    assert got.formulas == {"E2": ("SUM(A1:B1)", None, None)}
    assert got.protected is True


def test_a_cell_in_another_namespace_is_refused() -> None:
    xml = _sheet('<row r="1"><y:c xmlns:y="urn:other" r="A1"><y:v>9</y:v></y:c></row>')
    assert "不应有的元素 c" in _refused(xml)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be"])
def test_bom_and_utf16_parts(encoding: str) -> None:
    decl = "" if encoding == "utf-8-sig" else '<?xml version="1.0" encoding="UTF-16"?>'
    text = f'{decl}<worksheet {NS}><sheetData><row r="1"><c r="A1" t="str"><v>部门</v></c></row></sheetData></worksheet>'
    data = ("\ufeff" + text).encode(encoding) if encoding == "utf-16-be" else text.encode(encoding)
    assert _cells(data) == {"A1": ("str", "部门")}


def test_shared_strings_rich_text_phonetic_and_space() -> None:
    xml = (f'<sst {NS}><si><t>a_x000D_b</t></si><si><t>plain &amp; simple</t></si><si><r><rPr><b/></rPr><t>富</t></r>'
           '<r><t xml:space="preserve"> 文本 </t></r><rPh sb="0" eb="1"><t>フ</t></rPh></si><si><t/></si>'
           '<si><t><![CDATA[<c r="A1">]]></t></si><!-- <si><t>x</t></si> --></sst>').encode()
    assert parse_sst(xml, "sst", Budget()) == ["a\rb", "plain & simple", "富 文本 ", "", '<c r="A1">']


@pytest.mark.parametrize("body", ["<si><t>a</t><t>b</t></si>", "<si><t>a</t><r><t>b</t></r></si>",
                                  "<si><t>a<b/></t></si>", "<x/>"])
def test_ambiguous_shared_strings_are_refused(body: str) -> None:
    with pytest.raises(Refused) as exc:
        parse_sst(f"<sst {NS}>{body}</sst>".encode(), "sst", Budget())
    assert exc.value.code == "corrupt-file"


def test_duplicate_sheet_or_defined_names_are_refused() -> None:
    head = f'<workbook {NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    ok = (head + '<sheets><sheet name="A" sheetId="1" r:id="rId1"/></sheets><definedNames>'
          "<definedName name=\"x\">'A'!$A$1</definedName><definedName name=\"x\" localSheetId=\"0\">A!B1</definedName>"
          "</definedNames></workbook>").encode()
    assert parse_workbook(ok, "wb", Budget()) == ([("A", "rId1", "visible")], {"x": "'A'!$A$1"}, False)
    for bad in ('<sheets><sheet name="A" r:id="rId1"/><sheet name="a" r:id="rId2"/></sheets>',
                '<definedNames><definedName name="x">A!A1</definedName><definedName name="X">A!A2</definedName>'
                "</definedNames>"):
        with pytest.raises(Refused):
            parse_workbook((head + bad + "</workbook>").encode(), "wb", Budget())


def test_number_cells_holding_text_refuse_the_file(tmp_path: Path) -> None:
    """A number cell Excel could not show (text, an index past the strings) is not guessed at."""
    for bad in ('<c r="B11"><v>9 6</v></c>', '<c r="B11" t="s"><v>99999</v></c>', '<c r="B11" t="b"><v>2</v></c>'):
        def swap(name: str, data: bytes, bad: str = bad) -> bytes:
            if name != SPENDING:
                return data
            text = data.decode()
            i = text.index('<c r="B11"')
            j = text.index("</c>", i) + 4
            return (text[:i] + bad + text[j:]).encode()
        snap = checked_read(rezip(SAMPLE, tmp_path / "bad.xlsx", swap))
        assert codes_of(snap) == ["corrupt-file"], bad


def test_whole_workbook_with_prefixed_parts(tmp_path: Path) -> None:
    """Every sheet and the shared strings written with an x: prefix (as some .NET writers do)."""
    clean = filled(tmp_path / "clean.xlsx")
    base = checked_read(clean)

    def prefix(name: str, data: bytes) -> bytes:
        if not (name.startswith("xl/worksheets/sheet") or name == "xl/sharedStrings.xml"):
            return data
        text = data.decode()
        out, i = [], 0
        while (j := text.find("<", i)) >= 0:
            out.append(text[i:j + 1])
            if text[j + 1] not in "?!":
                out.append("/x:" if text[j + 1] == "/" else "x:")
                j += text[j + 1] == "/"
            i = j + 1
        out.append(text[i:])
        return "".join(out).replace('xmlns="http://schemas', 'xmlns:x="http://schemas', 1).encode()

    snap = checked_read(rezip(clean, tmp_path / "prefixed.xlsx", prefix))
    assert codes_of(snap) == []
    assert snap.raw == base.raw


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


def test_openpyxl_resave_reads_the_same(tmp_path: Path) -> None:
    import openpyxl

    clean = filled(tmp_path / "clean.xlsx")
    wb = openpyxl.load_workbook(clean)
    wb.save(tmp_path / "op.xlsx")
    assert checked_read(tmp_path / "op.xlsx").raw == checked_read(clean).raw
