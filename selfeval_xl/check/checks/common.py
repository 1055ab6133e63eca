"""Helpers shared by the checks: show a raw value briefly, locate a finding at an input."""

from __future__ import annotations

from typing import Any

from selfeval_xl.check.plan import InputPlan
from selfeval_xl.model import codes
from selfeval_xl.model.findings import Finding


def shown(value: Any, limit: int = 40) -> str:
    """A cell value as quoted in a message: one line, at most `limit` characters."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def at(p: InputPlan, code: str, /, **params: object) -> Finding:
    """A finding located at input `p` (sheet, A1 cell, input name)."""
    return codes.make(code, sheet=p.sheet, cell=p.cell, field=p.name, **params)  # type: ignore[arg-type]
