"""Write one workbook from a layout: cells, merges, names, validation, formats, protection, print."""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from selfeval_xl.atomic import write_bytes
from selfeval_xl.generate.cached import cached_values
from selfeval_xl.generate.plan import dependent_list, paging, plan_of, validation_options
from selfeval_xl.generate.stamp import ooxml_escape, stamp_values, write_stamp, xml_safe
from selfeval_xl.generate.styles import FONT, Formats
from selfeval_xl.layout import build_layout
from selfeval_xl.layout.cells import Cell
from selfeval_xl.layout.longtext import SEPARATOR
from selfeval_xl.layout.memo import per_layout
from selfeval_xl.layout.types import Layout, SheetLayout
from selfeval_xl.model.spec import Template

CREATED = datetime(2000, 1, 1)  # fixed: identical input gives identical bytes
FOOTER = "&C第 &P 页 共 &N 页"
MAX_TEXT = 32767  # Excel's limit for one cell


_PREPARED: dict[tuple[str, bool], str] = {}
_UNTOUCHED: dict[frozenset[str], bool] = {}
# Each "(" with the run of word characters before it and the one character before that run:
# all that XlsxWriter's dynamic-function rewrites (`\bNAME\(`, `\SINGLE\(`) can see.
_CALLS = re.compile(r"[^\w\s]?\w*\(")


class _Sheet(Worksheet):
    """XlsxWriter's formula preparation runs ~30 regexes over the whole text of every formula;
    a 100-project workbook has ~50,000 distinct formulas. Those rewrites only touch a function
    name before "(", so a formula whose calls (each after a "+", never less rewritable than its
    real context) come back unchanged from XlsxWriter itself is only stripped of its "=": the
    verdict is kept per set of calls, a few dozen per template. Anything else (future functions,
    array braces, "_xlfn.") goes through XlsxWriter. Each text is prepared once per process."""

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        future = expand_future_functions or self.use_future_functions
        key = (formula, future)
        done = _PREPARED.get(key)
        if done is None:
            if len(_PREPARED) > 50_000:  # ~30 MB at most in a long-running server
                _PREPARED.clear()
            done = _PREPARED[key] = self._prepare_once(formula, expand_future_functions, future)
        return done

    def _prepare_once(self, formula: str, expand_future_functions: bool, future: bool) -> str:
        if not future and formula.startswith("=") and not formula.endswith("}") and "_xlfn." not in formula:
            calls = frozenset(_CALLS.findall(formula))
            untouched = _UNTOUCHED.get(calls)
            if untouched is None:
                if len(_UNTOUCHED) > 10_000:
                    _UNTOUCHED.clear()
                probe = "=+" + "+".join(sorted(calls))
                untouched = _UNTOUCHED[calls] = super()._prepare_formula(probe) == probe[1:]
            if untouched:
                return formula[1:]
        return super()._prepare_formula(formula, expand_future_functions)


@per_layout
def _formula_texts(layout: Layout) -> list[str]:
    """Each formula as written ("=" first), made once per layout: the same string objects each
    time, so the prepared-formula cache finds them without hashing them again."""
    return ["=" + f.formula for f in layout.formulas]


class GenerateError(ValueError):
    """A value cannot be written (unknown input name, wrong type); the message is Chinese."""


DEFAULT_HEIGHT = 15.0
LINE_HEIGHT = 14.5
MAX_ROW_HEIGHT = 409.0  # the tallest row Excel allows


def text_height(text: str, width: float) -> float:
    """Points needed to show `text` wrapped in a column `width` characters wide (CJK count 2)."""
    per_line = max(4.0, width * 0.95)
    lines = 0
    for line in text.splitlines() or [""]:
        units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in line)
        lines += max(1, -(-int(units) // int(per_line)))
    return lines * LINE_HEIGHT + 6


def write_workbook(path: str | os.PathLike[str], template: Template, *, units: int = 1,
                   values: Mapping[str, Any] | None = None, locked: Iterable[str] = (),
                   password: str | None = None, copies: int = 1) -> None:
    """Write the workbook of `template` to `path` atomically (temp file + os.replace)."""
    data = workbook_bytes(template, units=units, values=values, locked=locked, password=password, copies=copies)
    write_bytes(path, data)


def workbook_bytes(template: Template, *, units: int = 1, values: Mapping[str, Any] | None = None,
                   locked: Iterable[str] = (), password: str | None = None, copies: int = 1) -> bytes:
    """The .xlsx file as bytes (deterministic for the same arguments). `copies`: sheets of the
    template's repeated kind (one per project), named 项目1 … 项目N, with sheet-scoped names."""
    if copies < 1:
        raise GenerateError("项目数应至少为 1")
    try:
        layout = build_layout(template, units, copies)
    except ValueError as exc:
        raise GenerateError(str(exc)) from exc
    vals = _with_defaults(layout, dict(values or {}))
    locked_set = frozenset(locked)
    _validate(layout, vals, locked_set)
    vals = spread_long_texts(layout, vals)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                                   "strings_to_urls": False,
                                   "default_format_properties": {"font_name": FONT, "font_size": 11}})
    _Writer(wb, layout, vals, locked_set, password or "").write()
    wb.close()
    return buf.getvalue()


