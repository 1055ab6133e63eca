"""Write one workbook from a layout: cells, merges, names, validation, formats, protection, print."""

from __future__ import annotations

import io
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from selfeval_xl.generate.cached import cached_values
from selfeval_xl.generate.stamp import stamp_values, write_stamp
from selfeval_xl.generate.styles import FONT, Formats
from selfeval_xl.generate.validation import validation_for
from selfeval_xl.layout import build_layout
from selfeval_xl.layout.cells import Cell, col_letter
from selfeval_xl.layout.types import Layout, SheetLayout
from selfeval_xl.model.spec import Template

CREATED = datetime(2000, 1, 1)  # fixed: identical input gives identical bytes
FOOTER = "&C第 &P 页 共 &N 页"
# LibreOffice cannot fit a single column wider than a portrait page to the page width (it
# crops it instead): sheets with such a column (填表说明, 评价报告综述) print landscape.
WIDE_COLUMN = 70
# printable height in points on A4 with our margins (0.75 in top and bottom)
PAGE_HEIGHT = {"portrait": 842 - 108, "landscape": 595 - 108}
DEFAULT_ROW_HEIGHT = 15


class GenerateError(ValueError):
    """A value cannot be written (unknown input name, wrong type); the message is Chinese."""


def write_workbook(path: str | os.PathLike[str], template: Template, *, units: int = 1,
                   values: Mapping[str, Any] | None = None, locked: Iterable[str] = (),
                   password: str | None = None) -> None:
    """Write the workbook of `template` to `path` atomically (temp file + os.replace)."""
    data = workbook_bytes(template, units=units, values=values, locked=locked, password=password)
    atomic_write(Path(path), data)


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".xlsx", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def workbook_bytes(template: Template, *, units: int = 1, values: Mapping[str, Any] | None = None,
                   locked: Iterable[str] = (), password: str | None = None) -> bytes:
    """The .xlsx file as bytes (deterministic for the same arguments)."""
    layout = build_layout(template, units)
    vals = _with_defaults(layout, dict(values or {}))
    locked_set = frozenset(locked)
    _validate(layout, vals, locked_set)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                                   "strings_to_urls": False,
                                   "default_format_properties": {"font_name": FONT, "font_size": 11}})
    _Writer(wb, layout, vals, locked_set, password or "").write()
    wb.close()
    return buf.getvalue()


def _with_defaults(layout: Layout, values: dict[str, Any]) -> dict[str, Any]:
    for name, inp in layout.inputs.items():
        if name not in values and inp.field.default is not None and inp.table is None:
            values[name] = inp.field.default
    return values


def _validate(layout: Layout, values: Mapping[str, Any], locked: frozenset[str]) -> None:
    for name, v in values.items():
        if name not in layout.inputs:
            raise GenerateError(f"未知的字段：{name}")
        if v is not None and not isinstance(v, str | int | float | Decimal | date):
            raise GenerateError(f"字段 {name} 的值类型不支持：{type(v).__name__}")
        if isinstance(v, bool):
            raise GenerateError(f"字段 {name} 的值类型不支持：bool")
    for name in locked:
        if name not in layout.inputs:
            raise GenerateError(f"未知的字段：{name}")


