"""Compute the layout of a template for a number of accounting units (deterministic)."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from selfeval_xl.layout.calc import array, build_calc
from selfeval_xl.layout.cells import Cell, range_ref
from selfeval_xl.layout.completeness import unit_key
from selfeval_xl.layout.longtext import part_name
from selfeval_xl.layout.results import place as place_results
from selfeval_xl.layout.types import (
    ChoiceList,
    FormulaCell,
    InputCell,
    Instance,
    Layout,
    SheetLayout,
    StaticCell,
    TableArea,
)
from selfeval_xl.model.spec import Block, Field, Rule, Sheet, Table, Template, scoped, unscoped
from selfeval_xl.rules.evaluate import precision_shown
from selfeval_xl.rules.excel import ExcelCompiler
from selfeval_xl.rules.parse import Compare, Expr, Op, Ref, parse, refs, rename
from selfeval_xl.rules.shapes import Shape, ShapedCompiler

UNIT_NAME = "units.name"
TOTAL_LABEL = "部门合计"
CONTINUED_LABEL = "（接上格）"  # beside a long text's continuation cell

INPUT_STYLE = {"text": "input_text", "longtext": "input_long", "integer": "input_int", "money": "input_money",
               "number": "input_number", "date": "input_date", "choice": "input_text", "phone": "input_text"}


def table_cell(table: str, row: int, col: str) -> str:
    return f"{table}[{row}].{col}"


class _Builder:
    def __init__(self, t: Template, units: int, copies: int = 1) -> None:
        self.t = t
        self.units = units
        self.copies = copies
        self.scope: str | None = None  # the repeated sheet being laid out (names are scoped to it)
        self.scoped_keys = t.sheet_scoped()
        self.scopes: list[str] = []
        self.grid_checks: dict[tuple[str | None, str], Cell] = {}
        self.computed: dict[str, Expr] = {}
        self.title_fields: tuple[str, ...] = ()
        self.sheets: list[SheetLayout] = []
        self.inputs: dict[str, InputCell] = {}
        self.tables: dict[str, TableArea] = {}
        self.statics: list[StaticCell] = []
        self.formulas: list[FormulaCell] = []
        self.instances: list[Instance] = []
        self.names: dict[str, str] = {}
        self.unit_rows: dict[str, dict[int, int]] = {}  # unit table → {unit (0 = total): row}
        self.unit_check_row: dict[str, int] = {}
        self.first_unit_table: str | None = None
        self.pending_checks: list[tuple[str, Block, int, str | None]] = []  # (sheet, block, index, scope)
        self.form_rows: dict[str, tuple[str, int, int]] = {}  # field → (sheet, row, first check col)
        self.footer_check_cols: dict[str, int] = {}
        self.choice_lists: dict[str, ChoiceList] = {}
        self.continuations: dict[str, tuple[str, ...]] = {}
        self.shapes: dict[Shape, str] = {}  # compiled formulas by shape (rules.shapes)

    # ---- helpers -------------------------------------------------------------------------
    def key(self, name: str) -> str:
        """`name` as laid out on the current sheet: scoped when it lives on the repeated sheet."""
        if not self.scope:
            return name
        base = name.split("[", 1)[0]
        if base in self.scoped_keys or base.partition(".")[0] in self.scoped_keys:
            return scoped(self.scope, name)
        return name

    def static(self, sheet: SheetLayout, row: int, col: int, text: str, style: str,
               span: int = 1, rowspan: int = 1) -> None:
        self.statics.append(StaticCell(Cell(sheet.name, row, col), text, style))
        if span > 1 or rowspan > 1:
            sheet.merges.append((row, col, row + rowspan - 1, col + span - 1))

    def input(self, sheet: SheetLayout, row: int, col: int, name: str, field: Field, span: int = 1,
              table: str | None = None, trow: int | None = None, part_of: str | None = None) -> None:
        cell = Cell(sheet.name, row, col)
        self.inputs[name] = InputCell(cell, name, field, INPUT_STYLE[field.type], table, trow, self.scope, part_of)
        if span > 1:
            sheet.merges.append((row, col, row, col + span - 1))

    # ---- blocks --------------------------------------------------------------------------
    def build(self) -> Layout:
        for s in self.t.sheets:
            if not s.repeat:
                self._sheet(s, s.name)
            elif self.copies == 0:  # the checker's view: one copy, names as in the spec
                self._sheet(s, s.name.format(n=1))
                self.scopes.append(s.name.format(n=1))
            else:
                for k in range(1, self.copies + 1):
                    self.scope = s.name.format(n=k)
                    self.scopes.append(self.scope)
                    self._sheet(s, self.scope)
                self.scope = None
        self.calc = build_calc(self.t, self.inputs, self.tables)
        self.sheets.append(self.calc.sheet)
        self.formulas.extend(self.calc.formulas)
        self._computed()
        self._instances()
        results_sheet, results_row = self._results_at
        place_results(self, results_sheet, results_row, self.calc)
        self._names()
        return Layout(self.t, self.units, self.sheets, self.inputs, self.tables, self.statics,
                      self.formulas, self.instances, self.names, self.choice_lists, self.copies, tuple(self.scopes),
                      self.computed, self.title_fields,
                      self.calc, results_sheet.name, self.continuations)

    def _sheet(self, s: Sheet, name: str) -> None:
        sheet = SheetLayout(name, s.widths)
        self.sheets.append(sheet)
        row = 0
        for block in s.blocks:
            row = getattr(self, f"_{block.kind}")(sheet, block, row)
        sheet.rows = row

    def _width(self, sheet: SheetLayout) -> int:
        return max(1, len(sheet.widths))

    def _title(self, sheet: SheetLayout, b: Block, row: int) -> int:
        if b.title_fields:
            suffix = self.t.texts.get("report_title_suffix", self.t.title)
            # The cover's fields come after the title: resolved once the form is laid out.
            self._title_pending = (sheet, row, suffix, b.title_fields)
            self.title_fields = b.title_fields
            self.formulas.append(FormulaCell(Cell(sheet.name, row, 0), "", "title", "title"))
        else:
            self.static(sheet, row, 0, b.text or "", "title")
        if self._width(sheet) > 1:
            sheet.merges.append((row, 0, row, self._width(sheet) - 1))
        sheet.heights[row] = 36
        return row + 1

    def _heading(self, sheet: SheetLayout, b: Block, row: int) -> int:
        self.static(sheet, row, 0, b.text or "", "heading", span=self._width(sheet))
        sheet.heights[row] = 24
        return row + 1

    def _text(self, sheet: SheetLayout, b: Block, row: int) -> int:
        for line in self.t.texts[b.ref or ""].splitlines():
            if not line.strip():
                continue
            self.static(sheet, row, 0, line.strip(), "note", span=self._width(sheet))
            sheet.heights[row] = 16 * max(1, -(-len(line) // 60))
            row += 1
        return row

    def _form(self, sheet: SheetLayout, b: Block, row: int) -> int:
        width = self._width(sheet)
        for spec_key in b.fields:
            f = self.t.fields[spec_key]
            key = self.key(spec_key)
            if b.layout == "stacked":
                self.static(sheet, row, 0, f.label, "section", span=width)
                sheet.heights[row] = 20
                self.input(sheet, row + 1, 0, key, f, span=width)
                if width > 1:  # a merged box does not grow with its text: give it room
                    sheet.heights[row + 1] = 90
                # else no set height: the spreadsheet grows the row as the text is typed
                row = self._continued(sheet, b, row + 2, key, f, 0, width)
                continue
            self.static(sheet, row, 0, f.label, "label", span=b.label_span)
            self.input(sheet, row, b.label_span, key, f, span=b.input_span)
            self.form_rows[key] = (sheet.name, row, b.label_span + b.input_span)
            sheet.heights[row] = 90 if f.type == "longtext" else 22
            row = self._continued(sheet, b, row + 1, key, f, b.label_span, b.input_span, CONTINUED_LABEL)
        if b.checks:
            self.pending_checks.append((sheet.name, b, 0, self.scope))
        return row

    def _continued(self, sheet: SheetLayout, b: Block, row: int, key: str, f: Field, col: int, span: int,
                   label: str | None = None) -> int:
        """The cells a long text goes on in below its own (a row is at most 409 points tall)."""
        if f.type != "longtext" or not b.continued:
            return row
        parts = tuple(part_name(key, k) for k in range(2, b.continued + 2))
        for part in parts:
            if label and col:
                self.static(sheet, row, 0, label, "label", span=col)
            self.input(sheet, row, col, part, replace(f, required=False), span=span, part_of=key)
            row += 1
        self.continuations[key] = parts
        return row

    def _grid(self, sheet: SheetLayout, b: Block, row: int) -> int:
        """A matrix of inputs (项目资金: rows of sources × columns of figures), checks as rows below."""
        ls = max(1, b.label_span)
        ncols = ls + len(b.header) - 1
        if b.caption:
            self.static(sheet, row, 0, b.caption, "caption", span=max(ncols, self._width(sheet)))
            row += 1
        self.static(sheet, row, 0, b.header[0], "header", span=ls)
        for j, text in enumerate(b.header[1:]):
            self.static(sheet, row, ls + j, text, "header")
        sheet.heights[row] = 30
        row += 1
        for line in b.rows:
            self.static(sheet, row, 0, line[0], "label", span=ls)
            for j, item in enumerate(line[1:]):
                if item in self.t.fields:
                    self.input(sheet, row, ls + j, self.key(item), self.t.fields[item])
                else:
                    self.static(sheet, row, ls + j, item, "grid_text")
            sheet.heights[row] = 22
            row += 1
        span = min(3, ncols - 1)
        for rid in b.checks:
            self.static(sheet, row, 0, "校验：" + self.t.rule(rid).title, "label", span=ncols - span)
            cell = Cell(sheet.name, row, ncols - span)
            sheet.merges.append((row, ncols - span, row, ncols - 1))
            self.grid_checks[(self.scope, rid)] = cell
            sheet.heights[row] = 30
            row += 1
        self.pending_checks.append((sheet.name, b, ncols, self.scope))
        return row + 1

    def _units(self, sheet: SheetLayout, b: Block, row: int) -> int:
        ut = self.t.unit_tables[b.table or ""]
        ncols = len(ut.columns) + 1
        self.static(sheet, row, 0, ut.label, "caption", span=max(ncols, self._width(sheet)))
        row += 1
        header_top = row
        grid = ut.header
        row_checks = [c for c in b.checks if c != "units-total"]
        for r, line in enumerate(grid):
            for c, text in enumerate(line):
                if text in ("<", "^"):
                    continue
                span = 1
                while c + span < len(line) and line[c + span] == "<":
                    span += 1
                rowspan = 1
                while r + rowspan < len(grid) and grid[r + rowspan][c] == "^":
                    rowspan += 1
                self.static(sheet, header_top + r, c, text, "header", span=span, rowspan=rowspan)
        for k, rid in enumerate(row_checks):
            self.static(sheet, header_top, ncols + k, "校验：" + self.t.rule(rid).title, "header",
                        rowspan=len(grid))
        for r in range(len(grid)):
            sheet.heights[header_top + r] = 36 if r == 0 else 30
        row = header_top + len(grid)
        sheet.repeat_rows = (header_top, row - 1)
        rows: dict[int, int] = {}
        first = self.first_unit_table is None
        if first:
            self.first_unit_table = ut.key
        name_field = Field(key=UNIT_NAME, label="机构名称", type="text", max_length=60)
        if self.units == 1:
            rows[0] = row
            self.formulas.append(FormulaCell(Cell(sheet.name, row, 0), "", "unit_name", "unit_name"))
            row += 1
        else:
            rows[0] = row
            self.static(sheet, row, 0, TOTAL_LABEL, "total_label")
            row += 1
            for u in range(1, self.units + 1):
                rows[u] = row
                if first:
                    self.input(sheet, row, 0, unit_key(UNIT_NAME, u), name_field)
                else:
                    src = self.inputs[unit_key(UNIT_NAME, u)].cell
                    self.formulas.append(FormulaCell(Cell(sheet.name, row, 0),
                                                     f'IF({src.ref_from(sheet.name)}="","",{src.ref_from(sheet.name)})',
                                                     "unit_name", "unit_name"))
                row += 1
        for u, r in rows.items():
            sheet.heights[r] = 22
            for c, key in enumerate(ut.columns, start=1):
                name = key if u == 0 else unit_key(key, u)
                self.input(sheet, r, c, name, self.t.fields[key])
        self.unit_rows[ut.key] = rows
        if self.units > 1 and "units-total" in b.checks:
            self.static(sheet, row, 0, "校验：" + self.t.rule("units-total").title, "label")
            self.unit_check_row[ut.key] = row
            sheet.heights[row] = 30
            row += 1
        self.pending_checks.append((sheet.name, b, ncols, self.scope))
        return row + 1

    def _table(self, sheet: SheetLayout, b: Block, row: int) -> int:
        t = self.t.tables[b.table or ""]
        spans = list(b.spans) or [1] * len(t.columns)
        ncols = sum(spans)
        self.static(sheet, row, 0, t.label, "caption", span=max(ncols + len(b.checks), self._width(sheet)))
        row += 1
        cols: dict[str, int] = {}
        c = 0
        for col, span in zip(t.columns, spans, strict=True):
            self.static(sheet, row, c, col.label, "header", span=span)
            cols[col.key] = c
            c += span
        for k, rid in enumerate(b.checks):
            self.static(sheet, row, ncols + k, "校验：" + self.t.rule(rid).title, "header")
        sheet.heights[row] = 36
        sheet.repeat_rows = sheet.repeat_rows or (row, row)
        row += 1
        first = row
        # Rows holding a long text: merged cells do not grow with their text, so they get room;
        # other rows have no set height and grow as the text is typed (and print compact blank).
        tall = any(col.type == "longtext" and span > 1 for col, span in zip(t.columns, spans, strict=True))
        grows = not tall and any(col.type == "longtext" for col in t.columns)
        for i in range(1, t.rows + 1):
            for col, span in zip(t.columns, spans, strict=True):
                self.input(sheet, row, cols[col.key], self.key(table_cell(t.key, i, col.key)),
                           replace(col, key=f"{t.key}.{col.key}"), span=span, table=t.key, trow=i)
            if not grows:
                sheet.heights[row] = 30 if tall else 20
            row += 1
        footer_row = None
        if t.footer:
            footer_row = row
            label_end = min((cols[col.key] for col in t.columns if col.footer), default=ncols)
            self.static(sheet, row, 0, t.footer, "total_label", span=max(1, label_end))
            for col in t.columns:
                if col.footer == "sum":
                    first_cell = Cell(sheet.name, first, cols[col.key])
                    last_cell = Cell(sheet.name, first + t.rows - 1, cols[col.key])
                    self.formulas.append(FormulaCell(Cell(sheet.name, row, cols[col.key]),
                                                     f"SUM({range_ref(first_cell, last_cell, sheet.name)})",
                                                     "footer", "formula_number"))
            sheet.heights[row] = 22
            row += 1
        self.tables[self.key(t.key)] = TableArea(self.key(t.key), sheet.name, first, t.rows, cols, footer_row)
        self.pending_checks.append((sheet.name, b, ncols, self.scope))
        if t.hierarchy:
            self._choice_list(sheet, t, first - 1, max(self._width(sheet), ncols + len(b.checks) + len(b.footer_checks)) + 1)
        return row + 1

    def _choice_list(self, sheet: SheetLayout, t: Table, top: int, col: int) -> None:
        """The hidden lists of the dependent dropdown, right of everything printed."""
        parent, child = t.hierarchy_columns
        every = t.column(child).choices
        lists = [("（全部）", every)] + [(p, kids) for p, kids in t.hierarchy.items()]
        for k, (head, kids) in enumerate(lists):
            self.static(sheet, top, col + k, head, "list")
            for i, kid in enumerate(kids, start=1):
                self.static(sheet, top + i, col + k, kid, "list")
            sheet.hidden_cols.append(col + k)
        self.choice_lists[self.key(t.key)] = ChoiceList(
            self.key(t.key), parent, child, Cell(sheet.name, top + 1, col),
            (Cell(sheet.name, top, col + 1), Cell(sheet.name, top, col + len(lists) - 1)),
            max(len(kids) for _, kids in lists))

    def _results(self, sheet: SheetLayout, b: Block, row: int) -> int:
        self._results_at = (sheet, row)
        return row  # filled once every instance is known

    # ---- rules ---------------------------------------------------------------------------
    def _check_col(self, block: Block, rule_id: str, base: int) -> int:
        checks = [c for c in block.checks if c != "units-total"]
        if rule_id in checks:
            return base + checks.index(rule_id)
        return base + len(checks) + list(block.footer_checks).index(rule_id)

    def _instances(self) -> None:
        where: dict[tuple[str | None, str], tuple[str, Block, int]] = {}
        scopes_of: dict[str, list[str | None]] = {}
        for sheet_name, block, base, scope in self.pending_checks:
            for rid in list(block.checks) + list(block.footer_checks):
                if (scope, rid) not in where:
                    where[(scope, rid)] = (sheet_name, block, base)
                    scopes_of.setdefault(rid, []).append(scope)
        for rule in self.t.rules:
            if rule.units:
                self._units_total(rule)
                continue
            for scope in scopes_of[rule.id]:
                self.scope = scope
                self._rule_instances(rule, *where[(scope, rule.id)])
            self.scope = None
        self._check_formulas()

    def _rule_instances(self, rule: Rule, sheet_name: str, block: Block, base: int) -> None:
        spec_expr = parse(rule.expr or "")
        spec_when = parse(rule.when) if rule.when else None
        names = refs(spec_expr) + (refs(spec_when) if spec_when is not None else [])
        mapping = {n: self.key(n) for n in names}
        expr = rename(spec_expr, mapping)
        when = rename(spec_when, mapping) if spec_when is not None else None
        anchor = self.key(rule.anchor) if rule.anchor else refs(expr)[0]
        if rule.each:
            area = self.tables[self.key(rule.each)]
            col = self._check_col(block, rule.id, base)
            for i in range(1, area.rows + 1):
                row_map = {n: self.key(table_cell(rule.each, i, n.split(".", 1)[1])) if n.startswith(rule.each + ".")
                           else self.key(n) for n in names}
                row_when = rename(spec_when, row_map) if spec_when is not None else None
                row_anchor = self.key(table_cell(rule.each, i, rule.anchor.split(".", 1)[1])) if rule.anchor \
                    else refs(rename(spec_expr, row_map))[0]
                self.instances.append(Instance(rule, rename(spec_expr, row_map), row_when, row_anchor,
                                               Cell(sheet_name, area.first_row + i - 1, col), row=i))
            return
        if block.kind == "form":
            fsheet, frow, fcol = self.form_rows[anchor]
            same_row = [c for c in block.checks if self._spec_anchor(c) == anchor]
            self.instances.append(Instance(rule, expr, when, anchor, Cell(fsheet, frow, fcol + same_row.index(rule.id))))
            return
        if block.kind == "grid":
            self.instances.append(Instance(rule, expr, when, anchor, self.grid_checks[(self.scope, rule.id)]))
            return
        if block.kind == "table":
            area = self.tables[self.key(block.table or "")]
            assert area.footer_row is not None
            col = self._check_col(block, rule.id, base)
            self.instances.append(Instance(rule, expr, when, anchor, Cell(sheet_name, area.footer_row, col)))
            return
        # a unit table: the total row, then each unit row when per_unit
        ut = self.t.unit_table_of(anchor)
        assert ut is not None, rule.id
        col = self._check_col(block, rule.id, base)
        rows = self.unit_rows[ut.key]
        self.instances.append(Instance(rule, expr, when, anchor, Cell(sheet_name, rows[0], col), unit=0))
        if rule.per_unit and self.units > 1:
            for u in range(1, self.units + 1):
                mapping = {n: unit_key(n, u) for n in refs(expr) if self.t.unit_table_of(n)}
                self.instances.append(Instance(rule, rename(expr, mapping), when, mapping.get(anchor, anchor),
                                               Cell(sheet_name, rows[u], col), unit=u))

    def _spec_anchor(self, rule_id: str) -> str:
        rule = self.t.rule(rule_id)
        return self.key(rule.anchor or refs(parse(rule.expr or ""))[0])

    def _computed(self) -> None:
        """Computed cells (执行率, 参考得分): their formula over the inputs of their own sheet and row."""
        for name, inp in self.inputs.items():
            if inp.field.compute is None:
                continue
            tree = parse(inp.field.compute)
            self.scope = inp.scope
            if inp.table is not None:
                mapping = {n: self.key(table_cell(inp.table, inp.row or 0, n.split(".", 1)[1]))
                           if n.startswith(inp.table + ".") else self.key(n) for n in refs(tree)}
            else:
                mapping = {n: self.key(n) for n in refs(tree)}
            self.scope = None
            self.computed[name] = rename(tree, mapping)
            formula = self.shaped(inp.cell.sheet).computed(self.computed[name])
            style = "formula_percent" if inp.field.percent else "formula_number"
            self.formulas.append(FormulaCell(inp.cell, formula, "computed", style, name=name))

    def _units_total(self, rule: Rule) -> None:
        if self.units == 1:
            return
        for ut in self.t.unit_tables.values():
            if ut.key not in self.unit_check_row:
                continue
            for c, key in enumerate(ut.columns, start=1):
                parts: Expr = Ref(unit_key(key, 1))
                for u in range(2, self.units + 1):
                    parts = Op("+", parts, Ref(unit_key(key, u)))
                expr = Compare(("=",), (Ref(key), parts))
                sheet = self.inputs[key].cell.sheet
                self.instances.append(Instance(rule, expr, None, key, Cell(sheet, self.unit_check_row[ut.key], c)))

    def compiler(self, sheet: str) -> ExcelCompiler:
        """Rules compute with the helper sheet's values (numbers typed as text taken as the checker
        takes them); blank tests of columns look at the typed cells."""
        calc = self.calc

        def resolve(name: str) -> str:
            if name in self.inputs:
                if name in calc.row_of:
                    return calc.value(name).ref_from(sheet)
                return self.inputs[name].cell.ref_from(sheet)
            table, _, col = name.partition(".")
            first, last = f"{table}[1].{col}", f"{table}[{self.tables[table].rows}].{col}"
            if first in calc.row_of:
                return range_ref(calc.value(first), calc.value(last), sheet)
            return raw(name)

        def raw(name: str) -> str:
            table, _, col = name.partition(".")
            area = self.tables[table]
            return range_ref(area.cell(1, col), area.cell(area.rows, col), sheet)

        def is_column(name: str) -> bool:
            return name not in self.inputs

        def precision(name: str) -> int | None:
            f = self.inputs[name].field if name in self.inputs else self.t.column_field(name)
            return f.decimals if f is not None and f.numeric else None

        def interval(name: str) -> bool:
            f = self.inputs[name].field if name in self.inputs else self.t.column_field(name)
            return f is not None and f.type == "money"

        def required(name: str) -> bool:
            inp = self.inputs.get(name)
            return inp is not None and inp.table is None and inp.field.required

        return ExcelCompiler(resolve, is_column, precision, self.t.grades, interval, required, raw)

    def shaped(self, sheet: str) -> ShapedCompiler:
        """The compiler for `sheet`, compiling each expression shape once (100 project sheets
        hold the same rules)."""
        return ShapedCompiler(self.compiler(sheet), self.shapes)

    def unusable(self, expr: Expr, sheet: str) -> str | None:
        """True when a referenced value cannot be read as a number (the checker skips the rule and
        reports the cell as not-a-number)."""
        tests = []
        comp = self.compiler(sheet)
        for n in refs(expr):
            table, _, col = n.partition(".")
            inp = self.inputs.get(n)
            if n in self.calc.row_of:
                tests.append(f"ISERROR({comp.resolve(n)})")
            elif inp is not None and inp.field.type == "choice":  # an unknown choice is unusable too
                x = inp.cell.ref_from(sheet)
                ok = array(inp.field.choices + inp.field.choice_keys)
                tests.append(f"AND(LEN(TRIM({x}))>0,ISNA(MATCH(TRIM({x}),{ok},0)))")
            elif n not in self.inputs and f"{table}[1].{col}" in self.calc.row_of:
                tests.append(f"ISERROR(SUM({comp.resolve(n)}))")
        if not tests:
            return None
        return tests[0] if len(tests) == 1 else f"OR({','.join(tests)})"

    def _check_formulas(self) -> None:
        for i, inst in enumerate(self.instances):
            comp = self.compiler(inst.check.sheet)
            formula = ShapedCompiler(comp, self.shapes).live_check(inst.expr, inst.rule.needs, inst.when,
                                                                   precision_shown(inst.expr, comp.precision))
            guard = self.unusable(inst.expr, inst.check.sheet)
            if guard:
                formula = f'IF({guard},"—",{formula})'
            self.formulas.append(FormulaCell(inst.check, formula, "check", "check", instance=i))
        # the cover title, now that its fields are placed
        pending = getattr(self, "_title_pending", None)
        if pending:
            sheet, row, suffix, keys = pending
            refs_ = [self.inputs[k].cell.ref_from(sheet.name) for k in keys]
            # 临湘市 + 2021 (four spaces while the year is blank, for writing in by hand) + the title
            formula = "&".join([refs_[0], *(f'IF({r}="","    ",{r})' for r in refs_[1:]), f'"{suffix}"'])
            self.formulas = [FormulaCell(f.cell, formula, "title", "title") if f.kind == "title" else f for f in self.formulas]
        if self.units == 1 and self.t.identity.dept_name in self.inputs:
            name = self.inputs[self.t.identity.dept_name].cell
            self.formulas = [FormulaCell(f.cell, f'IF({name.ref_from(f.cell.sheet)}="","",{name.ref_from(f.cell.sheet)})',
                                         f.kind, f.style) if f.kind == "unit_name" and not f.formula else f
                             for f in self.formulas]

    def _names(self) -> None:
        for name, inp in self.inputs.items():
            if inp.table is None:
                self.names[name] = inp.cell.qualified()
        for key, area in self.tables.items():
            cols = sorted(area.columns.values())
            t = self.t.tables[unscoped(key)]
            last_col = cols[-1]
            # the last column may be merged over several sheet columns (goals): name the first
            first = Cell(area.sheet, area.first_row, cols[0])
            last = Cell(area.sheet, area.first_row + t.rows - 1, last_col)
            self.names[key] = range_ref(first, last)


@lru_cache(maxsize=64)
def build_layout(t: Template, units: int = 1, copies: int = 1) -> Layout:
    """The layout of template `t` with `units` accounting units (1 = a single unit, no 合计 row)
    and `copies` of its repeated sheet (one per project; 0 = the checker's one unscoped copy)."""
    if units < 1 or units > 50:
        raise ValueError("单位数应在 1–50 之间")
    if t.repeat is None:
        copies = 1
    elif copies != 0 and not t.repeat.min <= copies <= t.repeat.max:
        raise ValueError(f"{t.repeat.label}数应在 {t.repeat.min}–{t.repeat.max} 之间")
    return _Builder(t, units, copies).build()
