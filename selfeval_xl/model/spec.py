"""The template specification as typed, immutable data (loaded by selfeval_xl.spec)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from selfeval_xl.model.codes import CODES

FIELD_TYPES = ("text", "longtext", "integer", "money", "number", "date", "choice", "phone")
NUMERIC_TYPES = ("integer", "money", "number")


@dataclass(frozen=True)
class Field:
    """One input: a scalar field (key like `expenditure.total`) or a table column."""

    key: str
    label: str
    type: str
    precision: int | None = None
    required: bool = False
    choices: tuple[str, ...] = ()
    min: Decimal | None = None
    max: Decimal | None = None
    max_length: int | None = None
    pattern: str | None = None
    default: Any = None
    prompt: str | None = None
    roster: bool = False
    width: float | None = None
    footer: str | None = None
    synonyms: tuple[str, ...] = ()
    placeholders: tuple[str, ...] = ()
    compute: str | None = None  # a computed cell: this expression as a live, locked formula
    percent: bool = False  # shown as a percentage (the value is a fraction: 0.9 shows 90.00%)
    text_ok: bool = False  # a numeric column that may also hold words (定性 indicators)
    roster_header: str | None = None  # the roster column that prefills it (default: its label)
    # what the program stores for each choice (rule ids behind their Chinese names); () = the choice
    choice_keys: tuple[str, ...] = ()

    def choice_key(self, text: str) -> str | None:
        """The stored value of a chosen text (a choice or, for keyed choices, the key itself)."""
        if text in self.choices:
            return self.choice_keys[self.choices.index(text)] if self.choice_keys else text
        if text in self.choice_keys:
            return text
        return None

    @property
    def numeric(self) -> bool:
        return self.type in NUMERIC_TYPES

    @property
    def decimals(self) -> int:
        """Declared precision: 0 for integers, the spec's value for money/number."""
        if self.type == "integer":
            return 0
        return self.precision if self.precision is not None else 2


@dataclass(frozen=True)
class Table:
    """A row table (goals, indicators, evaluators, explanations): a named range over its body."""

    key: str
    label: str
    rows: int
    columns: tuple[Field, ...]
    footer: str | None = None
    hierarchy: dict[str, tuple[str, ...]] = field(default_factory=dict)
    quantitative_level2: tuple[str, ...] = ()
    min_rows: int = 0  # a complete return fills at least this many rows
    hierarchy_columns: tuple[str, str] = ("level1", "level2")  # parent, child of `hierarchy`

    @property
    def required_columns(self) -> tuple[Field, ...]:
        """Cells every filled row must fill."""
        return tuple(c for c in self.columns if c.required)

    def column(self, key: str) -> Field:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(f"{self.key}.{key}")


@dataclass(frozen=True)
class UnitTable:
    """An amount table with one row per accounting unit (income, expenditure, ...)."""

    key: str
    label: str
    columns: tuple[str, ...]  # field keys, in column order after 机构名称
    header: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    code: str
    title: str
    name: str = ""  # Chinese name shown to users (dropdown, 审核结果, messages); the id stays in JSON
    expr: str | None = None  # None only for the generated units-total rule
    per_unit: bool = False
    units: bool = False
    each: str | None = None
    when: str | None = None
    needs: str = "any"
    anchor: str | None = None
    computed: str | None = None  # the rule checks that computed field's value against its formula


@dataclass(frozen=True)
class Block:
    kind: str  # title | heading | text | form | units | table | grid | results
    text: str | None = None
    ref: str | None = None
    formula: str | None = None
    fields: tuple[str, ...] = ()
    table: str | None = None
    checks: tuple[str, ...] = ()
    footer_checks: tuple[str, ...] = ()
    layout: str = "inline"  # form: inline (label | input) or stacked (label row, then input row)
    label_span: int = 1
    input_span: int = 1
    spans: tuple[int, ...] = ()
    # grid: a matrix of inputs with row labels: header row, then rows of [label, key | text, ...]
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    caption: str | None = None
    title_fields: tuple[str, ...] = ()  # a computed title: these fields, then the spec's title text
    continued: int = 0  # form: cells below each long text where it continues (`<key>.p2` …)


@dataclass(frozen=True)
class Sheet:
    name: str  # with `repeat`, a pattern holding {n}: 项目{n}
    widths: tuple[float, ...]
    blocks: tuple[Block, ...]
    repeat: bool = False  # one copy per item (project); its names are sheet-scoped


@dataclass(frozen=True)
class Repeat:
    """Sheets repeated once per item (one 项目 sheet per project)."""

    label: str
    min: int = 1
    max: int = 100


