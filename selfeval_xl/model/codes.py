"""Every finding code of data-model.md §3 as data: severity, Chinese title, message template.

Checks build findings only through `make()`, so a code that is not declared here cannot be
emitted and a template placeholder that is not supplied raises at once (never renders "").
"""

from __future__ import annotations

from dataclasses import dataclass

from selfeval_xl.model.findings import Finding, Severity


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity | None  # None: the rule that fires it decides (cross-check)
    title: str
    template: str


_CODES = [
    Code("empty-file", "error", "空文件", "文件为空（0 字节），请重新保存后报送。"),
    Code("not-a-workbook", "error", "不是工作簿", "该文件不是 Excel/WPS 工作簿（{detail}），请报送由模板填写的 .xlsx 文件。"),
    Code("corrupt-file", "error", "文件已损坏", "工作簿已损坏，无法读取（{detail}），请用 Excel 或 WPS 打开后重新保存。"),
    Code("encrypted", "error", "文件设有打开密码", "文件设置了打开密码，无法审核。请在 Excel/WPS 中取消“文件加密”后重新保存（工作表保护无需取消）。"),
    Code("too-large", "error", "文件超出限制", "文件超出读取限制（{detail}），可能不是正常的自评表，请核实。"),
    Code("unknown-template", "error", "非本模板", "该工作簿不是由本自评表模板生成的（{detail}），请使用下发的模板填写。"),
    Code("unsupported-version", "error", "模板版本不受支持", "模板版本 {version} 不受支持（本程序支持 {supported}），请使用最新下发的模板。"),
    Code("missing-sheet", "error", "缺少工作表", "缺少工作表“{sheet}”（被删除或改名），请使用原模板重新填写。"),
    Code("tampered-cell", "error", "模板内容被改动", "{detail}"),
    Code("protection-removed", "warning", "工作表保护被取消", "工作表“{sheet}”的保护已被取消，请使用原模板填写，勿改动表格结构。"),
    Code("formula-overwritten", "error", "公式被覆盖", "单元格原为计算公式，现被改为数值“{value}”，请恢复公式（使用原模板重新填写）。"),
    Code("legacy-format", "info", "非原格式", "文件为 {format} 格式（由其他软件另存），已按原模板读取；建议报送 .xlsx 原格式。"),
    Code("required-missing", "error", "必填项为空", "“{label}”为必填项，不能为空。"),
    Code("not-a-number", "error", "不是数值", "“{label}”应填数值，现为“{value}”。"),
    Code("text-number", "warning", "数值写成文本", "“{label}”填写为文本“{value}”，已按 {number} 读取；请只填数字（单位已在表头注明）。"),
    Code("negative-amount", "error", "金额为负", "“{label}”不能为负数（现为 {value}）。"),
    Code("excess-precision", "warning", "小数位过多", "“{label}”为 {value}，超过 {precision} 位小数，请保留 {precision} 位小数。"),
    Code("invalid-choice", "error", "选项无效", "“{label}”应为 {choices} 之一，现为“{value}”。"),
    Code("invalid-date", "error", "日期无效", "“{label}”应为日期，现为“{value}”。"),
    Code("invalid-phone", "warning", "电话号码存疑", "“{label}”“{value}”不像有效的电话号码，请核实。"),
    Code("sum-mismatch", "error", "合计不等于分项之和", "{detail}"),
    Code("cross-check", None, "表间关系不符", "{detail}"),
    Code("score-out-of-range", "error", "得分超出范围", "{detail}"),
    Code("grade-mismatch", "error", "评价等次与得分不符", "{detail}"),
    Code("indicator-weights", "error", "指标分值合计不为 100", "{detail}"),
    Code("indicator-score", "error", "指标得分有误", "{detail}"),
    Code("funds-mismatch", "error", "执行率或资金得分有误", "{detail}"),
    Code("expected-score", "warning", "指标得分与完成值不符", "{detail}"),
    Code("reason-missing", "warning", "未说明原因", "{detail}"),
    Code("zero-divisor", None, "除数为零", "{detail}"),
    Code("narrative-mismatch", "warning", "文字与表格不符", "{detail}"),
    Code("placeholder-text", "warning", "留有提示文字", "“{label}”中留有模板提示文字“{value}”，请填写实际内容。"),
    Code("qualitative-answer", "warning", "定量指标只写了定性结论", "定量指标“{label}”的完成情况只写了“{value}”，请填写实际完成值（数量、时间或金额）。"),
    Code("duplicate-submission", "warning", "重复报送", "同一预算编码 {code}、年度 {year} 还有另一份报送：{other}。{which}"),
    Code("three-public-growth", "warning", "三公经费增长", "三公经费合计 {current} 万元，高于上年 {previous} 万元（增加 {difference} 万元），请在情况说明中说明原因。"),
    Code("internal-error", "error", "程序内部错误",
         "本程序（selfeval-xl {version}）在处理此文件时出错，文件本身可能没有问题，不必要求部门重新报送；"
         "请将此文件和本条信息反馈给本程序的开发人员。"),
    Code("unsupported-file", "error", "不是可审核的表格文件",
         "{detail}，不是本程序能审核的自评表。请向报送部门索取用下发模板填写的 Excel 工作簿（.xlsx），"
         "不要另存为 PDF、图片、Word 或 CSV，也不要只报送扫描件。"),
    Code("access-denied", "error", "没有访问权限",
         "无法打开此{what}（{detail}）：本机当前登录的用户没有读取权限。这不是报送部门的问题；"
         "请检查该{what}的访问权限（或先复制到本机）后重新审核。"),
    Code("libreoffice-missing", "error", "未安装 LibreOffice",
         "需要安装 LibreOffice 才能读取 .doc 文件（本机未找到 soffice），或请用 Word 或 WPS 另存为 .docx 后再导入。"
         "这不是文件本身的问题。"),
    Code("import-unplaced", "warning", "报告内容无法对应", "报告{where}的“{value}”无法对应到自评表的字段（{reason}），未导入，请核对。"),
    Code("import-ambiguous", "warning", "报告内容对应不唯一", "报告{where}的“{value}”可能对应多处（{fields}），未导入，请核对。"),
    Code("superseded", "info", "已被新版本替代", "该报送已被 {received} 收到的新版本（{file}）替代。"),
    Code("implausible-amount", "warning", "金额明显不合常理", "{detail}"),
    Code("wrong-year", "error", "年度不符", "本表年度为 {found} 年，本轮收取的是 {year} 年度的自评表，请使用 {year} 年度的模板重新填写。"),
    Code("roster-mismatch", "warning", "与部门名单不符", "{detail}"),
]

CODES: dict[str, Code] = {c.code: c for c in _CODES}

# Notes for the finance officer, not for the department: they stay out of the annotated copies
# and notices a department gets back (it cannot fix a duplicate in the officer's inbox, a version
# the officer already replaced, or a fault of the program).
OFFICER_ONLY: frozenset[str] = frozenset({"duplicate-submission", "superseded", "internal-error"})


def make(
    code: str,
    /,
    *,
    severity: Severity | None = None,
    rule: str | None = None,
    sheet: str | None = None,
    cell: str | None = None,
    field: str | None = None,
    args: dict[str, str] | None = None,
    **params: object,
) -> Finding:
    """Build a finding from its declared code; `params` fill the message template."""
    spec = CODES[code]
    sev = severity or spec.severity
    if sev is None:
        raise ValueError(f"finding code {code!r} needs an explicit severity")
    # location arguments may appear in the message too ({sheet} in missing-sheet)
    message = spec.template.format(**{"sheet": sheet, "cell": cell, "field": field, "rule": rule, **params})
    if not message.strip():
        raise ValueError(f"finding code {code!r} rendered an empty message")
    return Finding(code=code, severity=sev, message=message, rule=rule, sheet=sheet, cell=cell,
                   field=field, args=dict(args or {}))
