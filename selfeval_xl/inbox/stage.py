"""Members of a .zip written out as files, so `collect` can archive and record them as it does a
workbook on disk (returns often arrive zipped by e-mail).

Each member is read through the inbox's own limits (`members.read_member`: sizes, ratios,
nesting) into a private temporary folder, under its own base name (the name a department gave
it, which the checks compare with the cover), one sub-folder per member so equal names never
collide. The place it came from (`a.zip!m.xlsx`) is what the ledger records as its source.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from selfeval_xl.atomic import write_bytes
from selfeval_xl.generate.filenames import safe_part
from selfeval_xl.inbox.discover import MEMBER_SEP, Source
from selfeval_xl.inbox.members import MemberProblem, read_member
from selfeval_xl.inbox.names import readable


@dataclass(frozen=True)
class Staged:
    path: str     # the member's bytes as a file in the temporary folder
    source: str   # where it came from: /inbox/a.zip!m.xlsx


def stage_members(members: list[Source], folder: str | os.PathLike[str]) -> tuple[list[Staged], list[tuple[Source, str]]]:
    """The members written under `folder`, and those that could not be taken out (with why)."""
    staged: list[Staged] = []
    problems: list[tuple[Source, str]] = []
    for k, src in enumerate(members, start=1):
        try:
            data = read_member(src.path, src.member)
        except MemberProblem as exc:
            problems.append((src, exc.detail))
            continue
        except OSError:
            problems.append((src, "压缩包在收件期间无法读取（被移动或被占用？），请稍后重新收件"))
            continue
        name = safe_part(readable(src.member[-1].replace("\\", "/").rsplit("/", 1)[-1]), "压缩包中的文件.xlsx")
        target = Path(folder) / str(k) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(target, data)
        source = MEMBER_SEP.join((os.path.abspath(src.path), *src.member))
        staged.append(Staged(str(target), readable(source)))
    return staged, problems
