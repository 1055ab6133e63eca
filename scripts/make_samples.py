"""Regenerate the bundled samples: samples/roster.xlsx, samples/项目名单.xlsx, samples/submissions/*.xlsx,
samples/previous/*.xlsx and last year's published reports samples/previous/*.docx.

    python scripts/make_samples.py           # rewrite what changed, remove orphans
    python scripts/make_samples.py --check   # exit 1 listing stale, missing or orphaned files

Each value file samples/data/<stem>.yaml becomes samples/submissions/<stem>.xlsx, made exactly
as a department would return it: the roster-personalized template (name, code and year
locked) filled in. Value files under samples/data/projects/ are 项目支出绩效自评表 returns
(template project-selfeval, one sheet per project) and go to the same folder: one folder of
returns holds both forms. Each of last year's workbooks (samples/previous/) is also rendered by
`render` into the Word report a department would have published (dated REPORT_DAY), which the demo
reads back with `import`. Generation is deterministic, so --check compares bytes.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree

import xlsxwriter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from selfeval_xl.atomic import write_bytes  # noqa: E402
from selfeval_xl.generate import workbook_bytes  # noqa: E402
from selfeval_xl.prefill import copies_in, load_values, units_in  # noqa: E402
from selfeval_xl.spec import default_template  # noqa: E402

SAMPLES = ROOT / "samples"
DATA = SAMPLES / "data"
SUBMISSIONS = SAMPLES / "submissions"
PREVIOUS = SAMPLES / "previous"  # last year's submissions, for the ledger's year-on-year comparison
PROJECT_FORM = "project-selfeval"
# value files → the folder their workbooks go to (and the form they are returns of)
SOURCES = ((DATA, SUBMISSIONS), (DATA / "previous", PREVIOUS), (DATA / "projects", SUBMISSIONS))
FORMS = {DATA / "projects": PROJECT_FORM}
ROSTER = SAMPLES / "roster.xlsx"
PROJECT_ROSTER = SAMPLES / "项目名单.xlsx"
YEAR = 2021
REPORT_DAY = datetime(2021, 9, 1, tzinfo=UTC)  # when last year's reports were rendered (their stamp)
# A department that unprotected a project sheet and typed over the 执行率 formula:
# stem → {sheet: {cell: typed value}} (applied to the generated workbook, as Excel would save it)
TYPED_OVER = {"907001_临湘市民政局_项目支出_执行率被改写": {"项目2": {"G10": 0.95}}}

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


def project_roster_bytes() -> bytes:
    """The sample project roster (预算编码, 部门名称, 项目名称, 项目编码, 全年预算数): one row per
    project of the clean project samples, for `template --form project-selfeval --roster`."""
    template = default_template(PROJECT_FORM)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    wb.set_properties({"title": f"{YEAR}年度项目支出绩效自评名单", "author": "临湘市财政局", "created": datetime(2000, 1, 1)})
    ws = wb.add_worksheet("项目名单")
    head = wb.add_format({"bold": True, "border": 1, "align": "center", "bg_color": "#D9E1F2"})
    cell = wb.add_format({"border": 1})
    money = wb.add_format({"border": 1, "num_format": "0.00"})
    for col, text in enumerate(("预算编码", "部门名称", "项目名称", "项目编码", "全年预算数")):
        ws.write_string(0, col, text, head)
    row = 1
    for data_file in sorted((DATA / "projects").glob("*.yaml")):
        if "_项目支出_" in data_file.stem:  # the faulty samples are not on the roster
            continue
        values = load_values(data_file, template)
        for k in range(1, copies_in(values) + 1):
            ws.write_string(row, 0, str(values["dept.code"]), cell)
            ws.write_string(row, 1, str(values["dept.name"]), cell)
            ws.write_string(row, 2, str(values[f"项目{k}!project.name"]), cell)
            ws.write_string(row, 3, str(values.get(f"项目{k}!project.code") or ""), cell)
            ws.write_number(row, 4, float(values[f"项目{k}!funds.total.budget"]), money)
            row += 1
    for col, width in enumerate((10, 26, 20, 16, 12)):
        ws.set_column(col, col, width)
    wb.close()
    return buf.getvalue()


def submission_bytes(data_file: Path, form: str | None = None) -> bytes:
    template = default_template(form) if form else default_template()
    values = load_values(data_file, template)
    ident = template.identity
    locked = [k for k in (ident.dept_name, ident.dept_code, ident.year) if values.get(k) is not None]
    locked += [k for k in values if "!" in k and template.fields.get(k.split("!", 1)[1], None) is not None
               and template.fields[k.split("!", 1)[1]].roster]
    data = workbook_bytes(template, units=units_in(values), values=values, locked=locked,
                          copies=copies_in(values) if template.repeat is not None else 1)
    typed = TYPED_OVER.get(data_file.stem)
    return type_over(data, typed) if typed else data


def type_over(data: bytes, typed: dict[str, dict[str, float]]) -> bytes:
    """The workbook as a department leaves it after removing a sheet's protection and typing
    numbers over formula cells: the <f> is gone, the value stays (parsed and written by a real
    XML parser)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ElementTree.register_namespace("", main)
    ElementTree.register_namespace("r", rel)
    zin = zipfile.ZipFile(io.BytesIO(data))
    book = ElementTree.fromstring(zin.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(zin.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    parts = {}
    for sheet in book.iter(f"{{{main}}}sheet"):
        if sheet.get("name") in typed:
            parts["xl/" + targets[sheet.get(f"{{{rel}}}id")]] = typed[sheet.get("name")]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename in parts:
                root = ElementTree.fromstring(body)
                for c in root.iter(f"{{{main}}}c"):
                    if c.get("r") in parts[info.filename]:
                        for child in list(c):
                            c.remove(child)
                        c.attrib.pop("t", None)
                        ElementTree.SubElement(c, f"{{{main}}}v").text = repr(parts[info.filename][c.get("r")])
                for prot in root.findall(f"{{{main}}}sheetProtection"):
                    root.remove(prot)
                body = ElementTree.tostring(root, xml_declaration=True, encoding="UTF-8")
            zout.writestr(info, body)
    return out.getvalue()


def report_bytes(workbook: Path, data: bytes) -> bytes:
    """The published Word report of one of last year's workbooks, rendered by the current renderer
    from the workbook as it will be committed (its sha256 is the report's stamp)."""
    from selfeval_xl.pipeline import check_file
    from selfeval_xl.render import render_batch

    if workbook.exists() and same_content(workbook.read_bytes(), data):
        data = workbook.read_bytes()
    with tempfile.TemporaryDirectory(prefix="make-samples-") as d:
        src = Path(d) / workbook.name
        src.write_bytes(data)
        rep = render_batch([check_file(src)], Path(d) / "out", now=REPORT_DAY)
        (item,) = rep.items
        if item.outcome != "written" or item.output is None:
            raise SystemExit(f"{workbook.name}: not rendered ({item.reason})")
        return item.output.read_bytes()


def outputs() -> dict[Path, bytes]:
    """Every sample file this script owns, with its exact content."""
    out = {ROSTER: roster_bytes(), PROJECT_ROSTER: project_roster_bytes()}
    for data_dir, out_dir in SOURCES:
        for data_file in sorted(data_dir.glob("*.yaml")):
            out[out_dir / f"{data_file.stem}.xlsx"] = submission_bytes(data_file, FORMS.get(data_dir))
    for path in [p for p in out if p.parent == PREVIOUS]:
        out[path.with_suffix(".docx")] = report_bytes(path, out[path])
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
    reports = {p for _, out_dir in SOURCES if out_dir == PREVIOUS for p in out_dir.glob("*.docx")}
    return sorted({p for _, out_dir in SOURCES for p in out_dir.glob("*.xlsx")} | reports)


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
