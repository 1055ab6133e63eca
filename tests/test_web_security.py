"""The web intake against OWASP ASVS level 1 items, over real HTTP on loopback: upload limits
enforced mid-stream, CSRF, session cookies, login throttling, other departments' files, path
traversal, hostile department names, security headers."""

from __future__ import annotations

import io
import select
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import openpyxl
import pytest
import web_samples
from web_client import client, csrf_of, dept_client, login, text_of, upload
from web_server import LiveServer, running

from selfeval_xl.ledger.lookup import versions
from selfeval_xl.web import credentials
from selfeval_xl.web.app import SESSION_COOKIE

LIMIT = 1024 * 1024


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running(tmp_path_factory.mktemp("web-sec") / "报送库", max_upload=LIMIT, login_failures=3,
                 address_failures=6) as server:
        yield server


def _from(live: LiveServer, address: str) -> httpx.Client:
    """A client whose requests come from another loopback address (throttling is per address)."""
    return httpx.Client(base_url=live.url, follow_redirects=False, timeout=120,
                        transport=httpx.HTTPTransport(local_address=address))


def _raw_upload(live: LiveServer, cookie: str, csrf: str, total: int) -> tuple[int, int]:
    """Stream a chunked multipart upload of `total` bytes; stop as soon as the server answers.
    Returns (HTTP status, bytes sent before the answer)."""
    port = int(live.url.rsplit(":", 1)[1])
    boundary = "----selfevalboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.xlsx\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + b"PK\x03\x04"
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall((f"POST /dept/upload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {SESSION_COOKIE}={cookie}\r\n"
                   f"Content-Type: multipart/form-data; boundary={boundary}\r\nTransfer-Encoding: chunked\r\n\r\n").encode())
        block = b"\0" * 65536
        answered = False
        try:
            s.sendall(f"{len(head):x}\r\n".encode() + head + b"\r\n")
            while sent < total:
                if select.select([s], [], [], 0)[0]:
                    answered = True
                    break
                s.sendall(f"{len(block):x}\r\n".encode() + block + b"\r\n")
                sent += len(block)
        except (BrokenPipeError, ConnectionResetError):
            answered = True
        if not answered:
            s.sendall(f"--{boundary}--\r\n".encode() + b"0\r\n\r\n")
        reply = s.recv(65536)
    return int(reply.split(b" ", 2)[1]), sent


def test_oversized_upload_is_refused_mid_stream(live: LiveServer) -> None:
    with dept_client(live, "907002") as c:
        csrf = csrf_of(c.get("/dept").text)
        cookie = c.cookies[SESSION_COOKIE]
    status, sent = _raw_upload(live, cookie, csrf, 40 * LIMIT)
    assert status == 413
    assert sent < 10 * LIMIT, f"the server read {sent} bytes before refusing"
    assert versions(live.archive, "907002", 2021) == []


def test_declared_oversized_upload_is_refused_with_a_chinese_page(live: LiveServer) -> None:
    with dept_client(live, "907002") as c:
        r = upload(c, "big.xlsx", b"PK\x03\x04" + b"\0" * (LIMIT + 100))
        assert r.status_code == 413
        assert "过大" in text_of(r.text) or "上限" in text_of(r.text)


def test_file_just_over_the_limit_is_refused_within_the_form_slack(live: LiveServer) -> None:
    with dept_client(live, "907002") as c:
        r = upload(c, "big.xlsx", b"PK\x03\x04" + b"\0" * (LIMIT + 1 - 4))
        assert r.status_code == 413 and "1 MB" in text_of(r.text)


def test_upload_without_csrf_token_is_refused_and_not_recorded(live: LiveServer) -> None:
    with dept_client(live, "907001") as c:
        r = c.post("/dept/upload", files={"file": ("a.xlsx", web_samples.FAULTY.read_bytes())})
        assert r.status_code == 403
        r = c.post("/dept/upload", data={"csrf": "x" * 43}, files={"file": ("a.xlsx", web_samples.FAULTY.read_bytes())})
        assert r.status_code == 403
    assert versions(live.archive, "907001", 2021) == []


def test_login_without_csrf_token_is_refused(live: LiveServer) -> None:
    with client(live) as c:
        c.get("/login")
        r = c.post("/login", data={"dept_code": "901001", "access_code": live.codes["901001"]})
        assert r.status_code == 403
        assert c.get("/dept").status_code == 303


def test_logout_needs_the_csrf_token(live: LiveServer) -> None:
    with dept_client(live, "901001") as c:
        c.post("/logout", data={"csrf": "wrong"})
        assert c.get("/dept").status_code == 200


def test_tampered_session_cookie_is_not_a_login(live: LiveServer) -> None:
    with dept_client(live, "901001") as c:
        value = c.cookies[SESSION_COOKIE]
        payload, _, rest = value.partition(".")
        forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + rest
        c.cookies.clear()
        c.cookies.set(SESSION_COOKIE, forged)
        assert c.get("/dept").status_code == 303


