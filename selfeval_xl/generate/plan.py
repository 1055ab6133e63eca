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

# Printable A4 area in points with our margins (0.5 in left and right, 0.75 in top and bottom).
PAGE_WIDTH = {"portrait": 595 - 72, "landscape": 842 - 72}
PAGE_HEIGHT = {"portrait": 842 - 108, "landscape": 595 - 108}
DEFAULT_ROW_HEIGHT = 15
# A table that would start in the last part of a page starts on the next one instead.
ORPHAN_SHARE = 0.25
# Fitting a sheet to the page width shrinks its print; below this a 11 pt font is hard to read.
MIN_SCALE = 0.75


@dataclass(frozen=True)
class SheetPlan:
    extra_cols: tuple[int, ...]
    captions: tuple[int, ...]  # rows where a table starts (its caption)
    sections: frozenset[int]  # rows labelling the text box below them
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
        single = len(captions) <= 1
        extra = tuple(sorted(c for c in used_cols[s.name] if c >= len(s.widths)))
        landscape, breaks = paging(s, captions, sections, s.heights, extra)
        sheets[s.name] = SheetPlan(
            extra_cols=extra,
            captions=tuple(captions),
            sections=frozenset(sections),
            landscape=landscape,
            repeat_rows=None if s.printed_rows is not None else s.repeat_rows if single else _longest_header(layout, s),
            breaks=breaks,
            freeze=_freeze(s, single, s.name in unit_sheets),
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


def _freeze(s: SheetLayout, single: bool, units: bool) -> tuple[int, int] | None:
    """One table: its header rows (and the unit names) stay in view; several unit tables on one
    sheet: the unit names column only."""
    if s.repeat_rows and single:
        return (s.repeat_rows[1] + 1, 1 if units else 0)
    return (0, 1) if units else None


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


def paging(s: SheetLayout, captions: list[int] | tuple[int, ...], sections: set[int] | frozenset[int],
           heights: dict[int, float], extra_cols: tuple[int, ...] = ()) -> tuple[bool, tuple[int, ...]]:
    """The orientation and page breaks that print the sheet on the fewest A4 pages, one page wide.

    Both orientations are laid out as Excel and LibreOffice would print them (fitted to the page
    width, so a wide sheet gains height per page); the fewer pages win, the larger print on a tie,
    and print shrunk below MIN_SCALE only when nothing else fits (then the least shrunk).
    A single column wider than a portrait page forces landscape: LibreOffice crops such a
    column rather than shrinking it. `heights` are the sheet's row heights as written (a
    prefilled form's rows grow with their text)."""
    widths = [*s.widths, *(16 for c in extra_cols if c not in s.hidden_cols)]
    options = []
    for orientation in ("portrait", "landscape"):
        widest = max((_points(w) for w in widths), default=0)
        if orientation == "portrait" and widest > PAGE_WIDTH["portrait"]:
            continue
        scale = min(1.0, PAGE_WIDTH[orientation] / max(1.0, sum(_points(w) for w in widths)))
        pages, breaks = _page_breaks(s, captions, sections, heights, PAGE_HEIGHT[orientation] / scale)
        options.append((max(0.0, MIN_SCALE - scale), pages, -scale, orientation == "landscape", tuple(breaks)))
    *_, landscape, breaks = min(options)
    return landscape, breaks


def _points(width: float) -> float:
    """An Excel column width (characters of the default font, 宋体 11) in points as LibreOffice
    prints it: 7.05 pt a character (measured), wider than Excel's 6 pt, so a sheet planned with it
    fits in both."""
    return width * 7.05 + 4


def _page_breaks(s: SheetLayout, captions: list[int] | tuple[int, ...], sections: set[int] | frozenset[int],
                 heights: dict[int, float], page: float) -> tuple[int, list[int]]:
    """The page count and the breaks to write, for pages `page` points tall (as the sheet is
    scaled). A table starts a page when it would not fit in what is left of the current one
    and that is little (a table that needs several pages anyway starts where it is); a section
    label is kept on the page of the text box below it. Only those breaks are written: where a
    page simply fills up, the spreadsheet breaks it itself."""
    starts = sorted(captions)
    ends = {a: (starts[k + 1] if k + 1 < len(starts) else s.rows) for k, a in enumerate(starts)}
    forced: list[int] = []
    pages, used = 1, 0.0
    for r in range(s.rows if s.printed_rows is None else s.printed_rows):
        h = heights.get(r, DEFAULT_ROW_HEIGHT)
        if r in ends and used > 0:
            block = sum(heights.get(x, DEFAULT_ROW_HEIGHT) for x in range(r, ends[r]))
            if used + block > page and (block <= page or page - used < page * ORPHAN_SHARE):
                forced.append(r)
                pages, used = pages + 1, 0.0
        if r in sections and used > 0 and used + h + heights.get(r + 1, DEFAULT_ROW_HEIGHT) > page:
            forced.append(r)
            pages, used = pages + 1, 0.0
        if used + h > page and used > 0:
            pages, used = pages + 1, 0.0
        used += h
    return pages, forced


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
