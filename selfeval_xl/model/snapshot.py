"""What the reader saw in one file: raw cell contents by input name, plus the facts the checker
judges integrity from (labels, formulas, protection, names per template sheet).

The reader never interprets values (that is the checker's first step, check.coerce), so a
snapshot of an .xlsx, its .xls re-save and its .ods re-save compare equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from selfeval_xl.model.findings import Finding


@dataclass
class SheetFacts:
    """What stands on one sheet of the template's layout, as read (facts; check.integrity judges)."""

    present: bool  # listed in the workbook with a worksheet part
    protected: bool | None = None  # None: the format does not say
    labels: dict[str, Any] = field(default_factory=dict)  # A1 of each template label → value found there
    # A1 of each template formula cell that holds a formula → its text (None: present, text unknown,
    # as in .xls); a cell missing here holds no formula. None: the format keeps no formulas at all.
    formulas: dict[str, str | None] | None = None
    shown: dict[str, Any] = field(default_factory=dict)  # formula cells holding no formula → their value
    texts: dict[str, str] | None = None  # every text cell, only when a label is not exactly in its place


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
    copies: int = 1  # sheets of the template's repeated kind (one per project)
    stamp: dict[str, str] = field(default_factory=dict)  # _meta / custom properties as found
    # input name (`expenditure.total`, `income.total.u2`, `units.name.u1`, `indicators[3].weight`)
    # → the cell content as read: None (blank), str, int, float, bool, datetime/date
    raw: dict[str, Any] = field(default_factory=dict)
    # template sheet → its facts, in layout order; None for a snapshot made by hand (no facts read)
    sheets: dict[str, SheetFacts] | None = None
    names: dict[str, str] = field(default_factory=dict)  # the layout's defined names → where they point
    findings: list[Finding] = field(default_factory=list)  # file-level findings (the reader's)
    readable: bool = True  # False: a file-level finding stopped reading (status unreadable)
    application: str | None = None  # docProps/app.xml Application, when present
