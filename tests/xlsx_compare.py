"""Compare two .xlsx files part by part, ignoring volatile bits (timestamps, application).

As XlsxWriter's own test-suite does: a generated workbook is compared with a reviewed
reference file, and the differences are named by part and position, not "bytes differ".
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

VOLATILE: dict[str, list[re.Pattern[bytes]]] = {
    "docProps/core.xml": [re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>"),
                          re.compile(rb"<cp:lastModifiedBy>[^<]*</cp:lastModifiedBy>")],
    "docProps/app.xml": [re.compile(rb"<AppVersion>[^<]*</AppVersion>"),
                         re.compile(rb"<Application>[^<]*</Application>")],
}


def read_parts(path: str | Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def normalize(name: str, data: bytes) -> bytes:
    for pattern in VOLATILE.get(name, []):
        data = pattern.sub(b"", data)
    return data


def _where(a: bytes, b: bytes) -> str:
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    lo = max(0, i - 60)
    return (f"first difference at byte {i}:\n  got:      {a[lo:i + 60].decode('utf-8', 'replace')!r}\n"
            f"  expected: {b[lo:i + 60].decode('utf-8', 'replace')!r}")


def diff_parts(got: str | Path, expected: str | Path) -> list[str]:
    """Human-readable differences between two workbooks; empty when they are equivalent."""
    a, b = read_parts(got), read_parts(expected)
    out: list[str] = []
    for name in sorted(set(a) - set(b)):
        out.append(f"{name}: only in {got}")
    for name in sorted(set(b) - set(a)):
        out.append(f"{name}: only in {expected}")
    for name in sorted(set(a) & set(b)):
        x, y = normalize(name, a[name]), normalize(name, b[name])
        if x != y:
            out.append(f"{name}: {_where(x, y)}")
    return out
