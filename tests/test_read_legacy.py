"""The .xls/.ods side: encrypted .ods, absurd used ranges, notes only on recognised templates,
and messages a person can read (committed LibreOffice files; no LibreOffice needed here)."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import openpyxl
from read_samples import checked_read, codes_of, judged, judged_codes

from selfeval_xl.read import isolate, limits
from selfeval_xl.read.cfb import scan_biff

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_password_protected_ods_is_encrypted() -> None:
    """A LibreOffice .ods saved with a password (the manifest lists encryption data)."""
    snap = checked_read(FIXTURES / "encrypted-123456.ods")
    assert codes_of(snap) == ["encrypted"] and not snap.readable
    assert "密码" in snap.findings[0].message


def _rec(typ: int, body: bytes) -> bytes:
    return struct.pack("<HH", typ, len(body)) + body


def test_biff_scan_measures_the_used_range() -> None:
    bof = _rec(0x0809, b"\x00\x06\x10\x00" + b"\x00" * 12)
    name = "收入".encode("utf-16-le")
    globals_len = len(bof) + len(_rec(0x0085, b"\x00" * 8 + name)) + len(_rec(0x000A, b""))
    stream = bof + _rec(0x0085, struct.pack("<IBBBB", globals_len, 0, 0, 2, 1) + name) + _rec(0x000A, b"")
    stream += bof + _rec(0x0203, struct.pack("<HHH", 0, 0, 0) + b"\x00" * 8)  # NUMBER at A1
    stream += _rec(0x00BE, struct.pack("<HHHHH", 65535, 250, 0, 0, 255))  # MULBLANK to IV65536
    stream += _rec(0x000A, b"")
    _enc, sheets = scan_biff(stream)
    assert (sheets[0].rows, sheets[0].cols) == (65536, 256)
    assert sheets[0].area > limits.MAX_USED_AREA


def test_xls_with_an_absurd_used_range_is_too_large(tmp_path: Path) -> None:
    """The .xls re-save with a value at IV65536: refused from its records, before calamine."""
    data = bytearray((FIXTURES / "resaved.xls").read_bytes())
    # the committed file's first worksheet NUMBER/LABELSST record moved to row 65535, column 255
    snap_before = checked_read(FIXTURES / "resaved.xls")
    assert snap_before.readable
    i = _first_cell_record(bytes(data))
    struct.pack_into("<HH", data, i + 4, 65535, 255)
    p = tmp_path / "wide.xls"
    p.write_bytes(bytes(data))
    snap = checked_read(p)
    assert codes_of(snap) == ["too-large"] and "使用区域" in snap.findings[0].message


def _first_cell_record(data: bytes) -> int:
    from selfeval_xl.read.cfb import Cfb

    stream = Cfb(data).stream("Workbook")
    assert stream is not None
    start = data.find(stream[:512])  # the stream's first sector lies in the file as is
    pos, seen_bof = 0, 0
    while pos + 4 <= len(stream):
        typ, length = struct.unpack_from("<HH", stream, pos)
        seen_bof += typ == 0x0809
        if seen_bof >= 2 and typ in (0x0203, 0x00FD, 0x027E) and pos + 512 < len(stream):
            j = data.find(stream[pos:pos + 24], start)
            if j >= 0:
                return j
        pos += 4 + length
    raise AssertionError("no cell record found in one piece")


def test_a_child_out_of_memory_is_too_large() -> None:
    def hog() -> bytes:
        raise MemoryError

    import pytest

    from selfeval_xl.read.errors import Refused

    with pytest.raises(Refused) as exc:
        isolate.run(hog, what=".xls 文件")
    assert exc.value.code == "too-large" and "MemoryError" not in exc.value.detail


def test_legacy_note_only_on_a_recognised_template(tmp_path: Path) -> None:
    """An .xls/.ods that is not our template: unknown-template alone, no "已按原模板读取"."""
    import lo  # conversion of an unrelated workbook needs LibreOffice

    if not lo.soffice_available():
        import pytest

        pytest.skip("needs soffice")
    wb = openpyxl.Workbook()
    wb.active["A1"] = "工资表"
    wb.save(tmp_path / "other.xlsx")
    for fmt in ("xls", "ods"):
        snap, sub = judged(lo.convert(tmp_path / "other.xlsx", fmt, tmp_path / fmt))
        assert judged_codes(sub) == ["unknown-template"], fmt


def test_unknown_encoding_is_corrupt_not_an_exception_name(tmp_path: Path) -> None:
    with zipfile.ZipFile(FIXTURES / "resaved.ods") as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["content.xml"] = b'<?xml version="1.0" encoding="x-no-such"?>' + parts["content.xml"].split(b"?>", 1)[1]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n, d in parts.items():
            z.writestr(n, d, zipfile.ZIP_STORED if n == "mimetype" else zipfile.ZIP_DEFLATED)
    p = tmp_path / "enc.ods"
    p.write_bytes(out.getvalue())
    snap = checked_read(p)
    assert codes_of(snap) == ["corrupt-file"] and "LookupError" not in snap.findings[0].message


def test_ods_with_an_absurd_used_range_is_too_large(tmp_path: Path) -> None:
    """One value repeated over every column of a million rows: refused from content.xml."""
    with zipfile.ZipFile(FIXTURES / "resaved.ods") as z:
        parts = {n: z.read(n) for n in z.namelist()}
    text = parts["content.xml"].decode()
    i = text.index("<table:table-row", text.index("<table:table "))
    wide = ('<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated='
            '"1024" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>')
    parts["content.xml"] = (text[:i] + wide + text[i:]).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n, d in parts.items():
            z.writestr(n, d, zipfile.ZIP_STORED if n == "mimetype" else zipfile.ZIP_DEFLATED)
    p = tmp_path / "wide.ods"
    p.write_bytes(out.getvalue())
    snap = checked_read(p)
    assert codes_of(snap) == ["too-large"] and "使用区域" in snap.findings[0].message


def test_fods_and_a_csv_cut_mid_character_are_described(tmp_path: Path) -> None:
    fods = tmp_path / "a.xlsx"
    fods.write_bytes(b'<?xml version="1.0" encoding="UTF-8"?>\n<office:document xmlns:office='
                     b'"urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:mimetype='
                     b'"application/vnd.oasis.opendocument.spreadsheet"></office:document>')
    assert "fods" in checked_read(fods).findings[0].message
    csv = tmp_path / "b.xlsx"
    csv.write_bytes(b"a," * 1023 + b"a" + "部门名称\n".encode() * 10)  # byte 2048 falls inside 部
    assert "文本文件" in checked_read(csv).findings[0].message
