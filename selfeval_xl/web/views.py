"""What pages share: rendering with the session's CSRF token, Chinese labels of statuses and
findings, and error pages (JSON under /api/)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from selfeval_xl.ledger.status import FAILED, MISSING, PASSED, UNEXPLAINED
from selfeval_xl.model.findings import Finding
from selfeval_xl.model.submission import Submission
from selfeval_xl.report.labels import SEVERITY_LABEL, STATUS_LABEL, explained_mark, ordered, where
from selfeval_xl.web.auth import csrf_token

STATUS_CLASS = {"pass": "ok", "warn": "warn", "fail": "bad", "unreadable": "bad"}
STATE_CLASS = {MISSING: "bad", FAILED: "bad", UNEXPLAINED: "warn", PASSED: "ok"}
ERROR_TEXT = {
    400: "请求有误。", 401: "请先登录。", 403: "没有权限，或页面已过期，请返回后重试。", 404: "没有找到这个页面或文件。",
    405: "不支持这种访问方式。", 413: "文件过大，未上传。", 415: "文件类型不受支持。", 429: "尝试次数过多，请稍后再试。",
    500: "服务器内部错误（程序问题，请联系财政局信息管理人员）。",
}


def status_label(status: str) -> str:
    return STATUS_LABEL.get(status, status)


@dataclass(frozen=True)
class FindingRow:
    where: str
    severity: str
    severity_class: str
    message: str
    note: str
    code: str


def finding_rows(sub: Submission) -> list[FindingRow]:
    """Errors first; each with 表名!单元格 and its Chinese message."""
    return [_row(f) for f in ordered(sub.findings)]


def _row(f: Finding) -> FindingRow:
    cls = {"error": "bad", "warning": "warn"}.get(f.severity, "info")
    if f.severity == "warning" and f.explained:
        cls = "info"
    return FindingRow(where(f), SEVERITY_LABEL.get(f.severity, f.severity), cls, f.message, explained_mark(f), f.code)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    state = request.app.state.web
    context.setdefault("year", state.config.year)
    context.setdefault("message", None)
    context["csrf"] = csrf_token(request)
    return state.templates.TemplateResponse(request, template, context, status_code=status_code)


def error_response(request: Request, status: int, text: str | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    text = text or ERROR_TEXT.get(status, "请求无法完成。")
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": text, "status": status}, status_code=status, headers=headers)
    return _error_page(request, status, text, headers)


def _error_page(request: Request, status: int, text: str, headers: dict[str, str] | None) -> Response:
    resp = render(request, "error.html", status_code=status, title="无法完成", message=text)
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp
