"""Findings the ledger adds because it knows other submissions: three-public-growth,
implausible-amount (100 times last year's), superseded.

They are computed when a submission is shown, never stored: last year's report may arrive
after this year's, and a superseding file may come any day.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache

from selfeval_xl.check.explain import explained_rules  # noqa: F401 - re-exported for status/query
from selfeval_xl.model import codes
from selfeval_xl.model.findings import Finding
from selfeval_xl.model.money import fmt

GROWTH = "three-public-growth"
IMPLAUSIBLE = "implausible-amount"
THREE_PUBLIC = "three_public.total"
KEY_FIGURES = (("income.total", "收入合计"), ("expenditure.total", "支出合计"), (THREE_PUBLIC, "三公经费合计"))
PREVIOUS_KEYS = tuple(k for k, _label in KEY_FIGURES)  # last year's figures the ledger compares with


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


@lru_cache(maxsize=16)
def _plausibility(template_id: str | None, version: str | None) -> tuple[Decimal | None, tuple[str, ...], str]:
    from selfeval_xl.spec import default_template, template_for

    t = (template_for(template_id, version) if template_id and version else None) or default_template()
    return t.plausibility.previous_ratio, t.plausibility.previous_fields, t.amount_unit


def implausible_findings(current: Mapping[str, object], previous: Mapping[str, object], *,
                         template_id: str | None = None, template_version: str | None = None, units: int = 1,
                         explained: bool = False) -> list[Finding]:
    """implausible-amount where an amount is more than `previous_ratio` times last year's (the
    spec's plausibility): typically this year's return typed in 元 instead of 万元."""
    ratio, keys, unit = _plausibility(template_id, template_version)
    out: list[Finding] = []
    if ratio is None:
        return out
    from selfeval_xl.check.round import cell_of

    for key in keys:
        cur, prev = current.get(key), previous.get(key)
        if not isinstance(cur, Decimal | int) or not isinstance(prev, Decimal | int) \
                or isinstance(cur, bool) or isinstance(prev, bool) or prev <= 0:
            continue
        if Decimal(cur) <= Decimal(prev) * ratio:
            continue
        sheet, cell = cell_of(template_id, template_version, units, key)
        label = {k: v for k, v in KEY_FIGURES}.get(key, key)
        times = Decimal(cur) / Decimal(prev)
        f = codes.make(IMPLAUSIBLE, sheet=sheet, cell=cell, field=key,
                       args={"value": fmt(Decimal(cur)), "previous": fmt(Decimal(prev)), "times": fmt(times, 0)},
                       detail=f"{label} {fmt(Decimal(cur))} {unit}，是上年 {fmt(Decimal(prev))} {unit}的 "
                              f"{fmt(times, 0)} 倍（超过 {fmt(ratio, 0)} 倍），疑似按“元”填写；金额应以{unit}为单位。"
                              "情况属实的请在“情况说明”中说明。")
        if explained:
            from dataclasses import replace

            f = replace(f, explained=True)
        out.append(f)
    return out


def superseded_finding(received_at_local: str, file: str) -> Finding:
    return codes.make("superseded", args={"received": received_at_local, "file": file},
                      received=received_at_local, file=file)
