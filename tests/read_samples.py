"""Workbooks for the reader tests: a filled template and hostile variants, all built in tmp dirs."""

from __future__ import annotations

import hashlib
import io
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from generate_seed import SEED

from selfeval_xl.generate import write_workbook
from selfeval_xl.model.snapshot import Snapshot
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


def filled(path: Path, units: int = 1, extra: dict[str, object] | None = None) -> Path:
    """The seed report's values (plus `extra`) in a freshly generated workbook."""
    values = dict(SEED) | dict(extra or {})
    if units > 1:
        for u in range(1, units + 1):
            values[f"units.name.u{u}"] = f"下属单位{u}"
            values[f"income.total.u{u}"] = 10 * u
    write_workbook(path, default_template(), units=units, values=values)
    return path


def checked_read(path: Path, limit_s: float = 2.0) -> Snapshot:
    """read_file, asserting it neither modifies the file nor takes longer than `limit_s`."""
    before = path.read_bytes()
    mtime = path.stat().st_mtime_ns
    t0 = time.perf_counter()
    snap = read_file(path)
    elapsed = time.perf_counter() - t0
    assert path.read_bytes() == before, "the reader modified the file"
    assert path.stat().st_mtime_ns == mtime
    assert elapsed < limit_s, f"read_file took {elapsed:.2f} s"
    if before:
        assert snap.sha256 == hashlib.sha256(before).hexdigest()
    assert snap.size == len(before)
    return snap


def codes_of(snap: Snapshot) -> list[str]:
    return [f.code for f in snap.findings]


def rezip(src: Path, dst: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    """Copy a zip, passing each entry through `change` (None drops it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info.filename, data)
    dst.write_bytes(out.getvalue())
    return dst
