"""What a layout's workbook looks like apart from its values, computed once per layout:
sheet print set-up, validation groups, check ranges."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from selfeval_xl.generate.validation import validation_for
from selfeval_xl.layout.cells import Cell, col_letter
from selfeval_xl.layout.memo import per_layout
from selfeval_xl.layout.types import ChoiceList, Layout, SheetLayout
from selfeval_xl.model.spec import Field, scoped

# LibreOffice cannot fit a single column wider than a portrait page to the page width (it
# crops it instead): sheets with such a column (填表说明, 评价报告综述) print landscape.
WIDE_COLUMN = 70
# printable height in points on A4 with our margins (0.75 in top and bottom)
PAGE_HEIGHT = {"portrait": 842 - 108, "landscape": 595 - 108}
DEFAULT_ROW_HEIGHT = 15


@dataclass(frozen=True)
class SheetPlan:
    extra_cols: tuple[int, ...]
    landscape: bool
    repeat_rows: tuple[int, int] | None
    breaks: tuple[int, ...]
    freeze: tuple[int, int] | None


@dataclass(frozen=True)
class Plan:
    """Everything about a layout's workbook that does not depend on the values: computed once."""

    sheets: dict[str, SheetPlan]
    validations: list[tuple[str, Field, list[str], list[Cell], dict[str, Any] | None]]
    check_ranges: list[tuple[str, Cell, str]]


@per_layout
def plan_of(layout: Layout) -> Plan:
    """Everything that does not depend on the values, computed once per layout."""
    by_sheet_statics: dict[str, list[Any]] = defaultdict(list)
    for st in layout.statics:
        by_sheet_statics[st.cell.sheet].append(st)
    used_cols: dict[str, set[int]] = defaultdict(set)
    for st in layout.statics:
        used_cols[st.cell.sheet].add(st.cell.col)
    for f in layout.formulas:
        used_cols[f.cell.sheet].add(f.cell.col)
    unit_sheets = {inp.cell.sheet for inp in layout.inputs.values() if layout.template.unit_table_of(inp.field.key)}
    sheets: dict[str, SheetPlan] = {}
    for s in layout.sheets:
        statics = by_sheet_statics[s.name]
        captions = sorted(st.cell.row for st in statics if st.style == "caption")
        sections = {st.cell.row for st in statics if st.style == "section"}
        landscape = s.landscape or max(s.widths, default=0) > WIDE_COLUMN
        single = len(captions) <= 1
        sheets[s.name] = SheetPlan(
            extra_cols=tuple(sorted(c for c in used_cols[s.name] if c >= len(s.widths))),
            landscape=landscape,
            repeat_rows=s.repeat_rows if single else _longest_header(layout, s),
            breaks=tuple(_page_breaks(s, captions, sections, landscape)),
            freeze=(s.repeat_rows[1] + 1, 1 if s.name in unit_sheets else 0) if s.repeat_rows and single else None,
        )
    groups: dict[tuple[str, Field], list[tuple[str, Cell]]] = defaultdict(list)
    for name, inp in layout.inputs.items():
        groups[(inp.cell.sheet, inp.field)].append((name, inp.cell))
    validations = []
    for (sheet, fld), members in groups.items():
        members.sort(key=lambda m: (m[1].row, m[1].col))
        names = [m[0] for m in members]
        cells = [m[1] for m in members]
        validations.append((sheet, fld, names, cells, validation_options(fld, cells, layout.template.amount_unit,
                                                                          dependent_list(layout, fld, sheet))))
    checks: dict[str, list[Cell]] = defaultdict(list)
    for f in layout.formulas:
        if f.kind in ("check", "result"):
            checks[f.cell.sheet].append(f.cell)
    check_ranges = []
    for sheet, cells in checks.items():
        cells.sort(key=lambda c: (c.row, c.col))
        check_ranges.append((sheet, cells[0], " ".join(_ranges(cells))))
    return Plan(sheets, validations, check_ranges)


def _longest_header(layout: Layout, s: SheetLayout) -> tuple[int, int] | None:
    """Several tables on one sheet, each starting a page: repeat the header of the longest.
    (Excel and LibreOffice print title rows only from the page where they first appear.)"""
    areas = [a for a in layout.tables.values() if a.sheet == s.name]
    if not areas:
        return None
    longest = max(areas, key=lambda a: a.rows)
    return (longest.first_row - 1, longest.first_row - 1)


def dependent_list(layout: Layout, fld: Field, sheet: str | None = None) -> tuple[ChoiceList, int, str] | None:
    """The hidden list, the parent's sheet column and label when `fld` is a hierarchy's child
    (on a repeated sheet, that sheet's own list)."""
    table, _, col = fld.key.partition(".")
    key = table if table in layout.choice_lists else scoped(sheet, table)
    cl = layout.choice_lists.get(key)
    if cl is None or col != cl.child:
        return None
    return cl, layout.tables[key].columns[cl.parent], layout.template.tables[table].column(cl.parent).label


def validation_options(fld: Field, cells: list[Cell], unit: str,
                       dependent: tuple[ChoiceList, int, str] | None = None) -> dict[str, Any] | None:
    first = cells[0]
    opts = validation_for(fld, first.row, first.col, unit)
    if opts is not None and dependent is not None:
        cl, parent_col, parent_label = dependent
        parent = f"${col_letter(parent_col)}{first.row + 1}"  # relative row: each row its own 一级
        heads = f"{cl.parents[0].absolute}:{cl.parents[1].absolute}"
        column = f"IFERROR(MATCH({parent},{heads},0),0)"
        anchor = cl.anchor.absolute
        opts["source"] = f"=OFFSET({anchor},0,{column},COUNTA(OFFSET({anchor},0,{column},{cl.length},1)),1)"
        opts["input_message"] = f"请先选择本行的{parent_label}，再从下拉列表中选择（只列出该{parent_label}下的{fld.label}）。"
    if opts is not None and len(cells) > 1:
        opts["multi_range"] = " ".join(_ranges(cells))
    return opts


def _page_breaks(s: SheetLayout, captions: list[int], sections: set[int], landscape: bool) -> list[int]:
    """Each further table starts a page (a sheet repeats one header only); a section label is
    kept on the page of the text box below it."""
    breaks = set(captions[1:])
    if sections:
        page = PAGE_HEIGHT["landscape" if landscape else "portrait"]
        used = 0.0
        for r in range(s.rows):
            h = s.heights.get(r, DEFAULT_ROW_HEIGHT)
            need = h + (s.heights.get(r + 1, DEFAULT_ROW_HEIGHT) if r in sections else 0)
            if used + need > page and used > 0:
                breaks.add(r)
                used = 0.0
            used += h
    return sorted(breaks)


def _ranges(cells: list[Cell]) -> list[str]:
    """Sorted cells as A1 ranges, vertical runs merged (B5:B20)."""
    by_col: dict[int, list[int]] = defaultdict(list)
    order: list[int] = []
    for c in cells:
        if c.col not in by_col:
            order.append(c.col)
        by_col[c.col].append(c.row)
    out: list[tuple[int, int, int]] = []  # (first row, col, last row)
    for col in order:
        rows = sorted(by_col[col])
        start = prev = rows[0]
        for r in rows[1:]:
            if r != prev + 1:
                out.append((start, col, prev))
                start = r
            prev = r
        out.append((start, col, prev))
    out.sort()
    return [f"{col_letter(c)}{a + 1}" if a == b else f"{col_letter(c)}{a + 1}:{col_letter(c)}{b + 1}" for a, c, b in out]
