"""Which template, version and unit count a workbook was made from.

First the stamp (the `_meta` sheet, found whatever its visibility: a LibreOffice re-save turns
"very hidden" into "hidden"; then the `selfeval.*` custom properties); when a re-save lost both,
the structure: sheet names and the top labels of each sheet, and the unit count from the rows of
the first unit table.
"""

from __future__ import annotations

from selfeval_xl.layout import build_layout
from selfeval_xl.layout.build import TOTAL_LABEL
from selfeval_xl.layout.cells import Cell
from selfeval_xl.layout.types import COPIES_KEY, META_KEYS, META_SHEET, PROPERTY_PREFIX
from selfeval_xl.model.spec import Template
from selfeval_xl.read.book import Book
from selfeval_xl.read.errors import Refused
from selfeval_xl.spec import available

MAX_UNITS = 50
_SAMPLE = 3  # top statics per sheet compared when recognising the structure


def stamp_of(book: Book) -> dict[str, str]:
    """The stamp as found: `_meta` pairs first, custom properties fill the gaps."""
    out: dict[str, str] = {}
    meta = book.sheets.get(META_SHEET)
    if meta is not None:
        value = book.getter(META_SHEET)
        for r in range(1, len(META_KEYS) + 11):
            k = value(f"A{r}")
            if k is None:
                continue
            v = value(f"B{r}")
            out[str(k).strip()] = "" if v is None else _text(v)
    for name, value in book.props.items():
        if name.startswith(PROPERTY_PREFIX):
            out.setdefault(name[len(PROPERTY_PREFIX):], value.strip())
    return out


def _text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def identify(book: Book) -> tuple[Template, int, dict[str, str]]:
    """(template, units, stamp); raises Refused(unknown-template | unsupported-version)."""
    stamp = stamp_of(book)
    specs = available()
    tid = stamp.get("template_id")
    if tid:
        version = stamp.get("template_version", "")
        t = specs.get((tid, version))
        if t is None:
            known = sorted(v for (i, v) in specs if i == tid)
            if known:
                raise Refused("unsupported-version", version=version or "（未标明）", supported="、".join(known))
            raise Refused("unknown-template", f"模板标识“{tid}”不是本程序支持的模板")
        units = _units_from_stamp(stamp.get("units")) or infer_units(book, t)
        return t, units, stamp
    best: tuple[float, Template] | None = None
    for t in sorted(specs.values(), key=lambda t: _version_key(t.version), reverse=True):  # newest first
        score = structure_score(book, t)
        if score >= 0.6 and (best is None or score > best[0]):
            best = (score, t)
    if best is None:
        raise Refused("unknown-template", "未找到模板标记，工作表结构也与模板不符")
    return best[1], infer_units(book, best[1]), stamp


def copies_of(book: Book, t: Template, stamp: dict[str, str]) -> int:
    """Sheets of the template's repeated kind (项目1 … 项目N): from the stamp, else counted
    (consecutive names present from 1). 1 for a template without one."""
    sheet = t.repeated_sheet()
    if sheet is None or t.repeat is None:
        return 1
    try:
        n = int(str(stamp.get(COPIES_KEY, "")).strip())
    except ValueError:
        n = 0
    if t.repeat.min <= n <= t.repeat.max:
        return n
    n = 0
    while n < t.repeat.max and sheet.name.format(n=n + 1) in book.sheets:
        n += 1
    return max(t.repeat.min, n)


def _units_from_stamp(v: str | None) -> int | None:
    try:
        n = int(str(v).strip())
    except (TypeError, ValueError):
        return None
    return n if 1 <= n <= MAX_UNITS else None


def _version_key(v: str) -> tuple[int, ...]:
    try:
        return tuple(int(x) for x in v.split("."))
    except ValueError:
        return (0,)


def _same(found: object, expected: str) -> bool:
    return found is not None and "".join(str(found).split()) == "".join(expected.split())


def structure_score(book: Book, t: Template) -> float:
    """Share of the template's sheets present × share of their top labels found in place."""
    layout = build_layout(t, 1)
    names = layout.sheet_names()
    present = [n for n in names if n in book.sheets]
    if len(present) < max(2, len(names) // 2):
        return 0.0
    by_sheet: dict[str, list[tuple[Cell, str]]] = {}
    for s in layout.statics:
        lst = by_sheet.setdefault(s.cell.sheet, [])
        if len(lst) < _SAMPLE:
            lst.append((s.cell, s.text))
    sample = [(c, text) for n in present for c, text in by_sheet.get(n, [])]
    if not sample:
        return 0.0
    hits = sum(_same(book.value(c.sheet, c.a1), text) for c, text in sample)
    return (len(present) / len(names)) * (hits / len(sample))


def infer_units(book: Book, t: Template) -> int:
    """Units from the first unit table: 1 unless its first body row reads 部门合计, then the
    number of rows before the units-total check label (校验：…)."""
    layout = build_layout(t, 1)
    first = _first_unit_cell(t, layout)
    if first is None:
        return 1
    sheet, row = first.sheet, first.row + 1  # 1-based row of the only/total row
    if not _same(book.value(sheet, f"A{row}"), TOTAL_LABEL):
        return 1
    for k in range(1, MAX_UNITS + 2):
        v = book.value(sheet, f"A{row + k}")
        if isinstance(v, str) and v.strip().startswith("校验"):
            return max(1, min(MAX_UNITS, k - 1)) if k > 1 else 1
    # no check label: count rows until the next blank row of the amount columns
    n = 0
    for k in range(1, MAX_UNITS + 1):
        if all(book.value(sheet, f"{chr(65 + c)}{row + k}") is None for c in range(0, 3)):
            break
        n = k
    return max(1, n)


def _first_unit_cell(t: Template, layout: object) -> Cell | None:
    for sheet in t.sheets:
        for block in sheet.blocks:
            if block.kind == "units" and block.table:
                key = t.unit_tables[block.table].columns[0]
                return layout.inputs[key].cell  # type: ignore[attr-defined]
    return None
