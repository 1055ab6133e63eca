"""The words a narrative uses for table fields, compiled once per template.

Why: reports never say "expenditure.personnel"; they say 人员支出, 人员经费, 人员经费支出. The
spec's labels and `synonyms` (data, not code) name each amount; the sum rules say which figure
is part of which total, so a bare "占68.75%" can find the total it is a share of.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from selfeval_xl.model.spec import Template
from selfeval_xl.rules.parse import Compare, Expr, Op, Ref, parse

QUOTES = "\"'“”‘’「」『』"
_QUOTE_CLASS = "[" + re.escape(QUOTES) + "]?"


@dataclass(frozen=True)
class Vocabulary:
    terms: re.Pattern[str]  # every label and synonym, longest first; group name → field key
    field_of: dict[str, str]  # regex group name (one per term) → field key
    parents: dict[str, tuple[str, ...]]  # field → its totals, nearest first (人员支出 → 基本支出, 支出合计)
    unit: dict[str, str]  # field → the unit its stated figures carry: 万元 (amounts) or 人 (counts)
    by_last: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)  # last char → (term, field), longest first
    quoted: re.Pattern[str] | None = None  # the terms written with quotes; group name → field_of


def _term_pattern(term: str) -> str:
    """A term as a literal; in a term written with quotes (“三公”经费) any quote mark may be used
    or left out (plain literals keep the scan fast: only quoted terms pay for the flexibility)."""
    if not any(c in QUOTES for c in term):
        return re.escape(term)
    chars = [c for c in term if c not in QUOTES]
    return _QUOTE_CLASS + _QUOTE_CLASS.join(re.escape(c) for c in chars) + _QUOTE_CLASS


def _sum_parts(e: Expr) -> list[str] | None:
    if isinstance(e, Ref):
        return [e.name]
    if isinstance(e, Op) and e.op == "+" and e.right is not None:
        a, b = _sum_parts(e.left), _sum_parts(e.right)
        return a + b if a is not None and b is not None else None
    return None


def _parents(t: Template) -> dict[str, tuple[str, ...]]:
    direct: dict[str, str] = {}
    for r in t.rules:
        if r.code != "sum-mismatch" or not r.expr:
            continue
        e = parse(r.expr)
        if isinstance(e, Compare) and e.ops == ("=",) and isinstance(e.operands[0], Ref):
            parts = _sum_parts(e.operands[1])
            for p in parts or []:
                direct.setdefault(p, e.operands[0].name)
    out: dict[str, tuple[str, ...]] = {}
    for child in direct:
        chain, seen = [], {child}
        node = child
        while node in direct and direct[node] not in seen:
            node = direct[node]
            seen.add(node)
            chain.append(node)
        out[child] = tuple(chain)
    return out


@lru_cache(maxsize=16)
def vocabulary(t: Template) -> Vocabulary:
    """Terms of the unit-table amounts (部门合计 figures) and of the staff counts."""
    keys = [k for ut in t.unit_tables.values() for k in ut.columns]
    keys += [k for k, f in t.fields.items() if f.type == "integer" and k.startswith("staff.")]
    field_of: dict[str, str] = {}
    unit: dict[str, str] = {}
    for k in keys:
        f = t.fields[k]
        unit[k] = "人" if f.type == "integer" else "万元"
        for term in (f.label, *f.synonyms):
            field_of.setdefault(term, k)
    ordered = sorted(field_of, key=lambda s: (-len(s), s))
    groups = "|".join(f"(?P<t{i}>{_term_pattern(term)})" for i, term in enumerate(ordered))
    pattern = re.compile(groups)
    by_group = {f"t{i}": field_of[term] for i, term in enumerate(ordered)}
    by_last: dict[str, list[tuple[str, str]]] = {}
    for term in ordered:
        if not any(c in QUOTES for c in term):
            by_last.setdefault(term[-1], []).append((term, field_of[term]))
    quoted_terms = [(i, term) for i, term in enumerate(ordered) if any(c in QUOTES for c in term)]
    quoted = re.compile("|".join(f"(?P<t{i}>{_term_pattern(term)})" for i, term in quoted_terms)) if quoted_terms else None
    return Vocabulary(pattern, by_group, _parents(t), unit, {k: tuple(v) for k, v in by_last.items()}, quoted)