def spread_long_texts(layout: Layout, values: dict[str, Any]) -> dict[str, Any]:
    """A long text given for its first cell, laid over that cell and its continuation cells so
    each shows (and prints) in full: whole paragraphs, each cell filled up to the tallest row
    (409 points); the last cell takes whatever remains. Parts given by name are kept as given."""
    for key, parts in layout.continuations.items():
        text = values.get(key)
        if not isinstance(text, str) or any(values.get(p) not in (None, "") for p in parts):
            continue
        inp = layout.inputs[key]
        s = next(x for x in layout.sheets if x.name == inp.cell.sheet)
        span = max((c2 for r1, c1, r2, c2 in s.merges if (r1, c1) == (inp.cell.row, inp.cell.col)), default=inp.cell.col)
        width = sum(s.widths[inp.cell.col:span + 1]) or 10
        pieces = _paragraph_runs(text, width, 1 + len(parts))
        for name, piece in zip((key, *parts), pieces, strict=False):
            values[name] = piece
    return values


def _paragraph_runs(text: str, width: float, cells: int) -> list[str]:
    """`text` cut at line breaks into at most `cells` runs, each fitting a 409-point row where
    the paragraphs allow; joined with layout.longtext.SEPARATOR they give `text` back."""
    paragraphs = text.split(SEPARATOR)
    runs: list[str] = []
    current: list[str] = []
    for para in paragraphs:
        if current and len(runs) < cells - 1 and text_height(SEPARATOR.join([*current, para]), width) > MAX_ROW_HEIGHT:
            runs.append(SEPARATOR.join(current))
            current = []
        current.append(para)
    runs.append(SEPARATOR.join(current))
    return runs


def _with_defaults(layout: Layout, values: dict[str, Any]) -> dict[str, Any]:
    for name, inp in layout.inputs.items():
        if name not in values and inp.field.default is not None and inp.table is None:
            values[name] = inp.field.default
    return values


