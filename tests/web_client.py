"""An HTTP client for the web tests that acts as a browser would: cookies, CSRF tokens from the
forms, logins, uploads (httpx over real HTTP to the loopback test server)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from html import unescape

import httpx
from web_server import ADMIN_PASSWORD, LiveServer

_CSRF = re.compile(r'name="csrf" value="([^"]*)"')


def client(live: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=live.url, follow_redirects=False, timeout=180)


def csrf_of(html: str) -> str:
    m = _CSRF.search(html)
    assert m, "no CSRF field in the form"
    return unescape(m.group(1))


def text_of(html: str) -> str:
    """What a reader sees: tags dropped, entities decoded, whitespace collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def login(c: httpx.Client, code: str, secret: str) -> httpx.Response:
    token = csrf_of(c.get("/login").text)
    return c.post("/login", data={"csrf": token, "dept_code": code, "access_code": secret})


@contextlib.contextmanager
def dept_client(live: LiveServer, code: str) -> Iterator[httpx.Client]:
    with client(live) as c:
        r = login(c, code, live.codes[code])
        assert r.status_code == 303 and r.headers["location"] == "/dept", r.text
        yield c


@contextlib.contextmanager
def bureau_client(live: LiveServer) -> Iterator[httpx.Client]:
    with client(live) as c:
        token = csrf_of(c.get("/bureau/login").text)
        r = c.post("/bureau/login", data={"csrf": token, "password": ADMIN_PASSWORD})
        assert r.status_code == 303 and r.headers["location"] == "/bureau", r.text
        yield c


def upload(c: httpx.Client, name: str, data: bytes) -> httpx.Response:
    """Post the upload form; returns the response to the POST (a 303 to the result page when accepted)."""
    token = csrf_of(c.get("/dept").text)
    return c.post("/dept/upload", data={"csrf": token}, files={"file": (name, data)})


def api_upload(live: LiveServer, code: str, name: str, data: bytes, secret: str | None = None) -> httpx.Response:
    with client(live) as c:
        return c.post("/api/submissions", files={"file": (name, data)},
                      headers={"Authorization": f"Bearer {code}:{secret if secret is not None else live.codes[code]}"})


def result_path(r: httpx.Response) -> str:
    """The result page an upload redirected to, without its query (which only words the notice)."""
    assert r.status_code == 303, r.text
    return r.headers["location"].split("?")[0]
