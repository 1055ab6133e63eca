"""The summary's frames as CSV (one file per table), Parquet and JSON — every file written atomically.

Exact amounts everywhere: CSV and JSON carry them as plain decimal text ("1234.50", never an
exponent, never float); Parquet as `decimal128(38, s)` with s the column's largest number of
decimals (at least 2), which pandas reads back as `decimal.Decimal`.
CSV is UTF-8 with a BOM so Excel and WPS open the Chinese correctly; booleans are 是/否; a text
cell that starts with = + - @ (a formula to Excel) gets a leading apostrophe, as OWASP advises
for CSV meant to be opened in a spreadsheet.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from selfeval_xl import __version__
from selfeval_xl.atomic import atomic_path as replacing
from selfeval_xl.model.money import decimals_of
from selfeval_xl.summary.frame import BOOL, INT, MONEY, NUMBER, TEXT, Collection, exclusion_note

CSV_NAMES = {"overview": "总览", "income": "收入", "expenditure": "支出和结余", "three_public": "三公经费",
             "assets": "固定资产", "indicators": "绩效指标", "findings": "审核问题",
             "projects": "项目", "project_depts": "项目按部门"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ParquetUnavailable(RuntimeError):
    """pyarrow (the optional extra `parquet`) is not installed."""


@contextmanager
def atomic(path: Path, mode: str = "w", **kwargs: Any) -> Iterator[Any]:
    """Open a temp file beside `path` for writing; it replaces `path` only on success."""
    with replacing(path) as tmp, open(tmp, mode, **kwargs) as fh:
        yield fh


def plain(v: object, kind: str) -> str:
    """One CSV cell: decimal text for amounts, 是/否 for booleans, formula-safe text."""
    if v is None:
        return ""
    if kind == BOOL:
        return "是" if v else "否"
    if isinstance(v, Decimal):
        return money_text(v) if kind == MONEY else format(v, "f")
    s = str(v)
    if kind == TEXT and s.startswith(_FORMULA_START):
        return "'" + s
    return s


def money_text(v: Decimal) -> str:
    """At least two decimals ("96" → "96.00"), padding only: never rounds away a typed digit."""
    return format(v.quantize(Decimal("0.01")) if decimals_of(v) <= 2 else v, "f")


def write_csv(outdir: str | os.PathLike[str], c: Collection) -> list[Path]:
    """One UTF-8-with-BOM CSV per table (总览.csv, 收入.csv, …); returns the paths written."""
    out = Path(outdir)
    written = []
    for name in c.names():
        df, kinds = c.frame(name), c.kinds[name]
        cols = list(df.columns)
        ks = [kinds.get(col, TEXT) for col in cols]
        path = out / f"{CSV_NAMES[name]}.csv"
        with atomic(path, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(cols)
            for row in df.itertuples(index=False, name=None):
                w.writerow([plain(v, k) for v, k in zip(row, ks, strict=True)])
        written.append(path)
    return written


def _json_value(v: object, kind: str) -> object:
    if isinstance(v, Decimal):
        return money_text(v) if kind == MONEY else format(v, "f")
    if hasattr(v, "item") and not isinstance(v, str):  # numpy scalars (bool columns)
        return v.item()
    return v


def to_json(c: Collection) -> dict[str, object]:
    from selfeval_xl.summary.workbook import title_for

    return {
        "tool": "selfeval-xl", "version": __version__,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "title": title_for(c), "note": exclusion_note(c),
        "tables": {name: _records(c, name) for name in c.names()},
    }


def _records(c: Collection, name: str) -> list[dict[str, object]]:
    df, kinds = c.frame(name), c.kinds[name]
    ks = [(col, kinds.get(col, TEXT)) for col in df.columns]
    return [{col: _json_value(v, k) for (col, k), v in zip(ks, row, strict=True)}
            for row in df.itertuples(index=False, name=None)]


def write_json(path: str | os.PathLike[str], c: Collection) -> None:
    """Every table as a list of records; amounts as strings of decimals (like data-model §4)."""
    with atomic(Path(path), "w", encoding="utf-8") as fh:
        json.dump(to_json(c), fh, ensure_ascii=False, indent=1)


def _arrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError as exc:
        raise ParquetUnavailable(
            "未安装 pyarrow，无法输出 Parquet 文件。请先运行：pip install \"selfeval-xl[parquet]\"（或 pip install pyarrow）。"
        ) from exc
    return pyarrow


def check_parquet() -> None:
    """Raise ParquetUnavailable (with the Chinese how-to) before any work is done."""
    _arrow()


def _column(pa_: Any, values: list[object], kind: str) -> tuple[Any, Any]:
    if kind in (MONEY, NUMBER):
        decs = [v for v in values if isinstance(v, Decimal)]
        scale = max([2, *(decimals_of(v) for v in decs)])
        t = pa_.decimal128(38, scale)
        return pa_.array([v if isinstance(v, Decimal) else None for v in values], type=t), t
    if kind == INT:
        return pa_.array([int(v) if isinstance(v, int) else None for v in values], type=pa_.int64()), pa_.int64()
    if kind == BOOL:
        return pa_.array([bool(v) for v in values], type=pa_.bool_()), pa_.bool_()
    return pa_.array([None if v is None else str(v) for v in values], type=pa_.string()), pa_.string()


def write_parquet(outdir: str | os.PathLike[str], c: Collection) -> list[Path]:
    """One Parquet file per table (overview.parquet, income.parquet, …); raises ParquetUnavailable."""
    pa = _arrow()
    import pyarrow.parquet as pq

    out = Path(outdir)
    written = []
    for name in c.names():
        df, kinds = c.frame(name), c.kinds[name]
        arrays, fields = [], []
        for col in df.columns:
            arr, t = _column(pa, df[col].tolist(), kinds.get(col, TEXT))
            arrays.append(arr)
            fields.append(pa.field(col, t))
        table = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
        path = out / f"{name}.parquet"
        with replacing(path) as tmp:
            pq.write_table(table, str(tmp))
        written.append(path)
    return written
