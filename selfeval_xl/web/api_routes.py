"""The HTTP API for the bureau's scripts and the 一体化 system.

    POST /api/submissions   Authorization: Bearer <预算编码>:<登录码>, multipart field `file`
        201 recorded / 200 already recorded: the submission object of data-model §4
        400 unreadable (with its findings), 403 another department's return, 422 another year's,
        500 the program failed on the file (`internal-error`: not recorded, the file may be fine),
        401 bad credentials, 413 too large, 415 not a workbook name, 429 locked
    GET  /api/status?year=2021   Authorization: Bearer <bureau token>
        200 {"year", "counts", "rows": [...], "off_roster": [...]}
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from selfeval_xl.ledger import LedgerError, status
from selfeval_xl.web import auth, credentials, jobs, passwords, views
from selfeval_xl.web.config import WebConfig
from selfeval_xl.web.dept_routes import FORM_LIMITS, locked_message
from selfeval_xl.web.receive import receive
from selfeval_xl.web.uploads import FORM_OVERHEAD, UploadRefused

STATUS_OF = {jobs.RECORDED: 201, jobs.KNOWN: 200, jobs.UNREADABLE: 400, jobs.WRONG_DEPT: 403,
             jobs.WRONG_YEAR: 422, jobs.NOT_STORED: 503, jobs.INTERNAL: 500}
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="selfeval-xl"'}


def _bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _unauthorized(request: Request, text: str = "缺少或错误的认证信息。") -> Response:
    return views.error_response(request, 401, text, CHALLENGE)


async def _dept(request: Request) -> auth.Dept | Response:
    """The department named by `Bearer <预算编码>:<登录码>`, or the error response."""
    st = request.app.state.web
    cred = _bearer(request)
    if cred is None or ":" not in cred:
        return _unauthorized(request)
    code, _, secret = cred.partition(":")
    key, addr = "dept:" + credentials.dept_key(code), auth.client_address(request)
    wait = st.throttle.retry_after(key, addr)
    if wait:
        return views.error_response(request, 429, locked_message(wait), {"Retry-After": str(wait)})
    dept = st.roster.get(credentials.dept_key(code))
    if dept is None:
        await run_in_threadpool(passwords.verify_secret, secret, None)
        st.throttle.failed(key, addr)
        return _unauthorized(request)
    remembered_issue = st.remembered.get(f"{dept.code}:{passwords.normalize_code(secret)}")
    row = await run_in_threadpool(credentials.code_row, st.config.archive, dept.code)
    if row is not None and remembered_issue == row.issued_at:
        return dept
    row = await auth.check_code(st.config.archive, dept.code, secret)
    if row is None:
        st.throttle.failed(key, addr)
        return _unauthorized(request)
    st.throttle.succeeded(key)
    st.remembered.put(f"{dept.code}:{passwords.normalize_code(secret)}", row.issued_at)
    return dept


async def post_submission(request: Request) -> Response:
    dept = await _dept(request)
    if isinstance(dept, Response):
        return dept
    st = request.app.state.web
    async with request.form(**FORM_LIMITS) as form:
        try:
            outcome = await receive(st, form, dept)
        except UploadRefused as exc:
            return views.error_response(request, exc.status, exc.message)
    body: dict[str, Any] = outcome.submission.to_json()
    headers = {}
    if outcome.file_id:
        body["current"] = outcome.current
        headers["Location"] = f"/dept/files/{outcome.file_id}"
    if outcome.message:
        body["error"] = outcome.message
    return JSONResponse(body, status_code=STATUS_OF[outcome.kind], headers=headers)


async def _bureau(request: Request) -> bool:
    st = request.app.state.web
    token = _bearer(request)
    if token is None:
        return False
    if st.remembered.get("bureau:" + token) == "ok":
        return True
    addr = auth.client_address(request)
    if st.throttle.retry_after("bureau-token", addr):
        return False
    hashes = await run_in_threadpool(credentials.token_hashes, st.config.archive)
    for h in hashes:
        if await run_in_threadpool(passwords.verify_secret, token, h):
            st.remembered.put("bureau:" + token, "ok")
            return True
    if not hashes:
        await run_in_threadpool(passwords.verify_secret, token, None)
    st.throttle.failed("bureau-token", addr)
    return False


def _money(v: Decimal | None) -> str | None:
    return None if v is None else f"{v:f}"


def _row(r: Any) -> dict[str, Any]:
    return {"code": r.code, "name": r.name, "state": r.state, "contact": r.contact, "received_at": r.received_at,
            "file": r.file, "errors": r.errors, "warnings": r.warnings, "versions": r.versions,
            "figures": {k: _money(v) for k, v in r.this_year.items()},
            "last_year": {k: _money(v) for k, v in r.last_year.items()}}


async def get_status(request: Request) -> Response:
    if not await _bureau(request):
        return _unauthorized(request)
    st = request.app.state.web
    try:
        year = int(request.query_params.get("year") or st.config.year)
    except ValueError:
        return views.error_response(request, 400, "year 应为年份数字，如 2021。")
    try:
        rep = await run_in_threadpool(status, st.config.archive, st.entries, year)
    except LedgerError:
        return views.error_response(request, 404, "报送库中还没有任何报送。")
    return JSONResponse({"year": year, "counts": rep.counts(), "rows": [_row(r) for r in rep.rows],
                         "off_roster": [_row(r) for r in rep.off_roster]})


def routes(config: WebConfig) -> list[Route]:
    return [
        Route("/api/submissions", post_submission, methods=["POST"],
              max_body_size=config.max_upload + FORM_OVERHEAD),
        Route("/api/status", get_status),
    ]
