"""A long text written over several cells: the first cell carries the field's name, the cells
below it `<key>.p2`, `<key>.p3` … (a spreadsheet row is at most 409 points tall, so one cell
cannot show, or print, a long answer). This is the one home of how the parts make the value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SEPARATOR = "\n"  # parts are paragraphs: the generator splits only at line breaks


def part_name(key: str, k: int) -> str:
    """The name of the k-th cell (k ≥ 2) of the long text `key`."""
    return f"{key}.p{k}"


def joined(raw: Mapping[str, Any], continuations: Mapping[str, tuple[str, ...]]) -> Mapping[str, Any]:
    """`raw` with each long text's filled parts joined into its first cell's name (and the parts'
    names dropped), as the department wrote it: one paragraph run, top to bottom."""
    if not continuations or not any(p in raw for parts in continuations.values() for p in parts):
        return raw
    out = dict(raw)
    for key, parts in continuations.items():
        pieces = [_text(out.pop(name, None)) for name in (key, *parts)]
        filled = [p for p in pieces if p.strip()]
        if filled:
            out[key] = SEPARATOR.join(filled)
        elif raw.get(key) is not None:
            out[key] = raw[key]
    return out


def _text(v: Any) -> str:
    return "" if v is None else v if isinstance(v, str) else str(v)
