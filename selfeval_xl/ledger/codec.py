"""Typed values to and from the ledger's TEXT columns, losslessly (decimals as strings)."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from selfeval_xl.model.findings import Finding
from selfeval_xl.model.submission import Typed

_FAST = {str: lambda v: ("text", v), Decimal: lambda v: ("decimal", f"{v:f}"), int: lambda v: ("int", str(v)),
         type(None): lambda v: ("none", None)}


def encode(v: object) -> tuple[str, str | None]:
    """(kind, text) for a typed value; bool before int because bool is an int."""
    fast = _FAST.get(type(v))
    if fast is not None:
        return fast(v)
    if v is None:
        return "none", None
    if isinstance(v, bool):
        return "bool", "1" if v else "0"
    if isinstance(v, Decimal):
        return "decimal", f"{v:f}"
    if isinstance(v, int):
        return "int", str(v)
    if isinstance(v, datetime):
        return "datetime", v.isoformat()
    if isinstance(v, date):
        return "date", v.isoformat()
    if isinstance(v, float):  # should not happen (money is Decimal); keep the exact repr
        return "decimal", f"{Decimal(repr(v)):f}"
    return "text", str(v)


def decode(kind: str, text: str | None) -> Typed:
    """Inverse of encode; an unreadable stored value comes back as text, never raises."""
    if text is None or kind == "none":
        return None
    try:
        if kind == "decimal":
            return Decimal(text)
        if kind == "int":
            return int(text)
        if kind == "bool":
            return text == "1"  # type: ignore[return-value]
        if kind == "datetime":
            return datetime.fromisoformat(text)
        if kind == "date":
            return date.fromisoformat(text)
    except (ValueError, InvalidOperation):
        return text
    return text


def _tagged(v: object) -> dict[str, list[str | None]]:
    """json.dumps' fallback for what JSON cannot hold as is (Decimal, date, …): {"$": [kind, text]}."""
    return {"$": list(encode(v))}


def _untag(d: dict[str, Any]) -> Any:
    tag = d.get("$")
    if len(d) == 1 and isinstance(tag, list) and len(tag) == 2:
        return decode(str(tag[0]), tag[1])
    return d


def encode_tables(tables: dict[str, list[dict[str, Typed]]]) -> str:
    """Row tables as JSON; str/int/None stay plain JSON, other values are tagged (lossless)."""
    return json.dumps(tables, ensure_ascii=False, separators=(",", ":"), default=_tagged)


def decode_tables(text: str) -> dict[str, list[dict[str, Typed]]]:
    try:
        raw = json.loads(text or "{}", object_hook=_untag)
    except ValueError:
        return {}
    return raw if isinstance(raw, dict) else {}


def finding_row(submission_id: int, seq: int, f: Finding) -> tuple[Any, ...]:
    return (submission_id, seq, f.code, f.rule, f.severity, f.sheet, f.cell, f.field, f.message,
            json.dumps(f.args, ensure_ascii=False, sort_keys=True), 1 if f.explained else 0)


def finding_from_row(row: tuple[Any, ...]) -> Finding:
    """row: (code, rule, severity, sheet, cell, field, message, args, explained)."""
    code, rule, severity, sheet, cell, fld, message, args, explained = row
    try:
        parsed = json.loads(args or "{}")
    except ValueError:
        parsed = {}
    return Finding(code=code, severity=severity, message=message, rule=rule, sheet=sheet, cell=cell,
                   field=fld, args={str(k): str(v) for k, v in parsed.items()}, explained=bool(explained))
