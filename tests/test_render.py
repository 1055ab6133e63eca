"""render: the 附件2 report from a checked submission, read back with python-docx and its XML."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from docx_read import W, grid_shape, part, read_back, squeeze
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from value_strategies import draw_unit_amounts

from selfeval_xl.model.submission import Submission
from selfeval_xl.pipeline import check_file
from selfeval_xl.render import build_document, load_style, render_batch
from selfeval_xl.render.docx import Stamp, docx_bytes
from selfeval_xl.spec import default_template

ROOT = Path(__file__).resolve().parents[1]
SEED_TEXT = ROOT / "samples" / "reports" / "906017_临湘市委网信办_2021.txt"
SEED_XLSX = ROOT / "samples" / "submissions" / "906017_临湘市委网信办.xlsx"
FAILING = ROOT / "samples" / "submissions" / "907001_临湘市民政局_支出合计不符.xlsx"
# The seed prints its one unit's short name (临湘市委网信办) in the 机构名称 column. A one-unit
# workbook has no such field, so the report prints 部门名称 there: the only seed value not expected.
NOT_A_FIELD = {"临湘市委网信办"}


def _docx(sub: Submission, draft: bool = False) -> bytes:
    t = default_template()
    style = load_style(t.id)
    doc = build_document(t, style, sub.values, sub.tables, sub.units)
    return docx_bytes(doc, style, Stamp(sub.sha256, "test", draft, "2026-01-01T00:00:00Z"))


@pytest.fixture(scope="module")
def seed_sub() -> Submission:
    return check_file(SEED_XLSX)


@pytest.fixture(scope="module")
def seed_docx(seed_sub: Submission) -> bytes:
    return _docx(seed_sub)


def test_seed_text_appears_in_seed_order(seed_docx: bytes) -> None:
    stream = squeeze("".join(read_back(seed_docx).texts()))
    pos, missing = 0, []
    lines = [squeeze(line) for line in SEED_TEXT.read_text(encoding="utf-8").splitlines()]
    lines = [s for s in lines if s and s not in NOT_A_FIELD]
    assert len(lines) > 150
    for s in lines:
        i = stream.find(s, pos)
        if i < 0:
            missing.append(s[:40])
        else:
            pos = i + len(s)
    assert missing == []


def test_every_field_is_placed_exactly_once(seed_sub: Submission) -> None:
    t = default_template()
    doc = build_document(t, load_style(t.id), seed_sub.values, seed_sub.tables, seed_sub.units)
    placed = doc.placements()
    assert {k for k, texts in placed.items() if len(texts) != 1} == set()
    assert set(t.fields) <= set(placed)
    for key in ("expenditure.personnel", "narrative.basic_spending", "report.date", "indicators[11].level2"):
        assert key in placed
    assert placed["expenditure.personnel"] == ["42.26"] and placed["report.date"] == ["2022年9月6日"]
    assert placed["dept.tasks"] == [seed_sub.values["dept.tasks"]]
    # blank optional fields stay blank: no None / nan / invented 0.00
    assert placed["indicators[1].actual"] != [""] and "indicators[1].weight" not in placed
    assert not any(t in ("None", "nan") for texts in placed.values() for t in texts)


# ---- property: each value lands in its expected cell ------------------------------------------

money = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=12
               ).map(str.strip).filter(bool)


@st.composite
def submissions(draw: st.DrawFn) -> Submission:
    t = default_template()
    units = draw(st.integers(1, 3))
    values: dict[str, object] = {"report.year": 2021, "dept.name": draw(text), "dept.code": "906017",
                                 "contact.name": draw(text), "staff.authorized": draw(st.integers(0, 999)),
                                 "evaluation.score": Decimal(draw(st.integers(0, 100))), "evaluation.grade": "良"}
    draw_unit_amounts(draw, t, units, values, money=money, name=text)
    rows = [{"level1": "产出目标", "level2": draw(st.sampled_from(["数量指标", "质量指标"])), "level3": draw(text),
             "target": draw(text), "actual": draw(text), "weight": draw(st.none() | money)}
            for _ in range(draw(st.integers(0, 5)))]
    return Submission(file="x.xlsx", sha256="0" * 64, template_id=t.id, template_version=t.version, units=units,
                      values=values, tables={"indicators": rows})


def _cell_under(table: list[list[str]], header: str, row: int) -> str:
    for hr in table:
        if header in hr:
            return table[row][hr.index(header)]
    raise AssertionError(f"no column {header!r}")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(submissions())
def test_each_value_is_in_its_cell(sub: Submission) -> None:
    t = default_template()
    back = read_back(_docx(sub))
    tables = back.tables()
    by_first = {tb[0][1]: tb for tb in tables if len(tb[0]) > 1}
    style = load_style(t.id)
    for ut in t.unit_tables.values():
        tb = by_first[t.fields[ut.columns[0]].label]
        head = len(ut.header)
        names = [sub.values.get(f"units.name.u{u}") for u in range(1, sub.units + 1)] if sub.units > 1 else []
        for col, c in enumerate(ut.columns, start=1):  # the spec's column order after 机构名称
            for u, name in enumerate(names):
                assert tb[head + u][0] == name
                assert Decimal(tb[head + u][col]) == sub.values[f"{c}.u{u + 1}"]
            total_row = tb[head + len(names)]
            assert total_row[0] == (style.total_row if names else sub.values["dept.name"])
            assert Decimal(total_row[col]) == sub.values[c]
    basic = next(tb for tb in tables if tb[0][0] == "联系人")
    assert basic[0][1] == sub.values["contact.name"] and basic[1][1] == str(sub.values["staff.authorized"])
    score = next(tb for tb in tables if tb[0][0] == "绩效自评综合得分")
    assert Decimal(score[0][1]) == sub.values["evaluation.score"] and score[1][1] == "良"
    ind = next(tb for tb in tables if tb[0][0].startswith("整体支出绩效定量"))
    for i, r in enumerate(sub.tables["indicators"], start=2):
        assert _cell_under(ind, "三级指标", i) == r["level3"]
        assert _cell_under(ind, "完成情况（实际完成值）", i) == r["actual"]
        if any(x.get("weight") is not None for x in sub.tables["indicators"]):
            assert _cell_under(ind, "分值", i) == ("" if r["weight"] is None else f"{r['weight']:f}".rstrip("0").rstrip("."))
    assert f"部门(单位)名称 {sub.values['dept.name']}" in back.texts()


# ---- merged cells and typesetting on the XML --------------------------------------------------

def _tables_xml(data: bytes) -> list:
    return list(part(data, "word/document.xml").iter(f"{W}tbl"))


def test_amount_headers_are_merged_like_the_seed(seed_docx: bytes) -> None:
    tables = _tables_xml(seed_docx)
    income, spending, three, assets = tables[1:5]
    assert grid_shape(income)[:2] == [[(1, "restart"), (1, "restart"), (5, None)],
                                      [(1, "continue"), (1, "continue")] + [(1, None)] * 5]
    assert grid_shape(spending)[:3] == [
        [(1, "restart"), (1, "restart"), (4, None), (2, None)],
        [(1, "continue"), (1, "continue"), (1, "restart"), (2, None), (1, "restart"), (1, "restart"), (1, "restart")],
        [(1, "continue"), (1, "continue"), (1, "continue"), (1, None), (1, None)] + [(1, "continue")] * 3,
    ]
    assert grid_shape(three)[0] == [(1, "restart"), (1, "restart"), (4, None)]
    assert grid_shape(assets)[:2] == [[(1, "restart"), (1, "restart"), (2, None), (1, "restart")],
                                      [(1, "continue"), (1, "continue"), (1, None), (1, None), (1, "continue")]]


def test_indicator_groups_are_merged_down(seed_docx: bytes) -> None:
    ind = _tables_xml(seed_docx)[6]
    shape = grid_shape(ind)[2:]  # two header rows
    level1 = [row[1][1] for row in shape]
    # 产出目标 ×7, 效益目标 ×4 (the seed's rows, as in samples/data: 满意度 printed inside 效益目标)
    assert level1 == ["restart"] + ["continue"] * 6 + ["restart"] + ["continue"] * 3
    level2 = [row[2][1] for row in shape]
    # 质量 ×2, 数量 ×3, 时效, 成本, 社会效益, 经济效益, 生态效益, 满意度
    assert level2 == ["restart", "continue", "restart", "continue", "continue"] + [None] * 6
    assert all(row[0][1] == "continue" for row in shape)  # the table's label column


def test_page_fonts_and_sizes_follow_gbt9704(seed_docx: bytes) -> None:
    doc = part(seed_docx, "word/document.xml")
    sects = list(doc.iter(f"{W}sectPr"))
    assert len(sects) == 2  # the cover, then the numbered body
    for s in sects:
        mar = s.find(f"{W}pgMar")
        size = s.find(f"{W}pgSz")
        assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("11906", "16838")  # A4
        # 37 / 35 / 28 / 26 mm in twips
        assert [mar.get(f"{W}{k}") for k in ("top", "bottom", "left", "right")] == ["2098", "1984", "1587", "1474"]
    assert sects[-1].find(f"{W}pgNumType").get(f"{W}start") == "1"
    assert sects[0].find(f"{W}footerReference") is None and sects[1].find(f"{W}footerReference") is not None
    styles = {s.get(f"{W}styleId"): s for s in part(seed_docx, "word/styles.xml").iter(f"{W}style")}

    def font(sid: str) -> tuple[str, int]:
        rpr = styles[sid].find(f"{W}rPr")
        return rpr.find(f"{W}rFonts").get(f"{W}eastAsia"), int(rpr.find(f"{W}sz").get(f"{W}val"))

    assert font("BodyText") == ("仿宋_GB2312", 32)  # 3号仿宋
    assert font("ReportTitle") == ("方正小标宋简体", 44)  # 2号小标宋
    assert font("Heading1")[0] == "黑体" and font("Heading2")[0] == "楷体_GB2312"
    assert font("TableText")[1] <= 28  # 4号 or smaller
    spacing = styles["Normal"].find(f"{W}pPr").find(f"{W}spacing")
    assert (spacing.get(f"{W}line"), spacing.get(f"{W}lineRule")) == ("560", "exact")  # 28 pt fixed
    footer = part(seed_docx, "word/footer1.xml")
    assert "".join(footer.itertext()).replace("1", "n") == "— n —"
    assert any(f.get(f"{W}instr", "").strip() == "PAGE" for f in footer.iter(f"{W}fldSimple"))


def test_core_properties_trace_the_source(seed_sub: Submission, seed_docx: bytes) -> None:
    import io

    import docx

    props = docx.Document(io.BytesIO(seed_docx)).core_properties
    assert props.identifier == f"sha256:{seed_sub.sha256}"
    assert props.title.startswith("临湘市2021年度")


# ---- the batch: refusals, --force, replace only when changed ---------------------------------

def test_failing_submission_is_refused_unless_forced(tmp_path: Path) -> None:
    sub = check_file(FAILING)
    assert sub.status == "fail"
    rep = render_batch([sub], tmp_path)
    assert [i.outcome for i in rep.items] == ["refused"] and "审核未通过" in rep.items[0].reason
    assert list(tmp_path.iterdir()) == []
    rep = render_batch([sub], tmp_path, force=True)
    item = rep.items[0]
    assert item.outcome == "written" and item.draft
    header = part(item.output.read_bytes(), "word/header1.xml")
    assert "".join(header.itertext()) == "审核未通过，仅供核对"
    doc = part(item.output.read_bytes(), "word/document.xml")
    assert all(s.find(f"{W}headerReference") is not None for s in doc.iter(f"{W}sectPr"))  # every page


def test_report_is_replaced_only_when_the_source_changed(tmp_path: Path, seed_sub: Submission) -> None:
    out = tmp_path / "out"
    first = render_batch([seed_sub], out).items[0]
    assert first.outcome == "written" and first.output.name == \
        "906017_中共临湘市委网络安全和信息化委员会办公室_2021_自评报告.docx"
    before = first.output.stat().st_mtime_ns, first.output.read_bytes()
    again = render_batch([seed_sub], out).items[0]
    assert again.outcome == "unchanged" and (first.output.stat().st_mtime_ns, first.output.read_bytes()) == before
    import dataclasses

    changed = dataclasses.replace(seed_sub, sha256="f" * 64, values={**seed_sub.values, "staff.actual": 5})
    third = render_batch([changed], out).items[0]
    assert third.outcome == "written"
    assert "sha256:" + "f" * 64 in str(part(first.output.read_bytes(), "docProps/core.xml").findtext(
        "{http://purl.org/dc/elements/1.1/}identifier"))


def test_foreign_file_of_the_same_name_is_never_overwritten(tmp_path: Path, seed_sub: Submission) -> None:
    name = "906017_中共临湘市委网络安全和信息化委员会办公室_2021_自评报告.docx"
    (tmp_path / name).write_bytes(b"the department's own report")
    item = render_batch([seed_sub], tmp_path).items[0]
    assert item.outcome == "refused" and "未覆盖" in item.reason
    assert (tmp_path / name).read_bytes() == b"the department's own report"


def test_unreadable_file_is_listed_and_the_batch_goes_on(tmp_path: Path, seed_sub: Submission) -> None:
    bad = tmp_path / "in" / "broken.xlsx"
    bad.parent.mkdir()
    bad.write_bytes(b"PK\x03\x04 not really")
    rep = render_batch([check_file(bad), seed_sub], tmp_path / "out")
    assert [i.outcome for i in rep.items] == ["refused", "written"]
    assert "无法读取" in rep.items[0].reason


def test_multi_unit_report_has_a_row_per_unit_and_the_total(tmp_path: Path) -> None:
    sub = check_file(ROOT / "samples" / "submissions" / "902001_临湘市教育局.xlsx")
    assert sub.units == 3
    tables = read_back(_docx(sub)).tables()
    income = next(tb for tb in tables if tb[0][1] == "收入合计")
    names = [row[0] for row in income[2:]]
    assert names == [sub.values["units.name.u1"], sub.values["units.name.u2"], sub.values["units.name.u3"], "部门合计"]


def test_ledger_mode_renders_only_current_versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from selfeval_xl.cli import _register, app
    from selfeval_xl.ledger import collect

    _register()
    old = tmp_path / "in1" / "a.xlsx"
    old.parent.mkdir()
    shutil.copy(SEED_XLSX, old)
    collect([old], tmp_path / "arc")
    # a later version of the same department and year: a re-save with a different byte content
    import zipfile

    new = tmp_path / "in2" / "b.xlsx"
    new.parent.mkdir()
    with zipfile.ZipFile(SEED_XLSX) as src, zipfile.ZipFile(new, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.comment = b"second version"
    collect([new], tmp_path / "arc")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["render", "--archive", "arc", "--year", "2021", "-o", "out"])
    assert res.exit_code == 0, res.output
    made = list((tmp_path / "out").glob("*.docx"))
    assert len(made) == 1
    ident = part(made[0].read_bytes(), "docProps/core.xml").findtext("{http://purl.org/dc/elements/1.1/}identifier")
    assert ident == f"sha256:{check_file(new).sha256}" != f"sha256:{check_file(old).sha256}"


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from selfeval_xl.cli import _register, app

    _register()
    assert CliRunner().invoke(app, ["render", str(SEED_XLSX)]).exit_code == 2  # no -o
    assert CliRunner().invoke(app, ["render", "-o", str(tmp_path)]).exit_code == 2  # no input
    res = CliRunner().invoke(app, ["render", str(FAILING), "-o", str(tmp_path / "o")])
    assert res.exit_code == 1 and "未生成" in res.output
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED_XLSX, inbox / "a.xlsx")
    res = CliRunner().invoke(app, ["render", str(inbox), "-o", str(inbox / "报告")])  # reports into the inbox
    assert res.exit_code == 2 and not (inbox / "报告").exists()
