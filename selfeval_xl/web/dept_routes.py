"""The department's pages: log in with 预算编码 + access code, download its own template, upload
a return and see its findings at once, its history, the annotated copy. Every lookup is by the
session's department; a file id of another department is answered like a missing one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from selfeval_xl.generate.filenames import roster_file_name
from selfeval_xl.ledger import LedgerError
from selfeval_xl.ledger.lookup import Version, version, versions
from selfeval_xl.web import auth, credentials, jobs, views
from selfeval_xl.web.auth import Dept
from selfeval_xl.web.config import WebConfig
from selfeval_xl.web.downloads import attachment
from selfeval_xl.web.receive import receive
from selfeval_xl.web.uploads import FORM_OVERHEAD, UploadRefused

if TYPE_CHECKING:
    from selfeval_xl.web.app import WebState

FORM_LIMITS = {"max_files": 1, "max_fields": 8, "max_part_size": 64 * 1024}
BAD_LOGIN = "预算编码或登录码不正确。"


def _state(request: Request) -> WebState:
    return request.app.state.web


def current(request: Request) -> Dept | None:
    st = _state(request)
    return auth.session_dept(request, st.roster, st.config.archive, st.config.session_absolute_minutes)


def _to_login() -> Response:
    return RedirectResponse("/login", status_code=303)


def locked_message(seconds: int) -> str:
    return f"登录失败次数过多，已暂时锁定，请 {max(1, -(-seconds // 60))} 分钟后再试。"


async def root(request: Request) -> Response:
    if current(request):
        return RedirectResponse("/dept", status_code=303)
    if auth.session_bureau(request, _state(request).config.session_absolute_minutes):
        return RedirectResponse("/bureau", status_code=303)
    return _to_login()


async def login_page(request: Request) -> Response:
    if current(request):
        return RedirectResponse("/dept", status_code=303)
    return views.render(request, "login.html", title="部门登录")


async def login(request: Request) -> Response:
    st = _state(request)
    form = await request.form(**FORM_LIMITS)
    if not auth.csrf_ok(request, form.get(auth.CSRF_FIELD)):
        return views.render(request, "login.html", 403, title="部门登录", message="页面已过期，请重新输入后登录。")
    code = str(form.get("dept_code") or "").strip()[:40]
    secret = str(form.get("access_code") or "")[:100]
    key, addr = "dept:" + credentials.dept_key(code), auth.client_address(request)
    wait = st.throttle.retry_after(key, addr)
    if wait:
        return views.render(request, "login.html", 429, title="部门登录", message=locked_message(wait), dept_code=code)
    dept = st.roster.get(credentials.dept_key(code))
    row = await auth.check_code(st.config.archive, code, secret) if dept else None
    if dept is None or row is None:
        if dept is None:
            await run_in_threadpool(auth.passwords.verify_secret, secret, None)  # same time either way
        st.throttle.failed(key, addr)
        return views.render(request, "login.html", 401, title="部门登录", message=BAD_LOGIN, dept_code=code)
    st.throttle.succeeded(key)
    auth.begin(request, auth.DEPT, dept=dept.code, issued=row.issued_at)
    return RedirectResponse("/dept", status_code=303)


async def logout(request: Request) -> Response:
    form = await request.form(**FORM_LIMITS)
    if auth.csrf_ok(request, form.get(auth.CSRF_FIELD)):
        auth.end(request)
    return _to_login()


async def _versions(request: Request, dept: Dept) -> list[Version]:
    st = _state(request)
    try:
        return await run_in_threadpool(versions, st.config.archive, dept.code, st.config.year)
    except LedgerError:
        return []  # nothing recorded yet


async def dept_home(request: Request) -> Response:
    dept = current(request)
    if dept is None:
        return _to_login()
    message = request.session.pop("flash", None)
    return views.render(request, "dept_home.html", title="报送自评表", dept=dept, history=await _versions(request, dept),
                        max_mb=_state(request).config.max_upload // (1024 * 1024), message=message)


async def template_download(request: Request) -> Response:
    dept = current(request)
    if dept is None:
        return _to_login()
    st = _state(request)
    data = await st.workers.run(jobs.personal_template, dept.code, dept.name, dept.units, dept.contact, st.config.year)
    return attachment(data, roster_file_name(dept.code, dept.name, st.config.year))


async def upload(request: Request) -> Response:
    dept = current(request)
    if dept is None:
        return _to_login()
    st = _state(request)
    async with request.form(**FORM_LIMITS) as form:
        if not auth.csrf_ok(request, form.get(auth.CSRF_FIELD)):
            return views.error_response(request, 403, "页面已过期，请刷新后重新上传。")
        try:
            outcome = await receive(st, form, dept)
        except UploadRefused as exc:
            return views.render(request, "dept_home.html", exc.status, title="报送自评表", dept=dept,
                                history=await _versions(request, dept), max_mb=st.config.max_upload // (1024 * 1024),
                                message=exc.message)
    if outcome.file_id:
        how = "new" if outcome.kind == jobs.RECORDED else "known"
        return RedirectResponse(f"/dept/files/{outcome.file_id}?upload={how}", status_code=303)
    token = st.attempts.put(dept.code, outcome)
    return RedirectResponse(f"/dept/attempts/{token}", status_code=303)


async def _own_version(request: Request, dept: Dept) -> Version | None:
    file_id = request.path_params["file_id"]
    try:
        v = await run_in_threadpool(version, _state(request).config.archive, file_id)
    except LedgerError:
        return None
    if v is None or credentials.dept_key(v.dept_code or "") != credentials.dept_key(dept.code):
        return None
    return v


async def result(request: Request) -> Response:
    dept = current(request)
    if dept is None:
        return _to_login()
    v = await _own_version(request, dept)
    if v is None:
        return views.error_response(request, 404)
    return views.render(request, "result.html", title="审核结果", dept=dept, v=v, sub=v.submission,
                        rows=views.finding_rows(v.submission), name=v.original_name, recorded=True,
                        upload=request.query_params.get("upload", ""), annotatable=_annotatable(v),
                        history=await _versions(request, dept))


def _annotatable(v: Version) -> bool:
    s = v.submission
    return (s.readable and v.original_name.lower().endswith((".xlsx", ".xlsm"))
            and any(f.sheet and f.cell and f.severity in ("error", "warning") for f in s.findings))


async def annotated(request: Request) -> Response:
    dept = current(request)
    if dept is None:
        return _to_login()
    v = await _own_version(request, dept)
    if v is None:
        return views.error_response(request, 404)
    st = _state(request)
    data = await st.workers.run(jobs.annotated_copy, str(st.config.archive), v.sha256)
    if data is None:
        return views.error_response(request, 404, "这份报表没有需要标注的单元格。")
    stem = v.original_name.rsplit(".", 1)[0]
    return attachment(data, f"{stem}_审核意见.xlsx")


async def attempt(request: Request) -> Response:
    dept = current(request)
    if dept is None:
        return _to_login()
    outcome = _state(request).attempts.get(dept.code, request.path_params["token"])
    if outcome is None:
        return views.error_response(request, 404, "这次上传的结果已过期，请重新上传。")
    return views.render(request, "result.html", title="审核结果", dept=dept, v=None, sub=outcome.submission,
                        rows=views.finding_rows(outcome.submission), name=outcome.submission.file, recorded=False,
                        upload="", annotatable=False, refusal=outcome.message,
                        history=await _versions(request, dept))


def routes(config: WebConfig) -> list[Route]:
    return [
        Route("/", root),
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"], max_body_size=64 * 1024),
        Route("/logout", logout, methods=["POST"], max_body_size=64 * 1024),
        Route("/dept", dept_home),
        Route("/dept/template", template_download),
        Route("/dept/upload", upload, methods=["POST"], max_body_size=config.max_upload + FORM_OVERHEAD),
        Route("/dept/files/{file_id:str}", result),
        Route("/dept/files/{file_id:str}/annotated", annotated),
        Route("/dept/attempts/{token:str}", attempt),
    ]
