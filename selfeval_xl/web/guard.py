"""The last line of defence: a bug while answering a request becomes a Chinese 500 page (JSON
under /api/) and one line on the server's console naming the exception type — never a
traceback, on the page or on the bureau's console."""

from __future__ import annotations

import sys

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class Guard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:  # noqa: BLE001 - see the module docstring
            print(f"网页报送内部错误：{scope.get('method')} {scope.get('path')}：{type(exc).__name__}"
                  "（程序问题，请反馈给开发人员）", file=sys.stderr, flush=True)
            if started:
                return
            from selfeval_xl.web.views import error_response

            await error_response(Request(scope, receive), 500)(scope, receive, send)