class _Writer:
    def __init__(self, wb: Any, layout: Layout, values: dict[str, Any], locked: frozenset[str], password: str) -> None:
        self.wb = wb
        self.layout = layout
        self.values = values
        self.locked = locked
        self.password = password
        self.fmt = Formats(wb)
        self.sheets: dict[str, Any] = {}

    def write(self) -> None:
        lay = self.layout
        wb = self.wb
        wb.set_properties({"title": lay.template.title, "subject": str(self.values.get("dept.name") or ""),
                           "author": "selfeval-xl", "company": "", "created": CREATED})
        wb.set_calc_mode("auto")
        for s in lay.sheets:
            self.sheets[s.name] = wb.add_worksheet(s.name)
        cell_fmt = self._cell_formats()
        for s in lay.sheets:
            self._sheet_setup(s, cell_fmt)
        self._statics()
        self._inputs()
        self._formulas()
        self._validation()
        self._conditional()
        for name, ref in lay.names.items():
            wb.define_name(name, "=" + ref)
        fmt_meta = self.fmt.meta
        write_stamp(wb, stamp_values(lay.template, lay.units, self.values), self.password, fmt_meta)
        for s in lay.sheets:
            self.sheets[s.name].protect(self.password)
        self.sheets[lay.sheets[0].name].activate()

    # -- formats of each cell (needed first, so merged areas carry the cell's borders) -------
    def _input_format(self, name: str, style: str) -> Any:
        return (self.fmt.locked_input if name in self.locked else self.fmt.input)[style]

    def _cell_formats(self) -> dict[Cell, Any]:
        out: dict[Cell, Any] = {}
        for st in self.layout.statics:
            out[st.cell] = self.fmt.static[st.style]
        for name, inp in self.layout.inputs.items():
            out[inp.cell] = self._input_format(name, inp.style)
        for f in self.layout.formulas:
            out[f.cell] = self.fmt.static[f.style]
        return out

    def _sheet_setup(self, s: SheetLayout, cell_fmt: dict[Cell, Any]) -> None:
        ws = self.sheets[s.name]
        for i, w in enumerate(s.widths):
            ws.set_column(i, i, w)
        extra = self._check_columns(s)
        for c in extra:
            ws.set_column(c, c, 16)
        for r, h in sorted(s.heights.items()):
            ws.set_row(r, h)
        for r1, c1, r2, c2 in s.merges:
            ws.merge_range(r1, c1, r2, c2, "", cell_fmt.get(Cell(s.name, r1, c1)))
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
        if s.landscape or max(s.widths, default=0) > WIDE_COLUMN:
            ws.set_landscape()
        else:
            ws.set_portrait()
        captions = self._caption_rows(s)
        if s.repeat_rows and len(captions) <= 1:
            ws.repeat_rows(*s.repeat_rows)
        breaks = self._page_breaks(s, captions, landscape=s.landscape or max(s.widths, default=0) > WIDE_COLUMN)
        if breaks:
            ws.set_h_pagebreaks(breaks)
        name = self.values.get("dept.name")
        if isinstance(name, str) and name:
            ws.set_header("&C" + name.replace("&", "&&")[:200])
        ws.set_footer(FOOTER)
        ws.hide_gridlines(2)
        freeze = self._freeze(s)
        if freeze:
            ws.freeze_panes(*freeze)

    def _check_columns(self, s: SheetLayout) -> list[int]:
        cols = {f.cell.col for f in self.layout.formulas if f.cell.sheet == s.name}
        cols |= {st.cell.col for st in self.layout.statics if st.cell.sheet == s.name}
        return sorted(c for c in cols if c >= len(s.widths))

    def _caption_rows(self, s: SheetLayout) -> list[int]:
        return sorted(st.cell.row for st in self.layout.statics if st.cell.sheet == s.name and st.style == "caption")

    def _page_breaks(self, s: SheetLayout, captions: list[int], landscape: bool) -> list[int]:
        """Each further table starts a page (one sheet repeats one header only); a section
        label is kept with the text box below it."""
        breaks = set(captions[1:])
        sections = {st.cell.row for st in self.layout.statics if st.cell.sheet == s.name and st.style == "section"}
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

    def _freeze(self, s: SheetLayout) -> tuple[int, int] | None:
        if not s.repeat_rows:
            return None
        if len(self._caption_rows(s)) > 1:
            return None  # several tables on one sheet: a frozen header would belong to one only
        units = any(inp.cell.sheet == s.name and self.layout.template.unit_table_of(inp.field.key)
                    for inp in self.layout.inputs.values())
        return (s.repeat_rows[1] + 1, 1 if units else 0)

    # -- cells -------------------------------------------------------------------------------
    def _statics(self) -> None:
        for st in self.layout.statics:
            self.sheets[st.cell.sheet].write_string(st.cell.row, st.cell.col, st.text, self.fmt.static[st.style])

    def _inputs(self) -> None:
        for name, inp in self.layout.inputs.items():
            ws = self.sheets[inp.cell.sheet]
            fmt = self._input_format(name, inp.style)
            r, c = inp.cell.row, inp.cell.col
            v = self.values.get(name)
            if v is None or v == "":
                ws.write_blank(r, c, None, fmt)
            elif isinstance(v, str):
                ws.write_string(r, c, v, fmt)  # never a formula: text is text
            elif isinstance(v, datetime | date):
                ws.write_datetime(r, c, v, fmt)
            else:
                ws.write_number(r, c, float(v), fmt)

    def _formulas(self) -> None:
        cached = cached_values(self.layout, self.values)
        for f in self.layout.formulas:
            ws = self.sheets[f.cell.sheet]
            ws.write_formula(f.cell.row, f.cell.col, "=" + f.formula, self.fmt.static[f.style], cached.get(f.cell, ""))

    def _validation(self) -> None:
        groups: dict[tuple[str, Any], list[Cell]] = defaultdict(list)
        for name, inp in self.layout.inputs.items():
            if name in self.locked:
                continue
            groups[(inp.cell.sheet, inp.field)].append(inp.cell)
        unit = self.layout.template.amount_unit
        for (sheet, field), cells in groups.items():
            cells.sort(key=lambda c: (c.row, c.col))
            first = cells[0]
            opts = validation_for(field, first.row, first.col, unit)
            if opts is None:
                continue
            if len(cells) > 1:
                opts["multi_range"] = " ".join(_ranges(cells))
            self.sheets[sheet].data_validation(first.row, first.col, first.row, first.col, opts)

    def _conditional(self) -> None:
        by_sheet: dict[str, list[Cell]] = defaultdict(list)
        for f in self.layout.formulas:
            if f.kind in ("check", "result"):
                by_sheet[f.cell.sheet].append(f.cell)
        for sheet, cells in by_sheet.items():
            cells.sort(key=lambda c: (c.row, c.col))
            first = cells[0]
            rng = " ".join(_ranges(cells))
            for mark, fmt in self.fmt.check.items():
                self.sheets[sheet].conditional_format(first.row, first.col, first.row, first.col, {
                    "type": "text", "criteria": "begins with", "value": mark, "format": fmt, "multi_range": rng})
        for f in self.layout.formulas:
            if f.kind == "count":
                self.sheets[f.cell.sheet].conditional_format(f.cell.row, f.cell.col, f.cell.row, f.cell.col, {
                    "type": "cell", "criteria": ">", "value": 0, "format": self.fmt.check["✘"]})


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
