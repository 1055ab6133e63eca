"""The bundled samples: up to date with their data files, the seed reproduced, each fault as named."""

from __future__ import annotations

import importlib.util
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsx_compare

from selfeval_xl.prefill import load_values, units_in
from selfeval_xl.roster import read_roster
from selfeval_xl.spec import default_template

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SEED_STEM = "906017_临湘市委网信办"
SEED_TEXT = ROOT.parent / "shared" / "seed" / "000_e5b9e981f373749d.txt"


def _make_samples() -> Any:
    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "scripts" / "make_samples.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


MS = _make_samples()


def test_committed_samples_are_up_to_date(tmp_path: Path) -> None:
    expected = MS.outputs()
    problems = MS.stale(expected)
    details = []
    for path, data in expected.items():  # name the differing parts of (at most) three stale files
        if len(details) < 3 and path.exists() and not MS.same_content(path.read_bytes(), data):
            fresh = tmp_path / path.name
            fresh.write_bytes(data)
            details.append(f"{path.name}:\n  " + "\n  ".join(xlsx_compare.diff_parts(path, fresh)[:3]))
    assert problems == [], "run python scripts/make_samples.py:\n" + "\n".join(problems + details)


def test_check_mode_reports_a_stale_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = {tmp_path / "a.xlsx": MS.roster_bytes()}
    (tmp_path / "a.xlsx").write_bytes(b"old")
    monkeypatch.setattr(MS, "SOURCES", ((tmp_path / "none", tmp_path / "none"),))
    monkeypatch.setattr(MS, "ROOT", tmp_path)
    assert MS.stale(expected) == ["stale:   a.xlsx"]
    assert MS.same_content(MS.roster_bytes(), MS.roster_bytes())


# ---- the seed report, read back from the generated workbook by defined names ----------------
def _named_values(path: Path) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path, data_only=False)
    out: dict[str, Any] = {}
    for name, dn in wb.defined_names.items():
        for sheet, coord in dn.destinations:
            ws = wb[sheet]
            cells = ws[coord]
            if isinstance(cells, tuple):
                out[name] = [[c.value for c in row] for row in cells]
            else:
                out[name] = cells.value
    return out


@pytest.fixture(scope="module")
def seed() -> dict[str, Any]:
    return _named_values(SAMPLES / "submissions" / f"{SEED_STEM}.xlsx")


SEED_FIGURES = {
    "income.total": "96", "income.carryover": "16.18", "income.general_budget": "79.82", "income.gov_fund": "0",
    "income.special_account": "0", "income.other": "0",
    "expenditure.total": "96", "expenditure.basic": "66", "expenditure.personnel": "42.26",
    "expenditure.public": "23.74", "expenditure.project": "30", "balance.current": "0", "balance.accumulated": "0",
    "three_public.total": "2", "three_public.reception": "2", "three_public.vehicle_operation": "0",
    "three_public.vehicle_purchase": "0", "three_public.overseas": "0",
    "assets.total": "19.65", "assets.in_use": "19.65", "assets.leased": "0", "assets.other": "0",
    "staff.authorized": "7", "staff.actual": "4", "evaluation.score": "90",
}
SEED_TEXTS = {
    "report.region": "临湘市", "dept.name": "中共临湘市委网络安全和信息化委员会办公室", "dept.code": "906017",
    "report.method": "部门（单位）绩效自评", "report.evaluator": "部门（单位）评价组",
    "report.issuer": "中共临湘市委网络安全和信息化委员会办公室", "contact.name": "袁君来",
    "contact.phone": "15080990101", "evaluation.grade": "优", "preparer.name": "袁君来",
    "preparer.phone": "15080990101",
}


def test_seed_figures(seed: dict[str, Any]) -> None:
    for key, figure in SEED_FIGURES.items():
        v = seed[key]
        assert isinstance(v, int | float) and not isinstance(v, bool), key
        assert Decimal(repr(v)) == Decimal(figure), key
    for key, text in SEED_TEXTS.items():
        assert str(seed[key]) == text, key
    assert int(seed["report.year"]) == 2021
    d = seed["report.date"]
    assert (d.date() if isinstance(d, datetime) else d) == date(2022, 9, 6)


