"""The report's typesetting and printed texts, loaded from workbook_templates/report/<id>.yaml.

One file per template id says how the 附件2 report looks (GB/T 9704 page, fonts, sizes) and the
few texts the workbook does not carry (cover lines, the headings of 五、评价报告综述). Everything
else comes from the template spec, so the report and the workbook share one field mapping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib.resources.abc import Traversable
from typing import Any

import yaml

from selfeval_xl.oserrors import explain
from selfeval_xl.spec.load import SpecError, spec_folder

ROLES = ("body", "title", "level1", "level2", "level3", "table", "footer", "header")
SHEET_MODES = ("cover", "grid", "rows", "units", "line", "sections")


@dataclass(frozen=True)
class Font:
    east_asia: str
    latin: str
    size: float  # points
    fallback: str
    bold: bool = False

    @property
    def half_points(self) -> int:
        """w:sz is in half-points (三号 16 pt → 32)."""
        return round(self.size * 2)


@dataclass(frozen=True)
class Page:
    width_mm: float
    height_mm: float
    top_mm: float
    bottom_mm: float
    left_mm: float
    right_mm: float
    header_mm: float
    footer_mm: float

    @property
    def text_width_mm(self) -> float:
        return self.width_mm - self.left_mm - self.right_mm


@dataclass(frozen=True)
class Section:
    """A heading of 五、评价报告综述 / 六、, optionally followed by one narrative field."""

    heading: str
    level: int
    field: str | None = None


@dataclass(frozen=True)
class CoverLine:
    label: str
    field: str
    sep: str = ""
    after: bool = False  # label printed after the value ("…（制）")


@dataclass(frozen=True, eq=False)  # hashed by identity: load_style returns one object per id
class ReportStyle:
    template_id: str
    page: Page
    fonts: dict[str, Font]
    line_pitch_pt: float
    table_line_pt: float
    page_number: str
    draft_header: str
    mark: str
    title: tuple[str, ...]
    title_fields: tuple[str, ...]
    cover: tuple[CoverLine, ...]
    date_format: str
    sheets: dict[str, str]
    labels: dict[str, str]
    total_row: str
    indicator_group: str
    level1_notes: dict[str, str]
    sections: tuple[Section, ...]
    widths: dict[str, Any] = field(default_factory=dict)
    sha256: str = ""

    def font(self, role: str) -> Font:
        return self.fonts[role]


def style_path(template_id: str) -> Traversable:
    """selfeval_xl/templates/report/<id>.yaml: shipped in the package (a link to the human-facing
    copy in workbook_templates/report/, as the specs are)."""
    return spec_folder() / "report" / f"{template_id}.yaml"


def _req(d: dict[str, Any], key: str, where: str) -> Any:
    if not isinstance(d, dict) or d.get(key) in (None, ""):
        raise SpecError(f"{where}.{key}: 缺少必填项")
    return d[key]


def _font(d: Any, where: str) -> Font:
    if not isinstance(d, dict):
        raise SpecError(f"{where}: 应为映射")
    return Font(east_asia=str(_req(d, "east_asia", where)), latin=str(d.get("latin") or "Times New Roman"),
                size=float(_req(d, "size", where)), fallback=str(_req(d, "fallback", where)), bold=bool(d.get("bold")))


@cache
def load_style(template_id: str) -> ReportStyle:
    """The report layout of a template id; SpecError (Chinese, naming the entry) when wrong."""
    import hashlib

    path = style_path(template_id)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError(f"report/{path.name}: 无法读取报告格式文件。{explain(exc, path)}") from exc
    doc = yaml.safe_load(raw.decode("utf-8"))
    if not isinstance(doc, dict):
        raise SpecError(f"{path.name}: 应为映射")
    st, dc = _req(doc, "style", ""), _req(doc, "document", "")
    pg = _req(st, "page", "style")
    page = Page(**{k: float(_req(pg, k, "style.page")) for k in Page.__dataclass_fields__})
    fonts_doc = _req(st, "fonts", "style")
    fonts = {r: _font(_req(fonts_doc, r, "style.fonts"), f"style.fonts.{r}") for r in ROLES}
    sheets = {str(k): str(v) for k, v in (_req(dc, "sheets", "document")).items()}
    for name, mode in sheets.items():
        if mode not in SHEET_MODES:
            raise SpecError(f"document.sheets.{name}: 未知方式 {mode!r}（可用：{', '.join(SHEET_MODES)}）")
    sections = tuple(Section(heading=str(_req(s, "heading", f"document.sections[{i}]")), level=int(s.get("level", 2)),
                             field=s.get("field")) for i, s in enumerate(_req(dc, "sections", "document")))
    cover = tuple(CoverLine(label=str(_req(c, "label", f"document.cover[{i}]")), field=str(_req(c, "field", f"document.cover[{i}]")),
                            sep=str(c.get("sep") or ""), after=bool(c.get("after")))
                  for i, c in enumerate(_req(dc, "cover", "document")))
    return ReportStyle(
        template_id=str(doc.get("template") or template_id), page=page, fonts=fonts,
        line_pitch_pt=float(_req(st, "line_pitch_pt", "style")), table_line_pt=float(_req(st, "table_line_pt", "style")),
        page_number=str(_req(st, "page_number", "style")), draft_header=str(_req(st, "draft_header", "style")),
        mark=str(dc.get("mark") or ""), title=tuple(str(x) for x in _req(dc, "title", "document")),
        title_fields=tuple(str(x) for x in dc.get("title_fields") or ()), cover=cover,
        date_format=str(dc.get("date_format") or "{y}年{m}月{d}日"), sheets=sheets,
        labels={str(k): str(v) for k, v in (dc.get("labels") or {}).items()},
        total_row=str(dc.get("total_row") or "部门合计"), indicator_group=str(dc.get("indicator_group") or ""),
        level1_notes={str(k): str(v) for k, v in (dc.get("level1_notes") or {}).items()},
        sections=sections, widths=dict(dc.get("widths") or {}), sha256=hashlib.sha256(raw).hexdigest(),
    )
