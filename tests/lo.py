"""LibreOffice headless as a real spreadsheet engine for tests.

Python libraries never evaluate formulas, so tests that must prove a live check or a total
really computes what the checker computes run the workbook through `soffice`. The profile
forces recalculation on load (docs/libreoffice.md); without it LibreOffice keeps the cached
values XlsxWriter wrote. One private profile per process: concurrent soffice runs sharing a
profile block each other or fail silently.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

TIMEOUT_S = 120
FORMATS = ("xlsx", "xls", "ods", "pdf")

_RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
</oor:items>
"""

_lock = threading.Lock()
_profile: tuple[int, Path] | None = None  # (pid that created it, dir)


class LibreOfficeError(RuntimeError):
    """soffice failed, timed out or produced no output; the message carries its output."""


def soffice_path() -> str | None:
    """The soffice executable (`SELFEVAL_SOFFICE` overrides the PATH lookup)."""
    override = os.environ.get("SELFEVAL_SOFFICE")
    if override:
        return override if Path(override).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def soffice_available() -> bool:
    return soffice_path() is not None


def _profile_dir() -> Path:
    """This process's private profile (created once; a forked child makes its own)."""
    global _profile
    if _profile is None or _profile[0] != os.getpid():
        root = Path(tempfile.mkdtemp(prefix=f"selfeval-lo-{os.getpid()}-"))
        (root / "user").mkdir()
        (root / "user" / "registrymodifications.xcu").write_text(_RECALC_XCU, encoding="utf-8")
        _profile = (os.getpid(), root)
        atexit.register(_cleanup, os.getpid(), root)
    return _profile[1]


def _cleanup(pid: int, root: Path) -> None:
    if os.getpid() == pid:
        shutil.rmtree(root, ignore_errors=True)


def convert(src: Path, fmt: str, outdir: Path) -> Path:
    """Open `src` in LibreOffice (recalculating every formula) and save it as `fmt` in `outdir`.

    Returns the written file. Refuses to overwrite `src` itself.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} not in {FORMATS}")
    exe = soffice_path()
    if exe is None:
        raise LibreOfficeError("soffice not found (install libreoffice-calc-nogui)")
    src = Path(src).resolve()
    if not src.is_file():
        raise FileNotFoundError(src)
    outdir = Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    target = outdir / f"{src.stem}.{fmt}"
    if target == src:
        raise ValueError(f"converting {src} into its own folder would overwrite it; use another outdir")
    if target.exists():
        target.unlink()
    with _lock:  # one profile must not be used by two soffice runs at once
        profile = _profile_dir()
        cmd = [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless", "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            "--convert-to", fmt, "--outdir", str(outdir), str(src),
        ]
        out, err, rc = _run(cmd)
    if rc != 0 or not target.is_file():
        raise LibreOfficeError(
            f"soffice --convert-to {fmt} {src.name} failed (exit {rc}, no {target.name})\n"
            f"stdout: {out.strip()}\nstderr: {err.strip()}"
        )
    return target


def recalc(src: Path, outdir: Path) -> Path:
    """The .xlsx LibreOffice writes after recalculating all formulas of `src`.

    Read it with `openpyxl.load_workbook(path, data_only=True)` to see the computed values.
    """
    return convert(src, "xlsx", outdir)


def _run(cmd: list[str]) -> tuple[str, str, int]:
    # soffice is a shell wrapper that spawns soffice.bin: run it in its own session so a
    # timeout kills the whole group, not just the wrapper.
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "SAL_USE_VCLPLUGIN": "svp"},
    )
    try:
        out, err = proc.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
        raise LibreOfficeError(
            f"soffice did not finish within {TIMEOUT_S} s: {' '.join(cmd[-4:])}\n"
            f"stdout: {out.strip()}\nstderr: {err.strip()}"
        ) from None
    return out, err, proc.returncode