def test_reissued_code_ends_existing_sessions(live: LiveServer) -> None:
    with dept_client(live, "903001") as c:
        assert c.get("/dept").status_code == 200
        ((_code, _name, new),) = credentials.issue_codes(live.archive, [("903001", "临湘市文化旅游广电局")])
        assert c.get("/dept").status_code == 303
    live.codes["903001"] = new


def test_login_is_throttled_per_code(live: LiveServer) -> None:
    with _from(live, "127.0.0.2") as c:
        for _ in range(3):
            assert login(c, "904001", "WRONG-CODE-0000").status_code == 401
        r = login(c, "904001", live.codes["904001"])
        assert r.status_code == 429 and "锁定" in text_of(r.text)
    with _from(live, "127.0.0.3") as c:  # another address: the code is still locked
        assert login(c, "904001", live.codes["904001"]).status_code == 429


def test_login_is_throttled_per_address(live: LiveServer) -> None:
    with _from(live, "127.0.0.4") as c:
        for i in range(6):
            assert login(c, f"90{i}999", "WRONG-CODE-0000").status_code == 401
        assert login(c, "902001", live.codes["902001"]).status_code == 429
    with _from(live, "127.0.0.5") as c:
        assert login(c, "902001", live.codes["902001"]).status_code == 303


@pytest.mark.parametrize("path", [
    "/dept/files/..%2F..%2Fledger.sqlite", "/dept/files/../../ledger.sqlite", "/bureau/files/..%2Fweb%2Faccess.sqlite",
    "/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2Fapp.py", "/dept/files/%2Fetc%2Fpasswd",
    "/dept/attempts/..%2F..%2F", "/bureau/depts/..%2F..%2Fweb",
])
def test_path_traversal_reaches_no_file(live: LiveServer, path: str) -> None:
    with dept_client(live, "901001") as c:
        r = c.get(path)
    assert r.status_code in (303, 404)
    assert b"SQLite format" not in r.content and b"import " not in r.content and b"root:" not in r.content


def test_uploaded_file_name_cannot_leave_the_staging_folder(live: LiveServer, tmp_path: Path) -> None:
    data = (web_samples.SUBMISSIONS / "907004_临湘市统计局_尾差不算错误.xlsx").read_bytes()
    with dept_client(live, "907004") as c:
        r = upload(c, "../../../../" + str(tmp_path / "逃逸.xlsx"), data)
        assert r.status_code == 303
    assert not (tmp_path / "逃逸.xlsx").exists()
    (v,) = versions(live.archive, "907004", 2021)
    assert v.original_name == "逃逸.xlsx" and v.path is not None and v.path.parent.parent.name == "objects"


def test_non_workbook_extension_is_refused(live: LiveServer) -> None:
    with dept_client(live, "907004") as c:
        r = upload(c, "报表.exe", b"MZ\x90\x00")
        assert r.status_code == 415 and ".xlsx" in text_of(r.text)


def test_security_headers_on_pages_assets_and_errors(live: LiveServer) -> None:
    with client(live) as c:
        for path in ("/login", "/static/style.css", "/no-such-page", "/api/status"):
            h = c.get(path).headers
            csp = h["content-security-policy"]
            assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
            assert "unsafe-inline" not in csp and "http" not in csp
            assert h["x-content-type-options"] == "nosniff" and h["x-frame-options"] == "DENY"
        assert c.get("/login").headers["cache-control"] == "no-store"
        assert c.get("/no-such-page").status_code == 404


def test_pages_reference_only_local_assets(live: LiveServer) -> None:
    with dept_client(live, "901001") as c:
        for path in ("/login", "/dept"):
            html = c.get(path).text
            assert "http://" not in html and "https://" not in html and "//" not in html.replace("://", "")


HOSTILE_NAMES = [("900101", '=HYPERLINK("http://example.invalid","点我")'),
                 ("900102", "<script>alert(1)</script>局"),
                 ("900103", '@SUM(1+1)*cmd|" /C calc"!A0')]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("web-hostile")
    roster = folder / "名单.csv"
    roster.write_text("预算编码,部门名称\n" + "".join(f'{c},"{n.replace(chr(34), chr(34) * 2)}"\n' for c, n in HOSTILE_NAMES),
                      encoding="utf-8")
    with running(folder / "报送库", roster=roster) as server:
        yield server


def test_formula_and_markup_department_names_stay_text(hostile: LiveServer) -> None:
    from web_client import bureau_client

    for code, name in HOSTILE_NAMES:
        with dept_client(hostile, code) as c:
            home = c.get("/dept").text
            assert "<script>alert" not in home
            assert name in text_of(home)
            t = c.get("/dept/template")
            cd = t.headers["content-disposition"]
            assert "\r" not in cd and "\n" not in cd and cd.count('"') == 2
    with bureau_client(hostile) as b:
        page = b.get("/bureau").text
        assert "<script>alert" not in page and "&lt;script&gt;" in page
        ws = openpyxl.load_workbook(io.BytesIO(b.get("/bureau/status.xlsx").content)).active
        cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value in dict(HOSTILE_NAMES).values()]
        assert len(cells) == len(HOSTILE_NAMES) and all(c.data_type == "s" for c in cells)
