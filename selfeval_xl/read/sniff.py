"""What kind of container a file is, from its first bytes (never from its extension)."""

from __future__ import annotations

import codecs
import struct

from selfeval_xl.read import limits
from selfeval_xl.read.errors import Refused

ZIP = b"PK\x03\x04"
ZIP_EMPTY = b"PK\x05\x06"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EOCD = b"PK\x05\x06"


def kind(data: bytes) -> str:
    """'zip' | 'ole2'; anything else raises Refused(not-a-workbook) with a description."""
    if not data:
        raise Refused("empty-file")
    if data.startswith(ZIP):
        return "zip"
    if data.startswith(ZIP_EMPTY):
        raise Refused("not-a-workbook", "空的压缩包")
    if data.startswith(OLE2):
        return "ole2"
    raise Refused("not-a-workbook", describe(data))


def describe(data: bytes) -> str:
    """A short Chinese description of a non-workbook file, for the message."""
    head = data[:2048]
    if head.startswith(b"%PDF"):
        return "这是 PDF 文件"
    if head[:4] in (b"\x89PNG", b"GIF8") or head[:3] == b"\xff\xd8\xff":
        return "这是图片文件"
    if head.startswith((b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")):
        return "这是其他格式的压缩包"
    if head.startswith(b"{\\rtf"):
        return "这是 RTF 文档"
    low = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if low.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or b"<html" in low[:512]:
        return "这是网页（HTML）文件，常见于系统导出的“伪 .xls”"
    if low.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in data[:8192]:
        return "这是 Excel 2003 XML 表格"
    if b"urn:oasis:names:tc:opendocument:xmlns:office" in data[:8192] and b"office:document" in data[:8192]:
        return "这是 OpenDocument 单文件表格（.fods），请另存为 .xlsx"
    if _texty(head):
        return "这是文本文件（如 CSV）"
    return "文件内容无法识别"


def _texty(head: bytes) -> bool:
    """Text in UTF-8 or GB18030; the head may end in the middle of a character."""
    if b"\x00" in head:
        return False
    for enc in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(enc)().decode(head, final=False)
            return True
        except UnicodeDecodeError:
            continue
    return False


def zip_precheck(data: bytes) -> None:
    """Entry count from the end-of-central-directory record, before zipfile parses the directory.

    A zip without that record is truncated (corrupt-file); too many entries is too-large.
    """
    tail_start = max(0, len(data) - 65536 - 22)
    i = data.rfind(EOCD, tail_start)
    if i < 0 or i + 22 > len(data):
        raise Refused("corrupt-file", "压缩包不完整（文件可能在传输中被截断）")
    (total,) = struct.unpack_from("<H", data, i + 10)
    if total == 0xFFFF:  # zip64: the real count is in the zip64 record; zipfile reads it
        return
    if total > limits.MAX_ENTRY_COUNT:
        raise Refused("too-large", f"压缩包内有 {total} 个部件，超过上限 {limits.MAX_ENTRY_COUNT}")
