"""Workbooks the web tests upload: a sample department's faulty return and its corrected version,
made exactly as the department would (roster-personalized template, filled in)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from selfeval_xl.generate import workbook_bytes
from selfeval_xl.prefill import load_values, units_in
from selfeval_xl.spec import default_template

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "samples" / "data"
SUBMISSIONS = ROOT / "samples" / "submissions"
FAULTY = SUBMISSIONS / "907001_临湘市民政局_支出合计不符.xlsx"   # 收支情况!B11: 96 ≠ 66 + 31
FAULTY_CELL = "收支情况!B11"
ROSTER_FIELDS = ("dept.name", "dept.code", "report.year")


def sample_bytes(stem: str, **changes: object) -> bytes:
    """The sample `samples/data/<stem>.yaml` as a filled workbook, with `changes` applied."""
    template = default_template()
    values = load_values(DATA / f"{stem}.yaml", template)
    values.update(changes)
    return workbook_bytes(template, units=units_in(values), values=values,
                          locked=[k for k in ROSTER_FIELDS if values.get(k) is not None])


def corrected(path: Path) -> Path:
    """民政局's return with 项目支出 corrected to 30 (66 + 30 = 96), in the table and the text: passes."""
    path.write_bytes(sample_bytes("907001_临湘市民政局_支出合计不符", **{
        "expenditure.project": Decimal("30"),
        "narrative.project_spending": "2021年安排项目支出30万元，用于社区养老服务站建设补助。"}))
    return path


def die(*_args: object) -> None:
    """A checker job that kills its worker process (as a native crash on a hostile file would)."""
    import os

    os._exit(70)
