"""Compare figures stated in a narrative with the tables (pure: no findings, no context).

Why: figures restated in the narrative must agree with the tables, and stated shares must
follow from the figures they relate ("基本支出66万元，占68.75%" of the 支出合计 in that sentence).

Each contradiction is one Mismatch (the check turns it into a `narrative-mismatch` warning at
the narrative cell), quoting the sentence around the figure and naming both figures. Rounding is tolerated: a figure stated
with d decimals stands for ±½·10^-d, the table's for ±½ of its precision. A wrong figure is
reported once: shares are recomputed from the figures stated in the same sentence (so 人员经费
43.4 with 占65.75% is one finding, the 43.4), from the tables only when the text states none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from selfeval_xl.model.money import fmt, plain
from selfeval_xl.narrative.counts import count_mismatches
from selfeval_xl.narrative.figures import Sentence, Share, Stated, normalise, sentence_of, sentences
from selfeval_xl.narrative.vocabulary import Vocabulary

QUOTE_CHARS = 80
HUNDRED = Decimal(100)


def quote(text: str, s: Sentence, start: int, end: int) -> str:
    """The sentence, trimmed to about QUOTE_CHARS characters around the figure at [start, end)."""
    a0, b0 = s.start, s.end
    while a0 < b0 and text[a0] in " \t\n\u3000":
        a0 += 1
    while b0 > a0 and text[b0 - 1] in " \t\n\u3000。":
        b0 -= 1
    a, b = a0, b0
    if b - a > QUOTE_CHARS:  # a long sentence: keep to the clauses between semicolons around the figure
        semi_a = max(text.rfind("；", a, start), text.rfind(";", a, start))
        semi_b = min((x for x in (text.find("；", end, b), text.find(";", end, b)) if x >= 0), default=-1)
        a = semi_a + 1 if semi_a >= 0 else a
        b = semi_b if semi_b >= 0 else b
    if b - a > QUOTE_CHARS:
        mid = (start + end) // 2
        a = max(a, mid - QUOTE_CHARS // 2)
        b = min(b, a + QUOTE_CHARS)
    return ("…" if a > a0 else "") + text[a:b] + ("…" if b < b0 else "")


@dataclass(frozen=True)
class TableValue:
    """What the tables say for a field: value, half-width, and how to name and locate it."""

    value: Decimal
    half: Decimal
    label: str
    sheet: str
    cell: str
    precision: int


Lookup = Callable[[str], "TableValue | None"]


@dataclass(frozen=True)
class Mismatch:
    detail: str
    args: dict[str, str]




def _unit_word(vocab: Vocabulary, key: str) -> str:
    return vocab.unit.get(key, "万元")


def _figures(lookup: Lookup, text: str, s: Sentence, vocab: Vocabulary,
             seen: set[tuple[str, Decimal]]) -> Iterator[Mismatch]:
    for st in s.stated:
        tv = lookup(st.field)
        if tv is None:
            continue
        diff = abs(st.value - tv.value)
        tol = st.half + tv.half
        if diff <= tol or (st.field, st.value) in seen:
            continue
        seen.add((st.field, st.value))
        unit = _unit_word(vocab, st.field)
        prec = tv.precision
        detail = (f"文中“{quote(text, s, st.start, st.end)}”所述{st.term} {plain(st.value)} {unit}，"
                  f"与{tv.sheet}表中{tv.label} {fmt(tv.value, prec)} {unit}（{tv.sheet}!{tv.cell}）不符，"
                  f"相差 {fmt(diff, prec)} {unit}")
        yield Mismatch(detail, {"reported": plain(st.value), "computed": fmt(tv.value, prec),
                                "difference": fmt(diff, prec), "tolerance": plain(tol),
                                "table_field": st.field})


def _part_of(lookup: Lookup, s: Sentence, share: Share, used: set[int]) -> Stated | None:
    """The figure the share is of: a term right before 占 (its table value), else the last
    figure before the share not already taken by an earlier share."""
    if share.part is not None:
        key, term = share.part
        tv = lookup(key)
        if tv is None:
            return None
        return Stated(key, term, tv.value, tv.half, share.start, share.start, "")
    best = None
    for i, st in enumerate(s.stated):
        if st.end <= share.start and i not in used:
            best = i
    if best is None:
        return None
    # another share between the figure and this one: the figure belongs to that share
    if any(o.start < share.start and o.start >= s.stated[best].end for o in s.shares if o is not share):
        return None
    used.add(best)
    return s.stated[best]


def _base_of(lookup: Lookup, vocab: Vocabulary, s: Sentence, share: Share, part: Stated) -> tuple[str, Decimal, Decimal] | None:
    """(field, value, half-width) of the total the share is of: named (占基本支出的), else the
    nearest total of the part stated earlier in the sentence."""
    if share.base_term is not None:
        m = vocab.terms.search(normalise(share.base_term))
        if m is None:
            return None
        key = vocab.field_of[m.lastgroup or ""]
        for st in reversed(s.stated):
            if st.field == key and st.end <= share.start:
                return key, st.value, st.half
        tv = lookup(key)
        return (key, tv.value, tv.half) if tv else None
    parents = vocab.parents.get(part.field, ())
    for st in reversed(s.stated):
        if st.end <= part.start and st.field in parents:
            return st.field, st.value, st.half
    return None


def _precise(lookup: Lookup, key: str, value: Decimal, half: Decimal) -> tuple[Decimal, Decimal]:
    """A stated figure that agrees with the table is taken at the table's precision ("96万元" is
    96.00 ± 0.005 then, not ± 0.5); one that contradicts it stays as stated (already reported)."""
    tv = lookup(key)
    if tv is not None and abs(value - tv.value) <= half + tv.half:
        return tv.value, tv.half
    return value, half


def _shares(lookup: Lookup, text: str, s: Sentence, vocab: Vocabulary) -> Iterator[Mismatch]:
    used: set[int] = set()
    for share in s.shares:
        part = _part_of(lookup, s, share, used)
        if part is None:
            continue
        base = _base_of(lookup, vocab, s, share, part)
        if base is None:
            continue
        bkey, bvalue, bhalf = base
        pvalue, phalf = _precise(lookup, part.field, part.value, part.half)
        bvalue, bhalf = _precise(lookup, bkey, bvalue, bhalf)
        if bkey == part.field or bvalue - bhalf <= 0:
            continue
        lo = (pvalue - phalf) / (bvalue + bhalf) * HUNDRED
        hi = (pvalue + phalf) / (bvalue - bhalf) * HUNDRED
        if share.pct + share.half >= lo and share.pct - share.half <= hi:
            continue
        computed = pvalue / bvalue * HUNDRED
        prec = max(2, -share.pct.as_tuple().exponent) if isinstance(share.pct.as_tuple().exponent, int) else 2
        unit = _unit_word(vocab, part.field)
        btv = lookup(bkey)
        blabel = btv.label if btv is not None else bkey
        detail = (f"文中“{quote(text, s, share.start, share.end)}”所述比例 {share.pct}%，"
                  f"按{part.term} {plain(pvalue)} {unit} ÷ {blabel} {plain(bvalue)} {unit} "
                  f"计算应为 {fmt(computed, prec)}%")
        yield Mismatch(detail, {"reported": f"{share.pct}", "computed": fmt(computed, prec),
                                "difference": fmt(abs(computed - share.pct), prec)})


def _counts(text: str) -> Iterator[Mismatch]:
    for cm in count_mismatches(text):
        start, end = sentence_of(text, cm.start)
        s = Sentence(start, end, [], [])
        what = cm.what or "项"
        listed = "、".join(cm.items)
        if len(listed) > 40:
            listed = listed[:39] + "…"
        detail = (f"文中“{quote(text, s, cm.start, cm.end)}”称 {cm.stated} 个{what}，"
                  f"但列出了 {cm.listed} 项（{listed}）")
        yield Mismatch(detail, {"reported": str(cm.stated), "computed": str(cm.listed),
                                "difference": str(abs(cm.stated - cm.listed))})


def mismatches(text: str, vocab: Vocabulary, lookup: Lookup, year: int | None,
               seen: set[tuple[str, Decimal]] | None = None) -> Iterator[Mismatch]:
    """Every contradiction in one text; `seen` (field, figure) pairs are reported once per submission."""
    figures = "元" in text or "%" in text or "％" in text or "人" in text or "名" in text
    if not figures and "个" not in text:
        return
    seen = set() if seen is None else seen
    norm = normalise(text)
    if figures:
        for s in sentences(norm, vocab, year):
            yield from _figures(lookup, norm, s, vocab, seen)
            yield from _shares(lookup, norm, s, vocab)
    yield from _counts(norm)
