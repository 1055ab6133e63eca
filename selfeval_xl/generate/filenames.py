"""File names that are safe on Windows and Linux: `<预算编码>_<部门名称>_<年度>.xlsx`."""

from __future__ import annotations

import re
import unicodedata

# bytes of UTF-8: file systems allow 255 bytes per name; room is left for "_第N行" and ".xlsx"
MAX_STEM = 200
_BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_part(text: str, fallback: str = "未命名") -> str:
    """One component of a file name: no separators, control or reserved characters, no reserved names."""
    s = unicodedata.normalize("NFC", str(text))
    s = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in s)
    s = _BAD.sub("_", s)
    s = re.sub(r"\s+", " ", s).strip()
    s = _cut(s.strip(". "), MAX_STEM).rstrip(". ")
    if not s or set(s) <= {".", "_", " "}:
        s = fallback
    if s.split(".")[0].strip().upper() in _RESERVED:
        s = "_" + s
    return s


def roster_file_name(code: str, name: str, year: int | str, ext: str = ".xlsx", suffix: str = "") -> str:
    """`906017_中共临湘市委网信办_2021.xlsx` (with a suffix: `…_2021_项目支出绩效自评表.xlsx`),
    every part sanitized, the whole stem capped."""
    code_part = safe_part(code, "无编码")
    year_part = safe_part(str(year), "年度") + (f"_{safe_part(suffix)}" if suffix else "")
    name_part = safe_part(name)
    room = MAX_STEM - _size(code_part) - _size(year_part) - 2
    name_part = _cut(name_part, max(3, room)).rstrip(". ") or "_"
    stem = _cut(f"{code_part}_{name_part}_{year_part}", MAX_STEM).rstrip(". ")
    return stem + ext


def _size(s: str) -> int:
    return len(s.encode("utf-8"))


def _cut(s: str, limit: int) -> str:
    """The longest prefix of `s` within `limit` bytes of UTF-8 (never splits a character)."""
    if _size(s) <= limit:
        return s
    return s.encode("utf-8")[:limit].decode("utf-8", "ignore")
