"""CSV (UTF-8 with BOM, exact decimal text), Parquet (decimal128 round trip) and JSON outputs."""

from __future__ import annotations

import builtins
import csv
import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from summary_subs import COUNTED_FILES, INJECT_HYPERLINK, INJECT_PLUS, batch

from selfeval_xl.api import from_submissions
from selfeval_xl.summary import ParquetUnavailable, write_csv, write_json, write_parquet
from selfeval_xl.summary.frame import FRAMES


@pytest.fixture(scope="module")
def c():  # noqa: ANN201
    return from_submissions(batch())


def test_csv_one_file_per_table_with_bom_and_chinese(tmp_path: Path, c) -> None:  # noqa: ANN001
    paths = write_csv(tmp_path, c)
    assert sorted(p.name for p in paths) == sorted(p.name for p in tmp_path.iterdir())
    assert len(paths) == len(FRAMES)
    ov = tmp_path / "总览.csv"
    raw = ov.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["预算编码", "部门名称", "年度"]
    assert any(r[1] == "临湘市委网信办" for r in rows[1:])
    df = pd.read_csv(ov, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert set(df.loc[df["计入汇总"] == "是", "文件"]) == COUNTED_FILES


def test_csv_amounts_are_plain_exact_decimal_text(tmp_path: Path, c) -> None:  # noqa: ANN001
    write_csv(tmp_path, c)
    df = pd.read_csv(tmp_path / "支出和结余.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    want = {f: str(v) for f, v in zip(c.expenditure["文件"], c.expenditure["人员支出"], strict=True)}
    assert dict(zip(df["文件"], df["人员支出"], strict=True)) == want
    assert all("E" not in v and "." in v for v in df["人员支出"])


def test_csv_neutralises_formula_text(tmp_path: Path, c) -> None:  # noqa: ANN001
    write_csv(tmp_path, c)
    df = pd.read_csv(tmp_path / "总览.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    names = set(df["部门名称"])
    assert "'" + INJECT_HYPERLINK in names and "'" + INJECT_PLUS in names


def test_parquet_round_trip_keeps_exact_decimals(tmp_path: Path, c) -> None:  # noqa: ANN001
    pq = pytest.importorskip("pyarrow.parquet")
    write_parquet(tmp_path, c)
    for name in FRAMES:
        table = pq.read_table(tmp_path / f"{name}.parquet")
        back = table.to_pandas()
        orig = c.frame(name)
        assert list(back.columns) == list(orig.columns)
        assert len(back) == len(orig)
    back = pq.read_table(tmp_path / "expenditure.parquet")
    assert str(back.schema.field("支出合计").type).startswith("decimal128(38, 2)")
    vals = back.column("支出合计").to_pylist()
    assert vals == list(c.expenditure["支出合计"]) and all(isinstance(v, Decimal) for v in vals)
    ov = pq.read_table(tmp_path / "overview.parquet").to_pydict()
    assert ov["计入汇总"] == list(c.overview["计入汇总"])
    assert ov["年度"] == [s if s is None else int(s) for s in c.overview["年度"]]
    assert INJECT_HYPERLINK in ov["部门名称"]


def test_parquet_without_pyarrow_says_how_to_install(tmp_path: Path, c, monkeypatch) -> None:  # noqa: ANN001
    real_import = builtins.__import__

    def fake(name: str, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError("No module named 'pyarrow'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(ParquetUnavailable, match="pyarrow") as info:
        write_parquet(tmp_path, c)
    assert "selfeval-xl[parquet]" in str(info.value) and "未安装" in str(info.value)
    assert not list(tmp_path.iterdir())


def test_json_has_every_table_with_decimal_strings(tmp_path: Path, c) -> None:  # noqa: ANN001
    path = tmp_path / "s.json"
    write_json(path, c)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert set(doc["tables"]) == set(FRAMES)
    ov = doc["tables"]["overview"]
    assert len(ov) == 7
    counted = [r for r in ov if r["计入汇总"]]
    assert {r["文件"] for r in counted} == COUNTED_FILES
    assert all(isinstance(r["支出合计"], str) for r in counted)
    total = sum(Decimal(r["支出合计"]) for r in counted)
    assert total == sum(v for v, ok in zip(c.overview["支出合计"], c.overview["计入汇总"], strict=True) if ok)
    assert "3 份未计入" in doc["note"]
