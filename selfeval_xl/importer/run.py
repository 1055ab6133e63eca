"""The `import` command's work: reports → value file | workbook | ledger; a workbook → next year's.

Imported values go through the normal checker (a workbook is generated from them and checked),
so a report that contradicts itself gets the same findings as a workbook would.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from selfeval_xl.atomic import write_bytes
from selfeval_xl.importer.carry import carry_over
from selfeval_xl.importer.source import REPORT_SUFFIXES
from selfeval_xl.importer.typed import ImportResult, import_report
from selfeval_xl.model import codes
from selfeval_xl.model.findings import Finding
from selfeval_xl.model.submission import Submission
from selfeval_xl.prefill import dump_values
from selfeval_xl.spec import default_template

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def report_files(inputs: Sequence[Path]) -> list[Path]:
    """Files named, and reports (.docx, .doc, .txt) found in folders, sorted; no lock files."""
    out: list[Path] = []
    for p in inputs:
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in REPORT_SUFFIXES
                              and not q.name.startswith(("~$", "."))))
        else:
            out.append(p)
    return out


def checked(values: dict[str, object], units: int) -> Submission:
    """The checker's verdict on imported values: a generated workbook, read and checked."""
    from selfeval_xl.generate import workbook_bytes
    from selfeval_xl.pipeline import check_file

    data = workbook_bytes(default_template(), units=units, values=values)
    with tempfile.TemporaryDirectory(prefix="selfeval-import-") as d:
        path = Path(d) / "imported.xlsx"
        path.write_bytes(data)
        return check_file(path)


def is_json(path: Path) -> bool:
    """A value file named .json is written as JSON (load_values reads it by the same suffix)."""
    return path.suffix.lower() == ".json"


def yaml_with_sources(res: ImportResult) -> str:
    """The value file plus, as comments, where in the report each value came from."""
    t = default_template()
    lines = [f"# 由自评报告导入：{Path(res.file).name}（{res.format}）",
             "# 文末注释列出每个值在报告中的位置；导入时存疑的内容见命令输出，未写入本文件。", ""]
    body = dump_values(res.values, t)
    tail = ["", "# ---- 各值在报告中的位置 ----"] + [f"# {k}: {w}" for k, w in res.where.items() if k in res.values]
    return "\n".join(lines) + body + "\n".join(tail) + "\n"


def imported_submission(path: Path, year: int | None, convert: Callable[..., Any] | None) -> Submission:
    """One report as a ledger submission: its own bytes and hash, the checked imported values."""
    res = import_report(path, default_template(), convert_doc=convert)
    st = path.stat()
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    if not res.readable:
        return Submission(file=str(path), sha256=sha, size=st.st_size, mtime=st.st_mtime, format=res.format,
                          findings=res.findings, readable=False)
    year_key = default_template().identity.year
    if year is not None and year_key not in res.values:
        res.values[year_key] = year
    sub = checked(res.values, res.units)
    sub.file, sub.sha256, sub.size, sub.mtime, sub.format = str(path), sha, st.st_size, st.st_mtime, res.format
    sub.findings = res.findings + sub.findings
    if year is not None and sub.year != year:
        where = res.where.get(year_key, "标题")
        sub.findings.insert(0, codes.make("import-ambiguous", where=where, value=f"{sub.year} 年度",
                                          fields=f"登记时指定的是 {year} 年度，已按报告标题的年度登记", args={"where": where}))
    return sub


def run_import(inputs: Sequence[Path], out: Any, *, output: Path | None, workbook: Path | None, archive: Path | None,
               year: int | None, show: Callable[..., None]) -> int:
    if archive is not None:
        return _to_archive(report_files(inputs), out, archive, year, show)
    src = inputs[0]
    if src.suffix.lower() in WORKBOOK_SUFFIXES:
        return _carry(src, out, output, workbook, year, show)
    from selfeval_xl.importer.doc import converter

    with converter() as convert:
        res = import_report(src, default_template(), convert_doc=convert)
    if not res.readable:
        out.print(f"无法导入  {src}", style="red", markup=False)
        show(out, res.findings)
        return 1
    if year is not None:
        res.values[default_template().identity.year] = year
    if output is not None:
        text = dump_values(res.values, default_template(), json_format=True) if is_json(output) else yaml_with_sources(res)
        write_bytes(output, text.encode("utf-8"))
    else:
        from selfeval_xl.generate import workbook_bytes

        write_bytes(workbook, workbook_bytes(default_template(), units=res.units, values=res.values))
    out.print(f"已导入  {src} → {output or workbook}（{len(res.values)} 项）", style="green", markup=False)
    if output is not None and is_json(output):
        out.print("  JSON 数据文件不含各值在报告中的位置；需要位置时请写出 .yaml 文件。", markup=False)
    show(out, res.findings)
    sub = checked(res.values, res.units)
    if sub.findings:
        out.print("  按审核规则核对导入的数据：", markup=False)
        show(out, sub.findings)
    return 0


def _carry(src: Path, out: Any, output: Path | None, workbook: Path | None, year: int | None,
           show: Callable[..., None]) -> int:
    from selfeval_xl.pipeline import check_file

    sub = check_file(src)
    if not sub.readable:
        out.print(f"无法读取  {src}", style="red", markup=False)
        show(out, sub.findings)
        return 1
    values, units = carry_over(sub, year)
    if output is not None:
        write_bytes(output, dump_values(values, default_template(), json_format=is_json(output)).encode("utf-8"))
    else:
        from selfeval_xl.generate import workbook_bytes

        write_bytes(workbook, workbook_bytes(default_template(), units=units, values=values))
    out.print(f"已结转  {src}（{sub.year} 年度）→ {output or workbook}（{values.get(default_template().identity.year)} 年度，"
              f"{len(values)} 项）", style="green", markup=False)
    return 0


def _to_archive(files: list[Path], out: Any, archive: Path, year: int | None, show: Callable[..., None]) -> int:
    from selfeval_xl.importer.doc import converter
    from selfeval_xl.ledger import collect

    if not files:
        out.print("没有找到自评报告（.docx、.doc、.txt）。", style="yellow", markup=False)
        return 1
    item_findings: dict[str, list[Finding]] = {}
    readable: dict[str, bool] = {}
    with converter() as convert:
        def checker(paths: Sequence[str], _workers: int) -> Iterator[Submission]:
            for p in paths:
                sub = imported_submission(Path(p), year, convert)
                item_findings[p], readable[p] = sub.findings, sub.readable
                yield sub

        rep = collect([os.fspath(f) for f in files], archive, checker=checker)
    for item in rep.items:
        out.print(f"{item.state_zh}  {item.path}", markup=False, soft_wrap=True)
        if item.message:
            out.print(f"  {item.message}", markup=False, soft_wrap=True)
        show(out, [f for f in item_findings.get(item.path, ()) if f.code.startswith("import-")])
    out.print(rep.summary_zh(), markup=False)
    return 1 if rep.failed or any(not ok for ok in readable.values()) else 0
