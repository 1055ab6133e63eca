"""The typed context every check reads: plan, snapshot, typed values, filled table rows.

Why: one signature for every check (`check_x(ctx) -> Iterator[Finding]`), and no check has to
re-derive values or labels another step already computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from selfeval_xl.check.coerce import Coerced
from selfeval_xl.check.env import CachedEnv
from selfeval_xl.check.plan import UNIT_NAME, InputPlan, Plan
from selfeval_xl.model.findings import Finding
from selfeval_xl.model.snapshot import Snapshot
from selfeval_xl.model.spec import Template


@dataclass
class Context:
    plan: Plan
    snapshot: Snapshot
    # input name → typed value; an unusable value stays as its raw text so the rules skip it
    env_values: dict[str, Any]
    problems: list[tuple[InputPlan, Coerced]]  # coercion problems, in layout order
    rows: dict[str, list[dict[str, Any]]]  # filled table rows, typed, with "_row"
    bad: set[str] = field(default_factory=set)  # inputs whose value could not be used
    skipped: dict[str, Finding] = field(default_factory=dict)  # sheets not used (missing or shifted) → why
    findings: list[Finding] = field(default_factory=list)
    read_computed: dict[str, Any] = field(default_factory=dict)  # computed cells as the file held them

    @property
    def template(self) -> Template:
        return self.plan.template

    @cached_property
    def env(self) -> CachedEnv:
        return CachedEnv(self.plan, self.env_values)

    @cached_property
    def filled(self) -> list[InputPlan]:
        """The inputs that hold a value, in layout order."""
        order = self.plan.order
        by_name = self.plan.by_name
        return [by_name[n] for n in sorted(self.env_values, key=order.__getitem__)]

    def value(self, name: str) -> Any:
        return self.env_values.get(name)

    def unit_name(self, unit: int) -> str:
        v = self.env_values.get(f"{UNIT_NAME}.u{unit}")
        return str(v) if isinstance(v, str) and v else f"第{unit}个单位"

    def label(self, name: str) -> str:
        """What a finance officer calls this input: 支出合计（临湘市委网信办）, 分值（第3行）."""
        p = self.plan.by_name.get(name)
        if p is None:
            col = self.plan.template.column_field(name)
            return col.label if col is not None else name
        if p.unit is None or p.table is not None or p.name.startswith(UNIT_NAME):
            return p.label
        if p.unit == 0:
            return f"{p.label}（部门合计）"
        return f"{p.label}（{self.unit_name(p.unit)}）"
