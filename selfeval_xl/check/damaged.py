"""A damaged return that still says whose it is: identity from the cover or the version stamp.

Why: a return with a deleted row or a renamed sheet cannot be checked, but its cover (or the
stamp the roster template carries) still names the department and year. Filed as 无法读取 with
a blank 预算编码, the department would be chased as 未提交 although it did send its return; with
its identity it is shown as 未通过 under its own name, and `repair` can rebuild its form.
"""

from __future__ import annotations

from typing import Any

from selfeval_xl.check.plan import Plan
from selfeval_xl.check.values import read_values
from selfeval_xl.model.snapshot import Snapshot


def identity(plan: Plan, snapshot: Snapshot) -> dict[str, Any]:
    """预算编码, 部门名称 and 年度 (the template's identity fields) as the cover reads (typed),
    else as the stamp records them."""
    ident = plan.template.identity
    keys = {ident.dept_code: "dept_code", ident.dept_name: "dept_name", ident.year: "year"}
    raw = {k: snapshot.raw.get(k) for k in keys if k in plan.by_name}
    typed, problems = read_values(plan, raw)
    bad = {p.name for p, c in problems if c.bad}
    out: dict[str, Any] = {}
    for key, stamp_key in keys.items():
        v = typed.get(key) if key not in bad else None
        if v in (None, ""):
            s = (snapshot.stamp.get(stamp_key) or "").strip()
            if stamp_key == "year":
                v = int(s) if s.isdigit() and len(s) == 4 else None
            else:
                v = s or None
        out[key] = v
    return out
