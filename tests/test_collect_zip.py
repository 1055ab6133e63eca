"""`collect` takes returns that arrive zipped: each workbook member is archived as it is (its own
bytes, its own sha256) and recorded with the place it came from; what cannot be taken out is
listed, and the run says so with exit code 1 (issue 8: never lose or skip a file)."""

from __future__ import annotations

import hashlib
import io
import sqlite3
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selfeval_xl.cli import _register, app

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "submissions"
FINANCE = SAMPLES / "901001_临湘市财政局.xlsx"
EDUCATION = SAMPLES / "902001_临湘市教育局.xlsx"


def _invoke(*args: str, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN202
    monkeypatch.setenv("COLUMNS", "250")
    _register()
    return CliRunner().invoke(app, list(args))


def _bundle(path: Path) -> Path:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("教育局/" + EDUCATION.name, EDUCATION.read_bytes())
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(FINANCE.name, FINANCE.read_bytes())
        z.writestr("内层.zip", inner.getvalue())
        z.writestr("说明.pdf", b"%PDF-1.7\n%%EOF\n")
    return path


def test_zip_members_are_archived_as_they_are(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    bundle = _bundle(inbox / "报表.zip")
    before = hashlib.sha256(bundle.read_bytes()).hexdigest()
    arc = tmp_path / "报送库"
    r = _invoke("collect", str(inbox), "--archive", str(arc), "--year", "2021", monkeypatch=monkeypatch)
    assert r.exit_code == 1, r.output  # the pdf is listed, not silently skipped
    assert "报表.zip!" + FINANCE.name in r.output and "说明.pdf" in r.output
    assert hashlib.sha256(bundle.read_bytes()).hexdigest() == before  # the input is never modified
    with sqlite3.connect(arc / "ledger.sqlite") as conn:
        rows = conn.execute("SELECT sha256, object, original_name, source_path FROM submissions").fetchall()
    by_name = {name: (sha, obj, src) for sha, obj, name, src in rows}
    assert set(by_name) == {FINANCE.name, EDUCATION.name}
    for sample in (FINANCE, EDUCATION):
        sha, obj, src = by_name[sample.name]
        assert sha == hashlib.sha256(sample.read_bytes()).hexdigest()
        assert (arc / obj).read_bytes() == sample.read_bytes()  # the member's own bytes
        assert src.startswith(str(bundle)) and src.endswith(sample.name) and "!" in src
    assert "内层.zip!教育局/" + EDUCATION.name in by_name[EDUCATION.name][2]
    again = _invoke("collect", str(inbox), "--archive", str(arc), monkeypatch=monkeypatch)
    assert "已登记，跳过" in again.output and again.output.count("新登记 0 个") == 1
    st = _invoke("status", "--archive", str(arc), "--roster", str(ROOT / "samples" / "roster.xlsx"),
                 monkeypatch=monkeypatch)
    assert "临湘市财政局" in st.output and "临湘市教育局" in st.output
