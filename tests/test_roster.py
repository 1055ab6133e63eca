"""Roster reading: xlsx and csv (UTF-8, UTF-8 with BOM, GBK), header search, bad rows by Excel row."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from selfeval_xl.roster import RosterEntry, RosterError, read_roster

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _xlsx(path: Path, rows: list[list[object]], start_row: int = 1, title: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.cell(1, 1, title)
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if v is not None:
                ws.cell(start_row + i, j + 1, v)
    wb.save(path)
    return path


def test_xlsx_header_below_title_and_numeric_code(tmp_path: Path) -> None:
    p = _xlsx(tmp_path / "r.xlsx", [
        ["序号", "预算编码", "部门名称", "单位数", "联系人"],
        [1, 906017, "中共临湘市委网络安全和信息化委员会办公室", None, "袁君来"],
        [2, "001203", "临湘市教育局", 3, " 李敏 "],
        [None, None, None, None, None],
        [3, "yyx342", "临湘市档案馆", 1.0, None],
    ], start_row=3, title="2021年度部门整体支出绩效自评名单")
    res = read_roster(p)
    assert res.problems == []
    assert res.entries == [
        RosterEntry(4, "906017", "中共临湘市委网络安全和信息化委员会办公室", 1, "袁君来"),
        RosterEntry(5, "001203", "临湘市教育局", 3, "李敏"),
        RosterEntry(7, "yyx342", "临湘市档案馆", 1, None),
    ]


def test_bad_rows_reported_by_excel_row_and_others_kept(tmp_path: Path) -> None:
    p = _xlsx(tmp_path / "r.xlsx", [
        ["预算编码", "部门（单位）名称", "单位数"],
        ["906017", "临湘市委网信办", 1],        # row 2 ok
        ["906018", None, 1],                     # row 3 no name
        [None, "临湘市财政局", 1],               # row 4 no code
        ["906017", "重复的部门", 1],             # row 5 duplicate code
        ["90-6019", "临湘市审计局", 1],          # row 6 illegal char
        ["906020", "临湘市统计局", 0],           # row 7 units out of range
        ["906021", "临湘市民政局", "两个"],      # row 8 units not a number
        ["906022", "临湘市司法局", 2.5],         # row 9 units not integer
        ["906023", "临湘市水利局", 51],          # row 10 units too many
        ["906024", "临湘市林业局", "2"],         # row 11 ok (text 2)
        ["９０６０２５", "临湘市农业农村局", 1],   # row 12 ok (full-width digits)
        ["906 026", "临湘市商务局", 1],          # row 13 space inside the code
    ])
    res = read_roster(p)
    assert [(e.row, e.code, e.units) for e in res.entries] == [(2, "906017", 1), (11, "906024", 2), (12, "906025", 1)]
    problems = "\n".join(res.problems)
    assert len(res.problems) == 9
    assert res.problems[-1].startswith("第 13 行：预算编码“906 026”含有非法字符")
    assert res.problems[0].startswith("第 3 行：缺少部门名称")
    assert res.problems[1].startswith("第 4 行：缺少预算编码")
    assert "第 5 行" in res.problems[2] and "与第 2 行重复" in res.problems[2]
    assert res.problems[3].startswith("第 6 行") and "非法字符" in res.problems[3]
    for row in (7, 8, 9, 10):
        assert f"第 {row} 行：单位数" in problems


def test_csv_utf8_with_and_without_bom(tmp_path: Path) -> None:
    text = "编码,单位名称,单位数,联系人\n007001,临湘市财政局,1,张三\n\n007002,临湘市教育局,3,\n"
    for enc in ("utf-8", "utf-8-sig"):
        p = tmp_path / f"r-{enc}.csv"
        p.write_bytes(text.encode(enc))
        res = read_roster(p)
        assert res.problems == []
        assert res.entries == [RosterEntry(2, "007001", "临湘市财政局", 1, "张三"),
                               RosterEntry(4, "007002", "临湘市教育局", 3, None)]


def test_csv_gbk_as_chinese_excel_saves_it(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_bytes("预算编码,部门名称\r\n906017,中共临湘市委网络安全和信息化委员会办公室\r\n,临湘市档案馆\r\n".encode("gbk"))
    res = read_roster(p)
    assert res.entries == [RosterEntry(2, "906017", "中共临湘市委网络安全和信息化委员会办公室")]
    assert res.problems and res.problems[0].startswith("第 3 行：缺少预算编码")


def test_utf16_tab_separated_unicode_text(tmp_path: Path) -> None:
    p = tmp_path / "r.txt"
    p.write_bytes("预算编码\t部门名称\r\n906017\t临湘市委网信办\r\n".encode("utf-16"))
    assert read_roster(p).entries == [RosterEntry(2, "906017", "临湘市委网信办")]


def test_missing_file_and_no_header_raise(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match="找不到名单文件"):
        read_roster(tmp_path / "nope.xlsx")
    p = _xlsx(tmp_path / "r.xlsx", [["名称", "金额"], ["a", 1]])
    with pytest.raises(RosterError, match="找不到表头"):
        read_roster(p)
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(RosterError):
        read_roster(bad)
    other = tmp_path / "r.pdf"
    other.write_bytes(b"%PDF-1.4")
    with pytest.raises(RosterError, match="格式不支持"):
        read_roster(other)


def test_sample_roster_is_clean() -> None:
    p = SAMPLES / "roster.xlsx"
    if not p.exists():
        pytest.skip("samples/roster.xlsx not generated yet")
    res = read_roster(p)
    assert res.problems == []
    assert len(res.entries) >= 5
    assert any(e.name == "中共临湘市委网络安全和信息化委员会办公室" for e in res.entries)
    assert any(e.units > 1 for e in res.entries)


def test_zero_padded_number_format_keeps_leading_zeros(tmp_path: Path) -> None:
    p = tmp_path / "r.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["部门名称", "单位名称", "预算编码"])   # both name headers: 部门名称 wins
    ws.append(["临湘市教育局", "局机关", 1203])
    ws["C2"].number_format = "000000"
    ws.append(["临湘市财政局", "局机关", 906017.0])
    wb.save(p)
    res = read_roster(p)
    assert res.problems == []
    assert [(e.code, e.name) for e in res.entries] == [("001203", "临湘市教育局"), ("906017", "临湘市财政局")]


def test_hidden_sheet_ignored_and_header_found_on_a_later_sheet(tmp_path: Path) -> None:
    p = tmp_path / "r.xlsx"
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "说明"
    notes.append(["本表为报送名单"])
    hidden = wb.create_sheet("旧名单")
    hidden.append(["预算编码", "部门名称"])
    hidden.append(["000001", "已撤销的部门"])
    hidden.sheet_state = "hidden"
    ws = wb.create_sheet("名单")
    ws.append(["预算编码", "部门名称", "联系人"])
    ws.append(["906017", "临湘市委网信办", None])
    wb.save(p)
    res = read_roster(p)
    assert [(e.row, e.code) for e in res.entries] == [(2, "906017")]


def test_calamine_path_gives_the_same_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import selfeval_xl.roster as roster_mod

    p = _xlsx(tmp_path / "r.xlsx", [["预算编码", "部门名称", "单位数"], [906017, "临湘市委网信办", 2],
                                    [None, None, None], ["yyx342", None, 1]], start_row=3, title="名单")
    direct = read_roster(p)

    def fail(_: Path) -> None:
        raise ValueError("openpyxl unavailable")

    monkeypatch.setattr(roster_mod, "_read_openpyxl", fail)
    via_calamine = read_roster(p)
    assert via_calamine == direct
    assert direct.entries == [RosterEntry(4, "906017", "临湘市委网信办", 2)]
    assert direct.problems == ["第 6 行：缺少部门名称，该行已跳过"]
