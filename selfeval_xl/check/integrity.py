"""Integrity of a submission against its template, judged from the reader's facts.

Why here: the reader only reports what stands where (check never opens a file); whether that
means a deleted sheet, an edited label, a shifted layout, an overwritten formula or removed
protection is a check like any other.

Safety rule: values are never used from a sheet whose layout is shifted (rows or columns
inserted or deleted, seen from the labels or from defined names pointing elsewhere) or that is
missing. Such a sheet gets one summarising `tampered-cell` (or `missing-sheet`) finding
(`skipped_sheets`), and when it holds inputs the submission is unreadable, so no rule is ever
evaluated on values taken from the wrong cells or on a partial set of values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from selfeval_xl.check.context import Context
from selfeval_xl.check.formula_text import normalise as norm_formula
from selfeval_xl.check.plan import Plan
from selfeval_xl.layout.cells import parse_a1
from selfeval_xl.layout.memo import per_layout
from selfeval_xl.layout.types import Layout
from selfeval_xl.model import codes
from selfeval_xl.model.findings import Finding
from selfeval_xl.model.snapshot import SheetFacts, Snapshot

MAX_CELL_FINDINGS = 20  # per sheet; the rest are summarised in one more finding
MAX_FORMULA = 8192  # Excel's own limit on formula length; longer text is not normalised, just different


def label_key(v: Any) -> str:
    """A label as compared: its text without any whitespace (re-saves rewrap and respace)."""
    return "".join(str(v).split()) if v is not None else ""


def _show(v: Any, limit: int = 40) -> str:
    s = "（空）" if v is None else str(v)
    return s if len(s) <= limit else s[:limit] + "…"


@dataclass(frozen=True)
class Expected:
    """The template's side, per sheet, computed once per layout."""
    sheets: tuple[str, ...]
    labels: dict[str, list[tuple[str, str, str]]]  # sheet → (a1, text, label key)
    formulas: dict[str, list[tuple[str, str, str]]]  # sheet → (a1, formula, normalised)
    names: dict[str, list[tuple[str, str, str, str]]]  # sheet → (name, ref, normalised, what users call it)


@per_layout
def expected_of(layout: Layout) -> Expected:
    labels: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for s in layout.statics:
        labels[s.cell.sheet].append((s.cell.a1, s.text, label_key(s.text)))
    formulas: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for f in layout.formulas:
        if f.formula:
            formulas[f.cell.sheet].append((f.cell.a1, f.formula, norm_formula(f.formula)))
    names: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for name, ref in layout.names.items():
        sheet = ref.split("!", 1)[0].strip("'").replace("''", "'")
        names[sheet].append((name, ref, norm_formula(ref), _name_label(layout, name)))
    return Expected(tuple(layout.sheet_names()), dict(labels), dict(formulas), dict(names))


def _name_label(layout: Layout, name: str) -> str:
    """What a clerk calls the cell a defined name points to (“绩效自评综合得分”), never the key."""
    inp = layout.inputs.get(name)
    if inp is not None:
        return f"“{inp.field.label}”"
    table = layout.template.tables.get(name)
    return f"“{table.label}”表格" if table is not None else "模板的一个填写区域"


def _wrong_labels(facts: SheetFacts, labels: list[tuple[str, str, str]]) -> list[tuple[str, str, Any]]:
    """(a1, expected text, found value) for every label that differs (whitespace ignored)."""
    found = facts.labels
    return [(a1, text, found.get(a1)) for a1, text, key in labels
            if found.get(a1) != text and label_key(found.get(a1)) != key]


def skipped_sheets(layout: Layout, snap: Snapshot) -> dict[str, Finding]:
    """Sheets whose values must not be used, each with the one finding that says why."""
    exp = expected_of(layout)
    out: dict[str, Finding] = {}
    for name in exp.sheets:
        facts = snap.sheets.get(name)
        if facts is None or not facts.present:
            out[name] = codes.make("missing-sheet", sheet=name)
            continue
        labels = exp.labels.get(name, [])
        shift = _shift(snap, name, facts, labels, _wrong_labels(facts, labels), exp.names.get(name, []))
        if shift is not None:
            out[name] = shift
    return out


