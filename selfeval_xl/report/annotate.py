"""Annotated copies (`--annotate DIR`): the department's own workbook, sent back with every
offending cell filled (red: error, orange: warning) and a comment carrying the message, plus
a first sheet 审核意见 listing every finding.

The original is never written: openpyxl reads it and saves a copy elsewhere. Formulas,
protection, validation and the hidden stamp survive an openpyxl round trip (it loads without
data_only); cached formula results do not, so the copy asks Excel/WPS to recalculate on open.
.xls/.ods re-saves and unreadable files get no copy (openpyxl cannot write them faithfully).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from selfeval_xl.model.codes import CODES, OFFICER_ONLY
from selfeval_xl.model.findings import Finding
from selfeval_xl.model.submission import Submission
from selfeval_xl.report._io import atomic_path
from selfeval_xl.report.labels import SEVERITY_LABEL, explained_mark, ordered, where

SHEET = "审核意见"
AUTHOR = "selfeval-xl"
FILL = {"error": "FFFF9999", "warning": "FFFFC000"}
_ANNOTATABLE = (".xlsx", ".xlsm")
_BAD_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


class AnnotateError(ValueError):
    """The output folder cannot be used (it is a source folder)."""


@dataclass
class AnnotateResult:
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # Chinese: which files got no copy and why


def safe_name(name: str) -> str:
    """A file name valid on Windows and here: no separators, control or reserved names."""
    name = _BAD_CHARS.sub("_", name).strip().rstrip(". ")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    if stem.upper() in _RESERVED or not stem:
        stem = f"_{stem}"
    stem = stem[:150]
    return f"{stem}.{suffix}" if suffix else stem


def _key(p: Path) -> str:
    return os.path.normcase(str(p.resolve()))


def for_department(findings: Sequence[Finding]) -> list[Finding]:
    """What the department must fix: officer-side notes (duplicates, superseded versions, the
    roster's spelling) stay in the officer's report."""
    return [f for f in findings if f.code not in OFFICER_ONLY]


def _marks(sub: Submission) -> list[Finding]:
    """Findings worth marking on a cell: unexplained errors and warnings that name one."""
    return [f for f in for_department(sub.findings)
            if f.sheet and f.cell and f.severity in FILL and not (f.severity == "warning" and f.explained)]


def annotate(submissions: Sequence[Submission], outdir: str | os.PathLike[str]) -> list[Path]:
    """Write annotated copies into `outdir`; return the paths written."""
    return annotate_batch(submissions, outdir).written


def annotate_batch(submissions: Sequence[Submission], outdir: str | os.PathLike[str]) -> AnnotateResult:
    """Like annotate(), also saying which files got no copy and why."""
    out = Path(outdir)
    out_key = _key(out)
    sources = {_key(Path(s.file)) for s in submissions}
    for s in submissions:
        if _key(Path(s.file).parent) == out_key:
            raise AnnotateError(f"标注副本的输出文件夹不能是报表所在的文件夹：{outdir}")
    result = AnnotateResult()
    used: set[str] = set()
    for sub in submissions:
        mine = for_department(sub.findings)
        if not mine:
            continue
        src = _disk_path(sub)
        fmt = (sub.format or "").lower()  # the content's real format, whatever the suffix says
        if not sub.readable:
            result.notes.append(f"{sub.file}：无法读取，未生成标注副本")
            continue
        if src is None:
            result.notes.append(f"{sub.file}：压缩包中的文件未生成标注副本，请对照审核报告修改")
            continue
        if "." + fmt not in _ANNOTATABLE:
            result.notes.append(f"{sub.file}：{'.' + fmt if fmt else '该'} 格式无法生成标注副本，请对照审核报告修改")
            continue
        if not _marks(sub):
            if any(f.severity == "error" or (f.severity == "warning" and not f.explained) for f in mine):
                result.notes.append(f"{sub.file}：问题不涉及具体单元格，未生成标注副本")
            continue
        target = _target(out, f"{Path(sub.file).stem}.{fmt}", used, sources)
        try:
            _write_copy(src, target, sub, fmt)
        except Exception:  # noqa: BLE001 - one odd workbook must not stop the batch
            result.notes.append(f"{sub.file}：生成标注副本失败（此工作簿无法按原样另存），请对照审核报告修改")
            continue
        result.written.append(target)
    return result


def _target(out: Path, name: str, used: set[str], sources: set[str]) -> Path:
    """A unique, safe name in `out` that is never one of the batch's own input files."""
    base = safe_name(name)
    stem, _, suffix = base.rpartition(".")
    candidate, n = base, 1
    while (candidate.lower() in used or _key(out / candidate) in sources
           or ((out / candidate).exists() and not is_annotated_copy(out / candidate))):
        n += 1
        candidate = f"{stem}（{n}）.{suffix}"
    used.add(candidate.lower())
    return out / candidate


def is_annotated_copy(path: Path) -> bool:
    """A copy from an earlier run (replaced on a re-run), not someone's workbook (kept)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("xl/workbook.xml")
            if info.file_size > 1 << 20:
                return False
            return f'name="{SHEET}"'.encode() in z.read(info)
    except (OSError, KeyError, zipfile.BadZipFile):
        return False


def _disk_path(sub: Submission) -> Path | None:
    """Where the submission's file is on disk (its exact name bytes when they are not UTF-8);
    None for a member of a .zip, which has no file of its own."""
    path = Path(os.fsdecode(bytes.fromhex(sub.file_bytes))) if sub.file_bytes else Path(sub.file)
    return path if path.is_file() else None


def _write_copy(src: Path, target: Path, sub: Submission, fmt: str) -> None:
    import openpyxl

    with open(src, "rb") as fh:  # openpyxl judges by the suffix; the content decides here
        wb = openpyxl.load_workbook(fh, keep_vba=fmt == "xlsm", keep_links=True)
    _mark_cells(wb, sub)
    _add_findings_sheet(wb, sub)
    wb.calculation.fullCalcOnLoad = True  # openpyxl drops cached results; recalc on open
    with atomic_path(target) as tmp:
        wb.save(tmp)
    wb.close()


def _cell(ws, ref: str):  # noqa: ANN001, ANN202
    """The writable cell for `ref`: the top-left cell when `ref` lies inside a merge."""
    from openpyxl.cell.cell import MergedCell

    cell = ws[ref]
    if isinstance(cell, MergedCell):
        for rng in ws.merged_cells.ranges:
            if ref in rng:
                return ws.cell(rng.min_row, rng.min_col)
    return cell


def _mark_cells(wb, sub: Submission) -> None:  # noqa: ANN001
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for f in _marks(sub):
        by_cell.setdefault((f.sheet, f.cell.replace("$", "").upper()), []).append(f)
    for (sheet, ref), findings in by_cell.items():
        if sheet not in wb.sheetnames:
            continue
        try:
            cell = _cell(wb[sheet], ref)
        except (ValueError, KeyError):
            continue
        severity = "error" if any(f.severity == "error" for f in findings) else "warning"
        cell.fill = PatternFill(fill_type="solid", start_color=FILL[severity], end_color=FILL[severity])
        text = "\n".join(f"【{SEVERITY_LABEL[f.severity]}】{f.message}" for f in ordered(findings))
        if cell.comment is not None and cell.comment.text:
            text = f"{text}\n——原批注：{cell.comment.text}"
        lines = sum(1 + len(line) // 24 for line in text.splitlines())
        comment = Comment(text, AUTHOR)
        comment.width = 360
        comment.height = min(600, 20 + 18 * lines)
        cell.comment = comment


def _text(ws, row: int, col: int, value: object):  # noqa: ANN001, ANN202
    """A string cell even when the text starts with '=' (no formula injection)."""
    cell = ws.cell(row, col)
    if value is not None and value != "":
        cell.value = str(value)
        cell.data_type = "s"
    return cell


def _add_findings_sheet(wb, sub: Submission) -> None:  # noqa: ANN001
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    name = SHEET if SHEET not in wb.sheetnames else f"{SHEET}（本次）"
    ws = wb.create_sheet(name, 0)
    for other in wb.worksheets:
        other.sheet_view.tabSelected = False
    wb.active = 0
    ws.sheet_view.tabSelected = True
    ws.sheet_properties.tabColor = "C00000"
    header = ("序号", "严重程度", "表名!单元格", "说明", "问题类型", "是否已说明")
    widths = (6, 10, 18, 90, 22, 11)
    bold = Font(bold=True)
    fill = PatternFill(fill_type="solid", start_color="FFDDEBF7", end_color="FFDDEBF7")
    for col, (title, width) in enumerate(zip(header, widths, strict=True), start=1):
        c = _text(ws, 1, col, title)
        c.font, c.fill = bold, fill
        ws.column_dimensions[c.column_letter].width = width
    ws.freeze_panes = "A2"
    wrap = Alignment(wrap_text=True, vertical="top")
    mine = ordered(for_department(sub.findings))
    for row, f in enumerate(mine, start=2):
        ws.cell(row, 1).value = row - 1
        _text(ws, row, 2, SEVERITY_LABEL.get(f.severity, f.severity))
        loc = _text(ws, row, 3, where(f))
        if f.sheet and f.cell and f.sheet in wb.sheetnames:
            quoted = f.sheet.replace("'", "''")
            loc.hyperlink = Hyperlink(ref=loc.coordinate, location=f"'{quoted}'!{f.cell}")
            loc.font = Font(color="FF0563C1", underline="single")
        _text(ws, row, 4, f.message).alignment = wrap
        _text(ws, row, 5, CODES[f.code].title if f.code in CODES else f.code)
        _text(ws, row, 6, explained_mark(f))
    ws.auto_filter.ref = f"A1:F{max(2, len(mine) + 1)}"
    # printed for the department: one page wide, landscape, header on every page
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:1"
