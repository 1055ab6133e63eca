"""Layout records: plain data describing every cell the template owns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from selfeval_xl.layout.cells import Cell
from selfeval_xl.model.spec import Field, Rule, Template
from selfeval_xl.rules.parse import Expr

META_SHEET = "_meta"
META_KEYS = ("template_id", "template_version", "spec_sha256", "year", "dept_code", "dept_name", "units",
             "generator", "generator_version")
PROPERTY_PREFIX = "selfeval."
COPIES_KEY = "copies"  # stamped after META_KEYS by templates with a repeated sheet (项目 sheets)


@dataclass(frozen=True)
class StaticCell:
    """A locked label, heading or header: its text must be unchanged in a submission."""

    cell: Cell
    text: str
    style: str


@dataclass(frozen=True)
class InputCell:
    """An input: `name` is a field key (`income.total.u2`) or a table cell (`indicators[3].weight`)."""

    cell: Cell
    name: str
    field: Field
    style: str
    table: str | None = None
    row: int | None = None  # 1-based table row
    scope: str | None = None  # the repeated sheet it sits on (its names are sheet-scoped)
    part_of: str | None = None  # a continuation cell: the long text (its first cell's name) it continues

    @property
    def computed(self) -> bool:
        return self.field.compute is not None


@dataclass(frozen=True)
class FormulaCell:
    """A locked formula (without '='); `kind`: check | title | footer | unit_name | result | count | computed."""

    cell: Cell
    formula: str
    kind: str
    style: str
    instance: int | None = None  # index into Layout.instances for checks
    rule: str | None = None      # for result rows
    name: str | None = None      # for computed cells: the input name it fills


@dataclass(frozen=True)
class Instance:
    """One place a rule holds: the rule, its expression with names bound, where its check sits."""

    rule: Rule
    expr: Expr
    when: Expr | None
    anchor: str
    check: Cell
    unit: int | None = None
    row: int | None = None


@dataclass(frozen=True)
class TableArea:
    key: str
    sheet: str
    first_row: int
    rows: int
    columns: dict[str, int]  # column key → sheet column index
    footer_row: int | None = None

    def cell(self, row: int, col: str) -> Cell:
        return Cell(self.sheet, self.first_row + row - 1, self.columns[col])


@dataclass(frozen=True)
class ChoiceList:
    """The hidden block behind a dependent dropdown: one column of children per parent choice,
    headed by the parent, after a first column (`anchor` on top) with every child (offered
    while the parent is blank or unknown)."""

    table: str
    parent: str  # column key of the parent (一级指标)
    child: str  # column key of the child (二级指标)
    anchor: Cell  # first child cell of the "every child" column
    parents: tuple[Cell, Cell]  # the header cells holding the parent choices
    length: int  # longest list


@dataclass
class SheetLayout:
    name: str
    widths: tuple[float, ...]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)
    repeat_rows: tuple[int, int] | None = None
    rows: int = 0
    hidden_cols: list[int] = field(default_factory=list)
    printed_rows: int | None = None  # only the first rows print (the rest is for the screen)


@dataclass
class Layout:
    template: Template
    units: int
    sheets: list[SheetLayout]
    inputs: dict[str, InputCell]
    tables: dict[str, TableArea]
    statics: list[StaticCell]
    formulas: list[FormulaCell]
    instances: list[Instance]
    names: dict[str, str]  # defined name → qualified range ("项目2!funds.rate" for a sheet-scoped name)
    choice_lists: dict[str, ChoiceList] = field(default_factory=dict)  # table → dependent dropdown
    copies: int = 1  # copies of the repeated sheet (0: one unscoped copy, the checker's view)
    scopes: tuple[str, ...] = ()  # sheet names of those copies, in order
    computed: dict[str, Expr] = field(default_factory=dict)  # computed input → its formula, names bound
    title_fields: tuple[str, ...] = ()  # the fields a computed title joins (then the spec's title text)
    calc: Any = None  # layout.calc.Calc: the hidden helper sheet (typed loosely: calc imports this module)
    results_sheet: str = ""  # the 审核结果 sheet
    continuations: dict[str, tuple[str, ...]] = field(default_factory=dict)  # long text → its continuation cells

    def cell(self, name: str) -> Cell:
        return self.inputs[name].cell

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]
