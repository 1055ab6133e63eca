"""Read the bureau's roster of departments (.xlsx/.xls/.ods or .csv) for roster-mode generation.

A roster is what a finance officer already has: a sheet with 预算编码, 部门名称 and optionally
单位数 and 联系人, possibly below a title row, saved by Chinese Excel (CSV then is GBK).
Bad rows are reported by the row number the user sees in Excel and the good rows are kept,
so one typo never blocks the other 149 departments.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

HEADER_SCAN_ROWS = 30
MAX_UNITS = 50
CODE_MAX_LENGTH = 20
NAME_MAX_LENGTH = 60
MAX_ROSTER_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLS = 200  # a roster has a handful of columns; the rest is never looked at
_CODE_RE = re.compile(r"^[0-9A-Za-z]+$")

# Header aliases, compared after normalisation (no spaces, ASCII brackets, no "*" markers).
CODE_HEADERS = ("预算编码", "编码", "单位编码", "部门编码", "预算单位编码", "单位代码", "部门代码", "预算代码")
NAME_HEADERS = ("部门名称", "单位名称", "部门(单位)名称", "预算单位名称", "部门单位名称")
UNITS_HEADERS = ("单位数", "核算单位数", "独立核算单位数", "单位个数")
CONTACT_HEADERS = ("联系人",)
PHONE_HEADERS = ("联系电话", "联络电话", "电话", "手机", "手机号码", "联系方式")


class RosterError(Exception):
    """The roster cannot be used at all (missing file, unreadable, no header); message in Chinese."""


@dataclass(frozen=True)
class RosterEntry:
    """One department of the roster; `row` is the 1-based row number as Excel shows it."""

    row: int
    code: str
    name: str
    units: int = 1
    contact: str | None = None
    phone: str | None = None  # for the 催报 list and notices


@dataclass
class RosterResult:
    entries: list[RosterEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_roster(path: str | Path) -> RosterResult:
    """Read a roster; raise RosterError only when the file as a whole is unusable."""
    p = Path(path)
    if not p.is_file():
        raise RosterError(f"找不到名单文件：{p}")
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise RosterError(f"无法读取名单文件：{p}") from exc
    if size == 0:
        raise RosterError(f"名单文件是空文件：{p.name}")
    if size > MAX_ROSTER_BYTES:
        raise RosterError(f"名单文件过大（超过 {MAX_ROSTER_BYTES // 1024 // 1024} MB）：{p.name}")
    suffix = p.suffix.lower()
    if suffix in (".csv", ".txt"):
        sheets = [_read_csv(p)]
    elif suffix in (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"):
        sheets = _read_workbook(p)
    else:
        raise RosterError(f"名单文件格式不支持：{p.name}（请使用 .xlsx 或 .csv）")
    for rows in sheets:
        header = _find_header(rows)
        if header is not None:
            return _parse_rows(rows, *header)
    raise RosterError(f"名单文件 {p.name} 中找不到表头：需要有“预算编码”和“部门名称”两列")


# ---- file formats ---------------------------------------------------------------------------
def _read_csv(p: Path) -> list[list[Any]]:
    data = p.read_bytes()
    text = _decode(data)
    if text is None:
        raise RosterError(f"无法识别名单文件的文字编码：{p.name}（请另存为 UTF-8 或 GBK 编码的 CSV）")
    sample = text[:4096]
    delimiter = ","
    if sample.count("\t") > sample.count(",") and sample.count("\t") > 0:
        delimiter = "\t"
    elif sample.count(";") > sample.count(",") and sample.count(";") > 0:
        delimiter = ";"
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [r[:MAX_COLS] for r in itertools.islice(reader, MAX_ROWS)]
    except csv.Error as exc:
        raise RosterError(f"名单文件 {p.name} 不是有效的 CSV 文件") from exc


def _decode(data: bytes) -> str | None:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK, Chinese Excel's CSV).

    Excel's "Unicode text" export is UTF-16 with a BOM (tab-separated).
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return None


def _read_workbook(p: Path) -> list[list[list[Any]]]:
    """Every visible worksheet as rows, row index + 1 = Excel row number.

    .xlsx goes through openpyxl first because it sees number formats: a code typed as the
    number 1203 but shown as 001203 (format "000000") keeps its leading zeros.
    """
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            return _read_openpyxl(p)
        except Exception:  # noqa: BLE001 - try calamine, which reads some files openpyxl cannot
            pass
    try:
        import python_calamine as pc

        wb = pc.CalamineWorkbook.from_path(str(p))
        sheets = []
        for meta in wb.sheets_metadata:
            if meta.visible == pc.SheetVisibleEnum.Visible and meta.typ == pc.SheetTypeEnum.WorkSheet:
                rows = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
                sheets.append([r[:MAX_COLS] for r in rows[:MAX_ROWS]])
        return sheets
    except Exception as exc:
        raise RosterError(f"无法读取名单文件：{p.name}（文件已损坏、加密或不是 Excel 文件）") from exc


def _read_openpyxl(p: Path) -> list[list[list[Any]]]:
    import openpyxl

    wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    try:
        out = []
        for ws in wb.worksheets:
            if ws.sheet_state != "visible":
                continue
            rows: list[list[Any]] = []
            for row in ws.iter_rows(max_col=MAX_COLS):
                rows.append([_padded(getattr(c, "value", None), getattr(c, "number_format", None)) for c in row])
                if len(rows) >= MAX_ROWS:
                    break
            out.append(rows)
        return out
    finally:
        wb.close()


def _padded(v: Any, number_format: str | None) -> Any:
    """A whole number shown with a zero-padded format ("000000") as the text Excel displays."""
    if (isinstance(v, int | float) and not isinstance(v, bool) and number_format
            and set(number_format) == {"0"} and float(v).is_integer() and v >= 0):
        return str(int(v)).zfill(len(number_format))
    return v


# ---- header ---------------------------------------------------------------------------------
def _norm_header(v: Any) -> str:
    s = _text(v)
    s = s.replace("（", "(").replace("）", ")").replace("*", "").replace("＊", "")
    return re.sub(r"\s+", "", s)


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    """(header row index, {column role: column index}) of the first row naming code and name."""
    aliases = {"code": CODE_HEADERS, "name": NAME_HEADERS, "units": UNITS_HEADERS, "contact": CONTACT_HEADERS,
               "phone": PHONE_HEADERS}
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        best: dict[str, tuple[int, int]] = {}  # role → (alias rank, column)
        for j, v in enumerate(row):
            h = _norm_header(v)
            for role, names in aliases.items():
                if h in names and (role not in best or names.index(h) < best[role][0]):
                    best[role] = (names.index(h), j)
        if "code" in best and "name" in best:
            return i, {role: j for role, (_, j) in best.items()}
    return None


# ---- rows -----------------------------------------------------------------------------------
def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return _number_text(v)
    return str(v).strip()


def _number_text(v: float | int) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _cell(row: list[Any], col: int | None) -> Any:
    if col is None or col >= len(row):
        return None
    v = row[col]
    if isinstance(v, str):
        v = v.strip().replace("\u3000", " ").strip()
        return v or None
    return v


def _code(v: Any) -> str:
    """A code as text: a number typed in Excel (906017.0) loses its '.0'; text keeps leading zeros."""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float | int):
        return _number_text(v)
    return unicodedata.normalize("NFKC", str(v)).strip()  # full-width ９０６０１７ → 906017


def _units(v: Any) -> int | None:
    if v is None:
        return 1
    if isinstance(v, bool):
        return None
    try:
        d = Decimal(str(v).strip()) if not isinstance(v, float) else Decimal(repr(v))
    except (InvalidOperation, ValueError):
        return None
    if not d.is_finite() or d != d.to_integral_value():
        return None
    n = int(d)
    return n if 1 <= n <= MAX_UNITS else None


def _parse_rows(rows: list[list[Any]], header_index: int, cols: dict[str, int]) -> RosterResult:
    result = RosterResult()
    seen: dict[str, int] = {}
    for i in range(header_index + 1, len(rows)):
        row = rows[i]
        excel_row = i + 1
        if all(_cell(row, j) is None for j in range(len(row))):
            continue
        raw_code = _cell(row, cols["code"])
        raw_name = _cell(row, cols["name"])
        raw_units = _cell(row, cols.get("units"))
        raw_contact = _cell(row, cols.get("contact"))
        raw_phone = _cell(row, cols.get("phone"))
        if raw_code is None and raw_name is None and raw_units is None and raw_contact is None:
            continue  # a note in another column, not a department
        where = f"第 {excel_row} 行："
        bad: list[str] = []
        name = _text(raw_name) if raw_name is not None else ""
        code = _code(raw_code) if raw_code is not None else ""
        if not code:
            bad.append("缺少预算编码")
        elif not _CODE_RE.match(code):
            bad.append(f"预算编码“{code}”含有非法字符（只能是数字或英文字母）")
        elif len(code) > CODE_MAX_LENGTH:
            bad.append(f"预算编码“{code}”过长（最多 {CODE_MAX_LENGTH} 个字符）")
        if not name:
            bad.append("缺少部门名称")
        elif len(name) > NAME_MAX_LENGTH:
            bad.append(f"部门名称过长（最多 {NAME_MAX_LENGTH} 个字）")
        units = _units(raw_units)
        if units is None:
            bad.append(f"单位数“{_text(raw_units)}”应为 1 至 {MAX_UNITS} 的整数")
        if not bad and code in seen:
            bad.append(f"预算编码 {code} 与第 {seen[code]} 行重复")
        if bad:
            result.problems.append(where + "；".join(bad) + "，该行已跳过")
            continue
        assert units is not None
        seen[code] = excel_row
        contact = _text(raw_contact) if raw_contact is not None else None
        phone = _code(raw_phone) if raw_phone is not None else None
        result.entries.append(RosterEntry(excel_row, code, name, units, contact or None, phone or None))
    return result
