"""File names that are safe on Windows and Linux: `<预算编码>_<部门名称>_<年度>.xlsx`."""

from __future__ import annotations

import re
import unicodedata

MAX_STEM = 120  # characters; well below the 255-byte limit of common file systems in UTF-8
_BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_part(text: str, fallback: str = "未命名") -> str:
    """One component of a file name: no separators, control or reserved characters, no reserved names."""
    s = unicodedata.normalize("NFC", str(text))
    s = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in s)
    s = _BAD.sub("_", s)
    s = re.sub(r"\s+", " ", s).strip()
    s = s.strip(". ")[:MAX_STEM].rstrip(". ")
    if not s or set(s) <= {".", "_", " "}:
        s = fallback
    if s.split(".")[0].strip().upper() in _RESERVED:
        s = "_" + s
    return s


def roster_file_name(code: str, name: str, year: int | str, ext: str = ".xlsx") -> str:
    """`906017_中共临湘市委网信办_2021.xlsx`, every part sanitized, the whole stem capped."""
    code_part = safe_part(code, "无编码")
    year_part = safe_part(str(year), "年度")
    name_part = safe_part(name)
    room = MAX_STEM - len(code_part) - len(year_part) - 2
    if len(name_part) > room:
        name_part = name_part[: max(1, room)].rstrip(". ")
    stem = f"{code_part}_{name_part}_{year_part}"[:MAX_STEM].rstrip(". ")
    return stem + ext
