"""Render a batch of checked submissions into one folder: which may be rendered, under which
name, whether the report on disk is already current, and the one PDF run at the end.

A failing submission is refused unless `force` (then every page says it failed the check); a
file that cannot be rendered is listed with the reason and the batch goes on; a report is
written atomically and replaced only when its source (or the layout) changed; a file in the
output folder that this program did not make is never overwritten.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from selfeval_xl import __version__
from selfeval_xl.atomic import write_bytes
from selfeval_xl.generate.filenames import roster_file_name
from selfeval_xl.model.spec import Template
from selfeval_xl.model.submission import Submission
from selfeval_xl.oserrors import explain
from selfeval_xl.render.docx import Stamp, docx_bytes
from selfeval_xl.render.layout import build_document
from selfeval_xl.render.stamp import read_existing
from selfeval_xl.render.style import ReportStyle, load_style
from selfeval_xl.spec import template_for
from selfeval_xl.spec.load import SpecError


@dataclass
class RenderItem:
    """One submission's outcome: written | unchanged | refused | failed."""

    source: str
    outcome: str
    output: Path | None = None
    reason: str = ""
    draft: bool = False
    pdf: Path | None = None
    pdf_problem: str = ""


@dataclass
class RenderReport:
    items: list[RenderItem] = field(default_factory=list)
    pdf_seconds: float | None = None
    pdf_count: int = 0

    def count(self, outcome: str) -> int:
        return sum(1 for i in self.items if i.outcome == outcome)

    @property
    def ok(self) -> bool:
        return all(i.outcome in ("written", "unchanged") and not i.pdf_problem for i in self.items)


def report_name(sub: Submission) -> str:
    """`<预算编码>_<部门名称>_<年度>_自评报告.docx`, every part sanitized."""
    stem = roster_file_name(sub.dept_code or "无编码", sub.dept_name or "未命名", sub.year or "年度", "")
    return f"{stem}_自评报告.docx"


def version_of(t: Template, style: ReportStyle) -> str:
    """Renderer, spec and style versions: a report made by another layout is out of date."""
    return f"{__version__}+{t.sha256[:12]}+{style.sha256[:12]}"


def refusal(sub: Submission, force: bool) -> str:
    """Why this submission is not rendered ('' when it is)."""
    if not sub.readable:
        first = next((f.message for f in sub.findings if f.severity == "error"), "")
        return f"无法读取，未生成报告。{first}".strip()
    if sub.template_id is None or sub.template_version is None:
        return "不是本模板的报送，未生成报告"
    if sub.status == "fail" and not force:
        n = sum(1 for f in sub.findings if f.severity == "error")
        return f"审核未通过（错误 {n} 项），未生成报告；如仅供核对，可加 --force 生成（每页注明“审核未通过”）"
    for f in sub.findings:
        if f.code == "duplicate-submission" and f.args.get("counts") not in (None, sub.file):
            return f"同一预算编码、同一年度另有报送，以 {f.args['counts']} 为准，本文件未生成报告"
    return ""


def render_one(sub: Submission, target: Path, t: Template, style: ReportStyle, *, draft: bool,
               now: datetime) -> None:
    doc = build_document(t, style, sub.values, sub.tables, sub.units)
    keywords = " ".join(str(x) for x in (sub.dept_code, sub.year) if x)
    stamp = Stamp(source_sha256=sub.sha256, version=version_of(t, style), draft=draft,
                  created=now.strftime("%Y-%m-%dT%H:%M:%SZ"), keywords=keywords)
    write_bytes(target, docx_bytes(doc, style, stamp))


def render_batch(subs: Iterable[Submission], out_dir: Path, *, force: bool = False, pdf: bool = False,
                 now: datetime | None = None) -> RenderReport:
    """Render every submission that may be rendered into `out_dir` (and PDFs with `pdf`)."""
    now = now or datetime.now(UTC)
    report = RenderReport()
    used: dict[str, str] = {}
    styles: dict[str, ReportStyle] = {}
    for sub in subs:
        item = RenderItem(source=sub.file, outcome="refused")
        report.items.append(item)
        item.reason = refusal(sub, force)
        if item.reason:
            continue
        t = template_for(sub.template_id or "", sub.template_version or "")
        try:
            style = load_style(sub.template_id or "")
        except SpecError as exc:
            item.outcome, item.reason = "failed", f"没有该模板的报告格式（{exc}）"
            continue
        if t is None:
            item.outcome, item.reason = "failed", f"模板 {sub.template_id} {sub.template_version} 不在本程序中"
            continue
        styles[style.template_id] = style
        name = report_name(sub)
        if name in used:
            item.reason = f"与 {used[name]} 的报告同名（同一预算编码、部门和年度），未重复生成"
            continue
        used[name] = sub.file
        target = out_dir / name
        item.output, item.draft = target, sub.status == "fail"
        existing = read_existing(target) if target.exists() else None
        if target.exists() and (existing is None or not existing.ours):
            item.reason = f"输出文件夹中已有同名文件 {name}，且不是本程序生成的报告，未覆盖"
            continue
        status = style.draft_header if item.draft else "审核通过"
        if existing is not None and (existing.identifier, existing.version, existing.status) == (
                f"sha256:{sub.sha256}", version_of(t, style), status):
            item.outcome = "unchanged"
            continue
        try:
            render_one(sub, target, t, style, draft=item.draft, now=now)
        except SpecError as exc:
            item.outcome, item.reason = "failed", f"报告格式有误：{exc}"
            continue
        except OSError as exc:
            item.outcome, item.reason = "failed", explain(exc, target, writing=True)
            continue
        item.outcome = "written"
    if pdf:
        _pdfs(report, out_dir, list(styles.values()))
    return report


def _pdfs(report: RenderReport, out_dir: Path, styles: list[ReportStyle]) -> None:
    """One soffice run for every report whose PDF is missing or older than its .docx."""
    from selfeval_xl.render.pdf import convert_batch

    todo: dict[Path, RenderItem] = {}
    for item in report.items:
        if item.output is None or item.outcome not in ("written", "unchanged"):
            continue
        pdf = item.output.with_suffix(".pdf")
        if item.outcome == "unchanged" and pdf.exists() and pdf.stat().st_mtime >= item.output.stat().st_mtime:
            item.pdf = pdf
            continue
        todo[item.output] = item
    result = convert_batch(list(todo), out_dir, styles or [load_style("dept-selfeval")])
    for docx, item in todo.items():
        if docx in result.written:
            item.pdf = result.written[docx]
        else:
            item.pdf_problem = result.failed.get(docx, "未生成 PDF")
    report.pdf_seconds, report.pdf_count = result.seconds, len(result.written)
