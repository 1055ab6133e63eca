"""Every file in an inbox is accounted for: spreadsheets read, .zip members checked one by one
(GBK names decoded, within the zip-bomb limits, nested once), anything else listed as
`unsupported-file`; only lock files, hidden files and system files are left out."""

from __future__ import annotations

import io
import json
import shutil
import struct
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selfeval_xl.cli import _register, app
from selfeval_xl.inbox.discover import Source, expand_inputs
from selfeval_xl.pipeline import check_paths

_register()
SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "submissions"
GOOD = SAMPLES / "906017_临湘市委网信办.xlsx"
BAD = SAMPLES / "907001_临湘市民政局_支出合计不符.xlsx"
GBK_NAME = "报表.xlsx"


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def gbk_zip(data: bytes) -> bytes:
    """A zip as Chinese Windows writes it: the member name in GBK bytes, UTF-8 flag unset."""
    raw = GBK_NAME.encode("gbk")
    placeholder = "X" * (len(raw) - len(".xlsx")) + ".xlsx"
    blob = _zip({placeholder: data})
    assert blob.count(placeholder.encode()) == 2  # local header and central directory
    return blob.replace(placeholder.encode(), raw)


def _run(*args: str):  # noqa: ANN202
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    box = tmp_path / "收件箱"
    (box / "子文件夹").mkdir(parents=True)
    shutil.copy(GOOD, box / "906017.xlsx")
    (box / "邮件附件.zip").write_bytes(gbk_zip(GOOD.read_bytes()))
    (box / "打包.zip").write_bytes(_zip({"二/907001.xlsx": BAD.read_bytes(), "说明.pdf": b"%PDF-1.4 x",
                                        "内层.zip": _zip({"深/906017.xlsx": GOOD.read_bytes(),
                                                          "更深.zip": _zip({"x.xlsx": GOOD.read_bytes()})}),
                                        "坏的内层.zip": b"PK\x03\x04 truncated",
                                        "__MACOSX/._x.xlsx": b"junk", "~$锁.xlsx": b"lock"}))
    for name, data in {"盖章版.pdf": b"%PDF-1.7\n", "子文件夹/说明.docx": _zip({"word/document.xml": b"<w/>"}),
                       "数据.csv": "预算编码,部门\n906017,网信办\n".encode(), "照片.PNG": b"\x89PNG\r\n",
                       "无扩展名": b"?", "wps表格.et": b"not really a workbook", "空.zip": _zip({}),
                       "坏.zip": b"PK\x03\x04 truncated", "~$906017.xlsx": b"lock", ".隐藏.xlsx": b"hidden",
                       "Thumbs.db": b"thumbs"}.items():
        (box / name).write_bytes(data)
    return box


EXPECTED = {
    "906017.xlsx": ("ok", None),
    "邮件附件.zip!" + GBK_NAME: ("ok", None),
    "打包.zip!二/907001.xlsx": ("fail", "sum-mismatch"),
    "打包.zip!说明.pdf": ("unreadable", "unsupported-file"),
    "打包.zip!内层.zip!深/906017.xlsx": ("ok", None),
    "打包.zip!内层.zip!更深.zip": ("unreadable", "unsupported-file"),
    "打包.zip!坏的内层.zip": ("unreadable", "corrupt-file"),
    "盖章版.pdf": ("unreadable", "unsupported-file"),
    "子文件夹/说明.docx": ("unreadable", "unsupported-file"),
    "数据.csv": ("unreadable", "unsupported-file"),
    "照片.PNG": ("unreadable", "unsupported-file"),
    "无扩展名": ("unreadable", "unsupported-file"),
    "wps表格.et": ("unreadable", "not-a-workbook"),  # an .et is read as a spreadsheet (by its content)
    "空.zip": ("unreadable", "unsupported-file"),
    "坏.zip": ("unreadable", "corrupt-file"),
}


