"""Submissions → pandas DataFrames: the one intermediate form every summary output is built from.

Amounts stay exact: money, 综合得分, 分值 and 得分 columns are `object` columns holding
`decimal.Decimal` (or None when blank), never float. Counts and years are plain ints (object
columns too, so a missing year stays None rather than turning the column into float).
Rows are sorted by 预算编码, then 年度, then 文件 (missing codes last), so the same batch always
gives the same frames whatever order the files were read in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath

import pandas as pd

from selfeval_xl.model import precedence
from selfeval_xl.model.spec import Template
from selfeval_xl.model.submission import Submission
from selfeval_xl.spec import default_template

STATUS_LABELS = {"pass": "通过", "warn": "有警告", "fail": "未通过", "unreadable": "无法读取"}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}

# Frame name → sheet title (also the CSV/Parquet file stem and the JSON key).
FRAMES = ("overview", "income", "expenditure", "three_public", "assets", "indicators", "findings")
UNIT_FRAMES = ("income", "expenditure", "three_public", "assets")

# Column kinds drive number formats, CSV text and Parquet types.
TEXT, INT, MONEY, NUMBER, BOOL = "text", "int", "money", "number", "bool"

ID_COLS = [("预算编码", TEXT), ("部门名称", TEXT), ("年度", INT), ("文件", TEXT), ("计入汇总", BOOL)]
OVERVIEW_AMOUNTS = [("收入合计", "income.total"), ("支出合计", "expenditure.total"),
                    ("基本支出", "expenditure.basic"), ("项目支出", "expenditure.project"),
                    ("三公经费合计", "three_public.total"), ("固定资产合计", "assets.total")]


@dataclass
class Collection:
    """Every table of a summary as DataFrames, plus the submissions they came from.

    `kinds[frame][column]` is one of text/int/money/number/bool; `fields[frame][column]` is the
    field key behind an amount column (unit tables), so writers can stay generic."""

    overview: pd.DataFrame
    income: pd.DataFrame
    expenditure: pd.DataFrame
    three_public: pd.DataFrame
    assets: pd.DataFrame
    indicators: pd.DataFrame
    findings: pd.DataFrame
    submissions: list[Submission] = field(default_factory=list)
    kinds: dict[str, dict[str, str]] = field(default_factory=dict)
    fields: dict[str, dict[str, str]] = field(default_factory=dict)
    template: Template | None = None
    inclusion: list[Inclusion] = field(default_factory=list)  # aligned with `submissions`

    def frame(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    @property
    def years(self) -> list[int]:
        """The report years present among the submissions, ascending."""
        return sorted({s.year for s in self.submissions if s.year is not None})


@dataclass(frozen=True)
class Inclusion:
    """Whether one submission counts in the totals, and why (shown in 总览's 说明 column)."""

    counted: bool
    note: str = ""
    reason: str = ""  # why left out: unreadable | fail | superseded ("" when counted)


def sort_key(s: Submission) -> tuple:
    code = s.dept_code
    return (code is None, code or "", s.year is None, s.year or 0, s.file)


def _recency(s: Submission) -> precedence.Recency:
    """Newer = later report date, then later file time; the file name breaks exact ties."""
    return precedence.recency(s.values.get("report.date"), s.mtime, s.file)


def _group_key(s: Submission) -> tuple[str | None, str, int] | None:
    """A form's return is grouped with the same form's only: 表样 + 预算编码 + 年度."""
    gk = precedence.group_key(s.dept_code, s.year) if s.readable else None
    return None if gk is None else (s.template_id, *gk)


def inclusions(subs: list[Submission]) -> list[Inclusion]:
    """Decide which submissions count: unreadable and failing ones never do; of several with the
    same 表样, 预算编码 and year only the newest counts (even if it fails: it replaced the older one),
    by model.precedence — the policy check's `duplicate-submission` and the ledger follow too."""
    groups: dict[tuple[str | None, str, int], list[int]] = {}
    for i, s in enumerate(subs):
        key = _group_key(s)
        if key is not None:
            groups.setdefault(key, []).append(i)
    newest: dict[int, str] = {}  # index → note about its duplicate group
    superseded: dict[int, str] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        best = members[precedence.newest(members, lambda i: _recency(subs[i]))]
        newest[best] = f"重复报送（共 {len(members)} 份），以本份为准"
        for i in members:
            if i != best:
                superseded[i] = f"重复报送，以较新的“{PurePath(subs[best].file).name}”为准"
    out = []
    for i, s in enumerate(subs):
        status = s.status
        notes = []
        if status == "unreadable":
            notes.append("无法读取")
        elif status == "fail":
            notes.append("未通过审核")
        if i in superseded:
            notes.append(superseded[i])
        elif i in newest:
            notes.append(newest[i])
        reason = status if status in ("unreadable", "fail") else "superseded" if i in superseded else ""
        out.append(Inclusion(not reason, "；".join(notes), reason))
    return out


def _dec(v: object) -> Decimal | None:
    if isinstance(v, Decimal):
        return v
    if isinstance(v, int) and not isinstance(v, bool):
        return Decimal(v)
    return None


def _text(v: object) -> str | None:
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return f"{v:f}"
    return str(v)


def _frame(rows: list[list[object]], cols: list[tuple[str, str]]) -> pd.DataFrame:
    """Build with object dtype everywhere except bool columns, so Decimals and ints survive."""
    df = pd.DataFrame(rows, columns=[c for c, _ in cols], dtype=object)
    for c, kind in cols:
        if kind == BOOL:
            df[c] = df[c].astype(bool)
    return df


def build(subs: list[Submission], template: Template | None = None) -> Collection:
    """All frames of a summary; `subs` in any order (sorted here, deterministically)."""
    template = template or default_template()
    subs = sorted(subs, key=sort_key)
    inc = inclusions(subs)
    fields = template.fields
    kinds: dict[str, dict[str, str]] = {}
    amount_fields: dict[str, dict[str, str]] = {}

    def ident(s: Submission, i: Inclusion) -> list[object]:
        return [s.dept_code, s.dept_name, s.year, s.file, i.counted]

    # 总览
    ov_cols = ID_COLS[:4] + [("状态", TEXT), ("错误数", INT), ("警告数", INT), ("综合得分", NUMBER), ("评价等次", TEXT)]
    ov_cols += [(label, MONEY) for label, _ in OVERVIEW_AMOUNTS] + [("计入汇总", BOOL), ("说明", TEXT)]
    ov_rows = []
    for s, i in zip(subs, inc, strict=True):
        c = s.counts()
        ov_rows.append([s.dept_code, s.dept_name, s.year, s.file, STATUS_LABELS.get(s.status, s.status),
                        c["errors"], c["warnings"], _dec(s.values.get("evaluation.score")),
                        _text(s.values.get("evaluation.grade"))]
                       + [_dec(s.values.get(k)) for _, k in OVERVIEW_AMOUNTS] + [i.counted, i.note])
    frames = {"overview": _frame(ov_rows, ov_cols)}
    kinds["overview"] = dict(ov_cols)
    amount_fields["overview"] = {label: key for label, key in OVERVIEW_AMOUNTS}

    # 收入, 支出和结余, 三公经费, 固定资产: one row per readable submission (department total row)
    for name in UNIT_FRAMES:
        ut = template.unit_tables[name]
        cols = ID_COLS + [(fields[k].label, MONEY) for k in ut.columns]
        rows = [ident(s, i) + [_dec(s.values.get(k)) for k in ut.columns]
                for s, i in zip(subs, inc, strict=True) if s.readable]
        frames[name] = _frame(rows, cols)
        kinds[name] = dict(cols)
        amount_fields[name] = {fields[k].label: k for k in ut.columns}

    # 绩效指标: one row per department and indicator
    itab = template.tables["indicators"]
    icols = ID_COLS + [("行号", INT)] + [
        (c.label, NUMBER if c.numeric else TEXT) for c in itab.columns]
    irows = []
    for s, i in zip(subs, inc, strict=True):
        for r in s.tables.get("indicators") or []:
            irows.append(ident(s, i) + [r.get("_row")] + [
                _dec(r.get(c.key)) if c.numeric else _text(r.get(c.key)) for c in itab.columns])
    frames["indicators"] = _frame(irows, icols)
    kinds["indicators"] = dict(icols)

    # 审核问题: every finding
    fcols = [("预算编码", TEXT), ("部门", TEXT), ("年度", INT), ("文件", TEXT), ("严重程度", TEXT), ("代码", TEXT),
             ("规则", TEXT), ("表名!单元格", TEXT), ("说明", TEXT), ("是否已说明", BOOL)]
    frows = []
    for s in subs:
        who = s.dept_name or PurePath(s.file).name
        for f in s.findings:
            frows.append([s.dept_code, who, s.year, s.file, SEVERITY_LABELS.get(f.severity, f.severity), f.code,
                          f.rule, f.location.a1() or None, f.message, f.explained])
    frames["findings"] = _frame(frows, fcols)
    kinds["findings"] = dict(fcols)

    return Collection(**frames, submissions=subs, kinds=kinds, fields=amount_fields, template=template,
                      inclusion=inc)


def exclusion_note(c: Collection) -> str:
    """The sentence under every total: how many submissions were left out, and why."""
    n, counted = len(c.inclusion), sum(1 for i in c.inclusion if i.counted)
    parts = [f"{label} {k} 份" for reason, label in
             (("unreadable", "无法读取"), ("fail", "未通过审核"), ("superseded", "重复报送、已被较新报送替代"))
             if (k := sum(1 for i in c.inclusion if i.reason == reason))]
    text = f"注：共 {n} 份报送，{counted} 份计入合计"
    if parts:
        text += f"；{n - counted} 份未计入（{'，'.join(parts)}），见“计入汇总”列为“否”的行"
    return text + "。"
