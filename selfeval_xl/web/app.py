"""The web intake as one ASGI app: pages for departments and the bureau, an HTTP API, the
checker process pool, security headers on every response.

    app = create_app(WebConfig(archive=..., roster=..., year=2021))   # then: uvicorn.run(app)
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from selfeval_xl.check.round import Round
from selfeval_xl.ledger import LedgerError, collect
from selfeval_xl.roster import RosterEntry, RosterError, read_roster
from selfeval_xl.web import api_routes, bureau_routes, credentials, dept_routes, views
from selfeval_xl.web.attempts import Attempts
from selfeval_xl.web.auth import Dept, Remembered
from selfeval_xl.web.config import WebConfig
from selfeval_xl.web.declared import DeclaredTooLarge
from selfeval_xl.web.guard import Guard
from selfeval_xl.web.headers import SecurityHeaders
from selfeval_xl.web.ratelimit import LoginThrottle
from selfeval_xl.web.uploads import FORM_OVERHEAD, WORKBOOK_SUFFIXES
from selfeval_xl.web.workers import Workers

SESSION_COOKIE = "selfeval_session"
UPLOAD_PATHS = ("/dept/upload", "/api/submissions")


class SetupError(Exception):
    """The server cannot start (roster or archive unusable); message in Chinese."""


@dataclass
class WebState:
    config: WebConfig
    entries: list[RosterEntry]          # the roster, in its order (what `status` takes)
    roster: dict[str, Dept]             # by dept_key
    roster_problems: list[str]
    round: Round                        # the year and roster every upload is recorded against
    admin_hash: str | None
    templates: Jinja2Templates
    throttle: LoginThrottle
    remembered: Remembered
    attempts: Attempts = field(default_factory=Attempts)
    workers: Workers | None = None
    spool: Path | None = None


def load_roster(path: Path) -> tuple[list[RosterEntry], list[str]]:
    try:
        res = read_roster(path)
    except RosterError as exc:
        raise SetupError(str(exc)) from exc
    return list(res.entries), list(res.problems)


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(loader=jinja2.PackageLoader("selfeval_xl.web", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    env.globals["status_label"] = views.status_label
    env.globals["status_class"] = views.STATUS_CLASS
    env.globals["accept"] = ",".join(WORKBOOK_SUFFIXES)
    return Jinja2Templates(env=env)


def create_app(config: WebConfig, *, warm: bool = True) -> Starlette:
    """The app for `config`; its worker pool starts with the server (lifespan) and stops with it."""
    entries, problems = load_roster(config.roster)
    roster = {credentials.dept_key(e.code): Dept(e.code, e.name, e.units, e.contact) for e in entries}
    config.archive.mkdir(parents=True, exist_ok=True)
    rnd = Round.of(config.year, entries, config.roster.name)
    try:
        collect([], config.archive, rnd=rnd)  # creates the ledger (its round year), or finishes interrupted work
    except LedgerError as exc:
        raise SetupError(str(exc)) from exc
    key = credentials.session_key(config.archive)
    state = WebState(config=config, entries=entries, roster=roster, roster_problems=problems,
                     round=rnd,
                     admin_hash=credentials.admin_hash(config.archive), templates=_templates(),
                     throttle=LoginThrottle(config.login_failures, config.address_failures, config.login_window),
                     remembered=Remembered(key))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        made_spool = config.spool is None
        state.spool = Path(tempfile.mkdtemp(prefix="selfeval-web-")) if made_spool else config.spool
        state.spool.mkdir(parents=True, exist_ok=True)
        state.workers = Workers(config.workers)
        if warm:
            state.workers.warm()
        try:
            yield
        finally:
            state.workers.close()
            if made_spool:
                shutil.rmtree(state.spool, ignore_errors=True)

    routes = [*dept_routes.routes(config), *bureau_routes.routes(), *api_routes.routes(config),
              Mount("/static", app=StaticFiles(packages=[("selfeval_xl.web", "static")]), name="static")]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(Guard),
        Middleware(DeclaredTooLarge, limits={p: config.max_upload + FORM_OVERHEAD for p in UPLOAD_PATHS},
                   file_limit=config.max_upload),
        Middleware(SessionMiddleware, secret_key=key, session_cookie=SESSION_COOKIE,
                   max_age=config.session_minutes * 60, same_site="strict", https_only=config.secure_cookies),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={HTTPException: _http_error})
    app.state.web = state
    return app


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return views.error_response(request, exc.status_code)
