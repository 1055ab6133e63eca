"""Figures stated in free text: amounts (96万元, 422600元), counts (4人) and shares (占68.75%),
each attributed to a table field when a term for it stands right before the figure.

Why: the narrative restates table figures and that is where published reports contradict their
own tables. A figure is attributed only when the wording leaves no doubt (人员经费43.4万元,
支出合计为96万元); anything else (罚款500元, 稿件3526条, 较上年减少5万元, 上年人员经费40万元) is
left alone, because a false alarm on someone's prose costs more than a missed one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from selfeval_xl.model.numtext import half_width_figures
from selfeval_xl.narrative.vocabulary import QUOTES, Vocabulary

# A cheap scan (a digit run before a unit), then the strict form checked on each candidate only:
# a regex that starts with a look-behind cannot skip ahead and costs 10× on long prose.
AMOUNT_SCAN = re.compile(r"[0-9][0-9,.]*\s*(?:亿元|万元|元|人|名)")
AMOUNT = re.compile(r"(\d{1,3}(?:,\d{3}){1,4}(?:\.\d{1,6})?|\d{1,13}(?:\.\d{1,6})?)\s*(亿元|万元|元|人|名)")
PERCENT = re.compile(r"占(?:(?P<base>[^，。；;、：:\d%]{1,16}?)(?:的|之)(?:比(?:重|例))?)?(?:比(?:重|例))?(?:为|达)?\s*"
                     r"(?<![\d.])(?P<pct>\d{1,3}(?:\.\d{1,4})?)\s*%")
# what may stand between a term and its figure: 为, 共计, ：, spaces …
GAP = re.compile(r"(?:[\s:：]|为|是|共计|合计|总计|总额|金额|共|计|达到|达|有|支出|经费|资金)*")
# words before the term, in the same clause, that make the figure not this year's actual
OTHER_PERIOD = re.compile(r"上年|去年|上一年|同期|预算数|年初预算|预算安排|比上年|较上年|增加|减少|增长|下降|压减|节约")
YEAR = re.compile(r"(?<!\d)(20\d{2})\s*年")
# what may stand right before a term so that it names the department's own figure: a boundary, a
# year, or a function word. "网络安全项目支出5万元" is one project's figure, not 项目支出.
BEFORE_TERM = set("，,；;：:。、（(）)“”\"'！？!? \t\n\u3000　0123456789年度共排计其中为是及和与的本当含括即")
BEFORE_TERM_2 = {"部门", "单位", "机关", "本局", "全局", "本委", "本办"}
SENTENCE_MARKS = "。！？!?\n"
SENTENCE_END = re.compile(f"[{SENTENCE_MARKS}]")
CLAUSE_END = re.compile(r"[，；。！？!?\n;：:]")
SCALE = {"亿元": Decimal(10000), "万元": Decimal(1), "元": Decimal("0.0001"), "人": Decimal(1), "名": Decimal(1)}
UNIT_KIND = {"亿元": "万元", "万元": "万元", "元": "万元", "人": "人", "名": "人"}


def normalise(text: str) -> str:
    """Full-width digits, ．and ％ to ASCII (numtext's table; the Chinese comma stays), same
    length, so positions stay valid for quoting."""
    return half_width_figures(text)


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
    part: tuple[str, str] | None = None  # (field, term) named right before 占 without a figure


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


TERM_WINDOW = 40  # a term further than this before its figure is not "right before" it


def _term_before(vocab: Vocabulary, text: str, pos: int, floor: int) -> tuple[int, int, str, str] | None:
    """(end, start, field, term) of the term ending last at or before `pos` (the longest on a tie),
    within the window. Walks back from the figure and stops at the first term end, so the cost is
    a few dictionary lookups per figure, never a scan of the prose."""
    lo = max(floor, pos - TERM_WINDOW)
    best: tuple[int, int, str, str] | None = None
    by_last = vocab.by_last
    for end in range(pos, lo, -1):
        for term, key in by_last.get(text[end - 1], ()):
            start = end - len(term)
            if start >= lo and text.startswith(term, start):
                best = (end, start, key, term)
                break
        if best is not None:
            break
    if vocab.quoted is not None and any(q in text[lo:pos] for q in QUOTES):
        for m in vocab.quoted.finditer(text, lo, pos):
            if best is None or m.end() > best[0] or (m.end() == best[0] and m.start() < best[1]):
                best = (m.end(), m.start(), vocab.field_of[m.lastgroup or ""], m.group(0))
    return best


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


def _stands_alone(text: str, start: int, floor: int) -> bool:
    """The term at `start` is not the tail of a longer name (网络安全项目支出)."""
    return start <= floor or text[start - 1] in BEFORE_TERM or text[start - 2:start] in BEFORE_TERM_2


def sentence_of(text: str, pos: int) -> tuple[int, int]:
    """[start, end) of the sentence around `pos` (end includes its final mark)."""
    start = max(text.rfind(c, 0, pos) for c in SENTENCE_MARKS) + 1
    m = SENTENCE_END.search(text, pos)
    return start, (m.end() if m else len(text))


def sentences(text: str, vocab: Vocabulary, year: int | None) -> list[Sentence]:
    """Sentences holding attributed figures or shares (others are never looked at)."""
    text = normalise(text)
    by_start: dict[int, Sentence] = {}

    def sentence(pos: int) -> Sentence:
        start, end = sentence_of(text, pos)
        s = by_start.get(start)
        if s is None:
            s = by_start[start] = Sentence(start, end, [], [])
        return s

    for c in AMOUNT_SCAN.finditer(text):
        m = AMOUNT.fullmatch(text, c.start(), c.end())
        if m is None or (m.start() > 0 and text[m.start() - 1] in ".,"):
            continue
        s = sentence(m.start())
        hit = _term_before(vocab, text, m.start(), s.start)
        if hit is None:
            continue
        t_end, t_start, key, term = hit
        if not _stands_alone(text, t_start, s.start):
            continue
        if vocab.unit.get(key) != UNIT_KIND[m.group(2)] or not GAP.fullmatch(text, t_end, m.start()):
            continue
        if _other_period(text, t_start, s.start, year):
            continue
        number = m.group(1)
        scale = SCALE[m.group(2)]
        s.stated.append(Stated(key, term, Decimal(number.replace(",", "")) * scale, _half(number) * scale,
                               m.start(), m.end(), m.group(0)))
    for m in PERCENT.finditer(text):
        s = sentence(m.start())
        hit = _term_before(vocab, text, m.start(), s.start)
        part = None
        if hit is not None and GAP.fullmatch(text, hit[0], m.start()) and _stands_alone(text, hit[1], s.start):
            part = (hit[2], hit[3])  # 人员经费占基本支出的64.03%
        s.shares.append(Share(Decimal(m.group("pct")), _half(m.group("pct")), m.group("base"), m.start(), m.end(), part))
    return [s for _, s in sorted(by_start.items()) if s.stated or s.shares]
