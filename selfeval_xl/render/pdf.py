"""Reports to PDF through LibreOffice headless: ONE soffice process for the whole batch.

The process gets a private profile folder (concurrent runs never share one) whose font
replacement table maps each report font that is missing on this machine (仿宋_GB2312, 黑体, …)
to the installed CJK font the report style names (fonts-noto-cjk), so the PDF embeds real
Chinese glyphs, never boxes. A timeout scaled by the batch size stops a hung process group.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from selfeval_xl.render.style import ReportStyle

TIMEOUT_BASE_S = 120
TIMEOUT_PER_FILE_S = 10


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed (the message says how to install it, in Chinese)."""


@dataclass(frozen=True)
class PdfResult:
    written: dict[Path, Path]  # docx → pdf in the target folder
    failed: dict[Path, str]  # docx → reason (Chinese)
    seconds: float


def soffice_path() -> str | None:
    """`SELFEVAL_SOFFICE` overrides the PATH lookup."""
    override = os.environ.get("SELFEVAL_SOFFICE")
    if override:
        return override if Path(override).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def installed_families() -> set[str] | None:
    """Font families fontconfig knows (None when fc-list is not there: then LibreOffice decides).

    LibreOffice's own "replace when missing" never fires on Linux, where fontconfig answers
    every name with some font; so a missing font is found here and replaced always."""
    exe = shutil.which("fc-list")
    if exe is None:
        return None
    try:
        done = subprocess.run([exe, ":", "family"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return {name.strip() for line in done.stdout.splitlines() for name in line.split(",") if name.strip()}


def profile_xcu(styles: Sequence[ReportStyle], installed: set[str] | None = None) -> str:
    """registrymodifications.xcu: each report font missing on this machine → its fallback."""
    pairs: dict[str, str] = {}
    for st in styles:
        for f in st.fonts.values():
            if installed is None or f.east_asia not in installed:
                pairs.setdefault(f.east_asia, f.fallback)
    always = "false" if installed is None else "true"
    nodes = "".join(
        f'<node oor:name="r{i}" oor:op="replace">'
        f'<prop oor:name="Always" oor:op="fuse"><value>{always}</value></prop>'
        '<prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>'
        f'<prop oor:name="ReplaceFont" oor:op="fuse"><value>{escape(src)}</value></prop>'
        f'<prop oor:name="SubstituteFont" oor:op="fuse"><value>{escape(dst)}</value></prop></node>'
        for i, (src, dst) in enumerate(sorted(pairs.items())))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            '<item oor:path="/org.openoffice.Office.Common/Font/Substitution">'
            '<prop oor:name="Replacement" oor:op="fuse"><value>true</value></prop></item>'
            f'<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs">{nodes}</item>'
            "</oor:items>\n")


def convert_batch(docs: Sequence[Path], target: Path, styles: Sequence[ReportStyle]) -> PdfResult:
    """Convert every .docx in `docs` to `target/<stem>.pdf` with one soffice run."""
    return convert_files(docs, target, "pdf:writer_pdf_Export", ".pdf", profile_xcu(styles, installed_families()))


def convert_files(files: Sequence[Path], target: Path, convert_to: str, suffix: str, xcu: str = "") -> PdfResult:
    """One soffice run converting every file to `target/<stem><suffix>` (`convert_to` is soffice's
    filter argument). LibreOffice writes into a private folder first; each result is then moved
    into place with os.replace (atomic), so a half-written file never replaces a good one."""
    import time

    exe = soffice_path()
    if exe is None:
        raise PdfUnavailable("未找到 LibreOffice（soffice），无法转换。请安装：sudo apt-get install "
                             "libreoffice-writer-nogui fonts-noto-cjk")
    start = time.monotonic()
    target.mkdir(parents=True, exist_ok=True)
    written: dict[Path, Path] = {}
    failed: dict[Path, str] = {}
    if not files:
        return PdfResult(written, failed, 0.0)
    with tempfile.TemporaryDirectory(prefix="selfeval-lo-") as tmp:
        profile = Path(tmp) / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(xcu or profile_xcu(()), encoding="utf-8")
        out = Path(tempfile.mkdtemp(prefix=".~lo.", dir=target))  # same file system as the target
        try:
            cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--norestore",
                   "--nologo", "--nodefault", "--nolockcheck", "--convert-to", convert_to,
                   "--outdir", str(out), *(str(f) for f in files)]
            detail = _run(cmd, TIMEOUT_BASE_S + TIMEOUT_PER_FILE_S * len(files))
            for f in files:
                made = out / f"{f.stem}{suffix}"
                if made.is_file() and made.stat().st_size > 0:
                    final = target / made.name
                    os.replace(made, final)
                    written[f] = final
                else:
                    failed[f] = detail or "LibreOffice 未能转换该文件"
        finally:
            shutil.rmtree(out, ignore_errors=True)
    return PdfResult(written, failed, time.monotonic() - start)


def _run(cmd: list[str], timeout: float) -> str:
    """Run soffice in its own process group; '' on success, else a Chinese reason."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, "SAL_USE_VCLPLUGIN": "svp"})
    try:
        _out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate()
        return f"LibreOffice 超过 {timeout:.0f} 秒未完成，已停止"
    if proc.returncode != 0:
        return f"LibreOffice 转换失败（退出码 {proc.returncode}）"
    return ""
