"""Workbooks for the reader tests: a filled template and hostile variants, all built in tmp dirs."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from generate_seed import SEED

from selfeval_xl.check import check_snapshot
from selfeval_xl.generate import write_workbook
from selfeval_xl.model.snapshot import Snapshot
from selfeval_xl.model.spec import Template
from selfeval_xl.model.submission import Submission
from selfeval_xl.read import read_file
from selfeval_xl.spec import default_template

FILE_LEVEL = ("empty-file", "not-a-workbook", "corrupt-file", "encrypted", "too-large", "unknown-template",
              "unsupported-version")
INTEGRITY = ("missing-sheet", "tampered-cell", "formula-overwritten", "protection-removed")


TRICKY = {
    "narrative.overview": "第一段：部门概况 & <说明>。\n第二段：\"引号\" 与 '单引号'\n\n  第四段前有空格  ",
    "narrative.problems": "a_x000D_b  两个空格\t制表符",
    "dept.code": "006017",
    "indicators[2].target": "≥95%",
}


def filled(path: Path, units: int = 1, extra: dict[str, object] | None = None, template: Template | None = None) -> Path:
    """The seed report's values (plus `extra`) in a freshly generated workbook (of the newest
    version unless `template` says otherwise)."""
    values = dict(SEED) | dict(extra or {})
    if units > 1:
        for u in range(1, units + 1):
            values[f"units.name.u{u}"] = f"下属单位{u}"
            values[f"income.total.u{u}"] = 10 * u
    write_workbook(path, template or default_template(), units=units, values=values)
    return path


def checked_read(path: Path) -> Snapshot:
    """read_file, asserting it does not modify the file (time bounds: read_under_limits)."""
    before = path.read_bytes()
    mtime = path.stat().st_mtime_ns
    snap = read_file(path)
    assert path.read_bytes() == before, "the reader modified the file"
    assert path.stat().st_mtime_ns == mtime
    if before:
        assert snap.sha256 == hashlib.sha256(before).hexdigest()
    assert snap.size == len(before)
    return snap


def judged(path: Path) -> tuple[Snapshot, Submission]:
    """What the reader saw and what the checker made of it (integrity is the checker's call)."""
    snap = checked_read(path)
    return snap, check_snapshot(snap)


def judged_codes(sub: Submission) -> list[str]:
    """The file-level and integrity codes of a checked submission, in order (not the value checks)."""
    return [f.code for f in sub.findings if f.code in FILE_LEVEL + INTEGRITY + ("legacy-format",)]


def codes_of(snap: Snapshot) -> list[str]:
    return [f.code for f in snap.findings]


def rezip(src: Path, dst: Path, change: Callable[[str, bytes], bytes | None], stored: bool = False) -> Path:
    """Copy a zip, passing each entry through `change` (None drops it). `stored`: no compression
    (so a crafted repetitive part is not refused by the inflate-ratio limit before it is parsed)."""
    out = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", method) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info.filename, data)
    dst.write_bytes(out.getvalue())
    return dst


def raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written by hand: (name, deflated bytes, declared size, declared CRC) per entry, so a
    test can make an entry lie about its size (zipfile always writes the truth)."""
    import struct

    out = io.BytesIO()
    central = []
    for name, comp, size, crc in entries:
        fname = name.encode()
        offset = out.tell()
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(comp), size, len(fname), 0))
        out.write(fname + comp)
        central.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(comp), size,
                                   len(fname), 0, 0, 0, 0, 0, offset) + fname)
    start = out.tell()
    for c in central:
        out.write(c)
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


def deflate(data: bytes) -> bytes:
    import zlib

    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


_LIMITED = r"""
import json, resource, sys
from selfeval_xl.read import read_file
from selfeval_xl.read.isolate import _vm_size
cpu = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
resource.setrlimit(resource.RLIMIT_CPU, (int(cpu) + int(sys.argv[2]), int(cpu) + int(sys.argv[2]) + 1))
cap = _vm_size() + int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
snap = read_file(sys.argv[1])
grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0
print(json.dumps({"codes": [f.code for f in snap.findings], "messages": [f.message for f in snap.findings],
                  "readable": snap.readable, "rss_growth_mb": grew / 1024}))
"""


def read_under_limits(path: Path, cpu_s: int = 5, memory: int = 1 << 30) -> dict:
    """read_file in a fresh process whose CPU time (after imports) and address space are capped by
    the kernel: a read that went quadratic or inflated a bomb dies (SIGXCPU / MemoryError)
    instead of passing. Returns the codes, messages, readability and peak-RSS growth."""
    import json
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", _LIMITED, str(path), str(cpu_s), str(memory)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"the read was stopped by its limits (exit {proc.returncode}): {proc.stderr[-2000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])