def test_seed_tables(seed: dict[str, Any]) -> None:
    goals = [[v for v in r if v is not None] for r in seed["goals"] if any(r)]  # merged cells read None
    assert goals == [["目标1：舆情管控\n目标2：网络宣传\n\n目标3：网络安全\n\n目标4：市委中心工作", "全部完成"]]
    rows = [r for r in seed["indicators"] if any(v is not None for v in r)]
    assert len(rows) == 11
    # exactly the seed's rows (一级, 二级, 绩效目标, 完成情况), read from the seed itself
    assert [(r[0], r[1], r[3], r[4]) for r in rows] == seed_indicator_rows()
    assert rows[-1][:2] == ["效益目标", "社会公众或服务对象满意度"]  # valid under 效益目标 (data-model §1)
    assert "推送原创和上级稿件共计3526条" in rows[3][4]
    assert all(r[2] is None and r[5] is None and r[6] is None for r in rows)  # no 三级/分值/得分 in the seed
    evaluators = [r[:3] for r in seed["evaluators"] if any(r)]
    assert evaluators == [["廖智", "副主任", "市委网信办"], ["刘立星", "副主任", "市委网信办"]]


def seed_indicator_rows() -> list[tuple[str, str, str, str | None]]:
    """The seed's 定量指标 rows as printed (tab-indented cells; merged 一级/二级 cells continue)."""
    if not SEED_TEXT.exists():
        pytest.skip("shared seed report not available")
    lines = SEED_TEXT.read_text(encoding="utf-8").splitlines()
    body = lines[lines.index("\t完成情况") + 1:lines.index("\t绩效自评综合得分")]
    level1s = {"产出目标", "效益目标", "满意度"}
    level2s = set(default_template().tables["indicators"].column("level2").choices)
    rows: list[tuple[str, str, str, str | None]] = []
    level1 = level2 = ""
    cells: list[str] = []
    for line in body + [""]:
        if line.startswith("\t"):
            cells.append(line[1:].strip())
            continue
        if cells and line.strip() == "":  # a blank line ends a printed row
            values = [c for c in cells if c]
            for v in list(values):
                if v in level1s:
                    level1 = v
                    values.remove(v)
            if values and values[0] in level2s:
                level2 = values.pop(0)
            if values:
                rows.append((level1, level2, values[0], values[1] if len(values) > 1 else None))
            cells = []
        elif cells:
            cells[-1] += "\n" + line  # a cell's text continues on the next line
    return rows


def test_seed_texts_verbatim(seed: dict[str, Any]) -> None:
    narrative = "\n".join(str(seed[k] or "") for k in seed if k.startswith("narrative."))
    # the seed's own inconsistencies stay (the checker reports them)
    for snippet in ("人员经费43.4万元", "公用经费22.6万元", "部门（单位）整体支出规模、使用方向和主要内容、涉及范围等。",
                    "本年支出合计96万元，其中：基本支出66万元，占68.75%；项目支出30万元，占31.25%。"):
        assert snippet in narrative
    assert seed["dept.tasks"] == "任务1：舆情管控\n\n任务2：网络宣传\n\n任务3：网络安全\n\n任务4：市委中心工作"
    if not SEED_TEXT.exists():
        pytest.skip("shared seed report not available")
    lines = SEED_TEXT.read_text(encoding="utf-8").splitlines()
    body = [ln.strip() for ln in lines[lines.index("\t五、评价报告综述（文字部分）") + 1:] if ln.strip()]
    headings = {"一、部门（单位）概况", "二、部门（单位）整体支出管理及使用情况", "（一）基本支出", "（二）专项支出",
                "三、部门（单位）专项组织实施情况", "（一）专项组织情况分析", "（二）专项管理情况分析",
                "部门（单位）整体支出绩效情况", "存在的主要问题", "六、改进措施和有关建议"}
    missing = [ln for ln in body if ln not in headings and ln not in narrative]
    assert missing == []
    for key, line in (("dept.functions", 28), ("dept.achievements", 40)):
        assert seed[key] == lines[line - 1].strip()


# ---- every sample means what its name says ------------------------------------------------
EXPECTED: dict[str, tuple[str, set[tuple[str, str | None]]]] = {
    "901001_临湘市财政局": ("pass", set()),
    "902001_临湘市教育局": ("pass", set()),
    "903001_临湘市文化旅游广电局": ("pass", set()),
    "904001_临湘市档案馆": ("pass", set()),
    SEED_STEM: ("warn", {("placeholder-text", None), ("qualitative-answer", None), ("narrative-mismatch", None)}),
    "907001_临湘市民政局_支出合计不符": ("fail", {("sum-mismatch", "expenditure-total")}),
    "907002_临湘市司法局_等次与得分不符": ("fail", {("grade-mismatch", "grade-band")}),
    "907003_临湘市审计局_联系人未填": ("fail", {("required-missing", None)}),
    "907004_临湘市统计局_尾差不算错误": ("pass", set()),
    "907005_临湘市人力资源和社会保障局_超编已说明": ("pass", {("cross-check", "staff-over-quota")}),
    "907006_临湘市住房和城乡建设局_定量指标只填完成": ("warn", {("qualitative-answer", None)}),
    "907007_临湘市水利局_指标得分合计不符": ("fail", {("indicator-score", "indicator-score-sum")}),
    "907008_临湘市交通运输局_金额按元填写": ("warn", {("implausible-amount", None)}),
    "907009_临湘市农业农村局_几乎空白": ("fail", {("required-missing", None)}),
    # last year's template: only the round's year (--year, tests/test_round.py) makes it wrong-year
    "907010_临湘市应急管理局_用了上年模板": ("pass", set()),
    "907011_临湘市卫生健康局_文件名与表内不符": ("warn", {("roster-mismatch", None)}),
}
# the file is named for another department than the form it holds (roster-mismatch on purpose)
MISNAMED = {"907011_临湘市卫生健康局_文件名与表内不符"}


