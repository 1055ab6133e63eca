"""Data validation of input cells, derived from the Field declarations (Chinese prompts)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from selfeval_xl.layout.cells import col_letter
from selfeval_xl.model.money import plain
from selfeval_xl.model.spec import Field

_TITLE_MAX = 32
_MESSAGE_MAX = 255


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _num(d: Decimal | None) -> str:
    return "" if d is None else plain(d)


def _range_words(f: Field) -> str:
    if f.min is not None and f.max is not None:
        return f"{_num(f.min)} 至 {_num(f.max)} 之间"
    if f.min is not None:
        return f"不小于 {_num(f.min)}"
    if f.max is not None:
        return f"不大于 {_num(f.max)}"
    return ""


def _decimal_formula(f: Field, ref: str, lo: Decimal | None) -> str:
    parts = [f"ISNUMBER({ref})"]
    if lo is not None:
        parts.append(f"{ref}>={_num(lo)}")
    if f.max is not None:
        parts.append(f"{ref}<={_num(f.max)}")
    parts.append(f"ROUND({ref},{f.decimals})={ref}")
    return "AND(" + ",".join(parts) + ")"


def validation_for(f: Field, anchor_row: int, anchor_col: int, amount_unit: str = "万元") -> dict[str, Any] | None:
    """XlsxWriter data_validation options for inputs of field `f` (formulas relative to the anchor)."""
    ref = f"{col_letter(anchor_col)}{anchor_row + 1}"
    title = _cut(f.label, _TITLE_MAX)
    opts: dict[str, Any]
    if f.compute:
        return None  # a locked formula cell
    if f.text_ok:  # a number, or words for a 定性 indicator: a prompt, no restriction
        return {"validate": "any", "input_title": title,
                "input_message": _cut(f.prompt or "定量指标请填写数值（单位填在“度量单位”中）；定性指标可填写文字。", _MESSAGE_MAX)}
    if f.type == "money":
        lo = f.min if f.min is not None else Decimal(0)
        opts = {"validate": "custom", "value": _decimal_formula(f, ref, lo)}
        msg = f"请填写金额（{amount_unit}），不小于 0，最多 {f.decimals} 位小数。"
        err = f"金额应为不小于 0 的数字，最多 {f.decimals} 位小数（单位：{amount_unit}）。"
    elif f.type == "number":
        opts = {"validate": "custom", "value": _decimal_formula(f, ref, f.min)}
        words = _range_words(f)
        msg = f"请填写数字{('，' + words) if words else ''}，最多 {f.decimals} 位小数。"
        err = f"应为数字{('，' + words) if words else ''}，最多 {f.decimals} 位小数。"
    elif f.type == "integer":
        if f.min is not None and f.max is not None:
            opts = {"validate": "integer", "criteria": "between", "minimum": int(f.min), "maximum": int(f.max)}
        elif f.max is not None:
            opts = {"validate": "integer", "criteria": "<=", "value": int(f.max)}
        else:
            opts = {"validate": "integer", "criteria": ">=", "value": int(f.min if f.min is not None else 0)}
        words = _range_words(f) or "不小于 0"
        msg = f"请填写整数，{words}。"
        err = f"应为整数，{words}。"
    elif f.type == "date":
        opts = {"validate": "date", "criteria": "between", "minimum": date(1990, 1, 1), "maximum": date(2100, 12, 31)}
        msg = "请填写日期，如 2022-09-06。"
        err = "应为日期，格式如 2022-09-06。"
    elif f.type == "choice":
        opts = {"validate": "list", "source": list(f.choices)}
        msg = "请从下拉列表中选择：" + "、".join(f.choices)
        err = "请从下拉列表中选择，不能填写其他内容。"
    elif f.max_length:
        opts = {"validate": "length", "criteria": "<=", "value": f.max_length}
        kind = "长文字" if f.type == "longtext" else "文字"
        msg = f"请填写{kind}，不超过 {f.max_length} 字。"
        err = f"内容过长：不超过 {f.max_length} 字。"
    else:
        return None
    if f.prompt:
        msg = f.prompt
    opts.update({"input_title": title, "input_message": _cut(msg, _MESSAGE_MAX),
                 "error_title": "输入有误", "error_message": _cut(f"{f.label}：{err}", _MESSAGE_MAX),
                 "error_type": "stop", "ignore_blank": True})
    return opts
