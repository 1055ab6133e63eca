"""The JSON report is data-model.md §4 exactly: keys, types, counts, UTF-8, atomic."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from report_samples import INJECT_NAME, batch, sub, sum_mismatch

from selfeval_xl.report import build_report, write_json

TOP_KEYS = {"tool", "version", "checked_at", "submissions", "counts"}
SUB_KEYS = {"file", "sha256", "status", "template", "dept", "year", "values", "findings"}
FINDING_KEYS = {"code", "rule", "severity", "sheet", "cell", "field", "message", "args", "explained"}
COUNT_KEYS = {"submissions", "pass", "warn", "fail", "unreadable"}


def _write(tmp_path: Path, subs) -> tuple[dict, bytes]:
    out = tmp_path / "结果.json"
    write_json(out, subs, version="9.9.9", checked_at=datetime(2026, 11, 27, 10, 0, tzinfo=UTC))
    raw = out.read_bytes()
    return json.loads(raw.decode("utf-8")), raw


def test_shape_is_data_model_section_4(tmp_path: Path) -> None:
    subs = batch()
    doc, _ = _write(tmp_path, subs)
    assert set(doc) == TOP_KEYS
    assert doc["tool"] == "selfeval-xl" and doc["version"] == "9.9.9"
    assert datetime.fromisoformat(doc["checked_at"]).tzinfo is not None
    assert len(doc["submissions"]) == len(subs)
    for entry, s in zip(doc["submissions"], subs, strict=True):
        assert set(entry) == SUB_KEYS
        assert entry["file"] == s.file
        assert entry["status"] in {"pass", "warn", "fail", "unreadable"}
        assert set(entry["template"]) == {"id", "version"} and set(entry["dept"]) == {"name", "code"}
        assert entry["year"] is None or isinstance(entry["year"], int)
        assert all(isinstance(v, (str, int)) for v in entry["values"].values())
        for f in entry["findings"]:
            assert set(f) == FINDING_KEYS
            assert f["message"] and isinstance(f["args"], dict) and isinstance(f["explained"], bool)
            assert all(isinstance(v, str) for v in f["args"].values())


def test_status_and_counts(tmp_path: Path) -> None:
    doc, _ = _write(tmp_path, batch())
    statuses = [e["status"] for e in doc["submissions"]]
    assert statuses == ["pass", "fail", "warn", "pass", "unreadable", "fail"]
    assert set(doc["counts"]) == COUNT_KEYS
    assert doc["counts"] == {"submissions": 6, "pass": 2, "warn": 1, "fail": 2, "unreadable": 1}


def test_values_and_finding_content(tmp_path: Path) -> None:
    doc, raw = _write(tmp_path, [sub("a.xlsx", sum_mismatch())])
    entry = doc["submissions"][0]
    assert entry["values"]["income.total"] == "96.00"  # amounts as strings of decimals
    assert entry["values"]["report.date"] == "2022-03-01"
    assert entry["year"] == 2021 and entry["dept"] == {"name": "临湘市委网信办", "code": "906017"}
    f = entry["findings"][0]
    assert (f["code"], f["rule"], f["sheet"], f["cell"]) == ("sum-mismatch", "expenditure-total", "支出", "B6")
    assert f["args"]["difference"] == "1.00"
    assert "临湘市委网信办".encode() in raw  # ensure_ascii=False: readable Chinese
    assert b"\\u" not in raw


def test_empty_batch_and_hostile_text(tmp_path: Path) -> None:
    doc, _ = _write(tmp_path, [])
    assert doc["submissions"] == [] and doc["counts"]["submissions"] == 0
    doc, _ = _write(tmp_path, [sub('a"\n\\.xlsx', name=INJECT_NAME)])
    assert doc["submissions"][0]["file"] == 'a"\n\\.xlsx'
    assert doc["submissions"][0]["dept"]["name"] == INJECT_NAME


def test_streamed_file_equals_in_memory_report(tmp_path: Path) -> None:
    subs = batch()
    doc, _ = _write(tmp_path, subs)
    assert doc == build_report(subs, version="9.9.9", checked_at=doc["checked_at"])


def test_atomic_replace_leaves_no_temp_files(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    out.write_text("old", encoding="utf-8")
    write_json(out, batch(), version="1", checked_at="2026-11-27T10:00:00+00:00")
    assert json.loads(out.read_text(encoding="utf-8"))["counts"]["submissions"] == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_written_with_ordinary_permissions(tmp_path: Path) -> None:
    import os
    import stat

    out = tmp_path / "r.json"
    write_json(out, [], version="1", checked_at="2026-11-27T10:00:00+00:00")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask


def test_spool_gives_the_same_report_with_the_final_findings(tmp_path: Path) -> None:
    from report_samples import phone_warning

    from selfeval_xl.pipeline import slim
    from selfeval_xl.report import JsonSpool

    full = batch()
    spool = JsonSpool()
    kept = [slim(spool.add(s)) for s in full]
    # a batch rule adds a finding after the entries were spooled
    kept[0].findings.append(phone_warning())
    full[0].findings.append(phone_warning())
    when = "2026-11-27T10:00:00+00:00"
    spool.write(tmp_path / "a.json", kept, version="1", checked_at=when)
    write_json(tmp_path / "b.json", full, version="1", checked_at=when)
    a = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert a == json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert a["submissions"][0]["status"] == "warn" and a["submissions"][0]["values"]["income.total"] == "96.00"
    assert kept[0].values.keys() <= {"dept.name", "dept.code", "report.year", "report.date"}


def test_spool_refuses_a_different_batch(tmp_path: Path) -> None:
    import pytest

    from selfeval_xl.report import JsonSpool

    spool = JsonSpool()
    spool.add(sub("a.xlsx"))
    with pytest.raises(ValueError):
        spool.write(tmp_path / "x.json", [], version="1", checked_at="t")
    with pytest.raises(ValueError):
        spool.write(tmp_path / "x.json", [sub("b.xlsx")], version="1", checked_at="t")
    assert not (tmp_path / "x.json").exists()
