"""ValuesEnv with the per-name declarations looked up once per (template, units), not per call.

Why: the evaluator asks every operand's precision and interval-ness several times per rule; with
several units a file evaluates 60+ instances, and those lookups were a third of the check's time.
Same answers as ValuesEnv (it is one), only cached.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from selfeval_xl.check.plan import Plan
from selfeval_xl.rules.env import ValuesEnv


@lru_cache(maxsize=64)
def _declarations(plan: Plan) -> tuple[dict[str, int | None], dict[str, bool], dict[str, tuple[str, ...]]]:
    env = ValuesEnv(plan.template, plan.layout.inputs, {})
    names = set(plan.layout.inputs)
    columns: dict[str, tuple[str, ...]] = {}
    for key, table in plan.template.tables.items():
        for col in table.columns:
            name = f"{key}.{col.key}"
            names.add(name)
            columns[name] = tuple(f"{key}[{i}].{col.key}" for i in range(1, table.rows + 1))
    return ({n: env.precision(n) for n in names}, {n: env.interval(n) for n in names}, columns)


class CachedEnv(ValuesEnv):
    def __init__(self, plan: Plan, values: Mapping[str, Any]) -> None:
        super().__init__(plan.template, plan.layout.inputs, values)
        self._precision, self._interval, self._columns = _declarations(plan)

    def value(self, name: str) -> Any:
        return self.values.get(name)

    def column(self, name: str) -> list[Any]:
        get = self.values.get
        return [get(c) for c in self._columns[name]]

    def precision(self, name: str) -> int | None:
        p = self._precision.get(name, -1)
        return super().precision(name) if p == -1 else p

    def interval(self, name: str) -> bool:
        i = self._interval.get(name)
        return super().interval(name) if i is None else i
