"""Word 97–2003 .doc reports converted to .docx by LibreOffice headless (a private profile and a
timeout per run, as for PDFs), only when a .doc is met; the converted copies live in a temporary
folder for the duration of the import and the user's file is only read. Without LibreOffice
(`render.pdf.soffice_path`: PATH or `SELFEVAL_SOFFICE`) a .doc is `libreoffice-missing`."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from selfeval_xl.model.faults import LIBREOFFICE_MISSING
from selfeval_xl.read.errors import Refused
from selfeval_xl.render.pdf import PdfUnavailable, convert_files


@contextlib.contextmanager
def converter() -> Iterator[object]:
    """A function path → converted .docx (Refused when LibreOffice cannot), cleaned up at exit."""
    with tempfile.TemporaryDirectory(prefix="selfeval-doc-") as d:
        out = Path(d)
        done: dict[Path, Path] = {}

        def convert(path: Path, _scratch: Path) -> Path:
            key = path.resolve()
            if key not in done:
                try:
                    result = convert_files([key], out / str(len(done)), "docx:MS Word 2007 XML", ".docx")
                except PdfUnavailable as exc:  # this machine lacks LibreOffice: not the file's fault
                    raise Refused(LIBREOFFICE_MISSING) from exc
                if key not in result.written:
                    raise Refused("corrupt-file", result.failed.get(key, "LibreOffice 无法打开该 .doc 文件"))
                done[key] = result.written[key]
            return done[key]

        yield convert