def _validate(layout: Layout, values: Mapping[str, Any], locked: frozenset[str]) -> None:
    for name, v in values.items():
        if name not in layout.inputs:
            raise GenerateError(f"未知的字段：{name}")
        if layout.inputs[name].computed and v is not None:
            raise GenerateError(f"字段 {name} 由公式计算，不能预填")
        if v is not None and not isinstance(v, str | int | float | Decimal | date):
            raise GenerateError(f"字段 {name} 的值类型不支持：{type(v).__name__}")
        if isinstance(v, bool):
            raise GenerateError(f"字段 {name} 的值类型不支持：bool")
        if (isinstance(v, Decimal) and not v.is_finite()) or (isinstance(v, float) and not math.isfinite(v)):
            raise GenerateError(f"字段 {name} 的值不是有限的数字：{v}")
        if isinstance(v, str) and len(v) > MAX_TEXT:
            raise GenerateError(f"字段 {name} 的文字过长（{len(v)} 字，单元格最多 {MAX_TEXT} 字）")
        if isinstance(v, str) and not _encodable(v):
            raise GenerateError(f"字段 {name} 含有无法保存的字符（不成对的代理码位）")
    for name in locked:
        if name not in layout.inputs:
            raise GenerateError(f"未知的字段：{name}")


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _Writer:
    def __init__(self, wb: Any, layout: Layout, values: dict[str, Any], locked: frozenset[str], password: str) -> None:
        self.wb = wb
        self.layout = layout
        self.values = values
        self.locked = locked
        self.password = password
        self.fmt = Formats(wb)
        self.sheets: dict[str, Any] = {}
        # prefilled text by sheet, gathered once (a 100-project workbook has 100 sheets)
        self._texts: dict[str, list[tuple[Cell, str]]] = {}
        for name, v in values.items():
            if isinstance(v, str) and v and name in layout.inputs:
                cell = layout.inputs[name].cell
                self._texts.setdefault(cell.sheet, []).append((cell, v))

    def write(self) -> None:
        lay = self.layout
        wb = self.wb
        dept = lay.template.identity.dept_name
        wb.set_properties({"title": lay.template.title, "subject": xml_safe(str(self.values.get(dept) or "")),
                           "author": "selfeval-xl", "company": "", "created": CREATED})
        wb.set_calc_mode("auto")
        for s in lay.sheets:
            self.sheets[s.name] = wb.add_worksheet(s.name, worksheet_class=_Sheet)
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
        write_stamp(wb, stamp_values(lay.template, lay.units, self.values, lay.copies), self.password, fmt_meta, _Sheet)
        for s in lay.sheets:
            self.sheets[s.name].protect(self.password)
        if lay.calc is not None:
            self.sheets[lay.calc.sheet.name].hide()
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
        sp = plan_of(self.layout).sheets[s.name]
        for i, w in enumerate(s.widths):
            ws.set_column(i, i, w)
        for c in sp.extra_cols:
            ws.set_column(c, c, 16)
        for c in s.hidden_cols:
            ws.set_column(c, c, 12, None, {"hidden": True})
        heights = self._heights(s)
        for r, h in sorted(heights.items()):
            ws.set_row(r, h)
        for r1, c1, r2, c2 in s.merges:
            ws.merge_range(r1, c1, r2, c2, "", cell_fmt.get(Cell(s.name, r1, c1)))
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
        landscape, breaks = sp.landscape, sp.breaks
        if heights != s.heights:  # prefilled text grew rows: lay the pages out again
            landscape, breaks = paging(s, sp.captions, sp.sections, heights, sp.extra_cols)
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        if sp.repeat_rows:
            ws.repeat_rows(*sp.repeat_rows)
        if breaks:
            ws.set_h_pagebreaks(list(breaks))
        if s.printed_rows is not None:
            ws.print_area(0, 0, s.printed_rows - 1, max(0, len(s.widths) - 1))
        name = self.values.get(self.layout.template.identity.dept_name)
        header = xml_safe(name).strip() if isinstance(name, str) else ""
        if header:
            ws.set_header("&C" + header[:100].replace("&", "&&"))
        ws.set_footer(FOOTER)
        ws.hide_gridlines(2)
        if sp.freeze:
            ws.freeze_panes(*sp.freeze)

    def _heights(self, s: SheetLayout) -> dict[int, float]:
        """The layout's row heights, grown to show prefilled text in full (Excel does not grow
        merged cells by itself), up to Excel's 409 points."""
        heights = dict(s.heights)
        texts = self._texts.get(s.name)
        if not texts:
            return heights
        span = {(r1, c1): c2 for r1, c1, r2, c2 in s.merges if r1 == r2}
        for cell, v in texts:
            r, c = cell.row, cell.col
            width = sum(s.widths[c:span.get((r, c), c) + 1]) or 10
            need = text_height(v, width)
            if need > heights.get(r, DEFAULT_HEIGHT):
                heights[r] = min(MAX_ROW_HEIGHT, need)
        return heights

    # -- cells -------------------------------------------------------------------------------
    def _statics(self) -> None:
        for st in self.layout.statics:
            self.sheets[st.cell.sheet].write_string(st.cell.row, st.cell.col, st.text, self.fmt.static[st.style])

    def _inputs(self) -> None:
        for name, inp in self.layout.inputs.items():
            if inp.computed:
                continue  # a formula cell, written with the formulas
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
        for f, text in zip(self.layout.formulas, _formula_texts(self.layout), strict=True):
            ws = self.sheets[f.cell.sheet]
            value = cached.get(f.cell, "")
            if isinstance(value, str):
                value = ooxml_escape(value)
            ws.write_formula(f.cell.row, f.cell.col, text, self.fmt.static[f.style], value)

    def _validation(self) -> None:
        unit = self.layout.template.amount_unit
        for sheet, fld, names, cells, opts in plan_of(self.layout).validations:
            if self.locked.intersection(names):
                cells = [c for n, c in zip(names, cells, strict=True) if n not in self.locked]
                if not cells:
                    continue
                opts = validation_options(fld, cells, unit, dependent_list(self.layout, fld))
            if opts is not None:
                first = cells[0]
                self.sheets[sheet].data_validation(first.row, first.col, first.row, first.col, dict(opts))

    def _conditional(self) -> None:
        for sheet, first, rng in plan_of(self.layout).check_ranges:
            for mark, fmt in self.fmt.check.items():
                self.sheets[sheet].conditional_format(first.row, first.col, first.row, first.col, {
                    "type": "text", "criteria": "begins with", "value": mark, "format": fmt, "multi_range": rng})
        for f in self.layout.formulas:
            if f.kind == "count":
                self.sheets[f.cell.sheet].conditional_format(f.cell.row, f.cell.col, f.cell.row, f.cell.col, {
                    "type": "cell", "criteria": ">", "value": 0, "format": self.fmt.check["✘"]})