@dataclass(frozen=True)
class PartSummary:
    """How the summary shows the repeated sheets (one row per project): columns as (key, label),
    the amounts totalled by department, the ratio of two totals (执行率), the field charted per
    item and the choice field counted (等次)."""

    columns: tuple[tuple[str, str], ...]
    totals: tuple[str, ...] = ()
    ratio: tuple[str, str] | None = None
    chart: str | None = None
    counts: str | None = None


@dataclass(frozen=True)
class Identity:
    """Which fields carry the department and the year (stamp, file names, roster, ledger)."""

    dept_name: str
    dept_code: str
    year: str
    contact: str | None = None  # prefilled from a roster's 联系人 column (stays editable)


@dataclass(frozen=True)
class GradeBand:
    grade: str
    min: Decimal


@dataclass(frozen=True)
class Plausibility:
    """Thresholds of implausible-amount (the spec's `plausibility:`); None switches a test off."""

    field: str | None = None            # amount compared per head (支出合计)
    per: str | None = None              # head count (实有人数)
    per_capita_min: Decimal | None = None
    per_capita_max: Decimal | None = None
    narrative_ratio: Decimal | None = None
    previous_ratio: Decimal | None = None
    previous_fields: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Template:
    """A whole template version; `sha256` is the digest of the spec file it was loaded from."""

    id: str
    version: str
    title: str
    amount_unit: str
    sha256: str
    fields: dict[str, Field]
    tables: dict[str, Table]
    unit_tables: dict[str, UnitTable]
    rules: tuple[Rule, ...]
    sheets: tuple[Sheet, ...]
    grades: tuple[GradeBand, ...]
    texts: dict[str, str]
    source: str = ""
    plausibility: Plausibility = field(default_factory=Plausibility)
    identity: Identity = Identity("", "", "")
    repeat: Repeat | None = None
    explanations: str | None = None  # the table where warnings are explained (columns rule, text)
    part_summary: PartSummary | None = None
    after_submission: tuple[str, ...] = ()  # finding codes only the bureau can decide (listed in 审核结果)
    explainable: tuple[str, ...] = ()  # warning codes without a rule that 情况说明 may explain

    def rule_name(self, rule_id: str) -> str:
        """The Chinese name of a rule id (or of an explainable code); the id itself if unknown."""
        for r in self.rules:
            if r.id == rule_id:
                return r.name or r.id
        return CODES[rule_id].title if rule_id in CODES else rule_id

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def grade_for(self, score: Decimal) -> str:
        for band in self.grades:
            if score >= band.min:
                return band.grade
        return self.grades[-1].grade

    def unit_table_of(self, key: str) -> UnitTable | None:
        for t in self.unit_tables.values():
            if key in t.columns:
                return t
        return None

    def repeated_sheet(self) -> Sheet | None:
        return next((s for s in self.sheets if s.repeat), None)

    def sheet_scoped(self) -> frozenset[str]:
        """Field and table keys placed on the repeated sheet (their names are sheet-scoped)."""
        return _scoped(self)

    def column_field(self, dotted: str) -> Field | None:
        """`indicators.weight` → the column Field, or None when not a table column."""
        dotted = unscoped(dotted)
        table, _, col = dotted.partition(".")
        if table in self.tables and col:
            try:
                return self.tables[table].column(col)
            except KeyError:
                return None
        return None


SCOPE = "!"


def scoped(scope: str | None, name: str) -> str:
    """The input name of `name` on a repeated sheet: `项目2!<key>` (as Excel writes a sheet-scoped
    defined name)."""
    return f"{scope}{SCOPE}{name}" if scope else name


def split_scope(name: str) -> tuple[str | None, str]:
    """`项目2!<key>` → ("项目2", "<key>"); a workbook-level name → (None, name)."""
    scope, sep, base = name.rpartition(SCOPE)
    return (scope, base) if sep else (None, name)


def unscoped(name: str) -> str:
    return name.rpartition(SCOPE)[2]


_SCOPED: dict[int, tuple[Template, frozenset[str]]] = {}


def _scoped(t: Template) -> frozenset[str]:
    hit = _SCOPED.get(id(t))
    if hit is not None and hit[0] is t:
        return hit[1]
    keys: set[str] = set()
    for s in t.sheets:
        if not s.repeat:
            continue
        for b in s.blocks:
            keys.update(b.fields)
            if b.table:
                keys.add(b.table)
            for row in b.rows:
                keys.update(k for k in row[1:] if k in t.fields)
    out = frozenset(keys)
    _SCOPED[id(t)] = (t, out)
    return out
