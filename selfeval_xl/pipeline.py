"""The batch pipeline: checking every item of a batch (in parallel through selfeval_xl.runner),
and the rules that need the whole batch (duplicate submissions). Which items: selfeval_xl.inbox.

A user drops 150 (or 10,000) workbooks into a folder; every file must become a Submission, in
input order, whatever is wrong with it, and memory must not grow with the raw workbooks: each
worker turns a file into a small Submission and forgets the snapshot at once.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from selfeval_xl import runner
from selfeval_xl.inbox import names
from selfeval_xl.inbox.discover import Source, expand_inputs
from selfeval_xl.inbox.items import check_source
from selfeval_xl.model import codes, faults, precedence
from selfeval_xl.model.findings import Finding
from selfeval_xl.model.submission import Submission

__all__ = ["Source", "check_file", "check_item", "check_paths", "expand_inputs", "iter_check", "slim"]


# ---------------------------------------------------------------------------------------------
# One file


def check_file(path: str | os.PathLike[str]) -> Submission:
    """Read and check one file; never raises (a bug in reader or checker becomes a finding)."""
    try:
        return _check_one(path)
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - incl. a native panic; the batch must go on
        return internal_error(path, exc)


def _check_one(path: str | os.PathLike[str]) -> Submission:
    from selfeval_xl.check import check_snapshot
    from selfeval_xl.read import read_file

    return check_snapshot(read_file(path))


def internal_error(path: Source | str | os.PathLike[str], exc: BaseException) -> Submission:
    """An unreadable Submission with `internal-error`: the program failed, the file may be fine."""
    sub = Submission(file=str(path), readable=False)
    try:
        if isinstance(path, Source) and (path.member or path.problem):
            raise ValueError("not a file of its own")
        st = os.stat(path)
        sub.size, sub.mtime = st.st_size, st.st_mtime
        sub.sha256 = _sha256(path)
    except (OSError, ValueError):
        pass
    sub.findings.append(faults.internal_error(exc))
    return sub


def _sha256(path: str | os.PathLike[str]) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# Which files: selfeval_xl.inbox.discover (every file accounted for, archives opened)


def check_item(item: Source | str | os.PathLike[str]) -> Submission:
    """One batch item → its Submission: a spreadsheet read and checked (also one inside a .zip),
    anything else listed with its finding. Never raises (a bug becomes `internal-error`)."""
    if not isinstance(item, Source):
        return printable_name(check_file(item))
    try:
        sub = check_source(item, check_file)  # check_file looked up now: tests replace it
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - the batch must go on
        sub = internal_error(item, exc)
    return printable_name(sub)


def printable_name(sub: Submission) -> Submission:
    """A name that is not valid UTF-8 is shown readably in `file`, its bytes kept in `file_bytes`
    (every report, summary and the ledger can then write `file` as text, losing nothing)."""
    if names.is_raw(sub.file):
        sub.file_bytes = names.raw_name(sub.file)
        sub.file = names.readable(sub.file)
    return sub


# ---------------------------------------------------------------------------------------------
# Many files


def iter_check(paths: Sequence[Source | str | os.PathLike[str]], workers: int = 1,
               fn: Callable[[str], Submission] | None = None,
               progress: runner.Progress | None = None) -> Iterator[Submission]:
    """Submissions in input order, streamed as they arrive, through the one parallel runner.
    `fn` is a top-level function (picklable by reference), check_item unless testing;
    `progress(n)` is told as n more files are done."""
    items = [p if isinstance(p, Source) else os.fspath(p) for p in paths]
    return runner.run(fn or check_item, items, workers, on_crash=internal_error, progress=progress or None)


def check_paths(paths: Sequence[Source | str | os.PathLike[str]], workers: int = 1,
                progress: runner.Progress | None = None, *,
                keep: Callable[[Submission], Submission] | None = None,
                spool: bool = False) -> Sequence[Submission]:
    """Check every path (input order kept), then apply the batch rules. `progress(n)` is told as
    n more files are done (the CLI turns that into its bar).

    `keep` sees each full Submission as it arrives and returns what the batch keeps (e.g.
    `slim`). With `spool=True` the kept submissions are pickled to a temp file instead of held
    in a list (a SubmissionSpool: a read-only sequence that unpickles one at a time), so the
    memory of a 10,000-file batch does not grow with the number of files. Default: a list.
    """
    store: list[Submission] | SubmissionSpool = SubmissionSpool() if spool else []
    keys: list[BatchKey] = []
    for sub in iter_check(paths, workers, progress=progress):
        kept = keep(sub) if keep is not None else sub
        keys.append(BatchKey.of(kept))
        store.append(kept)
    for i, found in batch_findings(keys).items():
        if isinstance(store, SubmissionSpool):
            store.add_findings(i, found)
        else:
            store[i].findings.extend(found)
    return store


class SubmissionSpool(Sequence[Submission]):
    """Submissions pickled into an anonymous temp file as they arrive; reading one unpickles
    it (with any batch-level findings added since). Reads use pread, so iterations can nest."""

    def __init__(self) -> None:
        import tempfile

        self._fh = tempfile.TemporaryFile()
        self._spans: list[tuple[int, int]] = []
        self._extra: dict[int, list[Finding]] = {}
        self._end = 0

    def append(self, sub: Submission) -> None:
        import pickle

        data = pickle.dumps(sub, protocol=pickle.HIGHEST_PROTOCOL)
        self._fh.write(data)
        self._spans.append((self._end, len(data)))
        self._end += len(data)

    def add_findings(self, index: int, findings: list[Finding]) -> None:
        self._extra.setdefault(index, []).extend(findings)

    def __len__(self) -> int:
        return len(self._spans)

    def __getitem__(self, index):  # noqa: ANN001, ANN204 - int or slice, as Sequence says
        import pickle

        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        self._fh.flush()
        start, size = self._spans[index]
        sub: Submission = pickle.loads(os.pread(self._fh.fileno(), size, start))
        sub.findings.extend(self._extra.get(index, ()))
        return sub

    def __iter__(self) -> Iterator[Submission]:
        return (self[i] for i in range(len(self)))

    def close(self) -> None:
        self._fh.close()


SLIM_KEYS = ("dept.name", "dept.code", "report.year", "report.date")


def slim(sub: Submission) -> Submission:
    """The same submission without the values and tables no report or batch rule needs."""
    import dataclasses

    values = {k: sub.values[k] for k in SLIM_KEYS if k in sub.values}
    return dataclasses.replace(sub, values=values, tables={}, findings=list(sub.findings))


# ---------------------------------------------------------------------------------------------
# Batch rules


@dataclass(frozen=True)
class BatchKey:
    """What the batch rules need of a submission (tiny, kept for every file)."""

    file: str
    code: str | None
    year: int | None
    date: date | None
    mtime: float
    readable: bool
    template: str | None = None  # each form is its own return: a department sends both
    format: str | None = None

    @staticmethod
    def of(sub: Submission) -> BatchKey:
        day = precedence.report_day(sub.values.get("report.date"))
        return BatchKey(sub.file, sub.dept_code, sub.year, day, sub.mtime, sub.readable, sub.template_id,
                        sub.format)

    def recency(self) -> precedence.Recency:
        """Which of two submissions counts: model.precedence (the one policy)."""
        return precedence.recency(self.date, self.mtime, self.file, fmt=self.format)


def _names(files: list[str], limit: int = 3) -> str:
    """At most `limit` names (a batch of 500 copies must not make 500 × 500 names)."""
    shown = "、".join(files[:limit])
    return shown if len(files) <= limit else f"{shown} 等 {len(files)} 份"


def batch_findings(keys: Sequence[BatchKey]) -> dict[int, list[Finding]]:
    """`duplicate-submission` for every submission (by index) that shares 表样 + 预算编码 + 年度
    with another in the batch; the message names the others and which one counts."""
    groups: dict[tuple[str | None, str, int], list[int]] = {}
    for i, k in enumerate(keys):
        gk = precedence.group_key(k.code, k.year) if k.readable else None
        if gk is not None:
            groups.setdefault((k.template, *gk), []).append(i)
    out: dict[int, list[Finding]] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        winner = group[precedence.newest(group, lambda i: keys[i].recency())]
        for i in group:
            others = _names([keys[j].file for j in group if j != i])
            if i == winner:
                which = "以本文件为准（报告日期或修改时间较新）。"
            else:
                which = f"以较新的 {keys[winner].file} 为准，本文件不计入。"
            out.setdefault(i, []).append(codes.make(
                "duplicate-submission", field="dept.code",
                args={"others": others, "counts": keys[winner].file},
                code=keys[i].code, year=keys[i].year, other=others, which=which,
            ))
    return out


def add_batch_findings(subs: Sequence[Submission]) -> None:
    """Apply the batch rules to a list of submissions in place."""
    for i, found in batch_findings([BatchKey.of(s) for s in subs]).items():
        subs[i].findings.extend(found)
