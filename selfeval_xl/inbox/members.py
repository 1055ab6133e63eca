"""Members of a .zip in the inbox, within the reader's zip-bomb limits.

Returns arrive by e-mail as archives. Each member is listed (nested archives are opened once)
and later checked on its own. Names are decoded as Chinese Windows writes them: when the UTF-8
flag of an entry is unset, its bytes are UTF-8 if they decode as such, else GBK (GB18030).
Every member is inflated in bounded chunks against its real, not its declared, size.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass

from selfeval_xl.inbox import discover
from selfeval_xl.read import limits

UTF8_FLAG = 0x800
ENCRYPTED_FLAG = 0x1
MAX_MEMBER_SIZE = limits.MAX_FILE_SIZE  # a member is a whole workbook: the reader's file limit
MAX_DEPTH = 2  # an archive, and archives inside it: nested once


class MemberProblem(Exception):
    """A member (or an archive) that cannot be taken out: finding `code` with Chinese `detail`."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Member:
    name: str
    info: zipfile.ZipInfo


def decoded_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its maker meant it (zipfile decodes flagless names as cp437)."""
    if info.flag_bits & UTF8_FLAG:
        return info.filename
    raw = info.filename.encode("cp437")
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return info.filename


def _open(data_or_path: str | bytes) -> zipfile.ZipFile:
    try:
        if isinstance(data_or_path, bytes):
            return zipfile.ZipFile(io.BytesIO(data_or_path))
        return zipfile.ZipFile(data_or_path)
    except PermissionError as exc:
        raise MemberProblem("access-denied", "压缩包") from exc
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as exc:
        raise MemberProblem("corrupt-file", "压缩包已损坏或不完整") from exc


def _members(zf: zipfile.ZipFile) -> list[Member]:
    infos = zf.infolist()
    if len(infos) > limits.MAX_ENTRY_COUNT:
        raise MemberProblem("too-large", f"压缩包内有 {len(infos)} 个文件，超过上限 {limits.MAX_ENTRY_COUNT}")
    out = []
    for info in infos:
        name = decoded_name(info).replace("\\", "/")
        if info.is_dir() or any(discover.ignored(part) for part in name.split("/") if part):
            continue
        out.append(Member(name.lstrip("/"), info))
    return out


def _inflate(zf: zipfile.ZipFile, member: Member) -> bytes:
    """The member's bytes, read in chunks and refused as soon as they pass the limit."""
    info = member.info
    if info.flag_bits & ENCRYPTED_FLAG:
        raise MemberProblem("encrypted", "")
    if info.file_size > MAX_MEMBER_SIZE:
        raise MemberProblem("too-large", f"解压后 {info.file_size / 1024 / 1024:.1f} MB，超过上限 "
                                         f"{MAX_MEMBER_SIZE // 1024 // 1024} MB")
    if info.file_size > limits.GRACE_ENTRY_SIZE and info.compress_size < info.file_size * limits.MIN_INFLATE_RATIO:
        raise MemberProblem("too-large", "压缩比异常，疑似“压缩炸弹”")
    out = bytearray()
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(1 << 20):
                out += chunk
                if len(out) > MAX_MEMBER_SIZE:
                    raise MemberProblem("too-large", f"解压后超过上限 {MAX_MEMBER_SIZE // 1024 // 1024} MB")
    except MemberProblem:
        raise
    except NotImplementedError as exc:
        raise MemberProblem("corrupt-file", "压缩包使用了不支持的压缩方式，请用普通 zip 格式重新压缩") from exc
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, RuntimeError) as exc:
        raise MemberProblem("corrupt-file", "压缩包中的此文件已损坏") from exc
    return bytes(out)


def survey(archive: str | bytes) -> list[tuple[str, ...]]:
    """Every member (as its chain of names) of the archive (a path, or its bytes), nested archives
    opened once; raises MemberProblem when the archive itself cannot be listed or holds nothing."""
    with _open(archive) as zf:
        found: list[tuple[str, ...]] = []
        for m in _members(zf):
            if os.path.splitext(m.name)[1].lower() in discover.ARCHIVE_SUFFIXES:
                try:
                    with _open(_inflate(zf, m)) as inner:
                        names = [(m.name, n.name) for n in _members(inner)]
                except MemberProblem:
                    names = []
                found.extend(names or [(m.name,)])  # a damaged inner archive is reported as itself
            else:
                found.append((m.name,))
    if not found:
        raise MemberProblem("unsupported-file", "这是空的压缩包（其中没有任何文件）")
    return found


def list_members(path: str) -> list[tuple[str, ...]]:
    """Like survey(), but an archive that cannot be listed yields nothing (it is then checked,
    and reported, as itself)."""
    try:
        return survey(path)
    except MemberProblem:
        return []


def read_member(path: str, chain: tuple[str, ...]) -> bytes:
    """The bytes of member `chain` (outer name, then inner name for a nested archive)."""
    data: str | bytes = path
    for depth, wanted in enumerate(chain):
        with _open(data) as zf:
            member = next((m for m in _members(zf) if m.name == wanted), None)
            if member is None:
                raise MemberProblem("corrupt-file", f"压缩包中找不到“{wanted}”（压缩包在审核期间被改动？）")
            data = _inflate(zf, member)
        if depth + 1 >= MAX_DEPTH and depth + 1 < len(chain):
            raise MemberProblem("unsupported-file", "压缩包嵌套过深")
    assert isinstance(data, bytes)
    return data
