"""read_file: one file → Snapshot. Never raises on bad input and never writes to the file.

A fault of the file becomes its finding here; any other exception is a bug of ours and becomes
`internal-error` (the department's file is not blamed)."""

from __future__ import annotations

import hashlib
import os
import struct
from pathlib import Path

from selfeval_xl.layout import build_layout
from selfeval_xl.model import codes
from selfeval_xl.model.faults import internal_error
from selfeval_xl.model.snapshot import Snapshot
from selfeval_xl.read import limits, sniff
from selfeval_xl.read.book import Book
from selfeval_xl.read.budget import Budget
from selfeval_xl.read.cfb import Cfb, scan_biff
from selfeval_xl.read.errors import Refused
from selfeval_xl.read.facts import names_found, raw_values, sheet_facts
from selfeval_xl.read.identify import copies_of, identify
from selfeval_xl.read.legacy import calamine_book, is_ods, read_ods
from selfeval_xl.read.ooxml import read_xlsx
from selfeval_xl.read.zipparts import Parts

_OTHER_OOXML = {"word/": "这是 Word 文档", "ppt/": "这是 PowerPoint 演示文稿"}


def read_file(path: str | os.PathLike[str]) -> Snapshot:
    """What the file holds, as a Snapshot; every problem with it becomes a finding."""
    snap = Snapshot(path=str(path))
    try:
        _read(Path(path), snap)
    except Refused as r:
        _refuse(snap, r)
    except MemoryError:
        _refuse(snap, Refused("too-large", "读取时内存不足"))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 — a bug here is the program's, not the file's
        snap.findings.append(internal_error(exc))
        snap.readable = False
        snap.raw = {}
    return snap


def _refuse(snap: Snapshot, r: Refused) -> None:
    params = dict(r.params)
    spec = codes.CODES[r.code].template
    if "{detail}" in spec:
        params.setdefault("detail", r.detail or "原因不明")
    snap.findings.append(codes.make(r.code, **params))
    snap.readable = False
    snap.raw = {}


def _read(path: Path, snap: Snapshot) -> None:
    try:
        st = path.stat()
    except PermissionError as exc:  # the officer's access rights, not the department's file
        raise Refused("access-denied", "没有读取权限", what="文件") from exc
    except OSError as exc:
        raise Refused("corrupt-file", "文件不存在或无法打开") from exc
    if not path.is_file():
        raise Refused("not-a-workbook", "这是文件夹或特殊文件")
    snap.size, snap.mtime = st.st_size, st.st_mtime
    if st.st_size > limits.MAX_FILE_SIZE:
        snap.sha256 = _stream_hash(path) if st.st_size <= limits.MAX_HASH_SIZE else ""
        raise Refused("too-large", f"文件 {st.st_size / 1024 / 1024:.1f} MB，超过上限 "
                                   f"{limits.MAX_FILE_SIZE // 1024 // 1024} MB")
    try:
        with open(path, "rb") as fh:  # read-only, one read
            data = fh.read(limits.MAX_FILE_SIZE + 1)
    except PermissionError as exc:
        raise Refused("access-denied", "没有读取权限", what="文件") from exc
    except OSError as exc:
        raise Refused("corrupt-file", "文件无法读取") from exc
    snap.size = len(data)
    snap.sha256 = hashlib.sha256(data).hexdigest()
    if len(data) > limits.MAX_FILE_SIZE:
        raise Refused("too-large", f"文件超过上限 {limits.MAX_FILE_SIZE // 1024 // 1024} MB")
    book = _book(data, path, Budget())
    snap.format = book.format
    snap.application = book.application
    template, units, stamp = identify(book)
    copies = copies_of(book, template, stamp)
    snap.stamp = stamp
    snap.template_id, snap.template_version, snap.units, snap.copies = template.id, template.version, units, copies
    if book.format in ("xls", "ods", "xlsb"):  # a note on a recognised template only
        snap.findings.append(codes.make("legacy-format", format="." + book.format))
    layout = build_layout(template, units, copies)
    snap.sheets = sheet_facts(book, layout)
    snap.names = names_found(book, layout)
    snap.raw = raw_values(book, layout)


def _stream_hash(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    except OSError:
        return ""
    return h.hexdigest()


def _book(data: bytes, path: Path, budget: Budget) -> Book:
    kind = sniff.kind(data)
    if kind == "zip":
        parts = Parts(data, budget)
        if is_ods(parts):
            return read_ods(data, parts)
        names = parts.names()
        if parts.has("xl/workbook.xml") or parts.has("_rels/.rels") and any(
                n.lower().endswith("workbook.xml") for n in names):
            fmt = "xlsm" if parts.has("xl/vbaProject.bin") or path.suffix.lower() == ".xlsm" else "xlsx"
            return read_xlsx(parts, fmt)
        if parts.has("xl/workbook.bin"):  # Excel binary workbook: values through calamine
            return calamine_book(data, "xlsb", budget)
        for prefix, what in _OTHER_OOXML.items():
            if any(n.startswith(prefix) for n in names):
                raise Refused("not-a-workbook", what)
        mt = parts.read_opt("mimetype")
        if mt is not None:
            raise Refused("not-a-workbook", "这是其他 OpenDocument 文档")
        if parts.has("[Content_Types].xml"):
            raise Refused("corrupt-file", "缺少工作簿部件 xl/workbook.xml")
        raise Refused("not-a-workbook", "这是普通压缩包，不是工作簿")
    try:
        cfb = Cfb(data)
        names = {n.lower() for n in cfb.names()}
        if "encryptioninfo" in names or "encryptedpackage" in names:
            raise Refused("encrypted")
        stream = cfb.stream("Workbook") or cfb.stream("Book")
        if stream is None:
            raise Refused("not-a-workbook", "这是其他 Office 文档（如 Word .doc）")
        encrypted, sheets = scan_biff(stream)
    except (struct.error, IndexError, ValueError, OverflowError) as exc:
        raise Refused("corrupt-file", "OLE2 复合文档结构损坏") from exc
    if encrypted:
        raise Refused("encrypted")
    for s in sheets:  # before calamine allocates the used range
        if s.area > limits.MAX_USED_AREA:
            raise Refused("too-large", f"工作表“{s.name}”的使用区域为 {s.rows} 行 × {s.cols} 列，"
                                       f"超过上限 {limits.MAX_USED_AREA:,} 个单元格")
    book = calamine_book(data, "xls", budget)
    for s in sheets:
        sd = book.sheets.get(s.name)
        if sd is not None:
            sd.protected = s.protected
            sd.formulas = {a1: (None, None, None) for a1 in s.formulas}
            sd.state = s.state
    return book
