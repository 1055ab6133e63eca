"""A zip container whose parts are checked against the limits once, from the directory.

Every entry's declared sizes are checked before anything is inflated; each part is then read
exactly once (zipfile stops at the declared size and verifies the CRC, so an entry lying about
its size is corrupt, not a bomb).
"""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
import zlib
from functools import lru_cache

from selfeval_xl.read import limits
from selfeval_xl.read.errors import Refused
from selfeval_xl.read.sniff import zip_precheck


class Parts:
    def __init__(self, data: bytes) -> None:
        zip_precheck(data)
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, EOFError, ValueError, OSError, struct.error) as exc:
            raise Refused("corrupt-file", "压缩包结构损坏") from exc
        infos = self.zf.infolist()
        if len(infos) > limits.MAX_ENTRY_COUNT:
            raise Refused("too-large", f"压缩包内有 {len(infos)} 个部件，超过上限 {limits.MAX_ENTRY_COUNT}")
        total = 0
        self.infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            size = info.file_size
            if size > limits.MAX_ENTRY_SIZE:
                raise Refused("too-large", f"部件 {info.filename} 解压后 {_mb(size)}，超过单个部件上限 "
                                           f"{_mb(limits.MAX_ENTRY_SIZE)}")
            if size > limits.GRACE_ENTRY_SIZE and info.compress_size < size * limits.MIN_INFLATE_RATIO:
                raise Refused("too-large", f"部件 {info.filename} 压缩比异常（{info.compress_size} 字节解压为 "
                                           f"{_mb(size)}），疑似“压缩炸弹”")
            total += size
            self.infos[info.filename.replace("\\", "/").lstrip("/")] = info
        if total > limits.MAX_TOTAL_SIZE:
            raise Refused("too-large", f"解压后共 {_mb(total)}，超过上限 {_mb(limits.MAX_TOTAL_SIZE)}")
        self.lower = {k.lower(): k for k in self.infos}

    def find(self, name: str) -> str | None:
        """The stored entry name for a part path (case-insensitive, as Excel tolerates)."""
        name = name.lstrip("/")
        if name in self.infos:
            return name
        return self.lower.get(name.lower())

    def has(self, name: str) -> bool:
        return self.find(name) is not None

    def read(self, name: str) -> bytes:
        """The inflated part; raises Refused(corrupt-file) when missing or damaged."""
        key = self.find(name)
        if key is None:
            raise Refused("corrupt-file", f"缺少部件 {name}")
        try:
            return self.zf.read(self.infos[key])
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise Refused("corrupt-file", f"部件 {name} 无法解压") from exc

    def read_opt(self, name: str) -> bytes | None:
        return self.read(name) if self.has(name) else None

    def names(self) -> list[str]:
        return list(self.infos)


@lru_cache(maxsize=1024)
def resolve(base_part: str, target: str) -> str:
    """A relationship target relative to the part that owns the .rels (absolute when it starts with /)."""
    target = target.replace("\\", "/")
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target)).lstrip("/")


def rels_path(part: str) -> str:
    d, f = posixpath.split(part)
    return posixpath.join(d, "_rels", f + ".rels")


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"

