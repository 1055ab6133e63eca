"""Files sent to a browser: always as attachments, under a safe name (RFC 6266 / RFC 5987, so a
Chinese name survives and an ASCII-only client still gets a harmless one)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from starlette.responses import FileResponse, Response

from selfeval_xl.report.annotate import safe_name

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TYPES = {".xlsx": XLSX, ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
         ".xls": "application/vnd.ms-excel", ".ods": "application/vnd.oasis.opendocument.spreadsheet",
         ".json": "application/json"}
_ASCII_UNSAFE = re.compile(r'[^A-Za-z0-9._-]')


def disposition(filename: str) -> str:
    """`attachment; filename="…"; filename*=UTF-8''…` for any name a department chose."""
    name = safe_name(Path(filename.replace("\\", "/")).name) or "download"
    fallback = re.sub(r"_+", "_", _ASCII_UNSAFE.sub("_", name)).strip("._") or "download"
    suffix = Path(name).suffix
    if suffix and not fallback.endswith(suffix):
        fallback = f"download{suffix}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def media_type(filename: str) -> str:
    return TYPES.get(Path(filename).suffix.lower(), "application/octet-stream")


def attachment(data: bytes, filename: str) -> Response:
    return Response(data, media_type=media_type(filename),
                    headers={"Content-Disposition": disposition(filename), "Cache-Control": "no-store"})


def file_attachment(path: Path, filename: str) -> Response:
    return FileResponse(path, media_type=media_type(filename),
                        headers={"Content-Disposition": disposition(filename), "Cache-Control": "no-store"})
