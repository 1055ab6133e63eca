"""Spec + checked values → the printed report (model.Document), walking the template's sheets.

The report follows the workbook: the sheets' headings become the report's headings, field labels
its labels, the unit tables' header grids its multi-level table headers. The report style says
how each sheet prints (cover lines, a label/value grid, …) and adds the few texts the workbook
lacks. Every field the printed sheets hold is placed exactly once, or building fails.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from selfeval_xl.model.money import decimals_of, fmt, plain
from selfeval_xl.model.spec import Block, Field, Template, UnitTable
from selfeval_xl.render.model import Cell, Document, Grid, Para, Run
from selfeval_xl.render.style import ReportStyle
from selfeval_xl.spec.load import SpecError

Values = Mapping[str, object]
Rows = Mapping[str, Sequence[Mapping[str, object]]]


def display(f: Field | None, v: object, style: ReportStyle) -> str:
    """A value as printed: amounts with (at least) two decimals, integers plain, numbers as typed,
    dates as 2022年9月6日, texts unchanged; blank stays blank (never None/nan/0.00)."""
    if v is None or v == "":
        return ""
    if isinstance(v, datetime):
        v = v.date()
    if isinstance(v, date):
        return style.date_format.format(y=v.year, m=v.month, d=v.day)
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int) and f is not None and f.type == "money":
        v = Decimal(v)
    if isinstance(v, Decimal):
        if f is not None and f.type == "money":
            return fmt(v, max(f.decimals, decimals_of(v)))
        return plain(v)
    return str(v)


@dataclass
class _Builder:
    t: Template
    style: ReportStyle
    values: Values
    tables: Rows
    units: int
    blocks: list[Para | Grid] = field(default_factory=list)
    placed: set[str] = field(default_factory=set)
    last_heading: str = ""

    # -- helpers ---------------------------------------------------------------------------
    def label(self, key: str) -> str:
        if key in self.style.labels:
            return self.style.labels[key]
        f = self.t.fields.get(key) or self.t.column_field(key)
        return f.label if f is not None else key

    def show(self, key: str) -> str:
        self.placed.add(key)
        return display(self.t.fields.get(key), self.values.get(key), self.style)

    def para(self, role: str, *runs: Run, align: str = "left") -> None:
        self.blocks.append(Para(role, tuple(runs), align))

    def widths(self, name: str, n: int) -> tuple[float, ...]:
        w = self.style.widths.get(name)
        if isinstance(w, list) and len(w) == n:
            return tuple(float(x) for x in w)
        return (1.0,) * n

    # -- sheets ----------------------------------------------------------------------------
    def build(self) -> Document:
        for sheet in self.t.sheets:
            mode = self.style.sheets.get(sheet.name)
            if mode is None:
                continue
            for block in sheet.blocks:
                self.block(mode, block)
        missing = [k for s in self.t.sheets if s.name in self.style.sheets for b in s.blocks for k in b.fields
                   if k not in self.placed]
        if missing:
            raise SpecError(f"report/{self.style.template_id}.yaml: 以下字段没有放入报告：{missing}")
        title = "".join(self.title_lines())
        return Document(tuple(self.blocks), title=title, subject=self.show("dept.name"))

    def block(self, mode: str, b: Block) -> None:
        if b.kind == "title" and mode == "cover":
            self.cover_title()
        elif b.kind == "heading" and b.text:
            if b.text != self.last_heading:
                self.para("h1", Run(b.text))
            self.last_heading = b.text
        elif b.kind == "form":
            {"cover": self.cover_lines, "grid": self.grid, "rows": self.rows, "line": self.line,
             "sections": self.sections, "units": self.rows}[mode](b.fields)
        elif b.kind == "units" and b.table:
            self.unit_table(self.t.unit_tables[b.table])
        elif b.kind == "table" and b.table:
            {"goals": self.goals, "indicators": self.indicators, "evaluators": self.evaluators}.get(b.table, _skip)(b.table)

    def title_lines(self) -> list[str]:
        region = display(None, self.values.get("report.region"), self.style)
        year = display(None, self.values.get("report.year"), self.style)
        return [line.format(region=region, year=year) for line in self.style.title]

    def cover_title(self) -> None:
        if self.style.mark:
            self.para("mark", Run(self.style.mark))
        for i, line in enumerate(self.title_lines()):
            # the region and year are keyed on the first line, where they are printed
            runs = (Run(line),) if i else self.keyed_title(line)
            self.para("title", *runs, align="center")
        self.placed.update(self.style.title_fields)

    def keyed_title(self, line: str) -> tuple[Run, ...]:
        region = display(None, self.values.get("report.region"), self.style)
        year = display(None, self.values.get("report.year"), self.style)
        template = self.style.title[0]
        before, _, rest = template.partition("{region}")
        middle, _, after = rest.partition("{year}")
        runs = [Run(before), Run(region, "report.region"), Run(middle), Run(year, "report.year"), Run(after)]
        return tuple(r for r in runs if r.text or r.key)

    def cover_lines(self, fields: Sequence[str]) -> None:
        listed = {c.field for c in self.style.cover} | set(self.style.title_fields)
        missing = [k for k in fields if k not in listed]
        if missing:
            raise SpecError(f"report/{self.style.template_id}.yaml document.cover: 缺少字段 {missing}")
        for c in self.style.cover:
            value = Run(self.show(c.field), c.field)
            runs = (value, Run(c.label)) if c.after else (Run(c.label + c.sep), value)
            self.para("cover", *runs, align="center" if c.after else "left")
        self.para("section-end")

    def grid(self, fields: Sequence[str]) -> None:
        """Label/value pairs, two short fields to a row; a long text takes a whole row."""
        rows: list[tuple[Cell, ...]] = []
        pending: list[Cell] = []
        for k in fields:
            f = self.t.fields[k]
            pair = [Cell(self.label(k), header=True), Cell(self.show(k), (k,), align="left" if f.type == "longtext" else "center")]
            if f.type == "longtext":
                if pending:
                    rows.append(tuple(pending + [Cell(span=2)]))
                    pending = []
                rows.append((pair[0], Cell(pair[1].text, pair[1].keys, span=3, align="left")))
            else:
                pending += pair
                if len(pending) == 4:
                    rows.append(tuple(pending))
                    pending = []
        if pending:
            rows.append(tuple(pending + [Cell(span=2)]))
        self.blocks.append(Grid("basic", self.widths("grid", 4), tuple(rows)))

    def rows(self, fields: Sequence[str]) -> None:
        rows = tuple((Cell(self.label(k), header=True), Cell(self.show(k), (k,))) for k in fields)
        self.blocks.append(Grid("score", self.widths("score", 2), rows))

    def line(self, fields: Sequence[str]) -> None:
        runs: list[Run] = []
        for i, k in enumerate(fields):
            runs += [Run(("\u3000" * 4 if i else "") + self.label(k) + "："), Run(self.show(k), k)]
        self.para("line", *runs)

    def sections(self, fields: Sequence[str]) -> None:
        """Headings of 五、 and 六、 from the style; each field's text after its heading."""
        listed = {s.field for s in self.style.sections if s.field}
        missing = [k for k in fields if k not in listed]
        if missing:
            raise SpecError(f"report/{self.style.template_id}.yaml document.sections: 缺少字段 {missing}")
        if self.placed & listed:
            return  # the first form of the sheet printed every section
        for s in self.style.sections:
            self.para(f"h{s.level}", Run(s.heading))
            if s.field:
                for line in self.show(s.field).split("\n"):
                    self.para("body", Run(line, s.field))
            self.placed.update(listed)

    # -- tables ----------------------------------------------------------------------------
    def unit_table(self, ut: UnitTable) -> None:
        self.para("caption", Run(ut.label), align="center")
        n = len(ut.columns) + 1
        header = header_cells(ut.header)
        body: list[tuple[Cell, ...]] = []
        if self.units > 1:
            for u in range(1, self.units + 1):
                name = f"units.name.u{u}"
                self.placed.add(name)
                body.append((Cell(str(self.values.get(name) or ""), (name,)),
                             *(Cell(self.amount(c, f".u{u}"), (f"{c}.u{u}",), align="right") for c in ut.columns)))
            body.append((Cell(self.style.total_row, header=True),
                         *(Cell(self.amount(c, ""), (c,), align="right") for c in ut.columns)))
        else:
            name = display(None, self.values.get("dept.name"), self.style)
            body.append((Cell(name), *(Cell(self.amount(c, ""), (c,), align="right") for c in ut.columns)))
        w = float(self.style.widths.get("units_name") or 24)
        widths = (w,) + ((100 - w) / (n - 1),) * (n - 1)
        self.blocks.append(Grid(ut.key, widths, tuple(header) + tuple(body), header_rows=len(header)))

    def amount(self, key: str, suffix: str) -> str:
        self.placed.add(key + suffix)
        return display(self.t.fields[key], self.values.get(key + suffix), self.style)

    def cell(self, table: str, i: int, row: Mapping[str, object], col: str) -> Cell:
        f = self.t.tables[table].column(col)
        text = display(f, row.get(col), self.style)
        return Cell(text, (f"{table}[{i}].{col}",), align="left" if f.type == "longtext" else "center")

    def goals(self, table: str) -> None:
        t = self.t.tables[table]
        rows = list(self.tables.get(table) or ()) or [{}]
        head = (Cell(t.label, merge="restart", header=True),
                *(Cell(self.label(f"{table}.{c.key}"), header=True) for c in t.columns))
        body = [(Cell(merge="continue"), *(self.cell(table, i, r, c.key) for c in t.columns))
                for i, r in enumerate(rows, 1)]
        self.blocks.append(Grid(table, self.widths("goals", 1 + len(t.columns)), (head, *body), header_rows=1))

    def indicators(self, table: str) -> None:
        """一级/二级 merged down their groups; 分值/得分/偏差原因 only when some row has them."""
        t = self.t.tables[table]
        rows = list(self.tables.get(table) or ())
        levels = [c.key for c in t.columns[:3]]
        rest = [c.key for c in t.columns[3:5]]
        optional = [c.key for c in t.columns[5:] if any(r.get(c.key) not in (None, "") for r in rows)]
        all_w = self.style.widths.get("indicators") or [1] * (1 + len(t.columns))
        widths = tuple(float(all_w[i + 1]) for i, c in enumerate(t.columns) if c.key in levels + rest + optional)
        widths = (float(all_w[0]), *widths)
        label = Cell(t.label, merge="restart", header=True)
        top = (label, Cell(self.style.indicator_group, span=len(levels), header=True),
               *(Cell(self.label(f"{table}.{k}"), merge="restart", header=True) for k in rest + optional))
        second = (Cell(merge="continue"), *(Cell(self.label(f"{table}.{k}"), header=True) for k in levels),
                  *(Cell(merge="continue") for _ in rest + optional))
        body: list[tuple[Cell, ...]] = []
        for i, r in enumerate(rows or [{}], 1):
            cells = [Cell(merge="continue")]
            for depth, k in enumerate(levels[:2]):
                span = _group_span(rows, i - 1, levels[: depth + 1]) if rows else 1
                same = i > 1 and rows and _same_group(rows, i - 2, i - 1, levels[: depth + 1])
                if same:
                    cells.append(Cell(merge="continue"))
                    continue
                keys = tuple(f"{table}[{j}].{k}" for j in range(i, i + span))
                text = display(None, r.get(k), self.style)
                note = self.style.level1_notes.get(text) if depth == 0 else None
                cells.append(Cell(f"{text}\n{note}" if note else text, keys, merge="restart" if span > 1 else None))
            cells += [self.cell(table, i, r, k) for k in levels[2:] + rest + optional]
            body.append(tuple(cells))
        self.blocks.append(Grid(table, widths, (top, second, *body), header_rows=2))

    def evaluators(self, table: str) -> None:
        t = self.t.tables[table]
        rows = list(self.tables.get(table) or ()) or [{}]
        head = tuple(Cell(self.label(f"{table}.{c.key}"), header=True) for c in t.columns)
        body = [tuple(self.cell(table, i, r, c.key) for c in t.columns) for i, r in enumerate(rows, 1)]
        self.blocks.append(Grid(table, self.widths("evaluators", len(t.columns)), (head, *body), header_rows=1))


