"""Which kind of report a file is, and its blocks: .docx (zip), .doc (converted by LibreOffice),
or text (UTF-8 or GB18030). A password-protected Word file is `encrypted`; a .doc on a machine
without LibreOffice is `libreoffice-missing`; anything else that is no report is `unknown-template`. Never executes anything: no macros, no fields evaluated."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from selfeval_xl.importer.blocks import Block
from selfeval_xl.importer.doc import converter
from selfeval_xl.importer.text import MAX_TEXT_CHARS, text_blocks
from selfeval_xl.importer.wordml import docx_blocks
from selfeval_xl.model.precedence import IMPORTED_PREFIX
from selfeval_xl.read import limits
from selfeval_xl.read.cfb import Cfb
from selfeval_xl.read.errors import Refused
from selfeval_xl.read.sniff import OLE2, ZIP

REPORT_SUFFIXES = (".docx", ".doc", ".txt")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (what Chinese Windows saves); else refused."""
    if b"\x00" in data[:4096]:
        raise Refused("unknown-template", "既不是 Word 文档也不是文本文件")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if len(text) > MAX_TEXT_CHARS:
            raise Refused("too-large", f"文本超过 {MAX_TEXT_CHARS:,} 字，不是自评报告")
        return text
    raise Refused("unknown-template", "文本编码无法识别（应为 UTF-8 或 GB18030）")


def _ole2_kind(data: bytes) -> str:
    """'encrypted' (a password-protected .docx is an OLE2 file with EncryptionInfo and
    EncryptedPackage streams), 'doc' (a WordDocument stream), else refused."""
    import struct

    try:
        names = {n.lower() for n in Cfb(data).names()}
    except (struct.error, IndexError, ValueError, OverflowError) as exc:
        raise Refused("corrupt-file", "OLE2 复合文档结构损坏") from exc
    if "encryptioninfo" in names or "encryptedpackage" in names:
        return "encrypted"
    if "worddocument" in names:
        return "doc"
    raise Refused("unknown-template", "这是其他 Office 文档，不是 Word 自评报告")


def read_blocks(path: Path, starts_paragraph, convert_doc=None) -> tuple[str, list[Block]]:  # noqa: ANN001
    """(format, blocks) of one report file; raises Refused with the finding code."""
    size = path.stat().st_size
    if size == 0:
        raise Refused("empty-file")
    if size > limits.MAX_FILE_SIZE:
        raise Refused("too-large", f"文件大于 {limits.MAX_FILE_SIZE // (1024 * 1024)} MB")
    data = path.read_bytes()
    if data.startswith(ZIP):
        return f"{IMPORTED_PREFIX}docx", docx_blocks(data)
    if data.startswith(OLE2):
        if _ole2_kind(data) == "encrypted":
            raise Refused("encrypted")
        if convert_doc is None:  # one file on its own: a converter for it alone
            with converter() as convert:
                return _doc_blocks(path, convert)
        return _doc_blocks(path, convert_doc)
    return f"{IMPORTED_PREFIX}text", text_blocks(decode_text(data), starts_paragraph)


def _doc_blocks(path: Path, convert_doc: Callable[[Path, Path], Path]) -> tuple[str, list[Block]]:
    """A .doc converted to .docx by LibreOffice (`libreoffice-missing` when it is not installed)."""
    with tempfile.TemporaryDirectory(prefix="selfeval-doc-") as d:
        docx = convert_doc(path, Path(d))
        return f"{IMPORTED_PREFIX}doc", docx_blocks(docx.read_bytes())