def usable_raw(plan: Plan, snap: Snapshot) -> tuple[dict[str, Any], dict[str, Finding]]:
    """(the raw values that may be used, skipped sheets → why): the one place that decides which
    values of a submission are safe to read (the checker and `repair` both ask here)."""
    skipped = skipped_sheets(plan.layout, snap) if snap.sheets is not None else {}
    if not skipped:
        return snap.raw, skipped
    by_name = plan.by_name
    return {k: v for k, v in snap.raw.items() if k not in by_name or by_name[k].sheet not in skipped}, skipped


def check_sheets(ctx: Context) -> Iterator[Finding]:
    """Missing sheets and sheets whose layout moved (values on them are not used)."""
    yield from ctx.skipped.values()


def check_template_cells(ctx: Context) -> Iterator[Finding]:
    """Edited labels and formulas replaced or rewritten, on every sheet still in its place."""
    exp = expected_of(ctx.plan.layout)
    for name in exp.sheets:
        if name in ctx.skipped:
            continue
        facts = ctx.snapshot.sheets[name]
        found = [codes.make("tampered-cell", sheet=name, cell=a1,
                            detail=f"模板文字被改动：应为“{_show(text)}”，现为“{_show(value)}”。"
                                   "请使用原模板重新填写，勿改动表头和说明文字。")
                 for a1, text, value in _wrong_labels(facts, exp.labels.get(name, []))]
        found += _formulas(name, facts, exp.formulas.get(name, []))
        if len(found) > MAX_CELL_FINDINGS:
            rest = len(found) - MAX_CELL_FINDINGS
            found = found[:MAX_CELL_FINDINGS] + [codes.make(
                "tampered-cell", sheet=name, detail=f"「{name}」表另有 {rest} 处模板内容被改动，请使用原模板重新填写。")]
        yield from found


def check_protection(ctx: Context) -> Iterator[Finding]:
    """Sheet protection removed (a warning: the values may still be right)."""
    for name in expected_of(ctx.plan.layout).sheets:
        if name not in ctx.skipped and ctx.snapshot.sheets[name].protected is False:
            yield codes.make("protection-removed", sheet=name)


def _formulas(sheet: str, facts: SheetFacts, expected: list[tuple[str, str, str]]) -> list[Finding]:
    if facts.formulas is None:
        return []  # the format keeps no formulas
    out = []
    for a1, formula, normalised in expected:
        if a1 not in facts.formulas:
            out.append(codes.make("formula-overwritten", sheet=sheet, cell=a1, value=_show(facts.shown.get(a1))))
            continue
        text = facts.formulas[a1]
        if text is None or text == formula:
            continue  # as generated, or present with its text unknown (.xls)
        if len(text) > MAX_FORMULA or norm_formula(text) != normalised:
            out.append(codes.make("tampered-cell", sheet=sheet, cell=a1,
                                  detail=f"「{sheet}」表 {a1} 单元格的计算公式被改动，请使用原模板重新填写（勿修改带公式的单元格）。"))
    return out


def _shift(snap: Snapshot, sheet: str, facts: SheetFacts, labels: list[tuple[str, str, str]],
           wrong: list[tuple[str, str, Any]], names: list[tuple[str, str, str, str]]) -> Finding | None:
    """One finding when the sheet's layout moved: a defined name points elsewhere, or a label
    that is not in its place is found at another position of the sheet."""
    evidence = ""
    cell: str | None = None
    for name, ref, normalised, label in names:
        have = snap.names.get(name)
        if have is None or have == ref or "#REF" in have.upper():
            continue
        if norm_formula(have) != normalised:
            evidence = f"{label}应在 {_plain(ref)}，现位于 {_plain(have)}"
            cell = _plain(ref).split(":")[0]
            break
    if not evidence and wrong:
        where: dict[str, set[str]] = defaultdict(set)
        for a1, text in (facts.texts or {}).items():
            where[label_key(text)].add(a1)
        expected_at: dict[str, set[str]] = defaultdict(set)
        for a1, _text, key in labels:
            expected_at[key].add(a1)
        for a1, text, _found in wrong:
            key = label_key(text)
            moved = sorted(where.get(key, set()) - expected_at[key], key=lambda a: _distance(a, a1))
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


def _distance(a1: str, other: str) -> int:
    try:
        r, c = parse_a1(a1)
        r2, c2 = parse_a1(other)
    except ValueError:  # a cell reference the file spelled wrongly
        return 1 << 30
    return abs(r - r2) + abs(c - c2)