def _skip(_table: str) -> None:
    """Row tables the report does not print (情况说明 is for the bureau, not the public)."""


def _same_group(rows: Sequence[Mapping[str, object]], a: int, b: int, keys: Sequence[str]) -> bool:
    """Rows a and b share a non-blank value in every one of `keys` (one merged group)."""
    return all(rows[a].get(k) not in (None, "") and rows[a].get(k) == rows[b].get(k) for k in keys)


def _group_span(rows: Sequence[Mapping[str, object]], start: int, keys: Sequence[str]) -> int:
    n = 1
    while start + n < len(rows) and _same_group(rows, start + n - 1, start + n, keys):
        n += 1
    return n


def header_cells(grid: tuple[tuple[str, ...], ...]) -> list[tuple[Cell, ...]]:
    """A spec header grid ("<" merges left, "^" merges up) as rows of spanning cells."""
    out: list[tuple[Cell, ...]] = []
    for r, row in enumerate(grid):
        cells: list[Cell] = []
        for c, text in enumerate(row):
            if text == "<" and cells:
                last = cells[-1]
                cells[-1] = Cell(last.text, span=last.span + 1, merge=last.merge, header=True)
            elif text == "^":
                cells.append(Cell(merge="continue", header=True))
            else:
                below = r + 1 < len(grid) and grid[r + 1][c] == "^"
                cells.append(Cell(text, merge="restart" if below else None, header=True))
        out.append(tuple(cells))
    return out


def build_document(t: Template, style: ReportStyle, values: Values, tables: Rows, units: int = 1) -> Document:
    """The report of one submission (values: field keys incl. .uN; tables: filled rows in order)."""
    return _Builder(t, style, values, tables, max(1, units)).build()
