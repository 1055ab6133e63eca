"""Findings: the one currency of the checker (frictionless-style typed errors as data)."""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Location:
    """Where a finding points: a sheet and an A1 cell (both optional for file-level findings)."""

    sheet: str | None = None
    cell: str | None = None

    def a1(self) -> str:
        """表名!单元格, as shown to users."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or ""


@dataclass(frozen=True)
class Finding:
    """One problem in one submission; serialises to exactly data-model.md §3."""

    code: str
    severity: Severity
    message: str
    rule: str | None = None
    sheet: str | None = None
    cell: str | None = None
    field: str | None = None
    args: dict[str, str] = dataclasses.field(default_factory=dict)  # `field` is shadowed here
    explained: bool = False

    @property
    def location(self) -> Location:
        return Location(self.sheet, self.cell)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        return {k: d[k] for k in ("code", "rule", "severity", "sheet", "cell", "field", "message", "args", "explained")}

    @staticmethod
    def from_json(d: dict[str, Any]) -> Finding:
        return Finding(
            code=d["code"], severity=d["severity"], message=d["message"], rule=d.get("rule"),
            sheet=d.get("sheet"), cell=d.get("cell"), field=d.get("field"),
            args=dict(d.get("args") or {}), explained=bool(d.get("explained", False)),
        )


def status_of(findings: list[Finding], unreadable: bool = False) -> str:
    """pass | warn | fail | unreadable, as data-model.md §4 defines it."""
    if unreadable:
        return "unreadable"
    if any(f.severity == "error" for f in findings):
        return "fail"
    if any(f.severity == "warning" and not f.explained for f in findings):
        return "warn"
    return "pass"
