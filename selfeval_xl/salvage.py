"""`repair FILE -o DIR`: a fresh template for a damaged return, prefilled with what it still says.

Why: a return with a deleted row or a renamed sheet cannot be checked, and the department should
not have to retype 400 cells. Values are never taken from a sheet whose layout moved
(check.integrity.usable_raw decides), so what is carried over is safe; those values (typed as the checker types them, unusable ones left
out) go into a new, intact template for the same department, year and number of units. The
result lists every sheet and cell that could not be carried over, so the clerk knows exactly
what to fill in again.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from selfeval_xl.check.damaged import identity
from selfeval_xl.check.integrity import usable_raw
from selfeval_xl.check.plan import plan_for
from selfeval_xl.check.values import read_values
from selfeval_xl.generate import GenerateError, write_workbook
from selfeval_xl.generate.filenames import roster_file_name, safe_part
from selfeval_xl.generate.roster import locked_names
from selfeval_xl.read import read_file
from selfeval_xl.spec import template_for

SUFFIX = "_重建"


class SalvageError(ValueError):
    """Nothing can be rebuilt from this file (not our template, unreadable); message in Chinese."""


@dataclass
class SalvageReport:
    source: str
    target: Path
    dept_code: str | None
    dept_name: str | None
    year: int | None
    carried: int = 0                                    # values written into the new template
    lost_sheets: list[str] = field(default_factory=list)  # sheets not read at all (missing or shifted)
    lost_cells: list[str] = field(default_factory=list)   # 表名!单元格 标签：原值（why), values left out


def salvage(path: str | os.PathLike[str], outdir: str | os.PathLike[str]) -> SalvageReport:
    """Write the rebuilt template into `outdir`; SalvageError when the file is not one of ours."""
    src = Path(path)
    snap = read_file(src)
    if not snap.template_id:
        reason = "；".join(f.message for f in snap.findings) or "不是由本模板生成的工作簿"
        raise SalvageError(f"无法从 {src.name} 重建：{reason}")
    t = template_for(snap.template_id, snap.template_version or "")
    if t is None or not 1 <= snap.units <= 50:
        raise SalvageError(f"无法从 {src.name} 重建：模板版本 {snap.template_version or '（无）'} 不受支持。")
    plan = plan_for(t, snap.units, snap.copies)  # every project sheet of a 项目支出 return
    raw, _skipped = usable_raw(plan, snap)  # never a value from a sheet whose layout moved
    snap = replace(snap, raw=raw)
    ident = identity(plan, snap)
    typed, problems = read_values(plan, snap.raw)
    bad = {p.name: c for p, c in problems if c.bad}
    values: dict[str, Any] = {k: v for k, v in typed.items() if k not in bad}
    values.update({k: v for k, v in ident.items() if v is not None})
    who = t.identity
    code, name, year = ident[who.dept_code], ident[who.dept_name], ident[who.year]
    target = Path(outdir) / roster_file_name(code or "无编码", name or "未填部门名称", year or "年度", f"{SUFFIX}.xlsx")
    if os.path.normcase(os.path.abspath(target)) == os.path.normcase(os.path.abspath(src)):
        raise SalvageError(f"输出文件不能覆盖原文件：{target}")
    rep = SalvageReport(str(src), target, code, name, year)
    unread: dict[str, int] = defaultdict(int)  # the reader leaves out whole sheets it cannot trust
    for p in plan.inputs:
        if p.name not in snap.raw:
            unread[p.sheet] += 1
    rep.lost_sheets = [f"「{s}」表（{n} 个填写格未能读取：该表缺失、改名或插入/删除了行列）" for s, n in unread.items()]
    for p, c in problems:
        if c.bad:
            shown = safe_part(str(snap.raw.get(p.name)), "")[:40]
            rep.lost_cells.append(f"{p.sheet}!{p.cell} {p.label}：“{shown}”无法按{_kind(p.field.type)}读取")
    locked = [k for k in locked_names(t, values) if values.get(k) not in (None, "")]
    try:
        write_workbook(target, t, units=snap.units, values=values, locked=locked, copies=snap.copies)
    except GenerateError as exc:
        raise SalvageError(f"重建失败：{exc}") from exc
    rep.carried = len(values)
    return rep


def _kind(ftype: str) -> str:
    return {"integer": "整数", "money": "金额", "number": "数值", "date": "日期", "choice": "下拉选项"}.get(ftype, "文字")
