"""An evaluation environment over typed values laid out by selfeval_xl.layout.

Shared by the generator (cached values of live checks) and the checker (findings), so both
see exactly the same numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from selfeval_xl.model.spec import Field, Template, scoped, split_scope

_CELL = re.compile(r"^([a-z_]+)\[(\d+)\]\.([a-z0-9_]+)$")


class ValuesEnv:
    """`values` maps input names (scalar keys, `.uN` keys, `table[i].col`) to typed values.

    A value that is not typed (a str in a numeric field) makes the rules that use it skip.
    """

    def __init__(self, template: Template, inputs: Mapping[str, Any], values: Mapping[str, Any]) -> None:
        self.t = template
        self.inputs = inputs  # layout.inputs: name → InputCell (for field declarations)
        self.values = values

    def _field(self, name: str) -> Field | None:
        inp = self.inputs.get(name)
        if inp is not None:
            return inp.field
        return self.t.column_field(name)

    def value(self, name: str) -> Any:
        return self.values.get(name)

    def is_column(self, name: str) -> bool:
        return name not in self.inputs

    def column(self, name: str) -> list[Any]:
        scope, base = split_scope(name)
        table, _, col = base.partition(".")
        rows = self.t.tables[table].rows
        return [self.values.get(scoped(scope, f"{table}[{i}].{col}")) for i in range(1, rows + 1)]

    def percent(self, name: str) -> bool:
        f = self._field(name)
        return f is not None and f.percent

    def precision(self, name: str) -> int | None:
        f = self._field(name)
        return f.decimals if f is not None and f.numeric else None

    def interval(self, name: str) -> bool:
        f = self._field(name)
        return f is not None and f.type == "money"

    def grade(self, score: Decimal) -> str:
        return self.t.grade_for(score)

    def required(self, name: str) -> bool:
        """A required scalar input (table columns never are: rows may stay empty)."""
        inp = self.inputs.get(name)
        return inp is not None and inp.field.required and getattr(inp, "table", None) is None


def cell_name_parts(name: str) -> tuple[str, int, str] | None:
    """`indicators[3].weight` → ("indicators", 3, "weight") (a sheet scope is ignored)."""
    m = _CELL.match(split_scope(name)[1])
    return (m.group(1), int(m.group(2)), m.group(3)) if m else None
