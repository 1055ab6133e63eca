"""Why: amounts typed in 元 instead of 万元 are 10,000 times too large but add up perfectly, so no
rule catches them — a 4-person office with 支出合计 960000 "万元" passed. Two signs inside the
workbook give it away: spending per head far outside what a 县 department spends, and a table
amount that is 10,000 times the same figure in the narrative. Thresholds: the spec's
`plausibility:`. (The third sign, 100 times last year's, needs the ledger: ledger/derived.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from selfeval_xl.check.checks.common import at
from selfeval_xl.check.context import Context
from selfeval_xl.model.findings import Finding
from selfeval_xl.model.money import fmt
from selfeval_xl.narrative import vocabulary
from selfeval_xl.narrative.figures import sentences

SLACK = Decimal("0.01")  # a narrative figure rounded to 万元 vs the table in 元: within 1 %


def _amount(ctx: Context, name: str) -> Decimal | None:
    v = ctx.value(name)
    if name in ctx.bad or isinstance(v, bool) or not isinstance(v, (int, Decimal)):
        return None
    return Decimal(v)


def check_per_capita(ctx: Context) -> Iterator[Finding]:
    pl = ctx.template.plausibility
    if pl.field is None or pl.per is None or pl.field not in ctx.plan.by_name:
        return
    amount, heads = _amount(ctx, pl.field), _amount(ctx, pl.per)
    if amount is None or heads is None or heads <= 0 or amount <= 0:
        return
    each = amount / heads
    unit = ctx.template.amount_unit
    label, per = ctx.label(pl.field), ctx.plan.by_name[pl.per].label if pl.per in ctx.plan.by_name else pl.per
    args = {"value": fmt(amount), "per": str(heads), "per_capita": fmt(each)}
    if pl.per_capita_max is not None and each > pl.per_capita_max:
        yield at(ctx.plan.by_name[pl.field], "implausible-amount", args={**args, "max": fmt(pl.per_capita_max)},
                 detail=f"{label} {fmt(amount)} {unit}，{per} {heads} 人，人均 {fmt(each)} {unit}，"
                        f"远超县级部门的常见水平（人均一般不超过 {fmt(pl.per_capita_max, 0)} {unit}），"
                        f"疑似按“元”填写；金额应以{unit}为单位。情况属实的请在“情况说明”中说明。")
    elif pl.per_capita_min is not None and each < pl.per_capita_min:
        yield at(ctx.plan.by_name[pl.field], "implausible-amount", args={**args, "min": fmt(pl.per_capita_min)},
                 detail=f"{label} {fmt(amount)} {unit}，{per} {heads} 人，人均仅 {fmt(each)} {unit}，"
                        f"低于县级部门的常见水平（人均一般不低于 {fmt(pl.per_capita_min)} {unit}），"
                        f"请核对金额单位（应为{unit}）。情况属实的请在“情况说明”中说明。")


def check_narrative_scale(ctx: Context) -> Iterator[Finding]:
    """Table amounts `narrative_ratio` times the figures the narrative states for them: one
    finding for the whole slip (at the first such amount), naming every amount it touches."""
    ratio = ctx.template.plausibility.narrative_ratio
    if ratio is None:
        return
    vocab = vocabulary(ctx.template)
    year = ctx.value(ctx.template.identity.year)
    year = year if isinstance(year, int) else None
    unit = ctx.template.amount_unit
    hits: dict[str, tuple[Decimal, str]] = {}  # field → (table amount, the narrative's figure)
    for p in ctx.filled:
        if p.field.type != "longtext" or p.table is not None:
            continue
        text = ctx.value(p.name)
        if not isinstance(text, str) or not text:
            continue
        for s in sentences(text, vocab, year):
            for st in s.stated:
                table = _amount(ctx, st.field) if st.field in ctx.plan.by_name else None
                if table is None or st.field in hits or st.value <= 0 or table <= 0:
                    continue
                expected = st.value * ratio
                if abs(table - expected) <= st.half * ratio + expected * SLACK:
                    hits[st.field] = (table, st.text)
    if not hits:
        return
    order = ctx.plan.order
    fields = sorted(hits, key=lambda k: order.get(k, 0))
    listed = "、".join(f"{ctx.label(k)} {fmt(hits[k][0])}（综述写作“{hits[k][1]}”）" for k in fields[:4])
    more = f"等 {len(fields)} 项" if len(fields) > 4 else ""
    yield at(ctx.plan.by_name[fields[0]], "implausible-amount",
             args={"fields": ",".join(fields), "ratio": fmt(ratio, 0), "value": fmt(hits[fields[0]][0]),
                   "stated": hits[fields[0]][1]},
             detail=f"表中金额是评价报告综述所写金额的 {fmt(ratio, 0)} 倍：{listed}{more}，疑似按“元”填写；"
                    f"表中金额应以{unit}为单位。")
