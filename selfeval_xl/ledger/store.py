"""Content-addressed object storage inside the archive: objects/ab/abcdef….<ext> by sha256.

Objects are written to a temporary file in their final directory, fsynced, renamed with
os.replace and the directory fsynced, so a crash leaves either the whole object or a
`.tmp-<pid>-…` file that repair removes. Sources are only ever opened for reading.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

DEFAULT_ARCHIVE = Path("selfeval-archive")
LEDGER_NAME = "ledger.sqlite"
OBJECTS = "objects"
TMP_PREFIX = ".tmp-"
CHUNK = 1 << 20
_EXT = re.compile(r"^[a-z0-9]{1,8}$")
_TMP = re.compile(r"^\.tmp-(?P<host>[^-]*)-(?P<pid>\d+)-[0-9a-f]+$")
HOST = re.sub(r"[^A-Za-z0-9_.]", "_", socket.gethostname())[:40]


@dataclass(frozen=True)
class Archive:
    root: Path

    @property
    def ledger(self) -> Path:
        return self.root / LEDGER_NAME

    @property
    def objects(self) -> Path:
        return self.root / OBJECTS

    def exists(self) -> bool:
        return self.ledger.is_file()

    def create(self) -> None:
        self.objects.mkdir(parents=True, exist_ok=True)

    def path_of(self, obj: str) -> Path:
        return self.root / obj


def object_name(sha256: str, original_name: str) -> str:
    """Relative path of an object: objects/ab/<sha256>.<ext> (ext from the original name)."""
    ext = Path(original_name).suffix.lower().lstrip(".")
    if not _EXT.match(ext):
        ext = "bin"
    return f"{OBJECTS}/{sha256[:2]}/{sha256}.{ext}"


def hash_file(path: Path) -> tuple[str, int]:
    """sha256 and size of a file, read in chunks."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


def fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class ChangedWhileReading(Exception):
    """The source's bytes differ from the hash taken before it was checked."""


def _syncfs_function():  # noqa: ANN202 - the libc function, or None off Linux
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        fn = ctypes.CDLL(None, use_errno=True).syncfs
        fn.argtypes = [ctypes.c_int]
        return fn
    except (OSError, AttributeError):
        return None


_SYNCFS = _syncfs_function()


def _flush_fs(root: Path) -> bool:
    """Make everything written under `root` durable with one syncfs (Linux); False if unavailable."""
    if _SYNCFS is None:
        return False
    try:
        fd = os.open(root, os.O_RDONLY)
    except OSError:
        return False
    try:
        return _SYNCFS(fd) == 0
    finally:
        os.close(fd)


def write_temp(archive: Archive, source: Path, sha256: str, obj: str, *, fsync: bool) -> Path:
    """Copy `source` into a temp file next to the object, hashing while copying.

    Raises ChangedWhileReading (temp removed) when the bytes do not hash to `sha256`."""
    final = archive.path_of(obj)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f"{TMP_PREFIX}{HOST}-{os.getpid()}-{secrets.token_hex(6)}"
    h = hashlib.sha256()
    try:
        with open(source, "rb") as src, open(tmp, "xb") as dst:
            while block := src.read(CHUNK):
                h.update(block)
                dst.write(block)
            if fsync:
                dst.flush()
                os.fsync(dst.fileno())
        if h.hexdigest() != sha256:
            raise ChangedWhileReading(str(source))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def store_batch(archive: Archive, jobs: list[tuple[Path, str, str]]) -> list[Exception | None]:
    """Store many objects (source, sha256, object name) atomically, with two flushes in all.

    Every copy goes to a temp file first; then the data is made durable (one syncfs, or an
    fsync per file where syncfs is missing), the temps are renamed, and the renames are made
    durable (syncfs, or an fsync per directory) — so an object is never visible before its
    bytes are on disk, and the caller records it only after it is. Per-job failures
    (ChangedWhileReading, OSError) are returned, not raised."""
    results: list[Exception | None] = [None] * len(jobs)
    batched = _SYNCFS is not None
    staged: list[tuple[int, Path, Path]] = []
    try:
        for i, (source, sha, obj) in enumerate(jobs):
            try:
                staged.append((i, write_temp(archive, source, sha, obj, fsync=not batched), archive.path_of(obj)))
            except (ChangedWhileReading, OSError) as exc:
                results[i] = exc
        if not staged:
            return results
        if batched and not _flush_fs(archive.root):
            for _i, tmp, _final in staged:  # syncfs failed after all: fall back to per-file fsync
                with open(tmp, "rb+") as fh:
                    os.fsync(fh.fileno())
            batched = False
        dirs: set[Path] = set()
        for i, tmp, final in staged:
            try:
                os.replace(tmp, final)
                dirs.add(final.parent)
            except OSError as exc:
                results[i] = exc
                tmp.unlink(missing_ok=True)
        staged = []
        if not (batched and _flush_fs(archive.root)):
            for d in sorted(dirs):
                fsync_dir(d)
    except BaseException:
        for _i, tmp, _final in staged:
            tmp.unlink(missing_ok=True)
        raise
    return results


