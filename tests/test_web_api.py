"""The HTTP API over real HTTP on loopback: bearer credentials, the submission object of
data-model §4, HTTP statuses, every hostile file of the reader's list answered with its finding."""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
import web_samples
from read_samples import filled, rezip
from web_client import api_upload, client
from web_server import LiveServer, running

from selfeval_xl.ledger.lookup import versions

PREVIOUS = Path(__file__).resolve().parents[1] / "samples" / "previous" / "906017_临湘市委网信办_2020.xlsx"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running(tmp_path_factory.mktemp("web-api") / "报送库", max_upload=2 * 1024 * 1024) as server:
        yield server


def test_post_records_and_answers_with_the_submission_object(live: LiveServer) -> None:
    r = api_upload(live, "907001", web_samples.FAULTY.name, web_samples.FAULTY.read_bytes())
    assert r.status_code == 201
    body = r.json()
    assert set(body) >= {"file", "sha256", "status", "template", "dept", "year", "values", "findings"}
    assert body["file"] == web_samples.FAULTY.name and body["status"] == "fail" and body["current"] is True
    assert body["dept"] == {"name": "临湘市民政局", "code": "907001"} and body["year"] == 2021
    assert Decimal(body["values"]["expenditure.total"]) == Decimal("96")
    (f,) = [f for f in body["findings"] if f["code"] == "sum-mismatch"]
    assert (f["sheet"], f["cell"], f["rule"]) == ("收支情况", "B11", "expenditure-total")
    assert r.headers["location"] == f"/dept/files/{body['sha256']}"
    again = api_upload(live, "907001", "again.xlsx", web_samples.FAULTY.read_bytes())
    assert again.status_code == 200 and again.json()["sha256"] == body["sha256"]
    assert len(versions(live.archive, "907001", 2021)) == 1


def test_missing_or_wrong_credentials_are_401(live: LiveServer) -> None:
    data = web_samples.FAULTY.read_bytes()
    with client(live) as c:
        r = c.post("/api/submissions", files={"file": ("a.xlsx", data)})
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
        assert "认证" in r.json()["error"]
        r = c.post("/api/submissions", files={"file": ("a.xlsx", data)}, headers={"Authorization": "Basic eDp5"})
        assert r.status_code == 401
    assert api_upload(live, "907001", "a.xlsx", data, secret="WRONG-WRONG-WRON").status_code == 401
    assert api_upload(live, "999999", "a.xlsx", data, secret=live.codes["907001"]).status_code == 401


def test_other_departments_return_is_403_naming_both(live: LiveServer) -> None:
    other = web_samples.SUBMISSIONS / "907002_临湘市司法局_等次与得分不符.xlsx"
    r = api_upload(live, "907003", other.name, other.read_bytes())
    assert r.status_code == 403
    err = r.json()["error"]
    assert "907002" in err and "临湘市司法局" in err and "907003" in err and "临湘市审计局" in err
    assert versions(live.archive, "907002") == [] and versions(live.archive, "907003") == []


def test_other_years_return_is_422(live: LiveServer) -> None:
    r = api_upload(live, "906017", PREVIOUS.name, PREVIOUS.read_bytes())
    assert r.status_code == 422 and "2020" in r.json()["error"] and "2021" in r.json()["error"]


def test_too_large_and_wrong_type(live: LiveServer) -> None:
    r = api_upload(live, "901001", "big.xlsx", b"PK\x03\x04" + b"\0" * (3 * 1024 * 1024))
    assert r.status_code == 413 and "error" in r.json()
    r = api_upload(live, "901001", "a.txt", b"hello")
    assert r.status_code == 415


