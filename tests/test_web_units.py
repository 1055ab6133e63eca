"""The web intake's small parts on their own: secret hashing, throttling, download names,
the credentials store and the access-codes command."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from selfeval_xl.cli import _register, app
from selfeval_xl.roster import read_roster
from selfeval_xl.web import credentials, passwords
from selfeval_xl.web.downloads import disposition
from selfeval_xl.web.ratelimit import Limiter, LoginThrottle
from selfeval_xl.web.uploads import original_name

ROSTER = Path(__file__).resolve().parents[1] / "samples" / "roster.xlsx"
_register()  # the commands add themselves to `app` (as main() does)


def test_hash_is_salted_and_verifies_only_the_secret() -> None:
    a, b = passwords.hash_secret("口令-123"), passwords.hash_secret("口令-123")
    assert a != b and a.startswith("scrypt$") and "口令" not in a
    assert passwords.verify_secret("口令-123", a) and passwords.verify_secret("口令-123", b)
    assert not passwords.verify_secret("口令-124", a)
    assert not passwords.verify_secret("x", None) and not passwords.verify_secret("x", "garbage")
    assert not passwords.verify_secret("x", "md5$1$2$3$4$5")


def test_codes_are_readable_and_compared_loosely() -> None:
    code = passwords.new_code()
    assert len(code) == 14 and code.count("-") == 2
    assert not set(code.replace("-", "")) & set("01OIL")
    assert passwords.normalize_code(f" {code.lower().replace('-', ' ')} ") == code.replace("-", "")


def test_limiter_locks_after_the_limit_and_forgets_after_the_window() -> None:
    now = [1000.0]
    lim = Limiter(3, 60, clock=lambda: now[0])
    for _ in range(3):
        assert lim.retry_after("k") == 0
        lim.failed("k")
    wait = lim.retry_after("k")
    assert 0 < wait <= 61
    assert lim.retry_after("other") == 0
    now[0] += 61
    assert lim.retry_after("k") == 0


def test_throttle_success_clears_the_code_not_the_address() -> None:
    t = LoginThrottle(2, 3, 60)
    t.failed("dept:1", "10.0.0.1")
    t.failed("dept:1", "10.0.0.1")
    assert t.retry_after("dept:1", "10.0.0.2") > 0
    t.succeeded("dept:1")
    assert t.retry_after("dept:1", "10.0.0.2") == 0
    t.failed("dept:2", "10.0.0.1")
    assert t.retry_after("dept:3", "10.0.0.1") > 0  # the address reached 3


@pytest.mark.parametrize("name,fallback", [
    ("907001_临湘市民政局_2021.xlsx", "907001_2021.xlsx"),
    ('a"b\r\nSet-Cookie: x=1.xlsx', "a_b_Set-Cookie_x_1.xlsx"),
    ("../../etc/passwd", "passwd"),
    ("全中文.xlsx", "download.xlsx"),
])
def test_content_disposition_is_an_attachment_with_safe_names(name: str, fallback: str) -> None:
    cd = disposition(name)
    assert cd.startswith("attachment; ") and "\r" not in cd and "\n" not in cd
    assert f'filename="{fallback}"' in cd
    star = cd.split("filename*=UTF-8''")[1]
    assert all(ch.isascii() and ch not in ' ";\\' for ch in star)


def test_uploaded_names_lose_their_folders() -> None:
    assert original_name("C:\\Users\\张三\\桌面\\报表.xlsx") == "报表.xlsx"
    assert original_name("../../x.xlsx") == "x.xlsx"
    assert original_name("") == "upload.xlsx"
    assert original_name("a<b>:c.xlsx") == "a_b__c.xlsx"


def test_credentials_store_only_hashes(tmp_path: Path) -> None:
    issued = credentials.issue_codes(tmp_path, [("907001", "临湘市民政局"), (" ab12 ", "x")])
    token = credentials.issue_token(tmp_path)
    credentials.set_admin_password(tmp_path, "管理密码-1")
    raw = credentials.path_of(tmp_path).read_bytes()
    for _c, _n, secret in issued:
        assert secret.encode() not in raw and passwords.normalize_code(secret).encode() not in raw
    assert token.encode() not in raw and "管理密码-1".encode() not in raw
    assert credentials.path_of(tmp_path).stat().st_mode & 0o077 == 0
    row = credentials.code_row(tmp_path, "AB12")
    assert row is not None and passwords.verify_secret(passwords.normalize_code(issued[1][2]), row.hash)
    assert credentials.session_key(tmp_path) == credentials.session_key(tmp_path)
    with sqlite3.connect(credentials.path_of(tmp_path)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM tokens").fetchone()[0] == 1


def test_access_codes_command_writes_the_sheet_and_renews_one(tmp_path: Path) -> None:
    out = tmp_path / "登录码.xlsx"
    runner = CliRunner()
    r = runner.invoke(app, ["access-codes", "--roster", str(ROSTER), "-a", str(tmp_path / "库"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0] == ("预算编码", "部门名称", "登录码")
    roster = read_roster(ROSTER).entries
    codes = {r[0]: r[2] for r in rows[1:1 + len(roster)]}
    assert set(codes) == {e.code for e in roster} and all(codes.values())
    row = credentials.code_row(tmp_path / "库", "907001")
    assert row is not None and passwords.verify_secret(passwords.normalize_code(codes["907001"]), row.hash)

    again = tmp_path / "新登录码.xlsx"
    r = runner.invoke(app, ["access-codes", "-r", str(ROSTER), "-a", str(tmp_path / "库"), "-d", "907001", "-o", str(again)])
    assert r.exit_code == 0, r.output
    (new,) = [r for r in openpyxl.load_workbook(again).active.iter_rows(min_row=2, values_only=True) if r[0] == "907001"]
    row = credentials.code_row(tmp_path / "库", "907001")
    assert not passwords.verify_secret(passwords.normalize_code(codes["907001"]), row.hash)
    assert passwords.verify_secret(passwords.normalize_code(new[2]), row.hash)
    other = credentials.code_row(tmp_path / "库", "901001")
    assert passwords.verify_secret(passwords.normalize_code(codes["901001"]), other.hash)


def test_access_codes_usage_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["access-codes", "-a", str(tmp_path)]).exit_code == 2
    r = runner.invoke(app, ["access-codes", "-r", str(ROSTER), "-a", str(tmp_path), "-o", str(ROSTER)])
    assert r.exit_code == 2
    r = runner.invoke(app, ["access-codes", "-r", str(ROSTER), "-a", str(tmp_path), "-d", "123", "-o",
                            str(tmp_path / "x.xlsx")])
    assert r.exit_code == 2 and "123" in r.output


def test_bureau_token_is_shown_once_and_stored_hashed(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["access-codes", "--bureau", "-a", str(tmp_path)])
    assert r.exit_code == 0
    token = r.output.strip().splitlines()[-1]
    (h,) = credentials.token_hashes(tmp_path)
    assert passwords.verify_secret(token, h) and token not in h
    r = CliRunner().invoke(app, ["access-codes", "--revoke-tokens", "-a", str(tmp_path)])
    assert r.exit_code == 0 and credentials.token_hashes(tmp_path) == []