def test_every_file_in_the_inbox_is_in_the_results(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "结果.json"
    r = _run("check", str(inbox), "--json", str(out))
    assert r.exit_code == 1, r.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    by_name = {s["file"].removeprefix(str(inbox) + "/"): s for s in doc["submissions"]}
    assert set(by_name) == set(EXPECTED), sorted(by_name)
    for name, (status, code) in EXPECTED.items():
        s = by_name[name]
        codes_found = [f["code"] for f in s["findings"]]
        if status == "ok":
            assert s["status"] in ("pass", "warn") and s["dept"]["code"] == "906017", (name, codes_found)
        else:
            assert s["status"] == status and code in codes_found, (name, s["status"], codes_found)
    # the department's code and values were read from inside the archives
    assert by_name["打包.zip!二/907001.xlsx"]["values"]["expenditure.total"] == "96"
    # what to ask the department for
    msg = next(f["message"] for f in by_name["盖章版.pdf"]["findings"])
    assert "PDF" in msg and ".xlsx" in msg and "请" in msg


def test_the_same_return_inside_and_outside_an_archive_is_a_duplicate(inbox: Path) -> None:
    subs = check_paths(expand_inputs([inbox])[0], progress=False)
    dups = [s.file for s in subs if any(f.code == "duplicate-submission" for f in s.findings)]
    assert len(dups) == 3  # 906017 loose, in 邮件附件.zip and in 内层.zip


def test_lock_hidden_and_system_files_are_left_out(inbox: Path) -> None:
    names = {Path(s.path).name for s in expand_inputs([inbox])[0]}
    assert not names & {"~$906017.xlsx", ".隐藏.xlsx", "Thumbs.db"}


def test_gbk_member_names_are_decoded() -> None:
    from selfeval_xl.inbox.members import decoded_name

    zf = zipfile.ZipFile(io.BytesIO(gbk_zip(b"x")))
    (info,) = zf.infolist()
    assert not info.flag_bits & 0x800 and info.filename != GBK_NAME  # zipfile alone shows cp437 garbage
    assert decoded_name(info) == GBK_NAME


def _lying_zip(real: bytes, declared: int) -> bytes:
    """A zip whose one entry declares `declared` bytes but inflates to len(real)."""
    blob = bytearray(_zip({"m.xlsx": real}))
    size = struct.pack("<I", len(real))
    for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        i = blob.find(sig)
        assert blob[i + off:i + off + 4] == size
        blob[i + off:i + off + 4] = struct.pack("<I", declared)
    return bytes(blob)


@pytest.mark.parametrize(("blob", "code"), [
    (_lying_zip(b"\0" * (1 << 20), 1000), "corrupt-file"),  # inflates beyond what it declares
    (_lying_zip(b"\0" * 1000, 60 << 20), "too-large"),  # declares more than a workbook may be
])
def test_archive_members_are_bounded_by_their_real_size(tmp_path: Path, blob: bytes, code: str) -> None:
    p = tmp_path / "a.zip"
    p.write_bytes(blob)
    (sub,) = check_paths(expand_inputs([p])[0], progress=False)
    assert sub.file == f"{p}!m.xlsx" and [f.code for f in sub.findings] == [code]


def test_an_encrypted_member_is_encrypted(tmp_path: Path) -> None:
    blob = bytearray(_zip({"m.xlsx": GOOD.read_bytes()}))
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = blob.find(sig)
        blob[i + off] |= 1
    p = tmp_path / "a.zip"
    p.write_bytes(bytes(blob))
    (sub,) = check_paths(expand_inputs([p])[0], progress=False)
    assert [f.code for f in sub.findings] == ["encrypted"]


def test_sources_behave_as_their_disk_path(tmp_path: Path) -> None:
    s = Source(str(tmp_path / "a.zip"), ("b.xlsx",))
    assert Path(s) == tmp_path / "a.zip" and str(s) == f"{tmp_path / 'a.zip'}!b.xlsx" and s.kind == "sheet"


@pytest.mark.libreoffice
def test_wps_et_files_are_read_by_their_content(tmp_path: Path) -> None:
    """WPS 表格 saves .et/.ett as an OLE2 BIFF8 workbook (a Workbook stream): read as such."""
    import lo

    xls = lo.convert(BAD, "xls", tmp_path / "lo")
    box = tmp_path / "收件箱"
    box.mkdir()
    for suffix in (".et", ".ett"):
        shutil.copy(xls, box / f"907001{suffix}")
    subs = check_paths(expand_inputs([box])[0], progress=False)
    assert len(subs) == 2
    for s in subs:
        found = [f.code for f in s.findings]
        assert s.readable and s.status == "fail" and "sum-mismatch" in found, (s.file, found)
        assert s.values["dept.code"] == "907001"
