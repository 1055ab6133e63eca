"""Hypothesis pieces shared by the property tests that build a form's values (render, import)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from selfeval_xl.model.spec import Template


def draw_unit_amounts(draw: Callable[[Any], Any], t: Template, units: int, values: dict[str, object], *,
                      money: st.SearchStrategy[Any], name: st.SearchStrategy[str]) -> None:
    """Every amount of the unit tables (the 部门合计 row, and one row per unit when there are
    several) and the units' names, drawn into `values`."""
    per_unit = range(1, units + 1 if units > 1 else 1)
    for ut in t.unit_tables.values():
        for c in ut.columns:
            values[c] = draw(money)
            for u in per_unit:
                values[f"{c}.u{u}"] = draw(money)
    for u in per_unit:
        values[f"units.name.u{u}"] = draw(name)
