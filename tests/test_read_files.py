"""File-level findings: every hostile container yields its code, the file is untouched, fast."""

from __future__ import annotations

import io
import os
import random
import zipfile
from pathlib import Path

import pytest
from read_samples import FILE_LEVEL, checked_read, codes_of, filled, rezip

from selfeval_xl.read import limits, read_file
from selfeval_xl.spec import default_template


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return filled(tmp_path_factory.mktemp("clean") / "filled.xlsx")


def _only(snap, code: str) -> None:
    assert codes_of(snap) == [code], [(f.code, f.message) for f in snap.findings]
    assert snap.readable is False
    assert snap.raw == {}
    assert all(f.message.strip() for f in snap.findings)


def test_clean_workbook_has_no_file_level_finding(clean: Path) -> None:
    snap = checked_read(clean)
    assert snap.readable
    assert not [c for c in codes_of(snap) if c in FILE_LEVEL]
    assert snap.format == "xlsx"
    assert snap.template_id == "dept-selfeval" and snap.template_version == default_template().version
    assert snap.stamp["template_id"] == "dept-selfeval"
    assert snap.application and "Excel" in snap.application
    assert snap.raw["expenditure.total"] == 96
    assert snap.raw["income.carryover"] == 16.18


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "空.xlsx"
    p.write_bytes(b"")
    _only(checked_read(p), "empty-file")