def test_every_data_file_has_an_expectation() -> None:
    assert sorted(p.stem for p in (SAMPLES / "data").glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_sample_findings_are_as_named(stem: str) -> None:
    pipeline = pytest.importorskip("selfeval_xl.pipeline")
    sub = pipeline.check_file(SAMPLES / "submissions" / f"{stem}.xlsx").to_json()
    status, findings = EXPECTED[stem]
    got = {(f["code"], f.get("rule")) for f in sub["findings"]}
    assert got == findings, sub["findings"]
    assert sub["status"] == status
    if stem.startswith("907005"):
        assert all(f["explained"] for f in sub["findings"])
    if stem == "907002_临湘市司法局_等次与得分不符":
        assert "中" in sub["findings"][0]["message"]


def test_rounding_sample_is_really_off_by_one_cent() -> None:
    v = load_values(SAMPLES / "data" / "907004_临湘市统计局_尾差不算错误.yaml", default_template())
    assert v["expenditure.total"] == Decimal("434.72")
    assert v["expenditure.basic"] + v["expenditure.project"] == Decimal("434.71")


def test_roster_lists_every_sample_department_and_one_missing() -> None:
    res = read_roster(SAMPLES / "roster.xlsx")
    assert res.problems == []
    by_code = {e.code: e for e in res.entries}
    t = default_template()
    submitted = set()
    for p in (SAMPLES / "data").glob("*.yaml"):
        v = load_values(p, t)
        code = str(v["dept.code"])
        assert re.fullmatch(r"[0-9]{6}", code) and (p.name.startswith(code) or p.stem in MISNAMED)
        entry = by_code[code]
        assert entry.name == v["dept.name"]
        assert entry.units == units_in(v)
        submitted.add(code)
    assert set(by_code) - submitted == set(MS.NOT_SUBMITTED)
    assert any(e.units == 3 for e in res.entries)


def test_samples_readme_describes_every_file() -> None:
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    for p in (SAMPLES / "data").glob("*.yaml"):
        assert p.stem in readme, p.stem
    assert "roster.xlsx" in readme and "make_samples.py" in readme


# ---- the committed workbooks in a real engine -----------------------------------------------
LO_SAMPLES = {  # stem → units, and whether any live check shows ✘
    SEED_STEM: (1, False),
    "902001_临湘市教育局": (3, False),
    "907004_临湘市统计局_尾差不算错误": (1, False),
    "907001_临湘市民政局_支出合计不符": (1, True),
}


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    import lo

    out = tmp_path_factory.mktemp("samples_lo")
    return {stem: lo.recalc(SAMPLES / "submissions" / f"{stem}.xlsx", out / stem) for stem in LO_SAMPLES}


def _formula_cells(path: Path, units: int) -> dict[str, Any]:
    from selfeval_xl.layout import build_layout

    layout = build_layout(default_template(), units)
    wb = openpyxl.load_workbook(path, data_only=True)
    return {f"{f.cell.sheet}!{f.cell.a1}": wb[f.cell.sheet][f.cell.a1].value for f in layout.formulas}


@pytest.mark.libreoffice
@pytest.mark.parametrize("stem", sorted(LO_SAMPLES))
def test_sample_cached_values_equal_libreoffice(recalculated: dict[str, Path], stem: str) -> None:
    units, has_error = LO_SAMPLES[stem]
    cached = _formula_cells(SAMPLES / "submissions" / f"{stem}.xlsx", units)
    fresh = _formula_cells(recalculated[stem], units)

    def same(a: Any, b: Any) -> bool:
        if isinstance(a, int | float) and isinstance(b, int | float):
            return abs(a - b) < 1e-9
        return (a if a is not None else "") == (b if b is not None else "")

    diff = {k: (cached[k], fresh[k]) for k in cached if not same(cached[k], fresh[k])}
    assert not diff, diff
    crosses = [v for v in fresh.values() if isinstance(v, str) and v.startswith("✘")]
    assert bool(crosses) == has_error, crosses
    if has_error:
        assert "✘ 差额 1.00" in crosses
