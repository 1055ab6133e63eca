"""One department's versions, and one archived file by its id, for callers that show or serve
them (the web intake): the ledger's facts about each file beside its rebuilt Submission.

An archived file is found by the id the ledger gave it (its sha256), never by a path a caller
supplies; the object path comes from the ledger row and must match the archive's own naming.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from selfeval_xl.ledger.query import local_time, open_existing, with_derived
from selfeval_xl.ledger.records import Row, norm_code, rebuild, select_rows
from selfeval_xl.model.submission import Submission

_SHA = re.compile(r"^[0-9a-f]{64}$")
_OBJECT = re.compile(r"^objects/([0-9a-f]{2})/([0-9a-f]{64})\.[a-z0-9]{1,8}$")


@dataclass
class Version:
    """One recorded file: who it belongs to, when it came, whether it is current, its findings."""

    id: int
    sha256: str
    original_name: str
    received_at: str            # local time, to the second
    received_at_utc: str        # as recorded (ISO, UTC)
    dept_code: str | None
    dept_name: str | None
    year: int | None
    is_current: bool
    size: int
    path: Path | None           # the archived object, or None when the row names no valid object
    submission: Submission


def is_file_id(text: str) -> bool:
    """Whether `text` has the shape of a file id (a lowercase sha256)."""
    return bool(_SHA.match(text))


def _object_path(root: Path, row: Row) -> Path | None:
    m = _OBJECT.match(row.object or "")
    if not m or m.group(2) != row.sha256 or m.group(1) != row.sha256[:2]:
        return None
    return root / row.object


def _versions(archive: Path | str, where: str, params: tuple[object, ...]) -> list[Version]:
    arc, conn = open_existing(archive)
    try:
        rows = select_rows(conn, where, params)
        subs = with_derived(conn, rows, rebuild(conn, rows))
    finally:
        conn.close()
    return [Version(r.id, r.sha256, r.original_name, local_time(r.received_at), r.received_at, r.dept_code,
                    r.dept_name, r.year, r.is_current, r.size, _object_path(arc.root, r), s)
            for r, s in zip(rows, subs, strict=True)]


def versions(archive: Path | str, dept_code: str, year: int | None = None) -> list[Version]:
    """Every recorded file of a department (for a year, when given), newest first."""
    code = norm_code(dept_code)
    if code is None:
        return []
    where, params = "upper(dept_code) = upper(?)", [code]
    if year is not None:
        where += " AND year = ?"
        params.append(year)
    out = _versions(archive, where, tuple(params))
    out.sort(key=lambda v: (v.received_at_utc, v.id), reverse=True)
    return out


def version(archive: Path | str, file_id: str) -> Version | None:
    """The recorded file with this id (sha256), or None."""
    if not is_file_id(file_id):
        return None
    found = _versions(archive, "sha256 = ?", (file_id,))
    return found[0] if found else None
