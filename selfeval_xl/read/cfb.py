"""A minimal, bounded OLE2 (Compound File Binary) reader and BIFF8 record scan.

Used for two cheap facts calamine does not give: whether an OLE2 file is a password-encrypted
OOXML package (streams EncryptionInfo/EncryptedPackage) or an encrypted .xls (FILEPASS record),
and, for a plain .xls, each sheet's protection flag and which cells hold formulas (FORMULA
records; the formula text itself, tokenised RPN, is not decoded).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from selfeval_xl.layout.cells import col_letter
from selfeval_xl.read.errors import Refused

ENDOFCHAIN = 0xFFFFFFFE
FREESECT = 0xFFFFFFFF
_BAD = "OLE2 复合文档结构损坏"


class Cfb:
    def __init__(self, data: bytes) -> None:
        if len(data) < 512:
            raise Refused("corrupt-file", _BAD)
        self.data = data
        shift, mshift = struct.unpack_from("<HH", data, 0x1E)
        if not 7 <= shift <= 16 or not 2 <= mshift <= shift:
            raise Refused("corrupt-file", _BAD)
        self.ss = 1 << shift
        self.mss = 1 << mshift
        nfat, first_dir = struct.unpack_from("<II", data, 0x2C)
        (self.cutoff,) = struct.unpack_from("<I", data, 0x38)
        first_mini, nmini, first_difat, ndifat = struct.unpack_from("<IIII", data, 0x3C)
        self.nsect = max(0, (len(data) - 512) // self.ss + 1)
        difat = list(struct.unpack_from("<109I", data, 0x4C))
        sect, guard = first_difat, 0
        while sect < ENDOFCHAIN and guard < self.nsect and len(difat) < nfat + 109:
            per = self.ss // 4 - 1
            difat.extend(struct.unpack_from(f"<{per}I", data, self._off(sect)))
            (sect,) = struct.unpack_from("<I", data, self._off(sect) + per * 4)
            guard += 1
        self.fat: list[int] = []
        for s in difat[:nfat]:
            if s >= ENDOFCHAIN:
                continue
            self.fat.extend(struct.unpack_from(f"<{self.ss // 4}I", data, self._off(s)))
        self.entries = self._directory(first_dir)
        root = self.entries[0] if self.entries else None
        self.ministream = self._chain_bytes(root.start, root.size) if root else b""
        mf = self._chain_bytes(first_mini, nmini * self.ss) if nmini and first_mini < ENDOFCHAIN else b""
        self.minifat = list(struct.unpack_from(f"<{len(mf) // 4}I", mf)) if mf else []

    def _off(self, sect: int) -> int:
        off = (sect + 1) * self.ss
        if sect >= ENDOFCHAIN or off + self.ss > len(self.data) + self.ss:  # last sector may be short
            raise Refused("corrupt-file", _BAD)
        return off

    def _chain(self, start: int) -> list[int]:
        out: list[int] = []
        s = start
        while s < ENDOFCHAIN:
            if s >= len(self.fat) or len(out) > self.nsect:
                raise Refused("corrupt-file", _BAD)
            out.append(s)
            s = self.fat[s]
        return out

    def _chain_bytes(self, start: int, size: int) -> bytes:
        if start >= ENDOFCHAIN:
            return b""
        buf = b"".join(self.data[self._off(s):self._off(s) + self.ss] for s in self._chain(start))
        return buf[:size]

    def _directory(self, first: int) -> list[_Entry]:
        raw = b"".join(self.data[self._off(s):self._off(s) + self.ss] for s in self._chain(first))
        out: list[_Entry] = []
        for i in range(0, len(raw) - 127, 128):
            nlen, typ = struct.unpack_from("<HB", raw, i + 64)
            if typ == 0:
                continue
            name = raw[i:i + max(0, min(nlen, 64) - 2)].decode("utf-16-le", "replace")
            start, size = struct.unpack_from("<II", raw, i + 116)
            out.append(_Entry(name, typ, start, size))
        if not out or out[0].typ != 5:
            raise Refused("corrupt-file", _BAD)
        return out

    def names(self) -> set[str]:
        return {e.name for e in self.entries}

    def stream(self, name: str) -> bytes | None:
        for e in self.entries:
            if e.typ == 2 and e.name.lower() == name.lower():
                if e.size < self.cutoff:
                    return self._mini(e.start, e.size)
                return self._chain_bytes(e.start, e.size)
        return None

    def _mini(self, start: int, size: int) -> bytes:
        out: list[bytes] = []
        s, guard = start, 0
        while s < ENDOFCHAIN and guard <= len(self.minifat):
            if s >= len(self.minifat):
                raise Refused("corrupt-file", _BAD)
            out.append(self.ministream[s * self.mss:(s + 1) * self.mss])
            s = self.minifat[s]
            guard += 1
        return b"".join(out)[:size]


@dataclass
class _Entry:
    name: str
    typ: int
    start: int
    size: int


# cell records (row, col at the start of the body); MULRK/MULBLANK end with their last column
_CELL_RECORDS = frozenset({0x0006, 0x00FD, 0x0203, 0x027E, 0x0201, 0x0204, 0x0205, 0x00D6, 0x00BD, 0x00BE})
_MULTI = frozenset({0x00BD, 0x00BE})


@dataclass
class BiffSheet:
    name: str
    state: str
    protected: bool = False
    formulas: set[str] = field(default_factory=set)
    rows: int = 0  # the used range as its cell records span it (what a parser allocates)
    cols: int = 0
    _min: tuple[int, int] | None = None
    _max: tuple[int, int] = (0, 0)

    def cell(self, row: int, first: int, last: int) -> None:
        lo_r, lo_c = self._min or (row, first)
        self._min = (min(lo_r, row), min(lo_c, first))
        self._max = (max(self._max[0], row), max(self._max[1], last))
        self.rows = self._max[0] - self._min[0] + 1
        self.cols = self._max[1] - self._min[1] + 1

    @property
    def area(self) -> int:
        return self.rows * self.cols


def scan_biff(stream: bytes) -> tuple[bool, list[BiffSheet]]:
    """(encrypted, sheets) from a BIFF8 Workbook stream: FILEPASS, BOUNDSHEET, PROTECT, FORMULA, and
    the span of every sheet's cell records (so an absurd used range is refused before a parser
    allocates it)."""
    n = len(stream)
    pos = 0
    sheets: list[tuple[int, BiffSheet]] = []
    while pos + 4 <= n:
        typ, length = struct.unpack_from("<HH", stream, pos)
        body = pos + 4
        if typ == 0x002F:  # FILEPASS
            return True, []
        if typ == 0x0085 and length >= 8:  # BOUNDSHEET
            bof, vis, kind, cch, flags = struct.unpack_from("<IBBBB", stream, body)
            raw = stream[body + 8:body + length]
            name = raw[:cch * 2].decode("utf-16-le", "replace") if flags & 1 else raw[:cch].decode("latin-1")
            state = {0: "visible", 1: "hidden", 2: "veryHidden"}.get(vis & 3, "visible")
            if kind == 0:
                sheets.append((bof, BiffSheet(name, state)))
        if typ == 0x000A:  # EOF of the globals substream
            break
        pos = body + length
    for bof, sheet in sheets:
        pos = bof
        first = True
        while pos + 4 <= n:
            typ, length = struct.unpack_from("<HH", stream, pos)
            body = pos + 4
            if first and typ != 0x0809:
                break
            first = False
            if typ in _CELL_RECORDS and length >= 4:
                row, col = struct.unpack_from("<HH", stream, body)
                last = struct.unpack_from("<H", stream, body + length - 2)[0] if typ in _MULTI and length >= 6 else col
                sheet.cell(row, col, max(col, last))
                if typ == 0x0006:  # FORMULA
                    sheet.formulas.add(f"{col_letter(col)}{row + 1}")
            elif typ == 0x0012 and length >= 2:  # PROTECT
                sheet.protected = struct.unpack_from("<H", stream, body)[0] == 1
            elif typ == 0x000A:
                break
            pos = body + length
    return False, [s for _, s in sheets]
