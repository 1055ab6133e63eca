"""The web intake's pages over real HTTP on loopback: a department logs in, uploads, sees its
findings and history, downloads its template and the annotated copy; the bureau sees status,
versions, archived files, the summary and the reports."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import web_samples
from web_client import bureau_client, client, csrf_of, dept_client, login, result_path, text_of, upload
from web_server import LiveServer, running

from selfeval_xl.ledger.lookup import versions
from selfeval_xl.pipeline import check_file


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running(tmp_path_factory.mktemp("web-pages") / "报送库") as server:
        yield server


def test_login_page_is_chinese_and_sets_a_strict_session_cookie(live: LiveServer) -> None:
    with client(live) as c:
        r = c.get("/")
        assert r.status_code == 303 and r.headers["location"] == "/login"
        page = c.get("/login")
        assert "部门登录" in page.text and "预算编码" in page.text and "登录码" in page.text
        cookie = page.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "max-age=" in cookie


def test_wrong_code_is_refused_without_saying_which_part_was_wrong(live: LiveServer) -> None:
    with client(live) as c:
        r = login(c, "901001", "AAAA-BBBB-CCCC")
        assert r.status_code == 401
        assert "预算编码或登录码不正确" in text_of(r.text)
        r = login(c, "999999", live.codes["901001"])  # not on the roster
        assert r.status_code == 401
        assert c.get("/dept").status_code == 303  # still not logged in


def test_code_is_accepted_in_any_case_and_with_spaces(live: LiveServer) -> None:
    with client(live) as c:
        r = login(c, " 904001 ", " " + live.codes["904001"].lower().replace("-", " ") + " ")
        assert r.status_code == 303 and r.headers["location"] == "/dept"


def test_personal_template_download(live: LiveServer) -> None:
    with dept_client(live, "903001") as c:
        r = c.get("/dept/template")
        assert r.status_code == 200
        cd = r.headers["content-disposition"]
        assert cd.startswith("attachment;") and "filename*=UTF-8''903001_" in cd
        wb = openpyxl.load_workbook(io.BytesIO(r.content))
        names = {n: wb.defined_names[n].attr_text for n in ("dept.code", "report.year") if n in wb.defined_names}
        assert names, "the template has its defined names"
        sheet, ref = wb.defined_names["dept.code"].attr_text.split("!")
        assert wb[sheet.strip("'")][ref.replace("$", "")].value == "903001"


def test_faulty_upload_shows_the_finding_with_its_cell_then_the_fix_passes(live: LiveServer, tmp_path: Path) -> None:
    with dept_client(live, "907001") as c:
        r = upload(c, web_samples.FAULTY.name, web_samples.FAULTY.read_bytes())
        assert r.status_code == 303 and r.headers["location"].startswith("/dept/files/")
        first = result_path(r)
        page = text_of(c.get(first).text)
        assert "未通过" in page and web_samples.FAULTY_CELL in page and "支出合计 96.00" in page
        assert "当前有效版本" in page

        copy = c.get(first + "/annotated")
        assert copy.status_code == 200 and copy.headers["content-disposition"].startswith("attachment;")
        wb = openpyxl.load_workbook(io.BytesIO(copy.content))
        assert wb.sheetnames[0] == "审核意见"
        assert wb["收支情况"]["B11"].fill.fgColor.rgb.endswith("FF9999")

        fixed = web_samples.corrected(tmp_path / "907001_临湘市民政局_已改.xlsx")
        r = upload(c, fixed.name, fixed.read_bytes())
        assert r.status_code == 303
        page = text_of(c.get(r.headers["location"]).text)
        assert "通过" in page and "未通过 907001" not in page and "审核通过，报送完成" in page
        home = c.get("/dept").text
        assert home.count("当前有效版本") == 1 and "已被新版本替代" in home
    recorded = versions(live.archive, "907001", 2021)
    assert [v.is_current for v in recorded] == [True, False]
    assert recorded[0].submission.status == "pass" and recorded[1].submission.status == "fail"


def test_same_file_again_is_not_recorded_twice(live: LiveServer) -> None:
    data = (web_samples.SUBMISSIONS / "904001_临湘市档案馆.xlsx").read_bytes()
    with dept_client(live, "904001") as c:
        a = upload(c, "a.xlsx", data).headers["location"]
        b = upload(c, "b.xlsx", data).headers["location"]
        assert "已收到并登记" in text_of(c.get(a).text)
        assert "此前已上传过" in text_of(c.get(b).text)
    assert a.split("?")[0] == b.split("?")[0] and b.endswith("?upload=known")
    assert len(versions(live.archive, "904001", 2021)) == 1


def test_other_departments_return_is_refused_naming_both(live: LiveServer) -> None:
    other = web_samples.SUBMISSIONS / "907002_临湘市司法局_等次与得分不符.xlsx"
    with dept_client(live, "907003") as c:
        r = upload(c, other.name, other.read_bytes())
        assert r.status_code == 303 and r.headers["location"].startswith("/dept/attempts/")
        page = text_of(c.get(r.headers["location"]).text)
    assert "907002" in page and "临湘市司法局" in page and "907003" in page and "临湘市审计局" in page
    assert "未登记" in page
    assert versions(live.archive, "907002", 2021) == [] and versions(live.archive, "907003", 2021) == []


def test_unreadable_upload_shows_its_finding_and_is_not_recorded(live: LiveServer) -> None:
    with dept_client(live, "907006") as c:
        r = upload(c, "报表.xlsx", "预算编码,部门名称\n907006,住建局\n".encode("gbk"))
        page = text_of(c.get(r.headers["location"]).text)
    assert "无法读取" in page and "不是 Excel/WPS 工作簿" in page and "文本文件" in page
    assert versions(live.archive, "907006", 2021) == []


def test_another_departments_file_id_is_not_found(live: LiveServer) -> None:
    data = (web_samples.SUBMISSIONS / "907005_临湘市人力资源和社会保障局_超编已说明.xlsx").read_bytes()
    with dept_client(live, "907005") as owner:
        mine = result_path(upload(owner, "人社局.xlsx", data))
        token = result_path(upload(owner, "x.xlsx", b"not a workbook"))
        assert owner.get(mine).status_code == 200 and owner.get(token).status_code == 200
    with dept_client(live, "907004") as other:
        for path in (mine, mine + "/annotated", token):
            r = other.get(path)
            assert r.status_code == 404 and "人社局" not in r.text and "907005" not in r.text
        assert "907005" not in other.get("/dept").text


def test_bureau_sees_status_versions_files_and_downloads(live: LiveServer) -> None:
    data = (web_samples.SUBMISSIONS / "901001_临湘市财政局.xlsx").read_bytes()
    with dept_client(live, "901001") as c:
        upload(c, "901001_临湘市财政局.xlsx", data)
    with bureau_client(live) as b:
        page = b.get("/bureau")
        assert page.status_code == 200
        text = text_of(page.text)
        assert "报送情况" in text and "催报名单" in text and "临湘市林业局" in text
        passed = text_of(b.get("/bureau", params={"state": "已通过"}).text).split("催报名单（")[0]
        assert "临湘市财政局" in passed and "临湘市林业局" not in passed
        missing = text_of(b.get("/bureau", params={"state": "未提交"}).text).split("催报名单（")[0]
        assert "临湘市林业局" in missing and "901001" not in missing

        dept = b.get("/bureau/depts/901001")
        assert dept.status_code == 200 and "当前有效版本" in dept.text
        file_link = dept.text.split('href="/bureau/files/')[1].split('"')[0]
        original = b.get(f"/bureau/files/{file_link}")
        assert original.status_code == 200 and original.content == data
        assert original.headers["content-disposition"].startswith("attachment;")

        status = b.get("/bureau/status.xlsx")
        assert status.headers["content-disposition"].startswith("attachment;")
        ws = openpyxl.load_workbook(io.BytesIO(status.content)).active
        assert any("临湘市财政局" in str(c.value) for row in ws.iter_rows() for c in row)
        summary = b.get("/bureau/summary.xlsx")
        assert summary.status_code == 200
        assert "总览" in openpyxl.load_workbook(io.BytesIO(summary.content)).sheetnames
        report = json.loads(b.get("/bureau/report.json").content)
        files = [s["file"] for s in report["submissions"]]
        assert "901001_临湘市财政局.xlsx" in files and all("/" not in f for f in files)
        xlsx = b.get("/bureau/report.xlsx")
        assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).sheetnames


def test_pages_of_one_role_refuse_the_other(live: LiveServer) -> None:
    with dept_client(live, "902001") as c:
        assert c.get("/bureau").status_code == 303
        assert c.get("/bureau/summary.xlsx").status_code == 303
    with bureau_client(live) as b:
        assert b.get("/dept").status_code == 303


def test_logout_ends_the_session(live: LiveServer) -> None:
    with dept_client(live, "902001") as c:
        token = csrf_of(c.get("/dept").text)
        assert c.post("/logout", data={"csrf": token}).status_code == 303
        assert c.get("/dept").status_code == 303


def test_checker_agrees_with_the_page(live: LiveServer) -> None:
    """The page shows what `check` finds for the same file (same engine)."""
    sub = check_file(web_samples.SUBMISSIONS / "907007_临湘市水利局_指标得分合计不符.xlsx")
    with dept_client(live, "907007") as c:
        r = upload(c, "水利局.xlsx", (web_samples.SUBMISSIONS / "907007_临湘市水利局_指标得分合计不符.xlsx").read_bytes())
        page = text_of(c.get(r.headers["location"]).text)
    for f in sub.findings:
        assert f.message in page
        if f.sheet and f.cell:
            assert f"{f.sheet}!{f.cell}" in page


def test_a_bug_becomes_a_chinese_500_page_without_traceback(live: LiveServer, monkeypatch: pytest.MonkeyPatch,
                                                             capfd: pytest.CaptureFixture[str]) -> None:
    from selfeval_xl.web import dept_routes

    def broken(*_args: object, **_kw: object) -> None:
        raise RuntimeError("boom")

    with dept_client(live, "902001") as c:
        monkeypatch.setattr(dept_routes, "versions", broken)
        r = c.get("/dept")
    assert r.status_code == 500
    assert "服务器内部错误" in text_of(r.text)
    assert "Traceback" not in r.text and "boom" not in r.text and "RuntimeError" not in r.text
    err = capfd.readouterr().err
    assert "网页报送内部错误" in err and "Traceback" not in err


def test_session_expires_after_its_absolute_lifetime(tmp_path: Path) -> None:
    with running(tmp_path / "报送库", session_absolute_minutes=0) as short:
        with client(short) as c:
            r = login(c, "901001", short.codes["901001"])
            assert r.status_code == 303
            assert c.get("/dept").status_code == 303  # the login is already too old
