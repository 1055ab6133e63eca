"""A count stated next to the items it counts: "内设A、B、C 2个股室", "下属单位2个，分别是A、B".

Why: "直属事业单位10个" followed by nine names is a classic slip in published reports. Only the
two unmistakable shapes are read — an enumeration introduced by 内设/下设/设有/包括… and ending
in the count, or a count followed by 分别是/分别为 and its list — so prose is never miscounted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_CN = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
NUM = r"[0-9]{1,3}|[一二两三四五六七八九十]{1,3}"
LIST_TRIGGERS = ("内设", "下设", "设有", "设立", "包括", "包含", "下辖")
LIST_THEN_COUNT = re.compile(rf"(?:内设|下设|设有|设立了?|包括|包含|下辖)(?P<items>[^，。；;：:\d\n]{{2,160}}?)"
                             rf"(?P<n>{NUM})个(?P<what>[^\s，,。；;、（(]{{1,8}})")
COUNT_THEN_LIST = re.compile(rf"(?P<n>{NUM})个(?P<what>[^\s，,。；;、：:（(\d]{{0,10}}?)"
                             r"(?:[，,]?\s*(?:分别是|分别为)[：:]?|[：:])(?P<items>[^。；;\n]{2,300})")
COUNT_GATE = re.compile(r"分别[是为]|个[^，,。；;：:\n]{0,10}[：:]")  # starts with literals: a fast scan
_PARENS = re.compile(r"（[^）]*）|\([^)]*\)")
_LAST_AND = re.compile(r"(?<=[^、])(?:和|及|以及)(?=[^、]{2,}$)")


@dataclass(frozen=True)
class CountMismatch:
    stated: int
    listed: int
    what: str
    items: tuple[str, ...]
    start: int
    end: int


def chinese_int(text: str) -> int | None:
    """0–99 written in digits or Chinese numerals (十, 十二, 二十, 二十三)."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = _CN.get(tens, None) if tens else 1
        o = _CN.get(ones, None) if ones else 0
        return None if t is None or o is None else t * 10 + o
    return _CN.get(text) if len(text) == 1 else None


def _items(text: str, split_and: bool) -> list[str]:
    """The listed items; none when the list says it is not complete (…等, 等等, 如)."""
    body = _PARENS.sub("", text).strip(" ，,。")
    if body.endswith("等") or "等等" in body or body.startswith(("如", "例如")):
        return []
    parts = [p.strip() for p in body.split("、")]
    if split_and and parts:
        parts[-1:] = [p.strip() for p in _LAST_AND.split(parts[-1])]
    return [p for p in parts if p]


def count_mismatches(text: str) -> Iterator[CountMismatch]:
    """Counts that disagree with the list they introduce or close (lists of at least 2 items)."""
    if "个" not in text:
        return
    # plain substring gates first: the patterns are only run where their shape can occur
    list_first = any(t in text for t in LIST_TRIGGERS)
    count_first = COUNT_GATE.search(text) is not None
    for m in LIST_THEN_COUNT.finditer(text) if list_first else ():
        items = _items(m.group("items"), split_and=False)
        n = chinese_int(m.group("n"))
        if n is not None and len(items) >= 2 and n != len(items):
            yield CountMismatch(n, len(items), m.group("what"), tuple(items), m.start(), m.end())
    for m in COUNT_THEN_LIST.finditer(text) if count_first else ():
        items = _items(re.split(r"[，,]", m.group("items"))[0], split_and=True)
        n = chinese_int(m.group("n"))
        if n is not None and len(items) >= 2 and n != len(items):
            yield CountMismatch(n, len(items), m.group("what"), tuple(items), m.start(), m.end())
