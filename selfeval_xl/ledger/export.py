"""`export`: each department's current version of a year, copied out of the archive under a
readable name `<预算编码>_<部门名称>_<年度>.xlsx` (for the 归档 folder, the auditors, a USB stick).

Why: the archive stores files by content hash; people need them by department. Each copy is
checked against the recorded sha256 while it is written (a damaged archive object is reported,
never handed out) and written atomically; the output folder may not lie inside the archive.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from selfeval_xl.atomic import atomic_path
from selfeval_xl.generate.filenames import roster_file_name
from selfeval_xl.ledger.query import latest_year, open_existing
from selfeval_xl.ledger.settings import round_year
from selfeval_xl.ledger.store import CHUNK
from selfeval_xl.oserrors import explain

CHUNK_BYTES = CHUNK


@dataclass
class ExportReport:
    year: int | None
    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # Chinese, one per file not exported


class ExportError(ValueError):
    """The export cannot start (output inside the archive); message in Chinese."""


def _inside(child: Path, parent: Path) -> bool:
    c, p = os.path.normcase(os.path.abspath(child)), os.path.normcase(os.path.abspath(parent))
    return c == p or c.startswith(p.rstrip(os.sep) + os.sep)


def export(archive: str | os.PathLike[str], outdir: str | os.PathLike[str], year: int | None = None) -> ExportReport:
    """Copy every department's current submission of `year` (default: the round's year, else the
    latest) into `outdir`."""
    out = Path(outdir)
    arc, conn = open_existing(Path(archive))
    if _inside(out, arc.root):
        conn.close()
        raise ExportError(f"导出文件夹不能在报送库之内：{out}")
    try:
        if year is None:
            year = round_year(conn) or latest_year(conn)
        rep = ExportReport(year)
        if year is None:
            return rep
        rows = conn.execute("SELECT dept_code, dept_name, object, sha256, original_name FROM submissions"
                            " WHERE year = ? AND is_current = 1 AND dept_code IS NOT NULL ORDER BY dept_code, id",
                            (year,)).fetchall()
    finally:
        conn.close()
    used: set[str] = set()
    for code, name, obj, sha, original in rows:
        ext = Path(obj).suffix.lower() or ".xlsx"
        target_name = roster_file_name(code, name or "未填部门名称", year, ext)
        n = 1
        while target_name.lower() in used:
            n += 1
            target_name = roster_file_name(code, f"{name or '未填部门名称'}（{n}）", year, ext)
        used.add(target_name.lower())
        try:
            _copy_checked(arc.path_of(obj), out / target_name, sha)
        except _Damaged:
            rep.problems.append(f"{code} {name or ''}：存档文件与登记的校验值不符（原文件名 {original}），"
                                "未导出；请运行 verify 核验报送库。")
            continue
        except OSError as exc:
            rep.problems.append(f"{code} {name or ''}：无法导出。{explain(exc, writing=True)}")
            continue
        rep.written.append(out / target_name)
    return rep


class _Damaged(Exception):
    pass


def _copy_checked(src: Path, target: Path, sha256: str) -> None:
    h = hashlib.sha256()
    with atomic_path(target) as tmp, open(src, "rb") as fin, open(tmp, "wb") as fout:
        while block := fin.read(CHUNK_BYTES):
            h.update(block)
            fout.write(block)
        if h.hexdigest() != sha256:
            raise _Damaged(str(src))
