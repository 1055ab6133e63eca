"""Findings the ledger adds because it knows other submissions: three-public-growth, superseded.

They are computed when a submission is shown, never stored: last year's report may arrive
after this year's, and a superseding file may come any day.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from selfeval_xl.check.explain import explained_rules  # noqa: F401 - re-exported for status/query
from selfeval_xl.model import codes
from selfeval_xl.model.findings import Finding
from selfeval_xl.model.money import fmt

GROWTH = "three-public-growth"
THREE_PUBLIC = "three_public.total"
KEY_FIGURES = (("income.total", "收入合计"), ("expenditure.total", "支出合计"), (THREE_PUBLIC, "三公经费合计"))


@lru_cache(maxsize=64)
def _cell_of(template_id: str | None, version: str | None, units: int, key: str) -> tuple[str, str]:
    """(sheet, A1) of an input in the submission's own template layout (三公经费!B5 by default)."""
    from selfeval_xl.layout import build_layout
    from selfeval_xl.spec import default_template, template_for

    try:
        t = (template_for(template_id, version) if template_id and version else None) or default_template()
        cell = build_layout(t, max(1, units)).inputs[key].cell
        return cell.sheet, cell.a1
    except Exception:  # a broken spec must not stop the ledger from answering
        return "三公经费", "B5"


def growth_finding(current: object, previous: object, *, template_id: str | None = None,
                   template_version: str | None = None, units: int = 1, explained: bool = False) -> Finding | None:
    """three-public-growth when this year's 三公经费合计 is above last year's."""
    if not isinstance(current, Decimal | int) or not isinstance(previous, Decimal | int) \
            or isinstance(current, bool) or isinstance(previous, bool):
        return None
    cur, prev = Decimal(current), Decimal(previous)
    if cur <= prev:
        return None
    sheet, cell = _cell_of(template_id, template_version, units, THREE_PUBLIC)
    diff = cur - prev
    f = codes.make(GROWTH, rule=GROWTH, sheet=sheet, cell=cell, field=THREE_PUBLIC,
                   args={"current": fmt(cur), "previous": fmt(prev), "difference": fmt(diff)},
                   current=fmt(cur), previous=fmt(prev), difference=fmt(diff))
    if explained:
        from dataclasses import replace

        f = replace(f, explained=True)
    return f


def superseded_finding(received_at_local: str, file: str) -> Finding:
    return codes.make("superseded", args={"received": received_at_local, "file": file},
                      received=received_at_local, file=file)
