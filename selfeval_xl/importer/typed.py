"""Import one report: blocks → raw texts (extract) → typed values, the way a value file is typed
(prefill.typed_value: one home for the conversions). Figures are read as the checker reads a
number typed as text (model.numtext: half-width, separators and the field type's unit words such as
万元, 人, 分 dropped); a text that is still not of the field's type is not guessed but listed as
`import-unplaced` with where it came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from selfeval_xl.importer.blocks import Block
from selfeval_xl.importer.extract import Extractor, field_label, norm, words
from selfeval_xl.importer.source import read_blocks
from selfeval_xl.model import codes
from selfeval_xl.model.findings import Finding
from selfeval_xl.model.numtext import document_number
from selfeval_xl.model.spec import Field, Template
from selfeval_xl.oserrors import explain
from selfeval_xl.prefill import PrefillError, typed_value
from selfeval_xl.read.errors import Refused
from selfeval_xl.render.style import ReportStyle, load_style

FIGURES = ("money", "integer", "number")


@dataclass
class ImportResult:
    file: str
    format: str = ""
    values: dict[str, object] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    units: int = 1
    readable: bool = True


def _field(t: Template, key: str) -> Field | None:
    base = re.sub(r"\.u\d+$", "", key)
    f = t.fields.get(base)
    if f is None:
        m = re.match(r"^([a-z_]+)\[\d+\]\.([a-z0-9_]+)$", key)
        f = t.column_field(f"{m.group(1)}.{m.group(2)}") if m else None
    return f


def clean_figure(text: str, f: Field | None) -> str | None:
    """'９６ 万元' → '96' for a figure field, by model.numtext's rule; None when that rule says it is
    no number (unless the field allows words, as 定性 indicators do). Texts are left as they are."""
    if f is None or f.type not in FIGURES or not text.strip():
        return text
    n = document_number(text, f.type)
    if n is None:
        return text if f.text_ok else None
    return f"{n:f}"  # the digits as written: 42.50 stays 42.50


def _typed(key: str, text: str, t: Template) -> tuple[bool, object]:
    """(True, value) when the text is of the field's type (value None when blank), else (False, None)."""
    figure = clean_figure(text, _field(t, key))
    if figure is None:
        return False, None
    try:
        return True, typed_value(key, figure, t)
    except PrefillError:
        return False, None


def starts_paragraph(t: Template, style: ReportStyle):  # noqa: ANN201 - a predicate for text_blocks
    """Lines that begin running text in the plain-text form: the headings of 五/六, 填报人."""
    heads = {words(s.heading) for s in style.sections}
    lines = [k for s in t.sheets if style.sheets.get(s.name) == "line" for b in s.blocks if b.kind == "form"
             for k in b.fields[:1]]  # 填报人: the printed label or the workbook's
    starts = tuple({norm(x) for k in lines for x in (style.labels.get(k, ""), t.fields[k].label) if x})

    def test(line: str) -> bool:
        return words(line) in heads or (bool(starts) and norm(line).startswith(starts))

    return test


def from_blocks(blocks: list[Block], t: Template, style: ReportStyle, file: str = "", fmt: str = "") -> ImportResult:
    ex = Extractor(t, style, blocks).run()
    res = ImportResult(file=file, format=fmt, findings=list(ex.findings), units=ex.units)
    if not any(k in ex.texts for k in ("dept.name", "report.year", "income.total", "expenditure.total")):
        res.readable = False
        res.findings.insert(0, codes.make("unknown-template", detail="找不到自评报告的标题、部门名称和收支表，不是部门整体支出绩效自评报告"))
        return res
    for key, text in ex.texts.items():
        ok, v = _typed(key, text, t)
        if not ok:
            res.findings.append(codes.make("import-unplaced", where=ex.where[key], value=text[:40],
                                           reason=f"不是“{field_label(t, style, key)}”应有的内容", field=key,
                                           args={"where": ex.where[key]}))
            continue
        if v is not None:
            res.values[key] = v
            res.where[key] = ex.where[key]
    return res


def import_report(path: str | Path, t: Template, *, convert_doc=None) -> ImportResult:  # noqa: ANN001
    """Read one report file; never raises for a bad file (a finding says why)."""
    path = Path(path)
    style = load_style(t.id)
    try:
        fmt, blocks = read_blocks(path, starts_paragraph(t, style), convert_doc)
    except Refused as r:
        res = ImportResult(file=str(path), readable=False)
        params = {"detail": r.detail} if "{detail}" in codes.CODES[r.code].template else {}
        res.findings.append(codes.make(r.code, **params, **r.params))
        return res
    except OSError as exc:
        res = ImportResult(file=str(path), readable=False)
        res.findings.append(codes.make("access-denied", detail="没有读取权限", what="文件")
                            if isinstance(exc, PermissionError) else codes.make("corrupt-file", detail=explain(exc, path)))
        return res
    return from_blocks(blocks, t, style, str(path), fmt)
