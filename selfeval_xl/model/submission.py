"""One checked submission: the typed values and every finding (what reports, summaries and
the ledger consume). Serialises to one entry of data-model.md §4."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from selfeval_xl.model.defaults import DEFAULT_IDENTITY
from selfeval_xl.model.findings import Finding, status_of

Typed = Decimal | int | str | date | None


@dataclass
class Part:
    """One repeated sheet of a submission (a project): its values and filled table rows, by the
    spec's keys (data-model.md §6: `projects[]`)."""

    sheet: str
    values: dict[str, Typed] = field(default_factory=dict)
    tables: dict[str, list[dict[str, Typed]]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "values": {k: json_value(v) for k, v in self.values.items() if v is not None}}


@dataclass
class Submission:
    file: str
    sha256: str = ""
    size: int = 0
    mtime: float = 0.0
    format: str = ""
    template_id: str | None = None
    template_version: str | None = None
    units: int = 1
    values: dict[str, Typed] = field(default_factory=dict)  # every scalar field key (and .uN keys)
    tables: dict[str, list[dict[str, Typed]]] = field(default_factory=dict)  # filled rows only, with "_row"
    findings: list[Finding] = field(default_factory=list)
    readable: bool = True
    # The exact bytes of `file` (hex) when the name on disk is not valid UTF-8 (a GBK name left by
    # unzipping a Windows archive); `file` then holds a readable form (selfeval_xl.inbox.names).
    file_bytes: str | None = None
    # the keys of 部门名称, 预算编码, 年度 in `values` (the template's identity; check sets it)
    identity: tuple[str, str, str] = (DEFAULT_IDENTITY["dept_name"], DEFAULT_IDENTITY["dept_code"], DEFAULT_IDENTITY["year"])
    parts: list[Part] = field(default_factory=list)  # the repeated sheets (projects), in order
    copies: int = 1

    @property
    def status(self) -> str:
        return status_of(self.findings, unreadable=not self.readable)

    @property
    def dept_name(self) -> str | None:
        v = self.values.get(self.identity[0])
        return str(v) if v not in (None, "") else None

    @property
    def dept_code(self) -> str | None:
        v = self.values.get(self.identity[1])
        return str(v) if v not in (None, "") else None

    @property
    def year(self) -> int | None:
        v = self.values.get(self.identity[2])
        return v if isinstance(v, int) else None

    def counts(self) -> dict[str, int]:
        return {
            "errors": sum(1 for f in self.findings if f.severity == "error"),
            "warnings": sum(1 for f in self.findings if f.severity == "warning"),
            "unexplained_warnings": sum(1 for f in self.findings if f.severity == "warning" and not f.explained),
        }

    def to_json(self) -> dict[str, Any]:
        """Exactly one entry of data-model.md §4's `submissions` (with §6's `projects` for a
        template with repeated sheets)."""
        entry: dict[str, Any] = {
            "file": self.file,
            "sha256": self.sha256,
            "status": self.status,
            "template": {"id": self.template_id, "version": self.template_version},
            "dept": {"name": self.dept_name, "code": self.dept_code},
            "year": self.year,
            "values": {k: json_value(v) for k, v in self.values.items() if v is not None},
            "findings": [f.to_json() for f in self.findings],
        }
        if self.file_bytes is not None:
            entry["file_bytes"] = self.file_bytes
        if self.parts:
            entry["projects"] = [p.to_json() for p in self.parts]
        return entry


def json_value(v: Typed) -> Any:
    """Amounts as strings of decimals, dates ISO, integers as integers."""
    if isinstance(v, Decimal):
        return f"{v:f}"
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return v
