"""import: published reports read back into values — the seed text, rendered reports (round
trip), variants of the seed, hostile files, the value file and workbook outputs, carry-over."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from value_strategies import draw_unit_amounts

from selfeval_xl.importer import import_report
from selfeval_xl.importer.run import checked
from selfeval_xl.model.submission import Submission
from selfeval_xl.pipeline import check_file
from selfeval_xl.prefill import load_values
from selfeval_xl.render import build_document, load_style
from selfeval_xl.render.docx import Stamp, docx_bytes
from selfeval_xl.spec import default_template

ROOT = Path(__file__).resolve().parents[1]
SEED_TEXT = ROOT / "samples" / "reports" / "906017_临湘市委网信办_2021.txt"
SEED_VALUES = ROOT / "samples" / "data" / "906017_临湘市委网信办.yaml"
SUBS = ROOT / "samples" / "submissions"


def flat(sub: Submission) -> dict[str, object]:
    """A checked submission's values as input names (tables as `t[i].col`), blanks left out."""
    out = {k: v for k, v in sub.values.items() if v not in (None, "")}
    for table, rows in sub.tables.items():
        for i, row in enumerate(rows, start=1):
            for col, v in row.items():
                if col != "_row" and v not in (None, ""):
                    out[f"{table}[{i}].{col}"] = v
    return out


def render(values: dict[str, object], tables: dict[str, list[dict[str, object]]], units: int, path: Path) -> Path:
    t = default_template()
    style = load_style(t.id)
    doc = build_document(t, style, values, tables, units)
    path.write_bytes(docx_bytes(doc, style, Stamp("0" * 64, "test", False, "2026-01-01T00:00:00Z")))
    return path


def test_seed_text_imports_to_exactly_the_seed_values() -> None:
    res = import_report(SEED_TEXT, default_template())
    assert res.readable and res.findings == []
    expected = load_values(SEED_VALUES, default_template())
    expected.pop("dept.code")  # the seed report has no 预算编码 (samples/data invents one)
    assert res.values == expected
    # the table's 人员/公用 figures, not the narrative's 43.4 / 22.6
    assert res.values["expenditure.personnel"] == Decimal("42.26")
    assert res.where["expenditure.personnel"].startswith("第 ")


def test_imported_seed_goes_through_the_checker() -> None:
    res = import_report(SEED_TEXT, default_template())
    res.values["dept.code"] = "906017"
    codes = [f.code for f in checked(res.values, res.units).findings]
    assert codes.count("narrative-mismatch") == 2


def test_the_seed_samples_rendered_report_imports_the_same_values(tmp_path: Path) -> None:
    sub = check_file(SUBS / "906017_临湘市委网信办.xlsx")
    docx = render(sub.values, sub.tables, sub.units, tmp_path / "r.docx")
    res = import_report(docx, default_template())
    assert res.findings == []
    assert res.values == flat(sub)


def test_three_units_import_three_unit_rows(tmp_path: Path) -> None:
    sub = check_file(SUBS / "902001_临湘市教育局.xlsx")
    assert sub.units == 3
    res = import_report(render(sub.values, sub.tables, sub.units, tmp_path / "r.docx"), default_template())
    assert res.units == 3
    assert [res.values[f"units.name.u{n}"] for n in (1, 2, 3)] == [sub.values[f"units.name.u{n}"] for n in (1, 2, 3)]
    assert res.values == flat(sub)


def _variant(text: str) -> str:
    """The seed with other heading numbering, extra blank lines, full-width digits and 万元, a
    cover value on the line after its label, 填报人 without （签名）."""
    text = text.replace("一、部门（单位）概况", "（一）部门（单位）概况")
    text = text.replace("\n部门（单位）整体支出绩效情况\n", "\n4. 部门（单位）整体支出绩效情况\n")
    text = text.replace("\n存在的主要问题\n", "\n五、存在的主要问题\n")
    text = text.replace("\t16.18\n", "\t１６．１８万元\n").replace("\t79.82\n", "\t７９.８２ 万元\n")
    text = text.replace("\t42.26\n", "\t42.26万元\n").replace("\t19.65\n", "\t１９.６５\n")
    text = text.replace("填报人（签名）：", "填报人：").replace("评价方式：部门", "评价方式：\n部门")
    return text.replace("\n\t联系人\n", "\n\n\n\t联系人\n").replace("\n\t机构名称\n", "\n\n\t机构名称\n")


