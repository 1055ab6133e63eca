"""Cell formats by layout style name: the look of the 附件2 report (宋体 11, thin borders)."""

from __future__ import annotations

from typing import Any

FONT = "宋体"
INPUT_FILL = "#FFFFCC"  # light yellow: "type here"
LOCKED_FILL = "#F2F2F2"  # roster-prefilled, locked inputs
HEADER_FILL = "#F2F2F2"

_BOX: dict[str, Any] = {"border": 1, "valign": "vcenter", "text_wrap": True}

STATIC: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter", "text_wrap": True},
    "heading": {"bold": True, "font_size": 14, "align": "left", "valign": "vcenter"},
    "note": {"align": "left", "valign": "top", "text_wrap": True},
    "list": {"font_size": 9, "font_color": "#808080"},
    "calc": {},  # the hidden helper sheet  # hidden lists behind dependent dropdowns
    "caption": {"bold": True, "font_size": 12, "align": "center", "valign": "vcenter"},
    "section": {"bold": True, "align": "left", "valign": "vcenter"},
    "label": {**_BOX, "align": "left"},
    "header": {**_BOX, "bold": True, "align": "center", "bg_color": HEADER_FILL},
    "total_label": {**_BOX, "bold": True, "align": "center"},
    "result_id": {**_BOX, "align": "left"},
    "result_text": {**_BOX, "align": "left"},
    # formula cells (locked)
    "unit_name": {"border": 1, "valign": "vcenter", "align": "left", "shrink": True},
    "formula_number": {**_BOX, "align": "right", "num_format": "0.00"},
    "formula_percent": {**_BOX, "align": "right", "num_format": "0.00%"},
    "grid_text": {**_BOX, "align": "center"},
    "check": {**_BOX, "align": "center", "font_size": 10},
    "count": {**_BOX, "align": "center", "bold": True},
}

_INPUT_BASE: dict[str, Any] = {**_BOX}
INPUT: dict[str, dict[str, Any]] = {
    "input_text": {**_INPUT_BASE, "align": "left"},
    "input_long": {**_INPUT_BASE, "align": "left", "valign": "top"},
    "input_int": {**_INPUT_BASE, "align": "right", "num_format": "0"},
    "input_money": {**_INPUT_BASE, "align": "right", "num_format": "0.00"},
    "input_number": {**_INPUT_BASE, "align": "right", "num_format": "0.00"},
    "input_date": {**_INPUT_BASE, "align": "center", "num_format": "yyyy-mm-dd"},
}

CHECK_COLOURS = {
    "✔": {"font_color": "#006100", "bg_color": "#C6EFCE"},
    "✘": {"font_color": "#9C0006", "bg_color": "#FFC7CE", "bold": True},
    "—": {"font_color": "#808080"},
}


class Formats:
    """Every format of one workbook, created once (XlsxWriter formats belong to a workbook)."""

    def __init__(self, wb: Any) -> None:
        self.static = {name: wb.add_format(props) for name, props in STATIC.items()}
        self.input = {name: wb.add_format({**props, "locked": False, "bg_color": INPUT_FILL})
                      for name, props in INPUT.items()}
        self.locked_input = {name: wb.add_format({**props, "bg_color": LOCKED_FILL}) for name, props in INPUT.items()}
        self.check = {mark: wb.add_format(props) for mark, props in CHECK_COLOURS.items()}
        self.meta = wb.add_format({})
