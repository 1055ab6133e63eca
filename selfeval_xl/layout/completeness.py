"""What a complete return fills, as input names of a layout (shared by the checker's
`required-missing` and the form's live completeness list, so both count the same)."""

from __future__ import annotations

from selfeval_xl.model.spec import Template

# the `field` of the one finding for a department that filled only the 部门合计 rows
UNITS_ONLY_TOTAL = "units"


def unit_key(key: str, unit: int) -> str:
    return f"{key}.u{unit}"


def unit_table_cells(t: Template, units: int, table: str) -> tuple[list[str], list[str]]:
    """(input names of the 部门合计 row — or of the one row —, input names of the unit rows)."""
    cols = t.unit_tables[table].columns
    total = list(cols)
    rows = [unit_key(c, u) for u in range(1, units + 1) for c in cols] if units > 1 else []
    return total, rows