def test_variants_of_the_seed_import_the_same_numbers(tmp_path: Path) -> None:
    variant = tmp_path / "variant.txt"
    variant.write_text(_variant(SEED_TEXT.read_text(encoding="utf-8")), encoding="utf-8")
    base = import_report(SEED_TEXT, default_template()).values
    res = import_report(variant, default_template())
    assert res.findings == []
    assert res.values == base


def test_gb18030_text_imports_too(tmp_path: Path) -> None:
    p = tmp_path / "gbk.txt"
    p.write_bytes(SEED_TEXT.read_text(encoding="utf-8").encode("gb18030"))
    assert import_report(p, default_template()).values == import_report(SEED_TEXT, default_template()).values


def test_a_figure_that_is_no_number_is_listed_not_guessed(tmp_path: Path) -> None:
    p = tmp_path / "bad.txt"
    p.write_text(SEED_TEXT.read_text(encoding="utf-8").replace("\t16.18\n", "\t约十六万\n"), encoding="utf-8")
    res = import_report(p, default_template())
    assert "income.carryover" not in res.values
    bad = [f for f in res.findings if f.code == "import-unplaced"]
    assert len(bad) == 1 and "约十六万" in bad[0].message and bad[0].args["where"].startswith("第 ")
    assert "上年结转" in bad[0].message and "income" not in bad[0].message  # the clerk's words, not a key
    assert bad[0].field == "income.carryover"


def test_duplicate_label_is_ambiguous(tmp_path: Path) -> None:
    p = tmp_path / "dup.txt"
    text = SEED_TEXT.read_text(encoding="utf-8").replace("\t人员编制\n\t7\n", "\t人员编制\n\t7\n\t人员编制\n\t9\n")
    p.write_text(text, encoding="utf-8")
    res = import_report(p, default_template())
    assert "staff.authorized" not in res.values
    assert [f.code for f in res.findings] == ["import-ambiguous"]
    f = res.findings[0]
    assert "人员编制" in f.message and "出现 2 处" in f.message and "staff" not in f.message
    assert f.field == "staff.authorized"


# ---- round trip -------------------------------------------------------------------------------

# A text with at least one letter or digit: a value of punctuation only (a name ":") is ambiguous in
# print as well ("部门(单位)名称 :" reads as a label and a blank).
line = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp", "Zs")), min_size=1,
               max_size=15).filter(lambda s: any(ch.isalnum() for ch in s))
longtext = st.tuples(line, st.lists(line | st.just(""), max_size=3), line).map(
    lambda t: "\n".join([t[0], *t[1], t[2]]))  # blank lines inside a text, never at its ends
money = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
HIER = default_template().tables["indicators"].hierarchy


