"""The round a return belongs to: the year being collected and the bureau's roster.

Why: a department that fills last year's template, or a file that names another department than
the roster's, must not pass as this year's return of that department. These facts are outside the
workbook (the officer's `--year` and `--roster`), so they are applied to each checked Submission
by check, collect and summarize alike, through this one module.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from selfeval_xl.model import codes
from selfeval_xl.model.findings import Finding
from selfeval_xl.model.submission import Submission


def norm_code(code: object) -> str:
    """预算编码 as compared everywhere: trimmed, upper case."""
    return str(code).strip().upper() if code is not None else ""


def norm_name(name: object) -> str:
    """部门名称 as compared: full-width forms folded (（）→()), no spaces."""
    return "".join(unicodedata.normalize("NFKC", str(name or "")).split())


@lru_cache(maxsize=64)
def cell_of(template_id: str | None, version: str | None, units: int, key: str) -> tuple[str | None, str | None]:
    """(sheet, A1) of a field in the submission's own template layout; (None, None) if unknown."""
    from selfeval_xl.layout import build_layout
    from selfeval_xl.spec import default_template, template_for

    try:
        t = (template_for(template_id, version) if template_id and version else None) or default_template()
        cell = build_layout(t, max(1, units)).inputs[key].cell
    except Exception:  # noqa: BLE001 - a location is a courtesy; never fail a check over it
        return None, None
    return cell.sheet, cell.a1


def _at(sub: Submission, key: str, code: str, **params: Any) -> Finding:
    sheet, cell = cell_of(sub.template_id, sub.template_version, sub.units, key)
    return codes.make(code, sheet=sheet, cell=cell, field=key, **params)


@dataclass(frozen=True)
class Round:
    """The officer's round: `year` (None: any) and the roster as 预算编码 → 部门名称 (None: no roster)."""

    year: int | None = None
    roster: dict[str, str] | None = None
    roster_name: str = "部门名单"

    @staticmethod
    def of(year: int | None = None, entries: Iterable[Any] | None = None, roster_name: str = "部门名单") -> Round:
        """From roster entries (objects with .code and .name, e.g. RosterEntry)."""
        if entries is None:
            return Round(year, None, roster_name)
        return Round(year, {norm_code(e.code): str(e.name) for e in entries}, roster_name)

    @property
    def active(self) -> bool:
        return self.year is not None or self.roster is not None

    def findings(self, sub: Submission) -> list[Finding]:
        """wrong-year and roster-mismatch for one submission (none when it names no year/code)."""
        out: list[Finding] = []
        if self.year is not None and sub.year is not None and sub.year != self.year:
            out.append(_at(sub, sub.identity[2], "wrong-year", found=sub.year, year=self.year,
                           args={"found": str(sub.year), "year": str(self.year)}))
        code = sub.dept_code
        if self.roster is not None and code:
            key = norm_code(code)
            listed = self.roster.get(key)
            if listed is None:
                out.append(_at(sub, sub.identity[1], "roster-mismatch", args={"code": code},
                               detail=f"预算编码 {code}（{sub.dept_name or '未填部门名称'}）不在{self.roster_name}中，"
                                      "请核对是否为名单内的部门，或名单是否需要补充。"))
            elif sub.dept_name and norm_name(sub.dept_name) != norm_name(listed):
                out.append(_at(sub, sub.identity[0], "roster-mismatch",
                               args={"code": code, "name": sub.dept_name, "roster": listed},
                               detail=f"预算编码 {code} 在{self.roster_name}中为“{listed}”，"
                                      f"本表部门名称为“{sub.dept_name}”，请核对是否报错了部门或用错了模板。"))
        return out

    def apply(self, sub: Submission) -> Submission:
        """Add this round's findings to `sub` (in place; returns it, for use as a `keep` callback)."""
        if self.active:
            sub.findings.extend(self.findings(sub))
        return sub
