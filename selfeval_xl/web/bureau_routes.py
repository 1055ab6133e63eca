"""The bureau's pages (admin password): who has filed (催报), each department's versions and
findings, any archived file, the summary of current versions and the check reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from selfeval_xl.ledger import LedgerError, status
from selfeval_xl.ledger.lookup import version, versions
from selfeval_xl.ledger.status import MISSING, STATES, DeptStatus
from selfeval_xl.web import auth, jobs, views
from selfeval_xl.web.dept_routes import FORM_LIMITS, locked_message
from selfeval_xl.web.downloads import attachment, file_attachment

if TYPE_CHECKING:
    from selfeval_xl.web.app import WebState

BUREAU_KEY = "bureau"


def _state(request: Request) -> WebState:
    return request.app.state.web


def _ok(request: Request) -> bool:
    return auth.session_bureau(request, _state(request).config.session_absolute_minutes)


def _to_login() -> Response:
    return RedirectResponse("/bureau/login", status_code=303)


async def login_page(request: Request) -> Response:
    if _ok(request):
        return RedirectResponse("/bureau", status_code=303)
    return views.render(request, "bureau_login.html", title="财政局登录")


async def login(request: Request) -> Response:
    st = _state(request)
    form = await request.form(**FORM_LIMITS)
    if not auth.csrf_ok(request, form.get(auth.CSRF_FIELD)):
        return views.render(request, "bureau_login.html", 403, title="财政局登录", message="页面已过期，请重新登录。")
    addr = auth.client_address(request)
    wait = st.throttle.retry_after(BUREAU_KEY, addr)
    if wait:
        return views.render(request, "bureau_login.html", 429, title="财政局登录", message=locked_message(wait))
    if not await auth.check_password(st.admin_hash, str(form.get("password") or "")[:200]):
        st.throttle.failed(BUREAU_KEY, addr)
        return views.render(request, "bureau_login.html", 401, title="财政局登录", message="密码不正确。")
    st.throttle.succeeded(BUREAU_KEY)
    auth.begin(request, auth.BUREAU)
    return RedirectResponse("/bureau", status_code=303)


async def _status(request: Request):  # noqa: ANN202
    st = _state(request)
    try:
        return await run_in_threadpool(status, st.config.archive, st.entries, st.config.year)
    except LedgerError:
        return None


async def overview(request: Request) -> Response:
    if not _ok(request):
        return _to_login()
    rep = await _status(request)
    wanted = request.query_params.get("state", "")
    rows = rep.rows if rep else []
    if rep is None:
        rows = [DeptStatus(code=e.code, name=e.name, state=MISSING, contact=e.contact, roster_row=e.row)
                for e in _state(request).entries]
    shown = [r for r in rows if r.state == wanted] if wanted in STATES else rows
    counts = {s: sum(1 for r in rows if r.state == s) for s in STATES}
    return views.render(request, "bureau_status.html", title="报送情况", rows=shown, all_rows=rows, counts=counts,
                        states=STATES, wanted=wanted if wanted in STATES else "",
                        chase=[r for r in rows if r.to_chase], off_roster=rep.off_roster if rep else [],
                        problems=_state(request).roster_problems, state_class=views.STATE_CLASS)


async def dept_page(request: Request) -> Response:
    if not _ok(request):
        return _to_login()
    st = _state(request)
    code = request.path_params["code"][:40]
    try:
        found = await run_in_threadpool(versions, st.config.archive, code, st.config.year)
    except LedgerError:
        found = []
    from selfeval_xl.web.credentials import dept_key

    dept = st.roster.get(dept_key(code))
    if dept is None and not found:
        return views.error_response(request, 404)
    name = dept.name if dept else (found[0].dept_name or "")
    return views.render(request, "bureau_dept.html", title="部门报送记录", code=code, name=name,
                        versions=[(v, views.finding_rows(v.submission)) for v in found])


async def download_file(request: Request) -> Response:
    if not _ok(request):
        return _to_login()
    try:
        v = await run_in_threadpool(version, _state(request).config.archive, request.path_params["file_id"])
    except LedgerError:
        v = None
    if v is None or v.path is None or not v.path.is_file():
        return views.error_response(request, 404)
    return file_attachment(v.path, v.original_name)


async def _job_download(request: Request, fn, name: str, *args: object) -> Response:  # noqa: ANN001
    if not _ok(request):
        return _to_login()
    st = _state(request)
    try:
        data = await st.workers.run(fn, str(st.config.archive), *args)
    except LedgerError:
        return views.error_response(request, 404, "报送库中还没有任何报送。")
    return attachment(data, name)


async def summary(request: Request) -> Response:
    y = _state(request).config.year
    return await _job_download(request, jobs.summary_workbook, f"{y}年度部门整体支出绩效自评汇总.xlsx", y)


async def report_json(request: Request) -> Response:
    y = _state(request).config.year
    return await _job_download(request, jobs.check_report, f"{y}年度审核结果.json", y, "json")


async def report_xlsx(request: Request) -> Response:
    y = _state(request).config.year
    return await _job_download(request, jobs.check_report, f"{y}年度审核结果.xlsx", y, "xlsx")


async def status_xlsx(request: Request) -> Response:
    st = _state(request)
    y = st.config.year
    return await _job_download(request, jobs.status_workbook, f"{y}年度报送情况.xlsx", str(st.config.roster), y)


def routes() -> list[Route]:
    return [
        Route("/bureau/login", login_page, methods=["GET"]),
        Route("/bureau/login", login, methods=["POST"], max_body_size=64 * 1024),
        Route("/bureau", overview),
        Route("/bureau/status.xlsx", status_xlsx),
        Route("/bureau/summary.xlsx", summary),
        Route("/bureau/report.json", report_json),
        Route("/bureau/report.xlsx", report_xlsx),
        Route("/bureau/depts/{code:str}", dept_page),
        Route("/bureau/files/{file_id:str}", download_file),
    ]
