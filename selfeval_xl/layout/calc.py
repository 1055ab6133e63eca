"""The hidden helper sheet: every numeric input read the way the checker reads it.

Why: the form's live checks must agree with the program. A number stored as text ("９６",
"79.82 ", "1,234.5", "96万元") is taken by the program with a `text-number` warning
(model.numtext); the form repeats the same steps per cell (T: ASC+TRIM, U: words removed,
D: digits removed, V: the value, S: what the checker reports about it), and the live rule checks
compute with V, so both see the same numbers and skip the same unusable ones.

S is a small bit set: 1 text-number, 2 not-a-number, 4 negative-amount, 8 excess-precision,
16 blank. A hierarchy's parent and child are also filled down here (E1, E2: the merged-cell
habit of checks.hierarchy) for the completeness and hierarchy counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from selfeval_xl.layout.cells import Cell
from selfeval_xl.layout.types import FormulaCell, InputCell, SheetLayout, TableArea
from selfeval_xl.model.numtext import DASHES, DIGITS, LEFTOVERS, WORDS
from selfeval_xl.model.spec import Field, Template, unscoped

CALC_SHEET = "_calc"
T, U, D, V, S, R = range(6)  # helper columns per numeric input (R: the number before range checks)
E1, E2 = 6, 7  # filled-down parent and child of a hierarchy table
BIT_TEXT, BIT_NAN, BIT_NEG, BIT_PREC, BIT_BLANK = 1, 2, 4, 8, 16
BITS = {"text-number": BIT_TEXT, "not-a-number": BIT_NAN, "negative-amount": BIT_NEG, "excess-precision": BIT_PREC}


def _q(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def array(items: tuple[str, ...]) -> str:
    """An array constant of texts: {"优","良"}."""
    return "{" + ",".join(_q(x) for x in items) + "}"


def negative_checked(t: Template, f: Field) -> bool:
    """Fields whose negative value is `negative-amount` (checks.amounts; a rule-ranged score is not)."""
    ranged = {r.anchor for r in t.rules if r.code == "score-out-of-range" and r.anchor}
    return (f.type == "money" or (f.numeric and f.min is not None and f.min >= 0)) and f.key not in ranged


def precision_checked(f: Field) -> bool:
    return f.type in ("money", "number")


@dataclass
class Calc:
    """Where each numeric input's helpers sit, and the filled-down hierarchy columns."""

    sheet: SheetLayout
    formulas: list[FormulaCell]
    row_of: dict[str, int]  # input name → helper row
    levels: dict[str, int]  # hierarchy table → first helper row of E1/E2 (row i-1 of the table)

    def cell(self, name: str, col: int) -> Cell:
        return Cell(CALC_SHEET, self.row_of[name], col)

    def value(self, name: str) -> Cell:
        return self.cell(name, V)

    def status(self, name: str) -> Cell:
        return self.cell(name, S)


def _helped(f: Field) -> bool:
    """Numeric inputs typed by the department; computed cells and columns that may hold words
    (定性 indicators) are read as they are."""
    return f.numeric and f.compute is None and not f.text_ok


def build_calc(t: Template, inputs: dict[str, InputCell], tables: dict[str, TableArea]) -> Calc:
    """Helpers for every numeric input: scalars in layout order, then each table column (the
    tables as laid out, so each copy of a repeated sheet has its own)."""
    sheet = SheetLayout(CALC_SHEET, (12, 12, 12, 12, 6, 2, 12, 12))
    calc = Calc(sheet, [], {}, {})
    scalars = [n for n, inp in inputs.items() if _helped(inp.field) and inp.table is None]
    columns = [f"{key}[{i}].{col.key}" for key, area in tables.items() for col in t.tables[unscoped(key)].columns
               if _helped(col) for i in range(1, area.rows + 1)]
    for row, name in enumerate(scalars + columns):
        calc.row_of[name] = row
        _helpers(t, calc, row, inputs[name])
    row = len(scalars) + len(columns) + 1
    for key, area in tables.items():
        if t.tables[unscoped(key)].hierarchy:
            calc.levels[key] = row
            _levels(t, calc, key, row, inputs)
            row += area.rows + 1
    sheet.rows = row
    return calc


def _helpers(t: Template, calc: Calc, row: int, inp: InputCell) -> None:
    f = inp.field
    x = inp.cell.ref_from(CALC_SHEET)
    tc, uc, dc, vc, rc = (Cell(CALC_SHEET, row, c).absolute for c in (T, U, D, V, R))
    u = tc
    for w in (",", " ", *WORDS.get(f.type, ())):
        u = f"SUBSTITUTE({u},{_q(w)},\"\")"
    d = uc
    for ch in DIGITS:
        d = f'SUBSTITUTE({d},"{ch}","")'
    dashes = ",".join(f"{tc}={_q(x_)}" for x_ in DASHES)
    left = ",".join(f"{dc}={_q(x_)}" for x_ in LEFTOVERS)
    number = f'AND(LEN({dc})<LEN({uc}),OR({left}),OR(LEFT({uc},1)="-",ISERROR(FIND("-",{uc}))))'
    r = f'IF(ISNUMBER({x}),{x},IF({tc}="","",IF(OR({dashes}),0,IF({number},VALUE({uc}),NA()))))'
    # too large for any amount, or a fraction in a count: not a number (the checker skips it too)
    # 10^15 spelled out: LibreOffice writes 1E+15 back that way, and a re-saved form must stay the same
    out_of_range = f"ABS({rc})>=1000000000000000" + (f",{rc}<>INT({rc})" if f.type == "integer" else "")
    v = f"IF(ISNUMBER({rc}),IF(OR({out_of_range}),NA(),{rc}),{rc})"
    bits = [f"ISTEXT({x})*{BIT_TEXT}"]
    if negative_checked(t, f):
        bits.append(f"({vc}<0)*{BIT_NEG}")
    if precision_checked(f):
        bits.append(f"(ROUND({vc},{f.decimals})<>{vc})*{BIT_PREC}")
    s = f'IF(ISERROR({vc}),{BIT_NAN},IF({vc}="",{BIT_BLANK},{"+".join(bits)}))'
    for col, formula in ((T, f'IF(ISNUMBER({x}),"",TRIM(ASC({x})))'), (U, u), (D, d), (R, r), (V, v), (S, s)):
        calc.formulas.append(FormulaCell(Cell(CALC_SHEET, row, col), formula, "calc", "calc"))


def _levels(t: Template, calc: Calc, key: str, top: int, inputs: dict[str, InputCell]) -> None:
    """E1/E2 per table row: the row's valid parent (child), else the one above (a new parent
    starts its own child), exactly as checks.hierarchy.effective_levels."""
    table = t.tables[unscoped(key)]
    parent, child = table.hierarchy_columns
    p_ok = array(table.column(parent).choices)
    c_ok = array(table.column(child).choices)
    for i in range(1, table.rows + 1):
        r = top + i
        a = inputs[f"{key}[{i}].{parent}"].cell.ref_from(CALC_SHEET)
        b = inputs[f"{key}[{i}].{child}"].cell.ref_from(CALC_SHEET)
        # the first row has nothing above (a reference to an empty cell would read as 0)
        prev1, prev2 = (Cell(CALC_SHEET, r - 1, E1).absolute, Cell(CALC_SHEET, r - 1, E2).absolute) if i > 1 \
            else ('""', '""')
        a_valid = f"ISNUMBER(MATCH(TRIM({a}),{p_ok},0))"
        b_valid = f"ISNUMBER(MATCH(TRIM({b}),{c_ok},0))"
        e1 = f"IF({a_valid},TRIM({a}),{prev1})"
        e2 = f'IF({a_valid},IF({b_valid},TRIM({b}),""),IF({b_valid},TRIM({b}),{prev2}))'
        calc.formulas.append(FormulaCell(Cell(CALC_SHEET, r, E1), e1, "calc", "calc"))
        calc.formulas.append(FormulaCell(Cell(CALC_SHEET, r, E2), e2, "calc", "calc"))
