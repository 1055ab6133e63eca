"""The web intake in a real browser (Debian's Chromium via Playwright) over real HTTP on loopback.

A department logs in, uploads a faulty return with the file picker, sees the finding with its
cell, downloads the annotated copy, drops the corrected file on the page (drag-and-drop), sees
通过; the bureau, logged in beside it, sees that department flip from 未通过 to 已通过.
Screenshots of the result page and the bureau page are saved (to $SELFEVAL_WEB_SCREENSHOTS when
set — scripts/web_screenshots.py uses that for docs/ — else to the test's tmp folder)."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import web_samples
from browser import ARGS, executable
from web_server import ADMIN_PASSWORD, LiveServer, running

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running(tmp_path_factory.mktemp("web-browser") / "报送库") as server:
        yield server


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable(), args=ARGS)
        try:
            yield b
        finally:
            b.close()


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SELFEVAL_WEB_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _drop_file(page, selector: str, path: Path) -> None:  # noqa: ANN001
    """Drag-and-drop as a user does it: a DataTransfer holding the file, dropped on the zone."""
    page.evaluate(
        """([selector, name, b64]) => {
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], name));
            const zone = document.querySelector(selector);
            zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: dt, bubbles: true, cancelable: true}));
            zone.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
        }""", [selector, path.name, base64.b64encode(path.read_bytes()).decode()])


def _state_of(page, code: str) -> str:  # noqa: ANN001
    page.reload()
    return page.inner_text(f'#status-table tr[data-code="{code}"] .state')


def test_department_fixes_its_return_and_the_bureau_sees_it(live: LiveServer, chromium, tmp_path: Path) -> None:  # noqa: ANN001
    shots = _shots(tmp_path)
    problems: list[str] = []
    dept_ctx = chromium.new_context(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True)
    bureau_ctx = chromium.new_context(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True)
    try:
        dept = dept_ctx.new_page()
        dept.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        dept.on("pageerror", lambda e: problems.append(str(e)))
        dept.goto(live.url + "/")
        assert dept.url.endswith("/login")
        dept.fill('input[name="dept_code"]', "907001")
        dept.fill('input[name="access_code"]', live.codes["907001"])
        dept.click('button[type="submit"]')
        dept.wait_for_url("**/dept")
        assert "临湘市民政局" in dept.inner_text("h1")

        dept.set_input_files("#file", str(web_samples.FAULTY))
        assert web_samples.FAULTY.name in dept.inner_text("#chosen")
        dept.click("#send")
        dept.wait_for_url("**/dept/files/*")
        assert dept.inner_text("#verdict") == "未通过"
        table = dept.inner_text("table.findings")
        assert web_samples.FAULTY_CELL in table and "支出合计 96.00" in table
        dept.screenshot(path=str(shots / "web-dept-result.png"), full_page=True)

        with dept.expect_download() as dl:
            dept.click("#annotated")
        copy = tmp_path / dl.value.suggested_filename
        dl.value.save_as(copy)
        assert copy.name.endswith("_审核意见.xlsx")
        wb = openpyxl.load_workbook(copy)
        assert wb.sheetnames[0] == "审核意见" and wb["收支情况"]["B11"].fill.fgColor.rgb.endswith("FF9999")

        bureau = bureau_ctx.new_page()
        bureau.goto(live.url + "/bureau/login")
        bureau.fill('input[name="password"]', ADMIN_PASSWORD)
        bureau.click('button[type="submit"]')
        bureau.wait_for_url("**/bureau")
        assert _state_of(bureau, "907001") == "未通过"

        fixed = web_samples.corrected(tmp_path / "907001_临湘市民政局_修改后.xlsx")
        dept.goto(live.url + "/dept")
        _drop_file(dept, "#drop", fixed)
        assert fixed.name in dept.inner_text("#chosen")
        dept.click("#send")
        dept.wait_for_url("**/dept/files/*")
        assert dept.inner_text("#verdict") == "通过"
        assert "审核通过，报送完成" in dept.inner_text("main")
        history = dept.inner_text("#history")
        assert history.count("当前有效版本") == 1 and fixed.name in history and web_samples.FAULTY.name in history
        dept.screenshot(path=str(shots / "web-dept-passed.png"), full_page=True)

        assert _state_of(bureau, "907001") == "已通过"
        bureau.screenshot(path=str(shots / "web-bureau-status.png"), full_page=True)
    finally:
        dept_ctx.close()
        bureau_ctx.close()
    assert not problems, problems  # no script errors, no Content-Security-Policy violations
    for name in ("web-dept-result.png", "web-dept-passed.png", "web-bureau-status.png"):
        assert (shots / name).read_bytes().startswith(b"\x89PNG")


def test_login_page_works_without_javascript(live: LiveServer, chromium) -> None:  # noqa: ANN001
    ctx = chromium.new_context(java_script_enabled=False, viewport=VIEWPORT)
    try:
        page = ctx.new_page()
        page.goto(live.url + "/login")
        page.fill('input[name="dept_code"]', "901001")
        page.fill('input[name="access_code"]', live.codes["901001"])
        page.click('button[type="submit"]')
        page.wait_for_url("**/dept")
        page.set_input_files("#file", str(web_samples.SUBMISSIONS / "901001_临湘市财政局.xlsx"))
        page.click("#send")
        page.wait_for_url("**/dept/files/*")
        assert page.inner_text("#verdict") == "通过"
    finally:
        ctx.close()
