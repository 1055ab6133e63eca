"""Integrity of a workbook against its layout, and the raw input values it holds.

Safety rule: values are never read from a sheet whose layout is shifted (rows or columns
inserted or deleted, seen from the labels or from defined names pointing elsewhere) or that is
missing. Such a sheet gets one summarising `tampered-cell` (or `missing-sheet`) finding, and when
it holds inputs the snapshot is marked unreadable, so no rule is ever evaluated on values taken
from the wrong cells or on a partial set of values.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from selfeval_xl.layout.cells import parse_a1
from selfeval_xl.layout.memo import per_layout
from selfeval_xl.layout.types import Layout, StaticCell
from selfeval_xl.model import codes
from selfeval_xl.model.findings import Finding
from selfeval_xl.read.book import Book, serial_to_date
from selfeval_xl.read.formula import expand_shared
from selfeval_xl.read.formula import normalise as norm_formula

MAX_CELL_FINDINGS = 20  # per sheet; the rest are summarised in one more finding
MAX_FORMULA = 8192  # Excel's own limit on formula length; longer text is not normalised, just different


def _label(v: Any) -> str:
    return "".join(str(v).split()) if v is not None else ""


def _show(v: Any, limit: int = 40) -> str:
    s = "（空）" if v is None else str(v)
    return s if len(s) <= limit else s[:limit] + "…"


def _ref_cells(ref: str) -> str:
    """A defined name's reference in comparable form (no $, quotes, spaces; upper case)."""
    return norm_formula(ref)


@dataclass(frozen=True)
class Plan:
    """A layout flattened for checking: A1 strings and normalised texts computed once per layout."""
    sheets: tuple[str, ...]
    statics: dict[str, list[tuple[str, str, str, StaticCell]]]  # sheet → (a1, text, label, static)
    formulas: dict[str, list[tuple[str, str, str]]]  # sheet → (a1, formula, normalised)
    names: dict[str, list[tuple[str, str, str, str]]]  # sheet → (name, ref, normalised, what users call it)
    inputs: dict[str, list[tuple[str, str, bool]]]  # sheet → (input name, a1, is a date field)


@per_layout
def plan_of(layout: Layout) -> Plan:
    """The cached plan of `layout` (layouts come from build_layout's cache, so few exist)."""
    statics: dict[str, list[tuple[str, str, str, StaticCell]]] = defaultdict(list)
    for s in layout.statics:
        statics[s.cell.sheet].append((s.cell.a1, s.text, _label(s.text), s))
    formulas: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for f in layout.formulas:
        if f.formula:
            formulas[f.cell.sheet].append((f.cell.a1, f.formula, norm_formula(f.formula)))
    names: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for name, ref in layout.names.items():
        sheet = ref.split("!", 1)[0].strip("'").replace("''", "'")
        names[sheet].append((name, ref, _ref_cells(ref), _name_label(layout, name)))
    inputs: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
    for name, inp in layout.inputs.items():
        inputs[inp.cell.sheet].append((name, inp.cell.a1, inp.field.type == "date"))
    return Plan(tuple(layout.sheet_names()), dict(statics), dict(formulas), dict(names), dict(inputs))


def _name_label(layout: Layout, name: str) -> str:
    """What a clerk calls the cell a defined name points to (“绩效自评综合得分”), never the key."""
    inp = layout.inputs.get(name)
    if inp is not None:
        return f"“{inp.field.label}”"
    table = layout.template.tables.get(name)
    return f"“{table.label}”表格" if table is not None else "模板的一个填写区域"


def verify(book: Book, layout: Layout) -> tuple[list[Finding], set[str]]:
    """(findings, sheets whose values must not be read)."""
    plan = plan_of(layout)
    findings: list[Finding] = []
    skip: set[str] = set()
    for name in plan.sheets:
        sd = book.sheets.get(name)
        if sd is None or not sd.present:
            findings.append(codes.make("missing-sheet", sheet=name))
            skip.add(name)
            continue
        statics = plan.statics.get(name, [])
        wrong = _wrong_statics(book, name, statics)
        shift = _shift(book, name, statics, wrong, plan.names.get(name, []))
        if shift is not None:
            findings.append(shift)
            skip.add(name)
            continue
        cell_findings = [codes.make("tampered-cell", sheet=name, cell=a1,
                                    detail=f"模板文字被改动：应为“{_show(text)}”，现为“{_show(found)}”。"
                                           "请使用原模板重新填写，勿改动表头和说明文字。")
                         for a1, text, found in wrong]
        cell_findings += _formulas(book, name, plan.formulas.get(name, []))
        if len(cell_findings) > MAX_CELL_FINDINGS:
            rest = len(cell_findings) - MAX_CELL_FINDINGS
            cell_findings = cell_findings[:MAX_CELL_FINDINGS] + [codes.make(
                "tampered-cell", sheet=name,
                detail=f"「{name}」表另有 {rest} 处模板内容被改动，请使用原模板重新填写。")]
        findings += cell_findings
        if sd.protected is False:
            findings.append(codes.make("protection-removed", sheet=name))
    return findings, skip


