"""Roster mode: one personalized workbook per department, in parallel processes (selfeval_xl.runner).

Each worker loads the template once (pickled into its initializer) and reuses the cached
layout, so a workbook costs only its own cells. Name, code and year are prefilled and locked;
the contact person is prefilled but stays editable.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from selfeval_xl import runner
from selfeval_xl.generate.filenames import roster_file_name
from selfeval_xl.generate.workbook import write_workbook
from selfeval_xl.model.spec import Template, scoped, split_scope

CHUNK = 8  # departments per task: amortizes inter-process traffic


@dataclass
class GenerateReport:
    """What roster mode did: files written, rows skipped (with the reason), how long it took."""

    outdir: Path
    written: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class _Job:
    row: int
    path: Path
    units: int
    values: dict[str, Any]
    copies: int = 1


def entry_values(entry: Any, year: int, template: Template | None = None) -> dict[str, Any]:
    """Input values of one roster entry (RosterEntry: row, code, name, units, contact; an
    ItemEntry also has items, one per repeated sheet)."""
    if template is None:
        from selfeval_xl.spec import default_template

        template = default_template()
    ident = template.identity
    values: dict[str, Any] = {ident.dept_name: entry.name, ident.dept_code: entry.code, ident.year: year}
    if getattr(entry, "contact", None) and ident.contact is not None:
        values[ident.contact] = entry.contact
    sheet = template.repeated_sheet()
    for k, item in enumerate(getattr(entry, "items", None) or [], start=1):
        if sheet is not None:
            values.update({scoped(sheet.name.format(n=k), key): v for key, v in item.items()})
    return values


def locked_names(template: Template, values: Mapping[str, Any]) -> list[str]:
    """The prefilled inputs of fields the spec marks `roster: true` (name, code, year, 项目名称 …)."""
    return [n for n in values if (f := template.fields.get(split_scope(n)[1])) is not None and f.roster]


def plan(entries: Iterable[Any], year: int, outdir: Path, common: Mapping[str, Any] | None = None,
         template: Template | None = None) -> list[_Job]:
    """One job per entry, with unique, safe file names (a clash gets the row number appended)."""
    jobs: list[_Job] = []
    used: set[str] = set()
    for e in entries:
        name = roster_file_name(e.code, e.name, year, suffix=_suffix(template))
        if name.casefold() in used:
            stem, ext = os.path.splitext(name)
            name = f"{stem}_第{e.row}行{ext}"
        used.add(name.casefold())
        values = {**(common or {}), **entry_values(e, year, template)}
        units = max(1, int(getattr(e, "units", 1) or 1), _units_in(values))
        jobs.append(_Job(e.row, outdir / name, units, values, max(1, len(getattr(e, "items", None) or []))))
    return jobs


def _suffix(template: Template | None) -> str:
    """Workbooks of a template with repeated sheets carry its title, so both forms of one
    department can share a folder."""
    return template.title if template is not None and template.repeat is not None else ""


def _units_in(values: Mapping[str, Any]) -> int:
    n = 1
    for key in values:
        head, dot, tail = key.rpartition(".u")
        if dot and tail.isdigit():
            n = max(n, int(tail))
    return n


_template: Template | None = None
_password: str | None = None


def _init(template: Template, password: str | None) -> None:
    global _template, _password
    _template, _password = template, password


def _run(jobs: Sequence[_Job]) -> list[tuple[int, Path, str | None]]:
    assert _template is not None
    out: list[tuple[int, Path, str | None]] = []
    for job in jobs:
        try:
            write_workbook(job.path, _template, units=job.units, values=job.values,
                           locked=locked_names(_template, job.values), password=_password, copies=job.copies)
            out.append((job.row, job.path, None))
        except Exception as exc:  # one bad department must not stop the others
            out.append((job.row, job.path, str(exc) or type(exc).__name__))
    return out


def _crashed(chunk: Sequence[_Job], _exc: BaseException) -> list[tuple[int, Path, str | None]]:
    """A worker process died on this chunk (native code): its rows are reported, the rest goes on."""
    return [(job.row, job.path, "生成时程序内部错误，请重试或反馈给开发人员") for job in chunk]


def generate_roster(entries: Iterable[Any] | str | os.PathLike[str], outdir: str | os.PathLike[str], *,
                    year: int, template: Template | None = None, workers: int | None = None,
                    progress: Callable[[int], None] | None = None,
                    password: str | None = None, values: Mapping[str, Any] | None = None) -> GenerateReport:
    """Write one workbook per roster entry into `outdir`.

    `entries`: RosterEntry objects, or a roster file (read with roster.read_roster; its problem
    rows are reported as skipped). `progress(n)` is called as n more are done (the CLI draws the
    bar). `values`: prefilled in every workbook (e.g. report.region);
    a unit needing `.uN` names gets at least N units.
    """
    problems: list[str] = []
    if isinstance(entries, str | os.PathLike):
        from selfeval_xl.roster import read_roster

        result = read_roster(entries)
        entries, problems = result.entries, list(result.problems)
    if template is None:
        from selfeval_xl.spec import default_template

        template = default_template()
    entries = list(entries)
    report = _generate(entries, outdir, year, template, workers, progress or None, password, values)
    report.skipped[:0] = problems
    return report


def _generate(entries: list[Any], outdir: Any, year: int, template: Template, workers: int | None,
              progress: Callable[[int], None] | None, password: str | None,
              values: Mapping[str, Any] | None = None) -> GenerateReport:
    t0 = time.perf_counter()
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    jobs = plan(entries, year, out, values, template)
    report = GenerateReport(out)
    workers = max(1, workers or os.cpu_count() or 1)
    chunks = [jobs[i:i + CHUNK] for i in range(0, len(jobs), CHUNK)]
    results: list[tuple[int, Path, str | None]] = []
    tick = progress or None
    for done in runner.run(_run, chunks, min(workers, len(chunks)), on_crash=_crashed, chunksize=1,
                           initializer=_init, initargs=(template, password)):
        results.extend(done)
        if tick is not None:
            tick(len(done))
    for row, path, error in sorted(results, key=lambda r: r[0]):
        if error is None:
            report.written.append(path)
        else:
            report.skipped.append(f"第 {row} 行：{error}")
    report.seconds = time.perf_counter() - t0
    return report
