"""`status --notice DIR`: one short 催报 notice per department to chase, ready to hand out.

Why: the 催报 list tells the officer whom to call; the department needs a note it can act on —
what is missing or what to fix, in its own words, with the contact on the roster. Plain text
(UTF-8 with BOM and CRLF, so Notepad and WeChat/e-mail paste it as is), one file per department,
each written atomically.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from selfeval_xl.atomic import write_bytes
from selfeval_xl.generate.filenames import roster_file_name
from selfeval_xl.ledger.status import FAILED, MISSING, UNEXPLAINED, DeptStatus, StatusReport

SUFFIX = "_催报通知.txt"


def notice_text(d: DeptStatus, year: int, today: str) -> str:
    """The notice for one department (Chinese, a few lines)."""
    lines = [f"关于报送{year}年度部门整体支出绩效自评表的通知", "", f"{d.name}（预算编码 {d.code}）："]
    if d.state == MISSING:
        lines.append(f"　　截至{today}，尚未收到贵单位{year}年度部门整体支出绩效自评表。"
                     "请使用下发的模板填写，审核无误后尽快报送。")
    elif d.state == FAILED:
        lines.append(f"　　贵单位于{d.received_at}报送的自评表（{d.file}）审核未通过，须修改后重新报送。"
                     f"主要问题：{d.problems_sentence() or '文件无法读取，请用下发的模板重新填写'}。")
    elif d.state == UNEXPLAINED:
        lines.append(f"　　贵单位于{d.received_at}报送的自评表（{d.file}）有须核实的事项："
                     f"{d.problems_sentence() or '详见审核意见'}。"
                     "请核实；情况属实的，在“情况说明”表中选择对应的规则编号并写明原因后重新报送。")
    contact = "、".join(x for x in (d.contact or "", d.phone or "") if x)
    if contact:
        lines += ["", f"贵单位联系人：{contact}"]
    lines += ["", f"{today}"]
    return "\r\n".join(lines) + "\r\n"


def write_notices(rep: StatusReport, outdir: str | os.PathLike[str], today: datetime | None = None) -> list[Path]:
    """One notice per department to chase (未提交, 未通过, 待说明); returns the files written."""
    if rep.year is None:
        return []
    out = Path(outdir)
    day = (today or datetime.now().astimezone()).strftime("%Y年%m月%d日")
    written: list[Path] = []
    used: set[str] = set()
    for d in rep.chase():
        if d.state not in (MISSING, FAILED, UNEXPLAINED):
            continue
        name = roster_file_name(d.code, d.name, rep.year, SUFFIX)
        n = 1
        while name.lower() in used:  # two roster rows that sanitize alike
            n += 1
            name = roster_file_name(d.code, d.name, rep.year, f"（{n}）{SUFFIX}")
        used.add(name.lower())
        target = out / name
        write_bytes(target, "\ufeff".encode() + notice_text(d, rep.year, day).encode("utf-8"))
        written.append(target)
    return written
