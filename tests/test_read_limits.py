"""Bounded time and memory per file: crafted parts, lying zip entries and the time budget.

No wall clock here: a read runs in a child whose CPU time and address space the kernel caps
(read_samples.read_under_limits), or the reader's own budget is set to nothing and its finding
asserted."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import pytest
from read_samples import checked_read, codes_of, deflate, filled, raw_zip, read_under_limits, rezip

from selfeval_xl.read import limits

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHEET = "xl/worksheets/sheet5.xml"
SST = "xl/sharedStrings.xml"


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return filled(tmp_path_factory.mktemp("clean") / "filled.xlsx")


def _zeros_stream(mb: int) -> bytes:
    """A raw deflate stream of `mb` MiB of zeros in about `mb` KB (one flushed block repeated)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(b"\0" * (1 << 20)) + c.flush(zlib.Z_SYNC_FLUSH)
    return block * mb + b"\x03\x00"


def _lying(src: Path, dst: Path, part: str, mb: int = 1000, declared: int = 40_000) -> Path:
    """`src` with `part` replaced by `mb` MiB of zeros whose entry declares `declared` bytes."""
    entries = []
    with zipfile.ZipFile(src) as z:
        for info in z.infolist():
            if info.filename == part:
                entries.append((part, _zeros_stream(mb), declared, 0))
            else:
                data = z.read(info)
                entries.append((info.filename, deflate(data), len(data), zlib.crc32(data)))
    dst.write_bytes(raw_zip(entries))
    return dst


def test_entry_lying_about_its_size_is_stopped_at_once(tmp_path: Path, clean: Path) -> None:
    """The issue's 1 MB .xlsx that inflates to 1 GB while declaring 40 KB: refused, memory flat."""
    p = _lying(clean, tmp_path / "lie.xlsx", SHEET)
    assert p.stat().st_size < 1_200_000
    got = read_under_limits(p, memory=512 << 20)
    assert got["codes"] == ["corrupt-file"] and "声明的大小" in got["messages"][0]
    assert got["rss_growth_mb"] < 64, got


def test_ods_entry_lying_about_its_size(tmp_path: Path) -> None:
    content = _zeros_stream(1000)
    mime = b"application/vnd.oasis.opendocument.spreadsheet"
    p = tmp_path / "lie.ods"
    p.write_bytes(raw_zip([("mimetype", deflate(mime), len(mime), zlib.crc32(mime)),
                           ("content.xml", content, 40_000, 0)]))
    got = read_under_limits(p, memory=512 << 20)
    assert got["codes"] == ["corrupt-file"] and got["rss_growth_mb"] < 64, got


def test_honest_entry_over_the_entry_limit_is_too_large(tmp_path: Path, clean: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ENTRY_SIZE", 10_000)
    snap = checked_read(clean)
    assert codes_of(snap) == ["too-large"]


def test_a_spent_time_budget_stops_the_read(clean: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "READ_TIME_S", 0.0)
    snap = checked_read(clean)
    assert codes_of(snap) == ["too-large"] and "秒" in snap.findings[0].message
    assert not snap.readable


def _crafted(part: str, body: str) -> bytes:
    root = "sst" if part == SST else "worksheet"
    return f'<?xml version="1.0"?><{root} {NS}>{body}</{root}>'.encode()


CRAFTED = {
    # the shapes that made the old regular expressions quadratic, at the sizes
    "protection-86KB": (SHEET, "<sheetData/>" + "<sheetProtection " * 5_000),
    "runs-215KB": (SST, "<si><r>" + "<t " * 72_000 + "</r></si>"),
    "strings-600KB": (SST, "<si><r><t>a</t></r>" + "<t " * 200_000 + "</si>"),
    # the same sizes well-formed: every element really parsed
    "many-strings-600KB": (SST, "<si><t>甲</t><rPh><t>x</t></rPh></si>" * 16_000),
    "many-cells-215KB": (SHEET, "<sheetData>" + "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>'
                                                         for i in range(1, 6_000)) + "</sheetData>"),
}


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_crafted_parts_are_read_within_the_bound(tmp_path: Path, clean: Path, name: str) -> None:
    part, body = CRAFTED[name]
    xml = _crafted(part, body)
    p = rezip(clean, tmp_path / f"{name}.xlsx", lambda n, d: xml if n == part else d, stored=True)
    got = read_under_limits(p, cpu_s=5)  # finished within 5 s of CPU (else the kernel stops it)
    assert got["readable"] == (not got["codes"]), got  # read whole, or refused with its finding
