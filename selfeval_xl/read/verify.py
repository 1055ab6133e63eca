"""Integrity of a workbook against its layout, and the raw input values it holds.

Safety rule: values are never read from a sheet whose layout is shifted (rows or columns
inserted or deleted, seen from the labels or from defined names pointing elsewhere) or that is
missing. Such a sheet gets one summarising `tampered-cell` (or `missing-sheet`) finding, and when
it holds inputs the snapshot is marked unreadable, so no rule is ever evaluated on values taken
from the wrong cells or on a partial set of values.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from selfeval_xl.layout.cells import Cell, parse_a1
from selfeval_xl.layout.types import Layout, StaticCell
from selfeval_xl.model import codes
from selfeval_xl.model.findings import Finding
from selfeval_xl.read.book import Book, serial_to_date
from selfeval_xl.read.formula import expand_shared
from selfeval_xl.read.formula import normalise as norm_formula

MAX_CELL_FINDINGS = 20  # per sheet; the rest are summarised in one more finding


def _label(v: Any) -> str:
    return "".join(str(v).split()) if v is not None else ""


def _show(v: Any, limit: int = 40) -> str:
    s = "（空）" if v is None else str(v)
    return s if len(s) <= limit else s[:limit] + "…"


def _ref_cells(ref: str) -> str:
    """A defined name's reference in comparable form (no $, quotes, spaces; upper case)."""
    return norm_formula(ref)


def verify(book: Book, layout: Layout) -> tuple[list[Finding], set[str]]:
    """(findings, sheets whose values must not be read)."""
    findings: list[Finding] = []
    skip: set[str] = set()
    statics: dict[str, list[StaticCell]] = defaultdict(list)
    for s in layout.statics:
        statics[s.cell.sheet].append(s)
    formulas = defaultdict(list)
    for f in layout.formulas:
        formulas[f.cell.sheet].append(f)
    names_by_sheet: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name, ref in layout.names.items():
        sheet = ref.split("!", 1)[0].strip("'").replace("''", "'")
        names_by_sheet[sheet].append((name, ref))

    for sl in layout.sheets:
        name = sl.name
        sd = book.sheets.get(name)
        if sd is None or not sd.present:
            findings.append(codes.make("missing-sheet", sheet=name))
            skip.add(name)
            continue
        shift = _shift(book, name, statics[name], names_by_sheet[name])
        if shift is not None:
            findings.append(shift)
            skip.add(name)
            continue
        cell_findings = _statics(book, name, statics[name])
        cell_findings += _formulas(book, name, formulas[name])
        if len(cell_findings) > MAX_CELL_FINDINGS:
            rest = len(cell_findings) - MAX_CELL_FINDINGS
            cell_findings = cell_findings[:MAX_CELL_FINDINGS] + [codes.make(
                "tampered-cell", sheet=name,
                detail=f"「{name}」表另有 {rest} 处模板内容被改动，请使用原模板重新填写。")]
        findings += cell_findings
        if sd.protected is False:
            findings.append(codes.make("protection-removed", sheet=name))
    return findings, skip


def _statics(book: Book, sheet: str, statics: list[StaticCell]) -> list[Finding]:
    out = []
    for s in statics:
        found = book.value(sheet, s.cell.a1)
        if _label(found) != _label(s.text):
            out.append(codes.make("tampered-cell", sheet=sheet, cell=s.cell.a1,
                                  detail=f"模板文字被改动：应为“{_show(s.text)}”，现为“{_show(found)}”。"
                                         "请使用原模板重新填写，勿改动表头和说明文字。"))
    return out


def _formulas(book: Book, sheet: str, fcells: list[Any]) -> list[Finding]:
    sd = book.sheets[sheet]
    if sd.formulas is None:
        return []
    found = expand_shared(sd.formulas)
    out = []
    for f in fcells:
        a1 = f.cell.a1
        if a1 not in found:
            out.append(codes.make("formula-overwritten", sheet=sheet, cell=a1,
                                  value=_show(book.value(sheet, a1))))
            continue
        text = found[a1]
        if text is None or not f.formula:
            continue  # present, text unknown (.xls) or nothing to compare
        if norm_formula(text) != norm_formula(f.formula):
            out.append(codes.make("tampered-cell", sheet=sheet, cell=a1,
                                  detail=f"模板公式被改动：应为“={_show(f.formula, 60)}”，现为“={_show(text, 60)}”。"
                                         "请使用原模板重新填写。"))
    return out


def _shift(book: Book, sheet: str, statics: list[StaticCell], names: list[tuple[str, str]]) -> Finding | None:
    """One finding when the sheet's layout moved: a defined name points elsewhere, or a label
    that is not in its place is found at another position of the sheet."""
    evidence = ""
    cell: str | None = None
    for name, ref in names:
        have = book.names.get(name)
        if have is None or "#REF" in have.upper():
            continue
        if _ref_cells(have) != _ref_cells(ref):
            evidence = f"名称 {name} 应指向 {ref.split('!')[-1].replace('$', '')}，现指向 {have.split('!')[-1].replace('$', '')}"
            cell = ref.split("!")[-1].replace("$", "").split(":")[0]
            break
    if not evidence:
        wrong = [s for s in statics if _label(book.value(sheet, s.cell.a1)) != _label(s.text)]
        if not wrong:
            return None
        where = _positions(book, sheet)
        expected_at: dict[str, set[str]] = defaultdict(set)
        for s in statics:
            expected_at[_label(s.text)].add(s.cell.a1)
        for s in wrong:
            moved = sorted(where.get(_label(s.text), set()) - expected_at[_label(s.text)],
                           key=lambda a: _distance(a, s.cell))
            if moved:
                evidence = f"“{_show(s.text, 20)}”应在 {s.cell.a1}，现位于 {moved[0]}"
                cell = s.cell.a1
                break
    if not evidence:
        return None
    return codes.make("tampered-cell", sheet=sheet, cell=cell,
                      detail=f"「{sheet}」表的表头位置与模板不符，疑似插入或删除了行/列（{evidence}）。"
                             "为避免从错位的单元格读数，本表数据未读取，请使用原模板重新填写。")


def _positions(book: Book, sheet: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for a1 in book.sheets[sheet].cells:
        v = book.value(sheet, a1)
        if isinstance(v, str):
            out[_label(v)].add(a1)
    return out


def _distance(a1: str, cell: Cell) -> int:
    r, c = parse_a1(a1)
    return abs(r - cell.row) + abs(c - cell.col)


def raw_values(book: Book, layout: Layout, skip: set[str]) -> dict[str, Any]:
    """Every input of the layout as read (None = blank); date fields turn serials into dates."""
    out: dict[str, Any] = {}
    for name, inp in layout.inputs.items():
        sheet = inp.cell.sheet
        if sheet in skip:
            continue
        v = book.value(sheet, inp.cell.a1)
        if inp.field.type == "date" and v is not None:
            v = serial_to_date(v, book.date1904)
        out[name] = v
    return out