@st.composite
def reports(draw: st.DrawFn) -> tuple[dict[str, object], dict[str, list[dict[str, object]]], int]:
    t = default_template()
    units = draw(st.integers(1, 5))
    v: dict[str, object] = {"report.region": "临湘市", "report.year": 2021, "dept.name": draw(line),
                            "dept.code": draw(st.from_regex(r"[0-9]{6}", fullmatch=True)), "contact.name": draw(line),
                            "dept.functions": draw(longtext), "narrative.performance": draw(longtext),
                            "narrative.improvements": draw(longtext), "staff.actual": draw(st.integers(0, 500)),
                            "evaluation.score": Decimal(draw(st.integers(0, 100))), "evaluation.grade": "良"}
    draw_unit_amounts(draw, t, units, v, money=money, name=line)
    rows = []
    for _ in range(draw(st.integers(0, 30))):
        l1 = draw(st.sampled_from(sorted(HIER)))
        row = {"level1": l1, "level2": draw(st.sampled_from(HIER[l1])), "level3": draw(line),
               "target": draw(longtext), "actual": draw(longtext)}
        weight = draw(st.none() | st.decimals(0, 100, places=1))
        if weight is not None:
            row["weight"], row["score"] = weight, draw(st.decimals(0, 100, places=2))
        rows.append(row)
    return v, {"indicators": rows, "goals": [{"target": draw(longtext), "actual": draw(line)}]}, units


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(reports())
def test_render_then_import_gives_back_the_values(tmp_path: Path,
                                                   case: tuple[dict[str, object], dict[str, list[dict[str, object]]], int]) -> None:
    values, tables, units = case
    res = import_report(render(values, tables, units, tmp_path / "rt.docx"), default_template())
    want = dict(values)
    for table, rows in tables.items():
        for i, row in enumerate(rows, start=1):
            want.update({f"{table}[{i}].{k}": x for k, x in row.items()})
    assert res.findings == []
    assert res.values == want
    assert res.units == units


# ---- hostile and foreign files ----------------------------------------------------------------

def _docx(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_a_docx_that_is_no_report_is_unknown_template(tmp_path: Path) -> None:
    p = tmp_path / "letter.docx"
    p.write_bytes(_docx({"word/document.xml": f"<w:document {W}><w:body><w:p><w:r><w:t>通知</w:t></w:r></w:p>"
                                              "</w:body></w:document>".encode()}))
    res = import_report(p, default_template())
    assert not res.readable and [f.code for f in res.findings] == ["unknown-template"]


def test_entity_declarations_and_bombs_are_refused(tmp_path: Path) -> None:
    lol = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
           f"<w:document {W}><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>").encode()
    p = tmp_path / "lol.docx"
    p.write_bytes(_docx({"word/document.xml": lol}))
    assert [f.code for f in import_report(p, default_template()).findings] == ["too-large"]
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(_docx({"word/document.xml": b"<" + b" " * (40 * 1024 * 1024) + b"/>"}))
    assert [f.code for f in import_report(bomb, default_template()).findings] == ["too-large"]


def test_the_readers_zip_limits_apply(tmp_path: Path) -> None:
    from selfeval_xl.read import limits

    body = f"<w:document {W}><w:body><w:p><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>".encode()
    many = {f"word/media/{i}.bin": b"" for i in range(limits.MAX_ENTRY_COUNT)}
    p = tmp_path / "many.docx"
    p.write_bytes(_docx({"word/document.xml": body, **many}))
    res = import_report(p, default_template())
    assert [f.code for f in res.findings] == ["too-large"] and "部件" in res.findings[0].message


def test_password_protected_docx_is_encrypted(tmp_path: Path) -> None:
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    sub = check_file(SUBS / "906017_临湘市委网信办.xlsx")
    plain = render(sub.values, sub.tables, sub.units, tmp_path / "plain.docx")
    enc = io.BytesIO()
    OOXMLFile(io.BytesIO(plain.read_bytes())).encrypt("secret", enc)
    p = tmp_path / "locked.docx"
    p.write_bytes(enc.getvalue())
    assert msoffcrypto is not None
    res = import_report(p, default_template())
    assert not res.readable and [f.code for f in res.findings] == ["encrypted"]


def test_empty_and_binary_files(tmp_path: Path) -> None:
    (tmp_path / "empty.docx").write_bytes(b"")
    (tmp_path / "noise.txt").write_bytes(bytes(range(256)) * 10)
    assert [f.code for f in import_report(tmp_path / "empty.docx", default_template()).findings] == ["empty-file"]
    assert [f.code for f in import_report(tmp_path / "noise.txt", default_template()).findings] == ["unknown-template"]