@pytest.mark.parametrize("name,data", [
    ("random.xlsx", bytes(random.Random(7).randrange(256) for _ in range(5000))),
    ("report.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
    ("data.xlsx", "预算编码,部门名称\n906017,临湘市委网信办\n".encode("gbk")),
    ("page.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>"),
])
def test_not_a_workbook(tmp_path: Path, name: str, data: bytes) -> None:
    p = tmp_path / name
    p.write_bytes(data)
    _only(checked_read(p), "not-a-workbook")


def test_pdf_message_says_pdf(tmp_path: Path) -> None:
    p = tmp_path / "a.xlsx"
    p.write_bytes(b"%PDF-1.4\n")
    assert "PDF" in read_file(p).findings[0].message


def test_truncated_zip(tmp_path: Path, clean: Path) -> None:
    data = clean.read_bytes()
    p = tmp_path / "truncated.xlsx"
    p.write_bytes(data[: len(data) // 2])
    _only(checked_read(p), "corrupt-file")


def test_broken_xml_part(tmp_path: Path, clean: Path) -> None:
    p = rezip(clean, tmp_path / "broken.xlsx",
              lambda n, d: d[: len(d) // 2] if n == "xl/worksheets/sheet5.xml" else d)
    _only(checked_read(p), "corrupt-file")


def test_missing_workbook_part(tmp_path: Path, clean: Path) -> None:
    p = rezip(clean, tmp_path / "nowb.xlsx", lambda n, d: None if n == "xl/workbook.xml" else d)
    _only(checked_read(p), "corrupt-file")


def test_missing_sheet_part(tmp_path: Path, clean: Path) -> None:
    p = rezip(clean, tmp_path / "nosheet.xlsx", lambda n, d: None if n == "xl/worksheets/sheet3.xml" else d)
    _only(checked_read(p), "corrupt-file")


def test_word_document_is_not_a_workbook(tmp_path: Path) -> None:
    p = tmp_path / "a.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    _only(checked_read(p), "not-a-workbook")


def test_password_encrypted_workbook(tmp_path: Path, clean: Path) -> None:
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with clean.open("rb") as fh:
        OOXMLFile(fh).encrypt("123456", out)
    p = tmp_path / "加密.xlsx"
    p.write_bytes(out.getvalue())
    snap = checked_read(p)
    _only(snap, "encrypted")
    assert "密码" in snap.findings[0].message
    del msoffcrypto


def test_zip_bomb_by_ratio(tmp_path: Path, clean: Path) -> None:
    """A sheet part inflating > 100× (5 MB of blanks in a few KB) is refused before inflating."""
    bomb = b'<?xml version="1.0"?><worksheet>' + b" " * (5 * 1024 * 1024) + b"</worksheet>"
    p = rezip(clean, tmp_path / "bomb.xlsx", lambda n, d: bomb if n == "xl/worksheets/sheet2.xml" else d)
    assert p.stat().st_size < 200_000
    snap = checked_read(p)
    _only(snap, "too-large")
    assert "压缩" in snap.findings[0].message


def test_zip_bomb_by_entry_size(tmp_path: Path, clean: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ENTRY_SIZE", 1000)
    _only(checked_read(clean), "too-large")


def test_too_many_entries(tmp_path: Path, clean: Path) -> None:
    def add(name: str, data: bytes) -> bytes:
        return data

    p = rezip(clean, tmp_path / "many.xlsx", add)
    with zipfile.ZipFile(p, "a") as z:
        for i in range(limits.MAX_ENTRY_COUNT + 1):
            z.writestr(f"junk/{i}.txt", "")
    _only(checked_read(p), "too-large")


def test_xml_entity_bomb(tmp_path: Path, clean: Path) -> None:
    """Billion laughs in sharedStrings.xml: refused from the entity declaration, not expanded."""
    lol = ['<!ENTITY lol "lol">'] + [f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                                     for i in range(1, 10)]
    bomb = ('<?xml version="1.0"?><!DOCTYPE sst [' + "".join(lol) + ']>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
            '<si><t>&lol9;</t></si></sst>').encode()
    p = rezip(clean, tmp_path / "lol.xlsx", lambda n, d: bomb if n == "xl/sharedStrings.xml" else d)
    snap = checked_read(p)
    _only(snap, "too-large")
    assert "实体" in snap.findings[0].message


def test_file_over_size_limit(tmp_path: Path, clean: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_FILE_SIZE", 1000)
    snap = checked_read(clean)
    _only(snap, "too-large")


def test_too_many_cells(clean: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_CELLS", 50)
    _only(checked_read(clean), "too-large")


def test_unrelated_workbook(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "工资表"
    wb.active["B2"] = 123
    wb.create_sheet("Sheet2")
    p = tmp_path / "其他.xlsx"
    wb.save(p)
    _only(checked_read(p), "unknown-template")


def test_missing_path_does_not_raise(tmp_path: Path) -> None:
    snap = read_file(tmp_path / "不存在.xlsx")
    assert snap.readable is False and codes_of(snap) == ["corrupt-file"]


def test_directory_does_not_raise(tmp_path: Path) -> None:
    snap = read_file(tmp_path)
    assert snap.readable is False and codes_of(snap) == ["not-a-workbook"]


def test_random_damage_never_raises(tmp_path: Path, clean: Path) -> None:
    """Bytes flipped anywhere in a real workbook: a Snapshot, never an exception."""
    data = bytearray(clean.read_bytes())
    rnd = random.Random(3)
    p = tmp_path / "damaged.xlsx"
    for _ in range(40):
        d = bytearray(data)
        for _ in range(rnd.randint(1, 20)):
            d[rnd.randrange(len(d))] = rnd.randrange(256)
        p.write_bytes(bytes(d))
        snap = checked_read(p)
        assert isinstance(snap.findings, list)


def test_unreadable_file_permissions(tmp_path: Path, clean: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads everything")
    p = tmp_path / "locked.xlsx"
    p.write_bytes(clean.read_bytes())
    p.chmod(0)
    assert read_file(p).readable is False


@pytest.mark.parametrize("prefixed", [False, True])
def test_cell_limit_stops_during_the_parse(tmp_path: Path, clean: Path, monkeypatch: pytest.MonkeyPatch,
                                           prefixed: bool) -> None:
    """A dense sheet is refused while parsing (fast and general parser), before it fills memory."""
    monkeypatch.setattr(limits, "MAX_CELLS", 1000)
    p = "x:" if prefixed else ""
    ns = "xmlns:x" if prefixed else "xmlns"
    rows = "".join(f'<{p}row r="{i}"><{p}c r="A{i}"><{p}v>{i}</{p}v></{p}c></{p}row>' for i in range(1, 3000))
    sheet = (f'<?xml version="1.0"?><{p}worksheet {ns}="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f"<{p}sheetData>{rows}</{p}sheetData></{p}worksheet>").encode()
    path = rezip(clean, tmp_path / "dense.xlsx", lambda n, d: sheet if n == "xl/worksheets/sheet1.xml" else d)
    _only(checked_read(path), "too-large")


def _rec(typ: int, body: bytes) -> bytes:
    import struct

    return struct.pack("<HH", typ, len(body)) + body


def test_biff_scan_finds_filepass_protection_and_formulas() -> None:
    import struct

    from selfeval_xl.read.cfb import scan_biff

    bof = _rec(0x0809, b"\x00\x06\x05\x00" + b"\x00" * 12)
    name = "收入".encode("utf-16-le")
    globals_len = len(bof) + len(_rec(0x0085, b"\x00" * 8 + name)) + len(_rec(0x000A, b""))
    boundsheet = _rec(0x0085, struct.pack("<IBBBB", globals_len, 0, 0, 2, 1) + name)
    stream = bof + boundsheet + _rec(0x000A, b"")
    stream += bof + _rec(0x0012, b"\x01\x00") + _rec(0x0006, struct.pack("<HH", 4, 7) + b"\x00" * 16) + _rec(0x000A, b"")
    encrypted, sheets = scan_biff(stream)
    assert encrypted is False
    assert [(s.name, s.protected, s.formulas) for s in sheets] == [("收入", True, {"H5"})]
    assert scan_biff(bof + _rec(0x002F, b"\x01\x00" + b"\x00" * 52))[0] is True


def test_ole2_without_workbook_is_not_a_workbook(tmp_path: Path) -> None:
    msoffcrypto = pytest.importorskip("msoffcrypto")
    del msoffcrypto
    from selfeval_xl.read.cfb import Cfb

    # an encrypted package is a valid OLE2 file: its directory must parse
    clean = filled(tmp_path / "c.xlsx")
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with clean.open("rb") as fh:
        OOXMLFile(fh).encrypt("x", out)
    names = Cfb(out.getvalue()).names()
    assert {"EncryptionInfo", "EncryptedPackage"} <= names
    truncated = tmp_path / "t.xls"
    truncated.write_bytes(out.getvalue()[:700])
    snap = checked_read(truncated)
    assert snap.readable is False and codes_of(snap)[0] in ("corrupt-file", "encrypted")


def test_mangled_xml_inside_a_valid_zip_never_raises(tmp_path: Path, clean: Path) -> None:
    """Parts damaged before zipping (CRC valid): cut, duplicated or sprinkled with markup."""
    with zipfile.ZipFile(clean) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    rnd = random.Random(11)
    names = [n for n in parts if n.endswith((".xml", ".rels"))]
    junk = [b"<", b">", b"</c>", b"<c r=\"B6\">", b"&", b"&amp;", b"<!--", b"\"", b"<v>", b"]]>", b"\x00", b"\xff"]
    p = tmp_path / "mangled.xlsx"
    for _ in range(60):
        name = rnd.choice(names)
        data = bytearray(parts[name])
        i, j = sorted(rnd.randrange(len(data) + 1) for _ in range(2))
        op = rnd.randrange(3)
        if op == 0:
            del data[i:j]
        elif op == 1:
            data[i:i] = data[i:j]
        else:
            for _ in range(rnd.randint(1, 5)):
                k = rnd.randrange(len(data) + 1)
                data[k:k] = rnd.choice(junk)
        rezip(clean, p, lambda n, d, name=name, data=bytes(data): data if n == name else d)
        snap = checked_read(p)
        assert snap.readable or snap.findings


def test_memory_does_not_grow_with_files_read(clean: Path) -> None:
    import gc
    import tracemalloc

    for _ in range(20):
        read_file(clean)  # warm the caches (spec, layout, check plan)
    gc.collect()
    tracemalloc.start()
    try:
        for _ in range(50):
            read_file(clean)
        gc.collect()
        after_50 = tracemalloc.get_traced_memory()[0]
        for _ in range(250):
            read_file(clean)
        gc.collect()
        after_300 = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert after_300 - after_50 < 256 * 1024, (after_50, after_300)


@pytest.mark.parametrize("part,root", [("xl/worksheets/sheet5.xml", "worksheet"), ("xl/workbook.xml", "workbook"),
                                       ("docProps/custom.xml", "Properties"), ("_rels/.rels", "Relationships")])
def test_entity_declarations_refused_in_every_part(tmp_path: Path, clean: Path, part: str, root: str) -> None:
    def bomb(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        text = data.decode()
        i = text.index("<" + root)
        return (text[:i] + f'<!DOCTYPE {root} [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' + text[i:]).encode()

    snap = checked_read(rezip(clean, tmp_path / "ent.xlsx", bomb))
    _only(snap, "too-large")


def test_xlsm_is_read_like_xlsx(tmp_path: Path, clean: Path) -> None:
    p = tmp_path / "宏.xlsm"
    p.write_bytes(clean.read_bytes())
    snap = checked_read(p)
    assert snap.format == "xlsm" and snap.readable and codes_of(snap) == []
