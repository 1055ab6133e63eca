"""The version stamp: very hidden `_meta` sheet and `selfeval.*` custom document properties."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from selfeval_xl import __version__
from selfeval_xl.layout.types import COPIES_KEY, META_KEYS, META_SHEET, PROPERTY_PREFIX
from selfeval_xl.model.spec import Template

GENERATOR = "selfeval-xl"
# Characters XML 1.0 forbids. XlsxWriter escapes them in cells (_xHHHH_) but not in document
# properties or headers, where they would make the file unreadable.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_ESCAPED = re.compile("_x[0-9A-Fa-f]{4}_")


def ooxml_escape(text: str) -> str:
    """Forbidden characters as OOXML's _xHHHH_ (as Excel stores them); readers decode them back.
    XlsxWriter does this for cell strings, not for the cached result of a formula."""
    if not _XML_INVALID.search(text):
        return text
    text = _ESCAPED.sub(lambda m: "_x005F" + m.group(0), text)
    return _XML_INVALID.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def xml_safe(text: str) -> str:
    """`text` without the characters XML cannot carry (for properties and headers)."""
    return _XML_INVALID.sub("", text)


def stamp_values(template: Template, units: int, values: Mapping[str, Any], copies: int = 1) -> dict[str, str]:
    """Every META_KEYS entry as a string (blank when the workbook does not carry it yet), plus
    `copies` (sheets of the repeated kind) for a template that has one."""

    def text(name: str) -> str:
        v = values.get(name)
        return "" if v is None else str(v)

    out = {
        "template_id": template.id,
        "template_version": template.version,
        "spec_sha256": template.sha256,
        "year": text(template.identity.year),
        "dept_code": text(template.identity.dept_code),
        "dept_name": text(template.identity.dept_name),
        "units": str(units),
        "generator": GENERATOR,
        "generator_version": __version__,
    }
    stamp = {k: out[k] for k in META_KEYS}
    if template.repeat is not None:
        stamp[COPIES_KEY] = str(copies)
    return stamp


def write_stamp(wb: Any, stamp: Mapping[str, str], password: str, fmt: Any, sheet_class: Any = None) -> None:
    ws = wb.add_worksheet(META_SHEET, worksheet_class=sheet_class)
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 70)
    for row, key in enumerate(stamp):
        ws.write_string(row, 0, key, fmt)
        ws.write_string(row, 1, stamp[key], fmt)
        wb.set_custom_property(PROPERTY_PREFIX + key, xml_safe(stamp[key]), "text")
    ws.very_hidden()
    ws.protect(password)
