"""File-system errors told as what to do, in Chinese.

The operating system's own text ("Operation not permitted", "No such file or directory") is
English and says nothing about the remedy; every message about an OSError is built here.
"""

from __future__ import annotations

import errno
import os

_BUSY = (errno.EBUSY, errno.ETXTBSY)
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


def explain(exc: OSError, path: str | os.PathLike[str] | None = None, *, writing: bool = False) -> str:
    """One Chinese sentence: what went wrong with which path and what the officer can do."""
    where = str(path if path is not None else (exc.filename or ""))
    code = exc.errno
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM) or code in _BUSY:
        right = "写入" if writing else "读取"
        hint = "如已在 Excel 或 WPS 中打开，请先关闭；否则请检查该文件和文件夹的访问权限，或换一个位置"
        return f"文件被占用或无{right}权限：{where}（{hint}）"
    if isinstance(exc, FileNotFoundError) or code == errno.ENOENT:
        return f"找不到文件或文件夹：{where}（请检查路径是否正确、所在文件夹是否存在）"
    if code in _NO_SPACE:
        return f"磁盘空间不足，无法写入：{where}（请清理磁盘或换一个位置）"
    if code == errno.EROFS:
        return f"该位置只读，无法写入：{where}（请换一个可以写入的位置）"
    if isinstance(exc, IsADirectoryError) or code == errno.EISDIR:
        return f"这是一个文件夹，这里应为文件：{where}"
    if isinstance(exc, NotADirectoryError) or code == errno.ENOTDIR:
        return f"路径中有一部分不是文件夹：{where}"
    if isinstance(exc, FileExistsError) or code == errno.EEXIST:
        return f"已存在同名的文件或文件夹：{where}（请换一个名称）"
    if code == errno.ENAMETOOLONG:
        return f"文件名或路径过长：{where}（请缩短文件名或换一个层级较浅的位置）"
    if code in (errno.EMFILE, errno.ENFILE):
        return "同时打开的文件过多，请减少并行进程数（--workers）后重试"
    if code == errno.EIO or code in (errno.ESTALE, errno.ETIMEDOUT, errno.EHOSTDOWN, errno.ENOTCONN):
        return f"读写磁盘出错：{where}（磁盘或网络共享文件夹可能暂时不可用，请稍后重试）"
    action = "写入" if writing else "读取"
    return f"无法{action}：{where}（系统错误代码 {code}；请检查路径、权限和磁盘空间）"


def explain_database(exc: Exception, archive: str | os.PathLike[str]) -> str:
    """A SQLite error of the archive's 登记库 (the ledger file), told as what to do."""
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    where = str(archive)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return f"报送库 {where} 正被其他程序占用（可能另一台电脑正在收件登记），请稍后再试。"
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        return f"报送库 {where} 的登记库已损坏，无法打开：请运行 selfeval-xl verify 核验，或从备份恢复该文件夹。"
    if name.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH")):
        return f"报送库 {where} 无写入权限或位于只读位置：请检查该文件夹的访问权限。"
    if name.startswith("SQLITE_CANTOPEN"):
        return f"无法打开报送库 {where} 的登记库：请检查文件夹是否存在、是否有访问权限。"
    if name.startswith("SQLITE_FULL"):
        return f"磁盘空间不足，报送库 {where} 无法写入：请清理磁盘后重试。"
    if name.startswith("SQLITE_IOERR"):
        return f"读写报送库 {where} 时磁盘出错（网络共享文件夹可能暂时不可用），请稍后重试。"
    code = getattr(exc, "sqlite_errorcode", None)
    return f"报送库 {where} 的登记库出错（错误代码 {code if code is not None else '未知'}）：请运行 selfeval-xl verify 核验。"
