"""What the reader saw in one file: raw cell contents by input name, plus integrity facts.

The reader never interprets values (that is the checker's first step, check.coerce), so a
snapshot of an .xlsx, its .xls re-save and its .ods re-save compare equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from selfeval_xl.model.findings import Finding


@dataclass
class Snapshot:
    path: str
    sha256: str = ""
    size: int = 0
    mtime: float = 0.0
    format: str = ""  # xlsx | xlsm | xls | ods | "" when unreadable
    template_id: str | None = None
    template_version: str | None = None
    units: int = 1
    stamp: dict[str, str] = field(default_factory=dict)  # _meta / custom properties as found
    # input name (`expenditure.total`, `income.total.u2`, `units.name.u1`, `indicators[3].weight`)
    # → the cell content as read: None (blank), str, int, float, bool, datetime/date
    raw: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # file-level and integrity findings
    readable: bool = True  # False: a file-level finding stopped reading (status unreadable)
    application: str | None = None  # docProps/app.xml Application, when present
