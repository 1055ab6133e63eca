"""Why: prompt text left in an answer cell ("部门（单位）整体支出规模、使用方向和主要内容、涉及范围等",
"请填写", "XX", "任务n") means the section was not really written; published that way it is an
embarrassment. A numbered heading kept above real content ("（一）专项组织情况分析") is fine.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from selfeval_xl.check.checks.common import at, shown
from selfeval_xl.check.context import Context
from selfeval_xl.model.findings import Finding
from selfeval_xl.model.spec import Template

TEXT_TYPES = ("text", "longtext")
# template prompts that are never an answer, whatever the field: (cheap gate, pattern); the
# gate is a plain substring test so long answers that cannot contain the prompt cost nothing
GENERIC: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    (("请",), re.compile(r"请(?:在此|在这里)?(?:填写|填入|输入)")),
    (("此处",), re.compile(r"此处填写|（此处[^）]{0,60}）|\(此处[^)]{0,60}\)")),
    (("XX", "ＸＸ", "××", "xX"), re.compile(r"(?<![A-Za-z])[XＸ×]{2,}(?![A-Za-z])")),
    (("n", "N", "ｎ"), re.compile(r"(?:任务|目标|指标)\s*[nNｎ](?![A-Za-z])")),
)
_GATE = re.compile("[请此XＸ×nNｎ]")  # one charset scan: most answers contain none of these
_NUMBERING = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+[、.．]|\d+\s*[、.．]|第[一二三四五六七八九十\d]+[部分章节条]?)\s*")
_EDGES = "\u3000 \t。.：:；;，,、"


def _core(line: str) -> tuple[str, bool]:
    """A line without its numbering and edge punctuation, and whether it was numbered."""
    m = _NUMBERING.match(line)
    body = line[m.end():] if m else line
    return body.strip(_EDGES), m is not None


@lru_cache(maxsize=16)
def _text_inputs(t: Template) -> tuple[str, ...]:
    return tuple(k for k, f in t.fields.items() if f.type in TEXT_TYPES)


def placeholder_in(text: str, placeholders: tuple[str, ...]) -> str | None:
    """The prompt left in `text`, if any.

    A spec placeholder counts when a whole line is nothing but that prompt, except a numbered
    heading that is followed by other content; a generic prompt counts anywhere.
    """
    if _GATE.search(text):
        for keys, pattern in GENERIC:
            if any(k in text for k in keys) and (m := pattern.search(text)):
                return m.group(0)
    if not placeholders:
        return None
    lines = [ln for ln in text.splitlines() if ln.strip()]
    for line in lines:
        core, numbered = _core(line)
        for ph in placeholders:
            if core == ph.strip(_EDGES):
                if numbered and len(lines) > 1:
                    continue  # a sub-heading kept above the answer
                return line.strip()
    return None


def check_placeholders(ctx: Context) -> Iterator[Finding]:
    for p in ctx.filled:
        f = p.field
        if f.type not in TEXT_TYPES:
            continue
        v = ctx.value(p.name)
        if not isinstance(v, str) or not v:
            continue
        hit = placeholder_in(v, f.placeholders)
        if hit is not None:
            yield at(p, "placeholder-text", label=ctx.label(p.name), value=shown(hit))