def store(archive: Archive, source: Path, sha256: str, obj: str) -> None:
    """Store one object (see store_batch); raises its ChangedWhileReading or OSError."""
    (err,) = store_batch(archive, [(source, sha256, obj)])
    if err is not None:
        raise err


def temp_owner(name: str) -> tuple[str, int] | None:
    """(host, pid) of a temp file's writer, or None when `name` is not one of our temp files."""
    m = _TMP.match(name)
    return (m["host"], int(m["pid"])) if m else None


def pid_alive(host: str, pid: int) -> bool:
    """Whether the process that owns a temp file or intake row may still be running."""
    if host and host != HOST:
        return True  # another machine on a shared folder: never touch its work
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) would send CTRL_C_EVENT there
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _windows_pid_alive(pid: int) -> bool:
    try:
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x00100000, False, pid)  # SYNCHRONIZE
        if not handle:
            return False
        try:
            return kernel32.WaitForSingleObject(handle, 0) == 0x102  # WAIT_TIMEOUT: still running
        finally:
            kernel32.CloseHandle(handle)
    except Exception:  # noqa: BLE001 - when unsure, never touch another process's work
        return True


STALE_SECONDS = 24 * 3600  # no collect runs this long: an older "live" owner is a reused pid


def work_abandoned(host: str, pid: int, started_iso: str | None = None) -> bool:
    """Whether journaled work (intake row) can be finished or undone by someone else."""
    if started_iso:
        from datetime import UTC, datetime

        try:
            age = (datetime.now(UTC) - datetime.fromisoformat(started_iso)).total_seconds()
        except (ValueError, TypeError):
            age = 0.0
        if age > STALE_SECONDS and (not host or host == HOST):
            return True
    return not pid_alive(host, pid)


def scan_objects(archive: Archive) -> tuple[dict[str, Path], list[Path], list[Path]]:
    """Walk objects/: (relative object name → path), temp files, other stray files."""
    objects: dict[str, Path] = {}
    temps: list[Path] = []
    strays: list[Path] = []
    if not archive.objects.is_dir():
        return objects, temps, strays
    for sub in sorted(archive.objects.iterdir()):
        if not sub.is_dir():
            strays.append(sub)
            continue
        for p in sorted(sub.iterdir()):
            if p.name.startswith(TMP_PREFIX):
                temps.append(p)
            elif p.is_file() and re.fullmatch(r"[0-9a-f]{64}\.[a-z0-9]{1,8}", p.name) and p.name[:2] == sub.name:
                objects[f"{OBJECTS}/{sub.name}/{p.name}"] = p
            else:
                strays.append(p)
    return objects, temps, strays
