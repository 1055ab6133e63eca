"""Regenerate the bundled samples: samples/roster.xlsx and samples/submissions/*.xlsx.

    python scripts/make_samples.py           # rewrite what changed, remove orphans
    python scripts/make_samples.py --check   # exit 1 listing stale, missing or orphaned files

Each value file samples/data/<stem>.yaml becomes samples/submissions/<stem>.xlsx, made exactly
as a department would return it: the roster-personalized template (name, code and year
locked) filled in. Generation is deterministic, so --check compares bytes.
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import xlsxwriter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from selfeval_xl.atomic import write_bytes  # noqa: E402
from selfeval_xl.generate import workbook_bytes  # noqa: E402
from selfeval_xl.prefill import load_values, units_in  # noqa: E402
from selfeval_xl.spec import default_template  # noqa: E402

SAMPLES = ROOT / "samples"
DATA = SAMPLES / "data"
SUBMISSIONS = SAMPLES / "submissions"
PREVIOUS = SAMPLES / "previous"  # last year's submissions, for the ledger's year-on-year comparison
# value files → the folder their workbooks go to
SOURCES = ((DATA, SUBMISSIONS), (DATA / "previous", PREVIOUS))
ROSTER = SAMPLES / "roster.xlsx"
YEAR = 2021
ROSTER_FIELDS = ("dept.name", "dept.code", "report.year")

# 预算编码, 部门名称, 单位数, 联系人 — the departments of the sample data plus one that has not
# submitted (临湘市林业局, for 催报). Clean on purpose: no bad rows.
ROSTER_ROWS: list[tuple[str, str, int, str]] = [
    ("901001", "临湘市财政局", 1, "周建华"),
    ("902001", "临湘市教育局", 3, "李敏"),
    ("903001", "临湘市文化旅游广电局", 1, "陈晓红"),
    ("904001", "临湘市档案馆", 1, "刘芳"),
    ("906017", "中共临湘市委网络安全和信息化委员会办公室", 1, "袁君来"),
    ("907001", "临湘市民政局", 1, "王志刚"),
    ("907002", "临湘市司法局", 1, "黄丽"),
    ("907003", "临湘市审计局", 1, "张伟"),
    ("907004", "临湘市统计局", 1, "赵静"),
    ("907005", "临湘市人力资源和社会保障局", 1, "吴斌"),
    ("907006", "临湘市住房和城乡建设局", 1, "何勇"),
    ("907007", "临湘市水利局", 1, "罗军"),
    ("907008", "临湘市交通运输局", 1, "谢国庆"),
    ("907009", "临湘市农业农村局", 1, "易志明"),
    ("907010", "临湘市应急管理局", 1, "唐建军"),
    ("907011", "临湘市卫生健康局", 1, "李红"),
    ("907012", "临湘市市场监督管理局", 1, "钟华"),
    ("908001", "临湘市林业局", 1, "彭涛"),
]
# 联系电话 of the roster's contacts (the 催报 list and notices carry them); by 预算编码
PHONES = {"908001": "0730-3761208", "907003": "13907301234", "907009": "0730-3722455"}
# 908001 sent nothing; 907011's file (named for it) holds 907012's form, so 907011 is still missing
NOT_SUBMITTED = ("907011", "908001")


def roster_bytes() -> bytes:
    """The sample roster as a finance officer keeps it: a title row, then the header."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    wb.set_properties({"title": f"{YEAR}年度部门整体支出绩效自评报送名单", "author": "临湘市财政局",
                       "created": datetime(2000, 1, 1)})
    ws = wb.add_worksheet("名单")
    title = wb.add_format({"bold": True, "font_size": 14, "align": "center"})
    head = wb.add_format({"bold": True, "border": 1, "align": "center", "bg_color": "#D9E1F2"})
    cell = wb.add_format({"border": 1})
    num = wb.add_format({"border": 1, "align": "center"})
    ws.merge_range(0, 0, 0, 5, f"临湘市{YEAR}年度部门整体支出绩效自评报送名单", title)
    for col, text in enumerate(("序号", "预算编码", "部门名称", "单位数", "联系人", "联系电话")):
        ws.write_string(1, col, text, head)
    for i, (code, name, units, contact) in enumerate(ROSTER_ROWS, start=1):
        ws.write_number(1 + i, 0, i, num)
        ws.write_string(1 + i, 1, code, cell)  # codes as text: leading zeros survive
        ws.write_string(1 + i, 2, name, cell)
        ws.write_number(1 + i, 3, units, num)
        ws.write_string(1 + i, 4, contact, cell)
        if code in PHONES:
            ws.write_string(1 + i, 5, PHONES[code], cell)
        else:
            ws.write_blank(1 + i, 5, None, cell)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 12)
    ws.set_column(2, 2, 44)
    ws.set_column(3, 3, 8)
    ws.set_column(4, 4, 10)
    ws.set_column(5, 5, 14)
    ws.freeze_panes(2, 0)
    wb.close()
    return buf.getvalue()


def submission_bytes(data_file: Path) -> bytes:
    template = default_template()
    values = load_values(data_file, template)
    locked = [k for k in ROSTER_FIELDS if values.get(k) is not None]
    return workbook_bytes(template, units=units_in(values), values=values, locked=locked)


def outputs() -> dict[Path, bytes]:
    """Every sample file this script owns, with its exact content."""
    out = {ROSTER: roster_bytes()}
    for data_dir, out_dir in SOURCES:
        for data_file in sorted(data_dir.glob("*.yaml")):
            out[out_dir / f"{data_file.stem}.xlsx"] = submission_bytes(data_file)
    return out


def same_content(a: bytes, b: bytes) -> bool:
    """Equal bytes, or the same zip parts with the same uncompressed content (zlib may differ)."""
    if a == b:
        return True
    try:
        with zipfile.ZipFile(io.BytesIO(a)) as za, zipfile.ZipFile(io.BytesIO(b)) as zb:
            names = sorted(za.namelist())
            return names == sorted(zb.namelist()) and all(za.read(n) == zb.read(n) for n in names)
    except (zipfile.BadZipFile, OSError, KeyError):
        return False


def stale(expected: dict[Path, bytes]) -> list[str]:
    """Human-readable differences between the committed files and what would be generated."""
    problems = []
    for path, data in expected.items():
        rel = path.relative_to(ROOT)
        if not path.exists():
            problems.append(f"missing: {rel}")
        elif not same_content(path.read_bytes(), data):
            problems.append(f"stale:   {rel}")
    for path in generated_files():
        if path not in expected:
            problems.append(f"orphan:  {path.relative_to(ROOT)} (no value file {path.stem}.yaml)")
    return problems


def generated_files() -> list[Path]:
    return [p for _, out_dir in SOURCES for p in sorted(out_dir.glob("*.xlsx"))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only compare; exit 1 when a sample is out of date")
    args = ap.parse_args(argv)
    expected = outputs()
    problems = stale(expected)
    if args.check:
        for p in problems:
            print(p)
        if problems:
            print("samples are out of date: run python scripts/make_samples.py", file=sys.stderr)
            return 1
        print(f"samples up to date ({len(expected)} files)")
        return 0
    written = 0
    for path, data in expected.items():
        if not path.exists() or not same_content(path.read_bytes(), data):
            write_bytes(path, data)
            written += 1
    for path in generated_files():
        if path not in expected:
            path.unlink()
            print(f"removed {path.relative_to(ROOT)}")
    print(f"{written} of {len(expected)} sample files written to {SAMPLES.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
