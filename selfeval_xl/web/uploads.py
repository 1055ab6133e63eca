"""An uploaded workbook, from the parsed form to a private staging file the checker can read.

The request body is limited while it streams (the route's max_body_size: the server stops
reading and answers 413); here the file part is held to the exact limit, its extension to the
workbook formats and its first bytes to a workbook container (else the checker's own finding is
given, without a worker). The staging file lives outside the archive under a random folder; its
name is the department's file name made safe, and nothing from the request forms the folder.
"""

from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from starlette.datastructures import UploadFile

from selfeval_xl.inbox.discover import SPREADSHEET_SUFFIXES as WORKBOOK_SUFFIXES
from selfeval_xl.read.errors import Refused
from selfeval_xl.read.sniff import kind
from selfeval_xl.report.annotate import safe_name

HEAD = 8
FORM_OVERHEAD = 64 * 1024  # multipart framing and the few small fields beside the file


class UploadRefused(Exception):
    """The upload is refused before any check; `status` is the HTTP status, the message Chinese."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Staged:
    path: Path
    original_name: str
    looks_like_workbook: bool   # its first bytes are a zip or OLE2 container

    def remove(self) -> None:
        shutil.rmtree(self.path.parent, ignore_errors=True)


def original_name(filename: str | None) -> str:
    """The department's file name without any folder part, made safe for a file system."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    if not base.strip(" ."):
        return "upload.xlsx"
    return safe_name(base)[:120]


def too_large_message(limit: int) -> str:
    return f"文件超过 {limit // (1024 * 1024)} MB 的上限，未上传。自评表通常只有几百 KB，请检查是否选错了文件。"


def stage(upload: object, spool: Path, limit: int) -> Staged:
    """Copy the form's file part into a fresh private folder under `spool` (blocking: run in a thread)."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise UploadRefused(400, "请选择要上传的工作簿文件。")
    name = original_name(upload.filename)
    if Path(name).suffix.lower() not in WORKBOOK_SUFFIXES:
        raise UploadRefused(415, f"只接受 Excel/WPS 工作簿（{'、'.join(WORKBOOK_SUFFIXES)}），“{name}”不是。")
    if upload.size is not None and upload.size > limit:
        raise UploadRefused(413, too_large_message(limit))
    folder = spool / secrets.token_hex(16)
    folder.mkdir(mode=0o700, parents=True)
    target = folder / name
    size = 0
    head = b""
    try:
        upload.file.seek(0)
        with open(target, "xb") as out:
            while block := upload.file.read(1 << 20):
                size += len(block)
                if size > limit:
                    raise UploadRefused(413, too_large_message(limit))
                if len(head) < HEAD:
                    head += block[:HEAD - len(head)]
                out.write(block)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    try:
        kind(head)
        looks = True
    except Refused:
        looks = False
    return Staged(target, name, looks)
