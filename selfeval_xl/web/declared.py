"""Refuse at once, in Chinese, an upload whose Content-Length already exceeds the limit.

The route's max_body_size (Starlette) enforces the limit while the body streams; for a body
declared too large up front it would answer with its own English text. This layer answers such
requests first, with the same 413 and a message the department can read, reading nothing."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send


class DeclaredTooLarge:
    def __init__(self, app: ASGIApp, limits: dict[str, int], file_limit: int) -> None:
        self.app = app
        self.limits = limits          # path → largest body accepted
        self.file_limit = file_limit  # what the message names

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limits.get(scope.get("path", "")) if scope["type"] == "http" else None
        if limit is not None:
            try:
                declared = int(Headers(scope=scope).get("content-length") or 0)
            except ValueError:
                declared = 0
            if declared > limit:
                from selfeval_xl.web.uploads import too_large_message
                from selfeval_xl.web.views import error_response

                response = error_response(Request(scope, receive), 413, too_large_message(self.file_limit),
                                          {"Connection": "close"})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
