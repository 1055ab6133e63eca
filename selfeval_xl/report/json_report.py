"""The JSON report, exactly data-model.md §4 (a public contract: scripts parse it).

Entries are serialised one at a time into the temp file, so 10,000 submissions never exist as
one big dict in memory.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from selfeval_xl.model.submission import Submission
from selfeval_xl.report._io import atomic_path
from selfeval_xl.report.terminal import counts

TOOL = "selfeval-xl"


def _iso(checked_at: datetime | str) -> str:
    if isinstance(checked_at, datetime):
        if checked_at.tzinfo is None:
            checked_at = checked_at.astimezone()
        return checked_at.isoformat(timespec="seconds")
    return str(checked_at)


def _dumps(value: Any, indent: str) -> str:
    """One submission per line: json's C encoder only runs without `indent` (4× faster), and
    this serial step is what limits the gain of a second worker."""
    del indent
    return json.dumps(value, ensure_ascii=False)


def build_report(submissions: Sequence[Submission], *, version: str, checked_at: datetime | str) -> dict[str, Any]:
    """The whole report as one dict (for callers that want it in memory)."""
    return {"tool": TOOL, "version": version, "checked_at": _iso(checked_at),
            "submissions": [s.to_json() for s in submissions], "counts": counts(submissions)}


def write_json(path: str | os.PathLike[str], submissions: Sequence[Submission], *, version: str,
               checked_at: datetime | str) -> None:
    """Write data-model.md §4 to `path` (UTF-8, Chinese kept readable, atomic)."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as out:
        _write_document(out, submissions, version, checked_at, (s.to_json() for s in submissions))


def _write_document(out, submissions: Sequence[Submission], version: str, checked_at: datetime | str,  # noqa: ANN001
                    entries: Iterable[dict[str, Any]]) -> None:
    out.write("{\n")
    out.write(f'  "tool": {json.dumps(TOOL)},\n')
    out.write(f'  "version": {json.dumps(version, ensure_ascii=False)},\n')
    out.write(f'  "checked_at": {json.dumps(_iso(checked_at))},\n')
    out.write('  "submissions": [')
    for i, entry in enumerate(entries):
        out.write(",\n    " if i else "\n    ")
        out.write(_dumps(entry, "    "))
    out.write("\n  ]" if submissions else "]")
    out.write(f',\n  "counts": {json.dumps(counts(submissions))}\n')
    out.write("}\n")


class JsonSpool:
    """Entries serialised as they arrive, one line each, into a temp file: a large batch then
    keeps only slim Submissions in memory. `write()` produces the report with each entry's
    final findings and status (batch rules such as duplicate-submission come last)."""

    def __init__(self) -> None:
        import tempfile

        self._fh = tempfile.TemporaryFile("w+", encoding="utf-8")
        self.count = 0

    def add(self, sub: Submission) -> Submission:
        self._fh.write(json.dumps(sub.to_json(), ensure_ascii=False))
        self._fh.write("\n")
        self.count += 1
        return sub

    def write(self, path: str | os.PathLike[str], submissions: Sequence[Submission], *, version: str,
              checked_at: datetime | str) -> None:
        """`submissions`: the batch as kept, in the order added (their findings win)."""
        if len(submissions) != self.count:
            raise ValueError("spool and batch differ in length")
        self._fh.seek(0)
        with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as out:
            _write_document(out, submissions, version, checked_at, self._entries(submissions))

    def _entries(self, submissions: Sequence[Submission]):  # noqa: ANN202
        for line, sub in zip(self._fh, submissions, strict=True):
            entry = json.loads(line)
            if entry["file"] != sub.file:
                raise ValueError("spool and batch out of order")
            entry["status"] = sub.status
            entry["findings"] = [f.to_json() for f in sub.findings]
            yield entry

    def close(self) -> None:
        self._fh.close()
