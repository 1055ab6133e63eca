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
from selfeval_xl.spec import default_template, template_for

STATUS_LABELS = {"pass": "通过", "warn": "有警告", "fail": "未通过", "unreadable": "无法读取"}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}

# Frame name → sheet title (also the CSV/Parquet file stem and the JSON key).
FRAMES = ("overview", "income", "expenditure", "three_public", "assets", "indicators", "findings")
# Present when the batch holds returns of a form with repeated sheets (项目支出: one row per project).
PART_FRAMES = ("projects", "project_depts")
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
    projects: pd.DataFrame | None = None  # one row per project (the repeated sheets), when any
    project_depts: pd.DataFrame | None = None  # the projects' totals by department
    part_template: Template | None = None  # the form those rows come from

    def frame(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def names(self) -> list[str]:
        """Every frame present, in sheet order."""
        return list(FRAMES) + [n for n in PART_FRAMES if getattr(self, n) is not None]

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
    """A workbook before an imported report; then later report date, then later file time; the file
    name breaks exact ties."""
    return precedence.recency(s.values.get("report.date"), s.mtime, s.file, fmt=s.format)


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
    if any(s.template_id not in (None, template.id) for s in subs):  # both forms: say which is which
        ov_cols.append((FORM_COLUMN, TEXT))
        titles = {s.template_id: _title_of(s) for s in subs}
        for row, s in zip(ov_rows, subs, strict=True):
            row.append(titles[s.template_id])
    frames = {"overview": _frame(ov_rows, ov_cols)}
    kinds["overview"] = dict(ov_cols)
    amount_fields["overview"] = {label: key for label, key in OVERVIEW_AMOUNTS}

    # 收入, 支出和结余, 三公经费, 固定资产: one row per readable submission (department total row)
    mine = [s.template_id in (None, template.id) for s in subs]  # the other form has its own sheets
    for name in UNIT_FRAMES:
        ut = template.unit_tables[name]
        cols = ID_COLS + [(fields[k].label, MONEY) for k in ut.columns]
        rows = [ident(s, i) + [_dec(s.values.get(k)) for k in ut.columns]
                for s, i, m in zip(subs, inc, mine, strict=True) if s.readable and m]
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

    part_template = _part_template(subs)
    if part_template is not None:
        _part_frames(subs, inc, part_template, frames, kinds, amount_fields)
    return Collection(**frames, submissions=subs, kinds=kinds, fields=amount_fields, template=template,
                      inclusion=inc, part_template=part_template)


FORM_COLUMN = "表样"  # in 总览 when the batch holds returns of more than one form


def _title_of(s: Submission) -> str | None:
    t = template_for(s.template_id, s.template_version) if s.template_id and s.template_version else None
    return t.title if t is not None else None


def _part_template(subs: list[Submission]) -> Template | None:
    for s in subs:
        if s.parts and s.template_id and s.template_version:
            t = template_for(s.template_id, s.template_version)
            if t is not None and t.part_summary is not None:
                return t
    return None


def _part_column(t: Template, key: str, label: str) -> tuple[str, str, bool]:
    """(heading, kind, percent): a rate is shown in percent (98.93), headed 执行率（%）."""
    f = t.fields[key]
    if f.percent:
        return f"{label}（%）", NUMBER, True
    return label, MONEY if f.type == "money" else NUMBER if f.numeric else TEXT, False


def _part_frames(subs: list[Submission], inc: list[Inclusion], t: Template, frames: dict[str, pd.DataFrame],
                 kinds: dict[str, dict[str, str]], amount_fields: dict[str, dict[str, str]]) -> None:
    """项目: one row per project of every return of `t`; 项目按部门: their totals by return."""
    ps = t.part_summary
    assert ps is not None
    columns = [(key, *_part_column(t, key, label)) for key, label in ps.columns]
    cols = ID_COLS + [("工作表", TEXT)] + [(head, kind) for _key, head, kind, _pct in columns]
    rows = []
    hundred = Decimal(100)
    per_dept: list[tuple[Submission, Inclusion]] = []
    for s, i in zip(subs, inc, strict=True):
        if s.template_id != t.id or not s.parts:
            continue
        per_dept.append((s, i))
        for part in s.parts:
            row: list[object] = [s.dept_code, s.dept_name, s.year, s.file, i.counted, part.sheet]
            for key, _head, kind, pct in columns:
                v = part.values.get(key)
                if pct:
                    d = _dec(v)
                    row.append(None if d is None else (d * hundred).quantize(Decimal("0.01")))
                else:
                    row.append(_dec(v) if kind in (MONEY, NUMBER) else _text(v))
            rows.append(row)
    frames["projects"] = _frame(rows, cols)
    kinds["projects"] = dict(cols)
    amount_fields["projects"] = {head: key for key, head, kind, _pct in columns if kind == MONEY}

    heads = {key: head for key, head, _kind, _pct in columns}
    grades = [g.grade for g in t.grades]
    dcols = ID_COLS + [("项目数", INT)] + [(heads[k], MONEY) for k in ps.totals]
    if ps.ratio:
        # the department's rate heads like the projects' rate column (执行率（%）)
        rate = ps.chart if ps.chart is not None and t.fields[ps.chart].percent else None
        dcols.append((heads[rate] if rate else "比率（%）", NUMBER))
    dcols += [(f"{g}（个）", INT) for g in grades] if ps.counts else []
    drows = []
    for s, i in per_dept:
        sums = {k: sum((d for p in s.parts if (d := _dec(p.values.get(k))) is not None), Decimal(0)) for k in ps.totals}
        row2: list[object] = [s.dept_code, s.dept_name, s.year, s.file, i.counted, len(s.parts)]
        row2 += [sums[k] for k in ps.totals]
        if ps.ratio:
            num, den = (sum((d for p in s.parts if (d := _dec(p.values.get(k))) is not None), Decimal(0))
                        for k in ps.ratio)
            row2.append((num / den * hundred).quantize(Decimal("0.01")) if den else None)
        if ps.counts:
            row2 += [sum(1 for p in s.parts if p.values.get(ps.counts) == g) for g in grades]
        drows.append(row2)
    frames["project_depts"] = _frame(drows, dcols)
    kinds["project_depts"] = dict(dcols)
    amount_fields["project_depts"] = {heads[k]: k for k in ps.totals}


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
