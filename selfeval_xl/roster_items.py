"""Read a roster of items (one row per project: 预算编码, 部门名称, 项目名称, 项目编码, 全年预算数, …)
for a template with a repeated sheet: each department gets one workbook holding its items.

Which columns prefill which fields comes from the spec: the fields on the repeated sheet marked
`roster: true`, found by `roster_header` (default: the field's label). Bad rows are reported by
the row number Excel shows, and the good rows are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from selfeval_xl.model.spec import Field, Template
from selfeval_xl.roster import (
    NAME_MAX_LENGTH,
    RosterError,
    _cell,
    _code,
    _find_header,
    _norm_header,
    _read_csv,
    _read_workbook,
    _text,
    read_roster,
)


@dataclass
class ItemEntry:
    """One department of an item roster: its first row, code, name and items (field key → value)."""

    row: int
    code: str
    name: str
    items: list[dict[str, Any]] = field(default_factory=list)
    units: int = 1
    contact: str | None = None


@dataclass
class ItemRosterResult:
    entries: list[ItemEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def item_fields(t: Template) -> list[tuple[Field, str]]:
    """(field, roster header) of every field the roster prefills on the repeated sheet."""
    scoped = t.sheet_scoped()
    return [(f, _norm_header(f.roster_header or f.label)) for k, f in t.fields.items() if k in scoped and f.roster]


def read_item_roster(path: str | Path, t: Template) -> ItemRosterResult:
    """Departments with their items; RosterError only when the file as a whole is unusable."""
    read_roster(path)  # the same checks of the file as a department roster (size, format, header)
    p = Path(path)
    sheets = [_read_csv(p)] if p.suffix.lower() in (".csv", ".txt") else _read_workbook(p)
    wanted = item_fields(t)
    label = t.repeat.label if t.repeat else "项目"
    for rows in sheets:
        header = _find_header(rows)
        if header is None:
            continue
        index, cols = header
        heads = {_norm_header(v): j for j, v in enumerate(rows[index])}
        found = {f.key: heads[h] for f, h in wanted if h in heads}
        required = [f for f, _h in wanted if f.required and f.key not in found]
        if required:
            names = "、".join(f.roster_header or f.label for f in required)
            raise RosterError(f"{label}名单缺少列：{names}")
        return _rows(rows, index, cols, found, {f.key: f for f, _h in wanted}, t)
    raise RosterError(f"{p.name} 中找不到表头（应含“预算编码”“部门名称”两列）")


def _rows(rows: list[list[Any]], index: int, cols: dict[str, int], found: dict[str, int],
          fields: dict[str, Field], t: Template) -> ItemRosterResult:
    result = ItemRosterResult()
    by_code: dict[str, ItemEntry] = {}
    limit = t.repeat.max if t.repeat else 100
    for i in range(index + 1, len(rows)):
        row = rows[i]
        excel_row = i + 1
        if all(_cell(row, j) is None for j in range(len(row))):
            continue
        raw_code, raw_name = _cell(row, cols["code"]), _cell(row, cols["name"])
        code = _code(raw_code) if raw_code is not None else ""
        name = _text(raw_name) if raw_name is not None else ""
        bad: list[str] = []
        if not code:
            bad.append("缺少预算编码")
        if not name:
            bad.append("缺少部门名称")
        elif len(name) > NAME_MAX_LENGTH:
            bad.append(f"部门名称过长（最多 {NAME_MAX_LENGTH} 个字）")
        item: dict[str, Any] = {}
        for key, j in found.items():
            f = fields[key]
            v = _cell(row, j)
            if v is None:
                if f.required:
                    bad.append(f"缺少{f.roster_header or f.label}")
                continue
            typed = _typed(f, v)
            if typed is None:
                bad.append(f"{f.roster_header or f.label}“{_text(v)}”不是有效的数字")
            else:
                item[key] = typed
        entry = by_code.get(code)
        if not bad and entry is not None and entry.name != name:
            bad.append(f"预算编码 {code} 在第 {entry.row} 行的部门名称为“{entry.name}”，与本行不同")
        if not bad and entry is not None and len(entry.items) >= limit:
            bad.append(f"预算编码 {code} 的项目超过 {limit} 个")
        if bad:
            result.problems.append(f"第 {excel_row} 行：" + "；".join(bad) + "，该行已跳过")
            continue
        if entry is None:
            entry = by_code[code] = ItemEntry(excel_row, code, name)
            result.entries.append(entry)
        entry.items.append(item)
    return result


def _typed(f: Field, v: Any) -> Any:
    if not f.numeric:
        return _text(v)
    try:
        d = Decimal(repr(v)) if isinstance(v, float) else Decimal(str(v).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None