def _encrypted(clean: Path, out: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    buf = io.BytesIO()
    with clean.open("rb") as fh:
        OOXMLFile(fh).encrypt("123456", buf)
    out.write_bytes(buf.getvalue())
    return out


def _word(_clean: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    return out


def _bytes(data: bytes) -> Callable[[Path, Path], Path]:
    def make(_clean: Path, out: Path) -> Path:
        out.write_bytes(data)
        return out
    return make


def _zip_change(change: Callable[[str, bytes], bytes | None]) -> Callable[[Path, Path], Path]:
    return lambda clean, out: rezip(clean, out, change)


def _many_entries(clean: Path, out: Path) -> Path:
    rezip(clean, out, lambda _n, d: d)
    with zipfile.ZipFile(out, "a") as z:
        for i in range(1001):
            z.writestr(f"junk/{i}.txt", "")
    return out


def _unrelated(_clean: Path, out: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "工资表"
    wb.save(out)
    return out


_LOL = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol1;</t></si></sst>')
HOSTILE: list[tuple[str, str, Callable[[Path, Path], Path]]] = [
    ("空.xlsx", "empty-file", _bytes(b"")),
    ("random.xlsx", "not-a-workbook", _bytes(bytes(random.Random(7).randrange(256) for _ in range(5000)))),
    ("report.xlsx", "not-a-workbook", _bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n")),
    ("data.xlsx", "not-a-workbook", _bytes("预算编码,部门名称\n906017,临湘市委网信办\n".encode("gbk"))),
    ("page.xls", "not-a-workbook", _bytes(b"<html><body><table><tr><td>1</td></tr></table></body></html>")),
    ("word.xlsx", "not-a-workbook", _word),
    ("truncated.xlsx", "corrupt-file", lambda clean, out: _bytes(clean.read_bytes()[: clean.stat().st_size // 2])(clean, out)),
    ("broken.xlsx", "corrupt-file", _zip_change(lambda n, d: d[: len(d) // 2] if n == "xl/worksheets/sheet5.xml" else d)),
    ("nowb.xlsx", "corrupt-file", _zip_change(lambda n, d: None if n == "xl/workbook.xml" else d)),
    ("加密.xlsx", "encrypted", _encrypted),
    ("bomb.xlsx", "too-large", _zip_change(lambda n, d: (b'<?xml version="1.0"?><worksheet>' + b" " * (5 << 20)
                                                         + b"</worksheet>") if n == "xl/worksheets/sheet2.xml" else d)),
    ("lol.xlsx", "too-large", _zip_change(lambda n, d: _LOL if n == "xl/sharedStrings.xml" else d)),
    ("many.xlsx", "too-large", _many_entries),
    ("其他.xlsx", "unknown-template", _unrelated),
]


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return filled(tmp_path_factory.mktemp("web-clean") / "clean.xlsx")


@pytest.mark.parametrize("name,code,make", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_file_gets_its_finding_not_a_500(live: LiveServer, clean: Path, tmp_path: Path, name: str, code: str,
                                                 make: Callable[[Path, Path], Path]) -> None:
    if code == "encrypted":
        pytest.importorskip("msoffcrypto")
    data = make(clean, tmp_path / name).read_bytes()
    r = api_upload(live, "906017", name, data)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["status"] == "unreadable" and body["file"] == name
    assert [f["code"] for f in body["findings"]] == [code]


def test_status_needs_the_bureau_token(live: LiveServer) -> None:
    with client(live) as c:
        assert c.get("/api/status").status_code == 401
        assert c.get("/api/status", headers={"Authorization": "Bearer nope"}).status_code == 401
        dept_code = f"907001:{live.codes['907001']}"
        assert c.get("/api/status", headers={"Authorization": f"Bearer {dept_code}"}).status_code == 401


def test_status_rows_as_json(live: LiveServer) -> None:
    api_upload(live, "901001", "财政局.xlsx", (web_samples.SUBMISSIONS / "901001_临湘市财政局.xlsx").read_bytes())
    with client(live) as c:
        r = c.get("/api/status", params={"year": 2021}, headers={"Authorization": f"Bearer {live.token}"})
        assert r.status_code == 200
        body = r.json()
        assert body["year"] == 2021 and sum(body["counts"].values()) == len(live.codes)
        rows = {row["code"]: row for row in body["rows"]}
        assert rows["901001"]["state"] == "已通过" and rows["908001"]["state"] == "未提交"
        assert rows["901001"]["figures"]["expenditure.total"] is not None
        bad = c.get("/api/status", params={"year": "x"}, headers={"Authorization": f"Bearer {live.token}"})
        assert bad.status_code == 400


def test_api_sets_no_session_cookie(live: LiveServer) -> None:
    r = api_upload(live, "902001", "教育局.xlsx", (web_samples.SUBMISSIONS / "902001_临湘市教育局.xlsx").read_bytes())
    assert r.status_code == 201 and "set-cookie" not in r.headers
    assert isinstance(r, httpx.Response)


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_legacy_formats_are_read_in_the_worker(live: LiveServer, tmp_path: Path, fmt: str) -> None:
    """A return re-saved as .xls/.ods is read (in its own isolated child of the checker process)."""
    from lo import convert

    src = web_samples.SUBMISSIONS / "907004_临湘市统计局_尾差不算错误.xlsx"
    converted = convert(src, fmt, tmp_path)
    r = api_upload(live, "907004", converted.name, converted.read_bytes())
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["dept"]["code"] == "907004" and "legacy-format" in [f["code"] for f in body["findings"]]


def test_a_dying_worker_is_replaced_and_only_its_upload_fails(live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from selfeval_xl.web import jobs

    data = (web_samples.SUBMISSIONS / "903001_临湘市文化旅游广电局.xlsx").read_bytes()
    with monkeypatch.context() as m:
        m.setattr(jobs, "intake", web_samples.die)
        r = api_upload(live, "903001", "文旅局.xlsx", data)
    assert r.status_code == 500
    body = r.json()
    assert [f["code"] for f in body["findings"]] == ["internal-error"] and "不是文件本身的问题" in body["error"]
    assert versions(live.archive, "903001") == []
    again = api_upload(live, "903001", "文旅局.xlsx", data)
    assert again.status_code == 201 and again.json()["status"] == "pass"
