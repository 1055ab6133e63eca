"""Figures stated in free text: amounts (96万元, 422600元), counts (4人) and shares (占68.75%),
each attributed to a table field when a term for it stands right before the figure.

Why: the narrative restates table figures and that is where published reports contradict their
own tables. A figure is attributed only when the wording leaves no doubt (人员经费43.4万元,
支出合计为96万元); anything else (罚款500元, 稿件3526条, 较上年减少5万元, 上年人员经费40万元) is
left alone, because a false alarm on someone's prose costs more than a missed one.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from decimal import Decimal

from selfeval_xl.narrative.vocabulary import Vocabulary

_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)} | {0xFF0E: 0x2E, 0xFF05: 0x25, 0xFF0C: 0xFF0C}
AMOUNT = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(亿元|万元|元|人|名)")
PERCENT = re.compile(r"占(?:(?P<base>[^，。；;、：:\d%]{1,16}?)(?:的|之)(?:比(?:重|例))?)?(?:比(?:重|例))?(?:为|达)?\s*"
                     r"(?P<pct>\d+(?:\.\d+)?)\s*%")
# what may stand between a term and its figure: 为, 共计, ：, spaces …
GAP = re.compile(r"(?:[\s:：]|为|是|共计|合计|总计|总额|金额|共|计|达到|达|有|支出|经费|资金)*")
# words before the term, in the same clause, that make the figure not this year's actual
OTHER_PERIOD = re.compile(r"上年|去年|上一年|同期|预算数|年初预算|预算安排|比上年|较上年|增加|减少|增长|下降|压减|节约")
YEAR = re.compile(r"(?<!\d)(20\d{2})\s*年")
SENTENCE_END = re.compile(r"[。！？!?\n]")
CLAUSE_END = re.compile(r"[，；。！？!?\n;：:]")
SCALE = {"亿元": Decimal(10000), "万元": Decimal(1), "元": Decimal("0.0001"), "人": Decimal(1), "名": Decimal(1)}
UNIT_KIND = {"亿元": "万元", "万元": "万元", "元": "万元", "人": "人", "名": "人"}


def normalise(text: str) -> str:
    """Full-width digits, ．and ％ to ASCII; same length, so positions stay valid for quoting."""
    return text.translate(_FULLWIDTH)


@dataclass(frozen=True)
class Stated:
    """A figure attributed to a field: its value in the table's unit and its half-width."""

    field: str
    term: str  # the words used in the text
    value: Decimal  # in 万元 (amounts) or persons
    half: Decimal  # ½ unit of the last stated digit, in the same unit
    start: int
    end: int
    text: str  # the figure as written: 43.4万元


@dataclass(frozen=True)
class Share:
    """A stated percentage, with the field named as its base (占基本支出的…) when there is one."""

    pct: Decimal
    half: Decimal
    base_term: str | None
    start: int
    end: int


@dataclass
class Sentence:
    start: int
    end: int
    stated: list[Stated]
    shares: list[Share]


def _half(number: str) -> Decimal:
    d = Decimal(number.replace(",", ""))
    exp = d.as_tuple().exponent
    return Decimal(5).scaleb((exp if isinstance(exp, int) else 0) - 1)


class _Terms:
    """Term occurrences in one text, searchable by end position."""

    def __init__(self, vocab: Vocabulary, text: str) -> None:
        self.hits = [(m.end(), m.start(), vocab.field_of[m.lastgroup or ""], m.group(0))
                     for m in vocab.terms.finditer(text)]
        self.ends = [h[0] for h in self.hits]

    def before(self, pos: int) -> tuple[int, int, str, str] | None:
        i = bisect.bisect_right(self.ends, pos) - 1
        return self.hits[i] if i >= 0 else None


def _clause_start(text: str, pos: int, floor: int) -> int:
    i = pos
    while i > floor:
        if CLAUSE_END.match(text, i - 1):
            return i
        i -= 1
    return floor


def _other_period(text: str, start: int, floor: int, year: int | None) -> bool:
    prefix = text[_clause_start(text, start, floor):start]
    if OTHER_PERIOD.search(prefix):
        return True
    if year is not None:
        return any(int(y) != year for y in YEAR.findall(prefix))
    return False


def sentences(text: str, vocab: Vocabulary, year: int | None) -> list[Sentence]:
    """Sentences holding attributed figures or shares (others are dropped)."""
    text = normalise(text)
    terms = _Terms(vocab, text)
    out: list[Sentence] = []
    bounds = [m.end() for m in SENTENCE_END.finditer(text)]
    start = 0
    for end in bounds + [len(text)]:
        if end <= start:
            continue
        stated: list[Stated] = []
        for m in AMOUNT.finditer(text, start, end):
            hit = terms.before(m.start())
            if hit is None or hit[0] < start:
                continue
            t_end, t_start, key, term = hit
            if vocab.unit.get(key) != UNIT_KIND[m.group(2)] or not GAP.fullmatch(text, t_end, m.start()):
                continue
            if _other_period(text, t_start, start, year):
                continue
            number = m.group(1)
            scale = SCALE[m.group(2)]
            stated.append(Stated(key, term, Decimal(number.replace(",", "")) * scale, _half(number) * scale,
                                 m.start(), m.end(), m.group(0)))
        shares = [Share(Decimal(m.group("pct")), _half(m.group("pct")), m.group("base"), m.start(), m.end())
                  for m in PERCENT.finditer(text, start, end)]
        if stated or shares:
            out.append(Sentence(start, end, stated, shares))
        start = end
    return out
