"""Which files a command works on: every file under the given folders is accounted for.

Spreadsheets (by suffix; the reader then decides the real format from the content) are
checked; `.zip` archives, as returns arrive by e-mail, are opened and each member checked as
`archive.zip!member.xlsx`; any other file is listed as `unsupported-file`; a folder that cannot
be opened is listed as `access-denied`. Only Office lock files (`~$…`), hidden files and folders
(`.…`) and the system's own thumbnail/folder files are left out, silently and by design.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".et", ".ett", ".xlsb", ".xltx", ".xltm", ".xlt")
ARCHIVE_SUFFIXES = (".zip",)
SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db"})
MEMBER_SEP = "!"
_GLOB_CHARS = set("*?[")


@dataclass(frozen=True)
class Source:
    """One item of a batch: a file on disk, or a member of a .zip on disk (`member` holds the
    names inside, outermost first: nested once at most). Behaves as the disk path (`os.fspath`)
    so a plain file can go wherever a path is expected; `name` is what every output shows."""

    path: str
    member: tuple[str, ...] = ()
    problem: str = ""  # a folder that could not be listed: its finding code (access-denied)

    def __fspath__(self) -> str:
        return self.path

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return MEMBER_SEP.join((self.path, *self.member))

    @property
    def kind(self) -> str:
        """sheet | archive | other | problem — by the suffix of the innermost name."""
        if self.problem:
            return "problem"
        suffix = os.path.splitext(self.member[-1] if self.member else self.path)[1].lower()
        if suffix in SPREADSHEET_SUFFIXES:
            return "sheet"
        if suffix in ARCHIVE_SUFFIXES:
            return "archive"
        return "other"


def ignored(name: str) -> bool:
    """Lock files of Excel/WPS (~$x.xlsx), hidden files (.x) and the system's own files."""
    base = name.rsplit("/", 1)[-1]
    return base.startswith(("~$", ".")) or base.lower() in SYSTEM_FILES or base.startswith("__MACOSX")


def _walk(folder: str) -> Iterator[Source]:
    """Every file under `folder`, recursively (hidden folders skipped); a sub-folder that cannot
    be listed becomes a Source of its own, so the officer learns of it."""
    denied: list[str] = []

    def onerror(exc: OSError) -> None:
        denied.append(exc.filename if isinstance(exc.filename, str) else folder)

    for root, dirs, files in os.walk(folder, onerror=onerror):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not ignored(name):
                yield Source(os.path.join(root, name))
        while denied:
            yield Source(denied.pop(), problem="access-denied")
    while denied:
        yield Source(denied.pop(), problem="access-denied")


def _expand(src: Source) -> list[Source]:
    """An archive's members (each a Source; a damaged or empty archive stays as itself)."""
    if src.kind != "archive":
        return [src]
    from selfeval_xl.inbox.members import list_members

    members = list_members(src.path)
    return [Source(src.path, m) for m in members] if members else [src]


def expand_inputs(args: Sequence[str | os.PathLike[str]]) -> tuple[list[Source], list[str]]:
    """Files, folders (recursively) and globs → every Source in a stable order, plus Chinese
    problems for each argument that matches nothing (the CLI exits 2 on those)."""
    found: dict[str, Source] = {}
    problems: list[str] = []

    def add(src: Source) -> None:
        try:
            key = os.path.normcase(os.path.realpath(src.path))
        except (OSError, ValueError):
            key = os.path.normcase(os.path.abspath(src.path))
        for item in _expand(src):
            found.setdefault(MEMBER_SEP.join((key, *item.member)) + item.problem, item)

    for arg in args:
        text = os.fspath(arg)
        if os.path.isfile(text):
            add(Source(text))
        elif os.path.isdir(text):
            hits = list(_walk(text))
            if not hits:
                problems.append(f"文件夹中没有任何文件：{_shown(text)}")
            for h in hits:
                add(h)
        elif isinstance(text, str) and _GLOB_CHARS & set(text):
            hits = []
            for m in sorted(glob.glob(text, recursive=True)):
                if os.path.isdir(m):
                    hits.extend(_walk(m))
                elif not ignored(os.path.basename(m)):
                    hits.append(Source(m))
            if not hits:
                problems.append(f"没有与“{_shown(text)}”匹配的文件")
            for h in hits:
                add(h)
        elif os.path.lexists(text) or _denied(text):
            add(Source(text))  # there but not a regular file we may look at: reported per file
        else:
            problems.append(f"找不到文件：{_shown(text)}")
    sources = sorted(found.values(), key=lambda s: (str(Path(s.path).parent), Path(s.path).name, s.member))
    return sources, problems


def _denied(text: str) -> bool:
    try:
        os.stat(text)
    except PermissionError:
        return True
    except (OSError, ValueError):
        return False
    return False


def _shown(text: str) -> str:
    from selfeval_xl.inbox.names import readable

    return readable(text)
