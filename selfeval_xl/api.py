"""The public Python API: read and check returned workbooks, get every table as a DataFrame.

    >>> import selfeval_xl
    >>> c = selfeval_xl.load(["收到的报表/"])
    >>> c.overview[["预算编码", "部门名称", "状态", "支出合计"]]

Amount columns hold `decimal.Decimal` (object dtype) — exact, never float; `c.overview["计入汇总"]`
says which submissions count in the totals (not unreadable, not failing, not superseded by a newer
submission of the same 预算编码 and year).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence

from selfeval_xl.model.submission import Submission
from selfeval_xl.summary.frame import Collection, build

__all__ = ["Collection", "LoadError", "from_submissions", "load"]


class LoadError(ValueError):
    """An argument of `load` matched no workbook (a missing file, an empty folder, a dead glob)."""


def load(paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]], workers: int = 1,
         progress: Callable[[int], None] | None = None) -> Collection:
    """Read and check every file under `paths` (files, folders, globs) exactly once, with the
    same reader and checker as `selfeval-xl check`, and return the summary tables.
    `progress(n)` is called as n more files are done; nothing process-wide is switched."""
    from selfeval_xl import pipeline

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files, problems = pipeline.expand_inputs(list(paths))
    if problems:
        raise LoadError("；".join(problems))
    return from_submissions(pipeline.check_paths(files, workers=workers, progress=progress))


def from_submissions(subs: Iterable[Submission]) -> Collection:
    """The summary tables of already checked submissions (e.g. the ledger's current ones)."""
    return build(list(subs))