def _wrong_statics(book: Book, sheet: str, statics: list[tuple[str, str, str, StaticCell]]) -> list[tuple[str, str, Any]]:
    """(a1, expected text, found value) for every label that differs (whitespace ignored)."""
    value = book.getter(sheet)
    out = []
    for a1, text, label, _s in statics:
        found = value(a1)
        if found != text and _label(found) != label:
            out.append((a1, text, found))
    return out


def _formulas(book: Book, sheet: str, fcells: list[tuple[str, str, str]]) -> list[Finding]:
    sd = book.sheets[sheet]
    if sd.formulas is None:
        return []
    have = sd.formulas
    found: dict[str, str | None] | None = None
    out = []
    for a1, formula, normalised in fcells:
        f = have.get(a1)
        if f is not None and f[0] == formula:
            continue  # the fast path: the text as the generator wrote it
        if found is None:
            found = expand_shared(have)
        if a1 not in found:
            out.append(codes.make("formula-overwritten", sheet=sheet, cell=a1,
                                  value=_show(book.value(sheet, a1))))
            continue
        text = found[a1]
        if text is None:
            continue  # present, text unknown (.xls)
        if len(text) > MAX_FORMULA or norm_formula(text) != normalised:
            out.append(codes.make("tampered-cell", sheet=sheet, cell=a1,
                                  detail=f"「{sheet}」表 {a1} 单元格的计算公式被改动，请使用原模板重新填写（勿修改带公式的单元格）。"))
    return out


def _shift(book: Book, sheet: str, statics: list[tuple[str, str, str, StaticCell]],
           wrong: list[tuple[str, str, Any]], names: list[tuple[str, str, str, str]]) -> Finding | None:
    """One finding when the sheet's layout moved: a defined name points elsewhere, or a label
    that is not in its place is found at another position of the sheet."""
    evidence = ""
    cell: str | None = None
    for name, ref, normalised, label in names:
        have = book.names.get(name)
        if have is None or have == ref or "#REF" in have.upper():
            continue
        if _ref_cells(have) != normalised:
            evidence = f"{label}应在 {_plain(ref)}，现位于 {_plain(have)}"
            cell = _plain(ref).split(":")[0]
            break
    if not evidence and wrong:
        where = _positions(book, sheet)
        expected_at: dict[str, set[str]] = defaultdict(set)
        for a1, _text, label, _s in statics:
            expected_at[label].add(a1)
        for a1, text, _found in wrong:
            label = _label(text)
            moved = sorted(where.get(label, set()) - expected_at[label], key=lambda a: _distance(a, a1))
            if moved:
                evidence = f"“{_show(text, 20)}”应在 {a1}，现位于 {moved[0]}"
                cell = a1
                break
    if not evidence:
        return None
    return codes.make("tampered-cell", sheet=sheet, cell=cell,
                      detail=f"「{sheet}」表的表头位置与模板不符，疑似插入或删除了行/列（{evidence}）。"
                             "为避免从错位的单元格读数，本表数据未读取，请使用原模板重新填写。")


def _plain(ref: str) -> str:
    return ref.split("!")[-1].replace("$", "")


def _positions(book: Book, sheet: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for a1 in book.sheets[sheet].cells:
        v = book.value(sheet, a1)
        if isinstance(v, str):
            out[_label(v)].add(a1)
    return out


def _distance(a1: str, other: str) -> int:
    try:
        r, c = parse_a1(a1)
        r2, c2 = parse_a1(other)
    except ValueError:  # a cell reference the file spelled wrongly
        return 1 << 30
    return abs(r - r2) + abs(c - c2)


def raw_values(book: Book, layout: Layout, skip: set[str]) -> dict[str, Any]:
    """Every input of the layout as read (None = blank); date fields turn serials into dates."""
    out: dict[str, Any] = {}
    for sheet, inputs in plan_of(layout).inputs.items():
        if sheet in skip:
            continue
        value = book.getter(sheet)
        for name, a1, is_date in inputs:
            v = value(a1)
            if is_date and v is not None:
                v = serial_to_date(v, book.date1904)
            out[name] = v
    return out
