"""One Source → one Submission: read and check a spreadsheet (also one taken out of a .zip), or
list what cannot be checked (another kind of file, an unreadable folder) with a finding."""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Callable

from selfeval_xl.inbox.discover import Source
from selfeval_xl.model import codes
from selfeval_xl.model.submission import Submission

FileChecker = Callable[[str], Submission]

_KIND_NAMES = {
    ".pdf": "PDF 文件", ".doc": "Word 文档", ".docx": "Word 文档", ".wps": "WPS 文字文档", ".csv": "CSV 文本",
    ".txt": "文本文件", ".png": "图片", ".jpg": "图片", ".jpeg": "图片", ".gif": "图片", ".bmp": "图片",
    ".tif": "图片", ".tiff": "图片", ".heic": "图片", ".ofd": "OFD 版式文件", ".rar": "RAR 压缩包",
    ".7z": "7z 压缩包", ".ppt": "演示文稿", ".pptx": "演示文稿", ".html": "网页文件", ".htm": "网页文件",
}


def describe(name: str) -> str:
    """'这是 PDF 文件（.pdf）' — what the file is, from its suffix, for the message."""
    suffix = os.path.splitext(name)[1].lower()
    if not suffix:
        return "这是没有扩展名的文件"
    kind = _KIND_NAMES.get(suffix, "其他类型的文件")
    return f"这是{' ' if kind[0].isascii() else ''}{kind}（{suffix}）"


def listed(src: Source, code: str, **params: str) -> Submission:
    """A Submission for an item that was not read as a spreadsheet, with its one finding."""
    sub = Submission(file=src.name, readable=False)
    if not src.member and not src.problem:
        _fill_file_facts(sub, src.path)
    spec = codes.CODES[code].template
    if "{detail}" in spec:
        params.setdefault("detail", "")
    sub.findings.append(codes.make(code, **params))
    return sub


def _fill_file_facts(sub: Submission, path: str) -> None:
    try:
        st = os.stat(path)
        sub.size, sub.mtime = st.st_size, st.st_mtime
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            while block := fh.read(1 << 20):
                h.update(block)
        sub.sha256 = h.hexdigest()
    except (OSError, ValueError):
        pass


def check_source(src: Source, check_file: FileChecker) -> Submission:
    """What `src` is, checked with `check_file` where it is a spreadsheet on disk."""
    from selfeval_xl.inbox.members import MAX_DEPTH, MemberProblem, read_member, survey

    kind = src.kind
    if src.problem:
        return listed(src, src.problem, what="文件夹", detail="无法列出其中的文件")
    if kind == "other":
        return listed(src, "unsupported-file", detail=describe(src.member[-1] if src.member else src.path))
    if kind == "archive":
        # an archive that yielded no member: say why (damaged, empty, too large, nested too deep)
        try:
            if len(src.member) >= MAX_DEPTH:
                raise MemberProblem("unsupported-file", "这是压缩包中的压缩包中的压缩包，嵌套过深，请解压后报送")
            survey(read_member(src.path, src.member) if src.member else src.path)
        except MemberProblem as p:
            return _problem(src, p)
        return listed(src, "unsupported-file", detail="这是压缩包，其中的文件无法逐一列出")
    if not src.member:
        return check_file(src.path)
    try:
        data = read_member(src.path, src.member)
    except MemberProblem as p:
        return _problem(src, p)
    return _check_bytes(src, data, check_file)


def _problem(src: Source, p: Exception) -> Submission:
    code, detail = p.code, p.detail  # type: ignore[attr-defined]
    if code == "access-denied":
        return listed(src, code, what="压缩包", detail="没有读取权限")
    if code == "encrypted":
        return listed(src, "encrypted")
    return listed(src, code, detail=detail)


def _check_bytes(src: Source, data: bytes, check_file: FileChecker) -> Submission:
    """Check a member through a private temp copy (the reader reads files), named as the member."""
    suffix = os.path.splitext(src.member[-1])[1].lower()
    with tempfile.TemporaryDirectory(prefix="selfeval-member-") as tmp:
        path = os.path.join(tmp, "member" + suffix)
        with open(path, "wb") as fh:
            fh.write(data)
        sub = check_file(path)
    sub.file = src.name
    sub.mtime = _archive_time(src.path)
    return sub


def _archive_time(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return time.time()
