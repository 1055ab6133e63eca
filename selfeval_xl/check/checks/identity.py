"""Why: a return whose file name, version stamp and cover disagree on the department (a file
named …卫生健康局 that holds 临湘市财政局's form) was filled or sent by mistake — the officer must
see it before it is filed under the wrong department."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePath

from selfeval_xl.check.checks.common import at
from selfeval_xl.check.context import Context
from selfeval_xl.check.round import norm_code, norm_name
from selfeval_xl.model.findings import Finding

_CODE = re.compile(r"^[0-9A-Za-z]{3,20}$")
_YEAR = re.compile(r"^(19|20)\d\d$")
# words an organisation's name carries (“…局”, “…办公室”, “临湘市…”); “自评表”, “终稿” carry none
_ORG = re.compile(r"[市县区局办委院馆会所站部厅队处室校社团司园]|中心")


def name_parts(path: str) -> tuple[str, str] | None:
    """(预算编码, 部门名称) from a file named like the roster's templates: <编码>_<名称>[_…].xlsx."""
    stem = PurePath(path.replace("\\", "/").rsplit("!", 1)[-1]).stem
    parts = stem.split("_")
    if len(parts) < 2 or not _CODE.match(parts[0].strip()) or _YEAR.match(parts[0].strip()) \
            or not _ORG.search(parts[1]):
        return None
    return parts[0].strip(), parts[1].strip()


def _abbreviates(short: str, long: str) -> bool:
    """Whether `short` can be read out of `long` in order (临湘市委网信办 ← 中共临湘市委网络安全和信息化委员会办公室)."""
    it = iter(long)
    return all(ch in it for ch in short)


def _same_name(a: str, b: str) -> bool:
    x, y = norm_name(a), norm_name(b)
    return bool(x) and bool(y) and (_abbreviates(x, y) or _abbreviates(y, x))


def check_identity(ctx: Context) -> Iterator[Finding]:
    code_key, name_key = ctx.template.identity.dept_code, ctx.template.identity.dept_name
    code = ctx.value(code_key)
    name = ctx.value(name_key)
    code = str(code).strip() if code not in (None, "") else ""
    name = str(name).strip() if name not in (None, "") else ""
    by_name = ctx.plan.by_name
    stamp = ctx.snapshot.stamp
    s_code, s_name = (stamp.get("dept_code") or "").strip(), (stamp.get("dept_name") or "").strip()
    if code and s_code and norm_code(code) != norm_code(s_code) and code_key in by_name:
        yield at(by_name[code_key], "roster-mismatch", args={"code": code, "stamp": s_code},
                 detail=f"本表预算编码为 {code}，而下发给本部门的模板为 {s_code}（{s_name or '名称未记录'}），"
                        "请核对是否用了其他部门的模板。")
    parts = name_parts(ctx.snapshot.path)
    if parts is None or name_key not in by_name:
        return
    f_code, f_name = parts
    code, name = code or s_code, name or s_name
    if code and norm_code(f_code) != norm_code(code):
        yield at(by_name[code_key], "roster-mismatch", args={"file": f_code, "code": code},
                 detail=f"文件名中的预算编码 {f_code} 与表内的 {code}（{name or '未填部门名称'}）不一致，"
                        "请核对是否报错了文件。")
    elif name and not _same_name(f_name, name):
        yield at(by_name[name_key], "roster-mismatch", args={"file": f_name, "name": name},
                 detail=f"文件名中的部门“{f_name}”与表内的部门“{name}”（预算编码 {code or '未填'}）不一致，"
                        "请核对是否报错了文件。")
