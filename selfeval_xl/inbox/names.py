"""File names as the file system gives them: any bytes, shown readably, carried losslessly.

On POSIX a name is bytes; Python hands names that are not valid UTF-8 (GBK names, as unzipping
a Windows archive leaves them) over as `str` with lone surrogates (PEP 383 surrogateescape).
Such a str cannot be printed, written as UTF-8 or stored in SQLite. Every output therefore shows
`readable(name)` (the bytes decoded as GBK/GB18030 when they are that, else with U+FFFD), and
the JSON report also carries `raw_name(name)`: the exact bytes, so no information is lost.
"""

from __future__ import annotations


def is_raw(name: str) -> bool:
    """True when `name` holds bytes that are not UTF-8 (surrogate-escaped)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def readable(name: str) -> str:
    """A printable form of a name: unchanged when it is proper text; otherwise each path component
    that is not UTF-8 decoded from GB18030 (a GBK name from a Chinese Windows), else with U+FFFD."""
    if not is_raw(name):
        return name
    return "/".join(_component(part) for part in name.split("/"))


def _component(part: str) -> str:
    if not is_raw(part):
        return part
    data = part.encode("utf-8", "surrogateescape")
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace")


def raw_name(name: str) -> str | None:
    """The name's exact bytes as lowercase hex when it is not valid UTF-8, else None."""
    if not is_raw(name):
        return None
    return name.encode("utf-8", "surrogateescape").hex()
