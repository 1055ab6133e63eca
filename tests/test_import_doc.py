"""A Word 97–2003 .doc on a machine without LibreOffice: the import says what the machine lacks
(`libreoffice-missing`: install LibreOffice, or save the file as .docx) and never blames the
file as `unknown-template`. LibreOffice is hidden the way the program looks it up: the
`SELFEVAL_SOFFICE` override pointing at a path that does not exist."""

from __future__ import annotations

import sqlite3
import struct
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selfeval_xl.cli import _register, app
from selfeval_xl.importer import import_report
from selfeval_xl.ledger import current_submissions
from selfeval_xl.pipeline import check_file
from selfeval_xl.render import render_batch
from selfeval_xl.render.pdf import soffice_path
from selfeval_xl.spec import default_template

ROOT = Path(__file__).resolve().parents[1]
PREVIOUS = ROOT / "samples" / "previous" / "906017_临湘市委网信办_2020.xlsx"

ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _invoke(*args: str):  # noqa: ANN202
    _register()
    return CliRunner().invoke(app, list(args))


@pytest.fixture()
def no_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SELFEVAL_SOFFICE", str(tmp_path / "没有安装" / "soffice"))
    assert soffice_path() is None


def _dir_entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
    raw = (name + "\0").encode("utf-16-le")
    return (raw.ljust(64, b"\0") + struct.pack("<HBBIII", len(raw), kind, 1, NOSTREAM, NOSTREAM, child)
            + b"\0" * 16 + struct.pack("<IQQII", 0, 0, 0, start, size) + b"\0" * 4)


def word97_container(body: bytes) -> bytes:
    """A compound file (OLE2, 512-byte sectors) holding one WordDocument stream of `body`: what
    the importer recognises as a .doc. Sector 0 is the FAT, 1 the directory, 2… the stream."""
    body = body.ljust(max(4096, -(-len(body) // 512) * 512), b"\0")  # ≥ the mini-stream cutoff
    n = len(body) // 512
    fat = [FATSECT, ENDOFCHAIN] + [2 + i + 1 for i in range(n - 1)] + [ENDOFCHAIN]
    fat += [FREESECT] * (128 - len(fat))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
              + struct.pack("<109I", 0, *[FREESECT] * 108))
    directory = (_dir_entry("Root Entry", 5, 1, ENDOFCHAIN, 0) + _dir_entry("WordDocument", 2, NOSTREAM, 2, len(body))
                 + b"\0" * 128 * 2)
    return header + struct.pack("<128I", *fat) + directory + body


def test_a_doc_without_libreoffice_is_libreoffice_missing(tmp_path: Path, no_soffice: None) -> None:
    doc = tmp_path / "报告" / "2020年自评报告.doc"
    doc.parent.mkdir()
    doc.write_bytes(word97_container(b"\xec\xa5" + b"\0" * 100))
    before = doc.read_bytes()
    res = import_report(doc, default_template())
    assert not res.readable
    assert [f.code for f in res.findings] == ["libreoffice-missing"]
    assert "需要安装 LibreOffice" in res.findings[0].message and ".docx" in res.findings[0].message
    arc = tmp_path / "arc"
    out = _invoke("import", str(doc.parent), "--archive", str(arc), "--year", "2020")
    assert out.exit_code == 1 and "需要安装 LibreOffice" in out.output and "非本模板" not in out.output
    db = sqlite3.connect(arc / "ledger.sqlite")
    assert db.execute("SELECT count(*) FROM submissions").fetchone() == (0,)  # not recorded: read again later
    db.close()
    assert doc.read_bytes() == before


@pytest.fixture()
def real_doc(tmp_path: Path) -> Path:
    """Last year's report saved as Word 97 by LibreOffice (while it is still there)."""
    from selfeval_xl.render.pdf import convert_files

    rep = render_batch([check_file(PREVIOUS)], tmp_path / "reports", now=datetime(2021, 9, 1, tzinfo=UTC))
    docx = rep.items[0].output
    made = convert_files([docx], tmp_path / "doc", "doc:MS Word 97", ".doc")
    return made.written[docx]


@pytest.mark.libreoffice
def test_the_cli_says_to_install_libreoffice_or_save_as_docx(tmp_path: Path, real_doc: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SELFEVAL_SOFFICE", str(tmp_path / "没有安装" / "soffice"))
    out = tmp_path / "out.yaml"
    res = _invoke("import", str(real_doc), "-o", str(out))
    assert res.exit_code == 1 and not out.exists()
    assert "需要安装 LibreOffice 才能读取 .doc 文件" in res.output and "另存为 .docx" in res.output
    assert "非本模板" not in res.output and "Traceback" not in res.output
    # into the ledger: the reason is printed and the file is not recorded ...
    arc = tmp_path / "arc"
    res = _invoke("import", str(real_doc.parent), "--archive", str(arc), "--year", "2020")
    assert res.exit_code == 1 and "需要安装 LibreOffice" in res.output and "未登记" in res.output
    assert current_submissions(arc, 2020) == []
    # ... so once LibreOffice is there, the same file is read and recorded (not skipped as known)
    monkeypatch.delenv("SELFEVAL_SOFFICE")
    res = _invoke("import", str(real_doc.parent), "--archive", str(arc), "--year", "2020")
    assert res.exit_code == 0, res.output
    (cur,) = current_submissions(arc, 2020)
    assert cur.format == "report-doc" and cur.dept_code == "906017"
