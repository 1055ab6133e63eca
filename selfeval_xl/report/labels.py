"""Chinese labels shared by every report, so the terminal, Excel and annotated copies agree."""

from __future__ import annotations

from selfeval_xl.model.findings import Finding

STATUS_LABEL = {"pass": "通过", "warn": "警告", "fail": "未通过", "unreadable": "无法读取"}
STATUS_STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red", "unreadable": "bold magenta"}
SEVERITY_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def ordered(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then notes; the checker's order within each."""
    return sorted(findings, key=lambda f: _SEVERITY_ORDER.get(f.severity, 3))


def where(f: Finding) -> str:
    """表名!单元格 (or just the sheet, or "" for file-level findings)."""
    return f.location.a1()


def explained_mark(f: Finding) -> str:
    return "已说明" if f.severity == "warning" and f.explained else ""
