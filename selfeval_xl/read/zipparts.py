"""A zip container whose parts are checked against the limits, from the directory and as inflated.

Every entry's declared sizes are checked before anything is inflated (zipfile parses the
directory). Each part is then inflated by us, in bounded steps, against its real size: a step
never yields more than CHUNK bytes, the running total is held to MAX_ENTRY_SIZE and to the
declared size, and the stream must end exactly at the declared size with the declared CRC.
An entry that lies about its size is therefore `too-large` or `corrupt-file` after at most one
step beyond the limit, whatever it declares; memory never follows what the file claims.
"""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
import zlib
from functools import lru_cache

from selfeval_xl.read import limits
from selfeval_xl.read.budget import Budget
from selfeval_xl.read.errors import Refused
from selfeval_xl.read.sniff import zip_precheck

CHUNK = 1 << 20
_LOCAL = struct.Struct("<4sHHHHHIIIHH")  # a zip local file header


class Parts:
    def __init__(self, data: bytes, budget: Budget | None = None) -> None:
        self.data = data
        self.budget = budget if budget is not None else Budget()
        self.inflated = 0  # bytes inflated so far, all parts: held to MAX_TOTAL_SIZE
        zip_precheck(data)
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, EOFError, ValueError, OSError, struct.error, NotImplementedError) as exc:
            # NotImplementedError: a damaged header claiming an unknown zip version ("zip file version 22.4")
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
        return self._inflate(self.infos[key], name)

    def read_opt(self, name: str) -> bytes | None:
        return self.read(name) if self.has(name) else None

    def names(self) -> list[str]:
        return list(self.infos)

    def _inflate(self, info: zipfile.ZipInfo, name: str) -> bytes:
        """The entry's bytes, inflated in steps of at most CHUNK and checked as they come."""
        data = self.data
        start = info.header_offset
        if start < 0 or start + _LOCAL.size > len(data):
            raise Refused("corrupt-file", f"部件 {name} 的位置超出文件")
        sig, _ver, flags, method, *_rest, name_len, extra_len = _LOCAL.unpack_from(data, start)
        if sig != b"PK\x03\x04":
            raise Refused("corrupt-file", f"部件 {name} 的文件头损坏")
        if flags & 0x1:
            raise Refused("encrypted", f"部件 {name} 被加密")
        begin = start + _LOCAL.size + name_len + extra_len
        end = begin + info.compress_size
        if end > len(data):
            raise Refused("corrupt-file", f"部件 {name} 不完整（文件可能被截断）")
        raw = memoryview(data)[begin:end]
        cap = min(limits.MAX_ENTRY_SIZE, info.file_size)  # file_size ≤ MAX_ENTRY_SIZE, checked above
        if method == zipfile.ZIP_STORED:
            if len(raw) != info.file_size:
                raise Refused("corrupt-file", f"部件 {name} 的大小与目录不符")
            out = bytes(raw)
        elif method == zipfile.ZIP_DEFLATED:
            out = self._deflated(raw, cap, info, name)
        else:
            raise Refused("corrupt-file", f"部件 {name} 使用了 Excel 不用的压缩方式（{method}）")
        if zlib.crc32(out) != info.CRC:
            raise Refused("corrupt-file", f"部件 {name} 校验失败（内容已损坏）")
        self.inflated += len(out)
        if self.inflated > limits.MAX_TOTAL_SIZE:
            raise Refused("too-large", f"解压后超过上限 {_mb(limits.MAX_TOTAL_SIZE)}")
        return out

    def _deflated(self, raw: memoryview, cap: int, info: zipfile.ZipInfo, name: str) -> bytes:
        d = zlib.decompressobj(-15)
        chunks: list[bytes] = []
        size = 0
        pending: bytes | memoryview = raw
        try:
            while True:
                self.budget.check()
                chunk = d.decompress(pending, CHUNK)
                pending = d.unconsumed_tail
                size += len(chunk)
                if size > cap:  # the entry lied about its size: stop at once, whatever it holds
                    raise Refused("corrupt-file", f"部件 {name} 解压后比目录中声明的大小更大（内容已损坏或被篡改）")
                chunks.append(chunk)
                if d.eof:
                    break
                if not chunk and not pending:
                    raise Refused("corrupt-file", f"部件 {name} 的压缩数据不完整")
        except zlib.error as exc:
            raise Refused("corrupt-file", f"部件 {name} 无法解压") from exc
        if size != info.file_size:
            raise Refused("corrupt-file", f"部件 {name} 解压后的大小与目录不符")
        return b"".join(chunks)


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

