"""One run, one table of ratios: the speed and memory targets of issues 2–5 and 10.

Ratios are measured within a single run on the same files (not timed tests), so they say
something on any machine: the check against the bare parse floor and against an openpyxl
reader, 2 workers against 1, summarize and collect against check. Absolute figures (1,000
templates < 60 s, status < 1 s, peak memory) are for this 2-core machine.

    .venv/bin/python scripts/benchmark.py                 # everything (several minutes)
    .venv/bin/python scripts/benchmark.py --quick         # small N, a quick look
    .venv/bin/python scripts/benchmark.py --only b,c --n 2000 --size 10000
    .venv/bin/python scripts/benchmark.py --only web      # the web intake under load (scripts/bench_web.py)

A section whose API is not there yet is skipped with a note. Temporary data lives in a
temp dir that is removed at the end (--keep keeps it).
"""

from __future__ import annotations

import argparse
import csv
import gc
import importlib
import inspect
import io
import json
import os
import pyexpat
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED_VALUES = ROOT / "samples" / "data"
YEAR = 2021


# ---------------------------------------------------------------------------------------------
# Results


@dataclass
class Line:
    section: str
    what: str
    measured: str
    target: str
    ok: bool | None  # None: informational or skipped


@dataclass
class Results:
    lines: list[Line] = field(default_factory=list)

    def add(self, section: str, what: str, measured: str, target: str = "", ok: bool | None = None) -> None:
        self.lines.append(Line(section, what, measured, target, ok))
        verdict = "" if ok is None else ("PASS" if ok else "FAIL")
        print(f"  [{section}] {what}: {measured} {('(target ' + target + ')') if target else ''} {verdict}",
              flush=True)

    def skip(self, section: str, why: str) -> None:
        self.lines.append(Line(section, "skipped", why, "", None))
        print(f"  [{section}] skipped: {why}", flush=True)

    def table(self) -> str:
        rows = [("", "measure", "measured", "target", "")]
        for ln in self.lines:
            verdict = "SKIP" if ln.what == "skipped" else "" if ln.ok is None else "PASS" if ln.ok else "FAIL"
            rows.append((ln.section, ln.what, ln.measured, ln.target, verdict))
        widths = [max(_w(r[i]) for r in rows) for i in range(5)]
        out = []
        for j, r in enumerate(rows):
            out.append("  ".join(c + " " * (widths[i] - _w(c)) for i, c in enumerate(r)).rstrip())
            if j == 0:
                out.append("  ".join("-" * w for w in widths))
        return "\n".join(out)


def _w(s: str) -> int:
    """Display width (CJK characters take two columns)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


@dataclass(frozen=True)
class Timing:
    """Wall-clock and CPU seconds of this process (threads included, child processes not).

    The machine is shared: ratios between in-process operations are judged on CPU time, which
    other load does not inflate; wall time is shown beside it."""

    wall: float
    cpu: float

    def __truediv__(self, other: Timing) -> Timing:
        return Timing(self.wall / other.wall, self.cpu / other.cpu)


def timed(fn: Callable[[], Any]) -> tuple[Timing, Any]:
    # Start every measurement from the same heap state: what earlier sections left behind
    # would otherwise make the garbage collector's full passes slower for later ones.
    gc.collect()
    w0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    return Timing(time.perf_counter() - w0, time.process_time() - c0), result


def ratio_text(r: Timing) -> str:
    return f"{r.cpu:.2f}× (wall {r.wall:.2f}×)"


def lookup(*candidates: str) -> Callable[..., Any] | None:
    """The first of `module:attr` candidates that exists (APIs land while the project grows)."""
    for cand in candidates:
        mod_name, _, attr = cand.partition(":")
        try:
            obj = getattr(importlib.import_module(mod_name), attr)
        except (ImportError, AttributeError):
            continue
        if callable(obj):
            return obj
    return None


# ---------------------------------------------------------------------------------------------
# Test data


def synthetic_values(i: int) -> dict[str, Any]:
    """A consistent filled submission (used when the seed's value file is not there)."""
    d = Decimal
    v: dict[str, Any] = {
        "report.region": "临湘市", "report.year": YEAR, "report.date": date(YEAR + 1, 3, 1),
        "report.issuer": "临湘市财政局", "contact.name": "张三", "contact.phone": "0730-3721234",
        "staff.authorized": 20, "staff.actual": 18,
        "dept.functions": "负责本部门职能范围内的各项工作，统筹推进年度重点任务。",
        "dept.tasks": "任务1：日常运转\n任务2：重点工作", "dept.achievements": "全面完成年度目标任务。",
        "income.carryover": d("16.18"), "income.general_budget": d("379.82"), "income.gov_fund": d("0"),
        "income.special_account": d("0"), "income.other": d("4.00"), "income.total": d("400.00"),
        "expenditure.personnel": d("142.26"), "expenditure.public": d("123.74"), "expenditure.basic": d("266.00"),
        "expenditure.project": d("130.00"), "expenditure.total": d("396.00"),
        "balance.current": d("4.00"), "balance.accumulated": d("4.00"),
        "three_public.reception": d("2.10"), "three_public.vehicle_operation": d("3.40"),
        "three_public.vehicle_purchase": d("0"), "three_public.overseas": d("0"), "three_public.total": d("5.50"),
        "assets.in_use": d("100.00"), "assets.leased": d("0"), "assets.other": d("5.00"), "assets.total": d("105.00"),
        "evaluation.score": d("92"), "evaluation.grade": "优", "preparer.name": "李四", "preparer.phone": "13800000000",
        "narrative.overview": "本部门2021年度收入合计400万元，支出合计396万元。",
        "narrative.basic_spending": "基本支出266万元，其中人员经费142.26万元，公用经费123.74万元。",
        "narrative.project_spending": "项目支出130万元，主要用于重点工作。",
        "narrative.performance": "整体支出绩效良好。", "narrative.problems": "预算编制有待细化。",
        "narrative.improvements": "加强预算管理。",
        "goals[1].target": "完成年度重点工作", "goals[1].actual": "全部完成",
        "evaluators[1].name": "王五", "evaluators[1].title": "主任", "evaluators[1].unit": "评价组",
    }
    inds = [("产出目标", "数量指标", "完成任务数", "10项", "10项", 50, 46),
            ("效益目标", "社会效益", "服务水平", "有所提高", "明显提高", 30, 28),
            ("满意度", "社会公众或服务对象满意度", "满意度", "≥90%", "95%", 20, 18)]
    for r, (l1, l2, l3, tgt, act, w, s) in enumerate(inds, 1):
        v.update({f"indicators[{r}].level1": l1, f"indicators[{r}].level2": l2, f"indicators[{r}].level3": l3,
                  f"indicators[{r}].target": tgt, f"indicators[{r}].actual": act,
                  f"indicators[{r}].weight": d(w), f"indicators[{r}].score": d(s)})
    return v


def base_values(template: Any) -> dict[str, Any]:
    """The seed department's values (realistic text for the narrative checks), else synthetic."""
    load_values = lookup("selfeval_xl.prefill:load_values")
    seeds = sorted(SEED_VALUES.glob("906017*.yaml")) if SEED_VALUES.is_dir() else []
    if load_values and seeds:
        try:
            return dict(load_values(seeds[0], template))
        except Exception as exc:  # noqa: BLE001 - fall back to synthetic data, say so
            print(f"  (seed values not usable: {exc}; using synthetic values)")
    return synthetic_values(0)


def with_zip_comment(data: bytes, comment: bytes) -> bytes:
    """The same workbook with a zip comment: a distinct file (sha256) at no re-compression cost."""
    if data[-22:-18] != b"PK\x05\x06" or data[-2:] != b"\x00\x00":
        raise ValueError("unexpected zip trailer")
    return data[:-2] + len(comment).to_bytes(2, "little") + comment


def build_corpus(folder: Path, n: int, distinct: int = 40) -> list[Path]:
    """`n` filled submissions: `distinct` generated workbooks (each its own department and
    figures), copied under different names and made byte-distinct with a zip comment."""
    from selfeval_xl.generate import workbook_bytes
    from selfeval_xl.spec import default_template

    template = default_template()
    base = base_values(template)
    books = []
    for i in range(min(n, distinct)):
        v = dict(base)
        v["dept.code"] = f"9{i:05d}"
        v["dept.name"] = f"测试部门{i:03d}"
        v["staff.actual"] = 4 + i % 5
        books.append((v["dept.code"], v["dept.name"], workbook_bytes(template, values=v)))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for j in range(n):
        code, name, data = books[j % len(books)]
        p = folder / f"{code}_{name}_{j:05d}.xlsx"
        p.write_bytes(with_zip_comment(data, f"copy {j}".encode()))
        paths.append(p)
    return paths


def write_roster(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["预算编码", "部门名称", "单位数", "联系人"])
        for i in range(n):
            w.writerow([f"8{i:05d}", f"测试局{i:04d}", 3 if i % 10 == 0 else 1, "张三"])


# ---------------------------------------------------------------------------------------------
# The measured operations


def _noop(*_args: Any) -> None:
    return None


def parse_floor(paths: Sequence[Path], handlers: bool = True) -> None:
    """zipfile + expat over each file's sheet and shared-string parts, handlers doing nothing
    (`handlers=False`: bare expat, no Python call per element at all)."""
    for p in paths:
        with zipfile.ZipFile(io.BytesIO(p.read_bytes())) as zf:
            for name in zf.namelist():
                if (name.startswith("xl/worksheets/sheet") and name.endswith(".xml")) or name == "xl/sharedStrings.xml":
                    parser = pyexpat.ParserCreate()
                    if handlers:
                        parser.StartElementHandler = _noop
                        parser.EndElementHandler = _noop
                        parser.CharacterDataHandler = _noop
                    parser.Parse(zf.read(name), True)


def openpyxl_reader(paths: Sequence[Path]) -> int:
    """The naive alternative: every defined name's cell(s) through openpyxl."""
    import openpyxl

    seen = 0
    for p in paths:
        wb = openpyxl.load_workbook(p, data_only=True, read_only=False)
        for _name, dn in wb.defined_names.items():
            for sheet, coord in dn.destinations:
                if sheet not in wb.sheetnames:
                    continue
                cells = wb[sheet][coord.replace("$", "")]
                if isinstance(cells, tuple):
                    seen += sum(1 for row in cells for c in (row if isinstance(row, tuple) else (row,))
                                if c.value is not None)
                else:
                    seen += cells.value is not None
        wb.close()
    return seen


def _call(fn: Callable[..., Any], *args: Any, **maybe: Any) -> Any:
    """Call `fn` with the keyword arguments it accepts (signatures differ between helpers)."""
    params = inspect.signature(fn).parameters
    kwargs = {k: v for k, v in maybe.items() if k in params}
    return fn(*args, **kwargs)


def check_end_to_end(paths: Sequence[Path], out: Path, workers: int = 1) -> list[Any]:
    """What `selfeval-xl check DIR --json FILE` does, in process: read, verify, evaluate, report."""
    from selfeval_xl import __version__
    from selfeval_xl.pipeline import check_paths
    from selfeval_xl.report import write_json

    subs = _call(check_paths, list(paths), workers=workers, progress=False)
    _call(write_json, out, subs, version=__version__, checked_at=datetime.now(UTC))
    return subs


# ---------------------------------------------------------------------------------------------
# Sections


def section_a(res: Results, tmp: Path, n_templates: int) -> None:
    """Issue 2: roster templates."""
    roster = tmp / "roster.csv"
    write_roster(roster, n_templates)
    out = tmp / "templates"
    fn = lookup("selfeval_xl.generate:generate_roster")
    if fn is None:
        res.skip("a", "selfeval_xl.generate.generate_roster not available yet")
        return
    from selfeval_xl.spec import default_template

    # The `template --roster` code path (read the roster, one workbook per department).
    t, _ = timed(lambda: _call(fn, roster, out, template=default_template(), year=YEAR, progress=False))
    secs = t.wall  # generation uses worker processes: wall time is what the user waits
    made = len(list(out.glob("*.xlsx")))
    target = 60.0 * n_templates / 1000
    res.add("a", f"{n_templates} roster templates (generate_roster, {made} files)", f"{secs:.1f} s",
            f"< {target:.0f} s", secs < target and made == n_templates)
    shutil.rmtree(out, ignore_errors=True)


def section_a_generate(res: Results, tmp: Path, runs: int) -> None:
    """Generation itself: one 整体支出 workbook in a warm process (layout built, formulas
    prepared) and a 100-project 项目支出 blank by the CLI in a fresh process (the layout of
    100 project sheets built once). Each the median of `runs`."""
    from selfeval_xl.generate import workbook_bytes
    from selfeval_xl.spec import default_template

    template = default_template()
    values = base_values(template)
    workbook_bytes(template, values=values)  # warm: layout, plans, prepared formulas
    per_book = []
    for _ in range(runs):
        t, _ = timed(lambda: [workbook_bytes(template, values=values) for _ in range(20)])
        per_book.append(t.cpu / 20)
    ms = sorted(per_book)[len(per_book) // 2] * 1000
    res.add("a", f"one 整体支出 workbook, seed values, warm (median of {runs}×20)", f"{ms:.1f} ms CPU")
    if lookup("selfeval_xl.spec:template_ids") is None:
        return
    out = tmp / "blank-100.xlsx"
    walls = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "selfeval_xl", "template", "--form", "project-selfeval",
                        "--projects", "100", "-o", str(out)], check=True, capture_output=True, cwd=tmp)
        walls.append(time.perf_counter() - t0)
    wall = sorted(walls)[len(walls) // 2]
    res.add("a", f"100-project 项目支出 blank, CLI in a fresh process (median of {runs})", f"{wall:.1f} s")


@dataclass
class CheckTimes:
    paths: list[Path]
    check: Timing


def section_b(res: Results, tmp: Path, paths: list[Path], size: int, openpyxl_n: int,
              full: bool = True) -> CheckTimes | None:
    """Issue 3: the checker against the parse floor, openpyxl, 2 workers; memory.

    With `full=False` only the check itself is timed (the yardstick of sections c and d)."""
    if lookup("selfeval_xl.pipeline:check_paths") is None or lookup("selfeval_xl.report:write_json") is None:
        res.skip("b", "pipeline.check_paths / report.write_json not available yet")
        return None
    n = len(paths)
    check_end_to_end(paths[:20], tmp / "warm.json")  # imports, spec load: not part of per-file cost
    check_t, subs = timed(lambda: check_end_to_end(paths, tmp / "check.json"))
    if not full:
        res.add("b", f"check {n} files, 1 worker (+JSON)", f"{check_t.wall:.1f} s (CPU {check_t.cpu:.1f} s)")
        return CheckTimes(paths, check_t)
    floor_t, _ = timed(lambda: parse_floor(paths))
    bare_t, _ = timed(lambda: parse_floor(paths, handlers=False))
    statuses: dict[str, int] = {}
    for s in subs:
        statuses[getattr(s, "status", "?")] = statuses.get(getattr(s, "status", "?"), 0) + 1
    res.add("b", f"check {n} files, 1 worker (+JSON)",
            f"{1000 * check_t.cpu / n:.1f} ms/file CPU ({1000 * check_t.wall / n:.1f} wall)")
    readable = n - statuses.get("unreadable", 0)
    # Ratios over files the reader refused would flatter the checker: say so.
    res.add("b", f"statuses {json.dumps(statuses, ensure_ascii=False)}", f"{readable} readable", f"= {n}",
            readable == n)
    res.add("b", "parse floor (zipfile+expat, no-op handlers)",
            f"{1000 * floor_t.cpu / n:.1f} ms/file CPU ({1000 * floor_t.wall / n:.1f} wall)")
    res.add("b", "bare expat (zipfile+expat, no handlers)",
            f"{1000 * bare_t.cpu / n:.1f} ms/file CPU ({1000 * bare_t.wall / n:.1f} wall)")
    ratio = check_t / floor_t
    res.add("b", "check ÷ parse floor", ratio_text(ratio), "≤ 2×", ratio.cpu <= 2.0)
    res.add("b", "check ÷ bare expat", ratio_text(check_t / bare_t))

    sub_n = min(openpyxl_n, n)
    opx_t, _ = timed(lambda: openpyxl_reader(paths[:sub_n]))
    res.add("b", f"openpyxl by defined name ({sub_n} files)",
            f"{1000 * opx_t.cpu / sub_n:.1f} ms/file CPU ({1000 * opx_t.wall / sub_n:.1f} wall)")
    speedup = Timing(opx_t.wall / sub_n, opx_t.cpu / sub_n) / Timing(check_t.wall / n, check_t.cpu / n)
    res.add("b", "speed-up over openpyxl", f"{speedup.cpu:.1f}× (wall {speedup.wall:.1f}×)", "≥ 15×",
            speedup.cpu >= 15)

    # Worker processes: only wall time can say whether two are faster than one. On a loaded
    # machine it cannot, so the CPU split is shown too: with two idle cores the run would take
    # max(parent CPU, workers' CPU / 2).
    kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    two_t, _ = timed(lambda: check_end_to_end(paths, tmp / "check2.json", workers=2))
    kids1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers_cpu = (kids1.ru_utime + kids1.ru_stime) - (kids0.ru_utime + kids0.ru_stime)
    gain = check_t.wall / two_t.wall
    res.add("b", "2 workers vs 1 (wall)", f"{check_t.wall:.1f} s → {two_t.wall:.1f} s = {gain:.2f}×", "≥ 1.6×",
            gain >= 1.6)
    if workers_cpu > 0:
        projected = check_t.cpu / max(two_t.cpu, workers_cpu / 2)
        res.add("b", "2 workers: CPU parent / workers; projected on 2 idle cores",
                f"{two_t.cpu:.1f} s / {workers_cpu:.1f} s → {projected:.2f}×")

    if size:
        big = build_corpus(tmp / "memory", size) if size > n else paths[:size]
        small_n = max(1, size // 5)
        peaks = {}
        for count in (small_n, size):
            peaks[count] = peak_rss_mb(big[:count], tmp)
            res.add("b", f"peak RSS, check {count} files (child process)", f"{peaks[count]:.0f} MB", "≤ 300 MB",
                    peaks[count] <= 300)
        growth = peaks[size] / peaks[small_n]
        res.add("b", f"memory growth {small_n} → {size} files", f"{growth:.2f}×", "≈ 1 (≤ 1.25×)", growth <= 1.25)
        if size > n:
            shutil.rmtree(tmp / "memory", ignore_errors=True)
    return CheckTimes(paths, check_t)


_CHILD = """
import contextlib, io, json, resource, sys
from pathlib import Path
from selfeval_xl.cli import main
paths = Path(sys.argv[2]).read_text(encoding="utf-8").splitlines()
with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
    main(["check", *paths, "--json", sys.argv[3], "--workers", "1", "--quiet"])
print(json.dumps(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
"""


def peak_rss_mb(paths: Sequence[Path], tmp: Path) -> float:
    """Peak resident memory of a fresh process running `selfeval-xl check FILES --json` (what a
    user's run costs: the command streams entries to the JSON spool and keeps slim results)."""
    listing = tmp / "paths.txt"
    listing.write_text("\n".join(map(str, paths)), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(Path(__file__).parent), str(listing),
                           str(tmp / "mem.json")], capture_output=True, text=True, check=True)
    return int(proc.stdout.strip().splitlines()[-1]) / 1024  # ru_maxrss is KiB on Linux


def section_c(res: Results, tmp: Path, ct: CheckTimes | None) -> None:
    """Issue 4: summarize against check on the same files."""
    from_submissions = lookup("selfeval_xl.api:from_submissions")
    write_summary = lookup("selfeval_xl.summary:write_summary")
    if ct is None or from_submissions is None or write_summary is None:
        res.skip("c", "needs section b and api.from_submissions + summary.write_summary")
        return

    from selfeval_xl.cli.gcpause import paused_gc
    from selfeval_xl.pipeline import check_paths

    def run() -> None:
        # what `selfeval-xl summarize` does: check, then (collector paused, at the CLI boundary)
        # build the frames and write the workbook
        subs = _call(check_paths, list(ct.paths), workers=1)
        with paused_gc():
            write_summary(tmp / "汇总.xlsx", from_submissions(subs))

    # check again right before, in the same process state, so the ratio compares like with like
    check_t, _ = timed(lambda: check_end_to_end(ct.paths, tmp / "check-c.json"))
    t, _ = timed(run)
    ratio = t / check_t
    res.add("c", f"summarize {len(ct.paths)} files ({t.wall:.1f} s) ÷ check", ratio_text(ratio), "≤ 1.3×",
            ratio.cpu <= 1.3)


def section_d(res: Results, tmp: Path, ct: CheckTimes | None, status_n: int) -> None:
    """Issue 5: collect against check; status over many recorded submissions."""
    collect = lookup("selfeval_xl.ledger:collect")
    status = lookup("selfeval_xl.ledger:status")
    if ct is None or collect is None:
        res.skip("d", "needs section b and ledger.collect")
        return
    archive = tmp / "archive"
    t, _ = timed(lambda: _call(collect, ct.paths, archive, progress=False))
    ratio = t / ct.check
    res.add("d", f"collect {len(ct.paths)} files ({t.wall:.1f} s) ÷ check", ratio_text(ratio), "≤ 1.5×",
            ratio.cpu <= 1.5)
    shutil.rmtree(archive, ignore_errors=True)
    if status is None:
        res.skip("d", "no ledger status API yet")
        return
    big_archive = tmp / "archive-big"
    depts = 200
    corpus = build_corpus(tmp / "status-corpus", status_n, distinct=depts)
    fill_t, _ = timed(lambda: _call(collect, corpus, big_archive, workers=2, progress=False))
    shutil.rmtree(tmp / "status-corpus", ignore_errors=True)
    res.add("d", f"(filling the ledger: collect {status_n} files, 2 workers)", f"{fill_t.wall:.1f} s", "", None)
    roster = tmp / "status-roster.csv"
    with roster.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["预算编码", "部门名称", "联系人"])
        w.writerows([f"9{i:05d}", f"测试部门{i:03d}", "张三"] for i in range(depts + 50))  # 50 never filed
    t, rep = timed(lambda: _call(status, big_archive, roster=roster, year=YEAR))
    secs = t.wall
    rows = len(getattr(rep, "rows", []))
    res.add("d", f"status over {status_n} recorded submissions ({rows} roster rows)", f"{secs:.2f} s", "< 1 s",
            secs < 1)


def section_e(res: Results, tmp: Path, n: int, pdf_n: int) -> None:
    """Issue 10: rendering reports (.docx) against check on the same files; PDF in one soffice."""
    render_batch = lookup("selfeval_xl.render:render_batch")
    if render_batch is None:
        res.skip("e", "render.render_batch not available yet")
        return
    from selfeval_xl.pipeline import check_paths

    print(f"e) building {n} filled submissions of distinct departments …", flush=True)
    paths = build_corpus(tmp / "render-corpus", n, distinct=n)  # one report per department
    check_end_to_end(paths[:20], tmp / "warm-e.json")
    check_t, _ = timed(lambda: check_end_to_end(paths, tmp / "check-e.json"))
    out = tmp / "reports"

    def run() -> Any:
        return render_batch(check_paths(paths, workers=1, progress=False), out)

    t, rep = timed(run)
    written = rep.count("written")
    ratio = t / check_t
    res.add("e", f"render {written} reports to .docx ({t.wall:.1f} s) ÷ check", ratio_text(ratio), "≤ 2×",
            ratio.cpu <= 2 and written == n)
    if not pdf_n:
        return
    convert = lookup("selfeval_xl.render.pdf:convert_batch")
    load_style = lookup("selfeval_xl.render:load_style")
    if convert is None or load_style is None or shutil.which("soffice") is None:
        res.skip("e", "PDF: LibreOffice (soffice) not installed")
        return
    docs = sorted(out.glob("*.docx"))[:pdf_n]
    result = convert(docs, tmp / "pdf", [load_style("dept-selfeval")])
    per = result.seconds / max(1, len(result.written))
    res.add("e", f"PDF of {len(result.written)} reports, one soffice process",
            f"{result.seconds:.1f} s = {per:.2f} s/report", "measured", None)


# ---------------------------------------------------------------------------------------------


def build_project_corpus(folder: Path, n: int, per: int = 5) -> list[Path]:
    """`n` 项目支出 returns of `per` project sheets each, from the bundled clean sample's values
    (the department with five projects), byte-distinct with a zip comment."""
    from selfeval_xl.generate import workbook_bytes
    from selfeval_xl.prefill import load_values
    from selfeval_xl.spec import default_template

    template = default_template("project-selfeval")
    data_file = next((SEED_VALUES / "projects").glob("909001*.yaml"))
    values = dict(load_values(data_file, template))
    data = workbook_bytes(template, values=values, copies=per)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for j in range(n):
        p = folder / f"909001_项目支出_{j:05d}.xlsx"
        p.write_bytes(with_zip_comment(data, f"copy {j}".encode()))
        paths.append(p)
    return paths


def section_f(res: Results, tmp: Path, n: int) -> None:
    """Issue 12: checking 项目支出 returns costs per project sheet no more than per 整体支出 workbook."""
    if lookup("selfeval_xl.spec:template_ids") is None:
        res.skip("f", "no project form in this version")
        return
    per = 5
    dept = build_corpus(tmp / "e-dept", n)
    projects = build_project_corpus(tmp / "e-proj", max(1, n // per), per)
    check_end_to_end(dept[:10], tmp / "warm.json")  # imports and layouts, outside the timings
    check_end_to_end(projects[:2], tmp / "warm-p.json")
    dt, _ = timed(lambda: check_end_to_end(dept, tmp / "e-dept.json"))
    pt, _ = timed(lambda: check_end_to_end(projects, tmp / "e-proj.json"))
    sheets = len(projects) * per
    per_dept, per_sheet = dt.cpu / len(dept), pt.cpu / sheets
    res.add("f", f"check {len(dept)} 整体支出 workbooks", f"{dt.cpu / len(dept) * 1000:.1f} ms CPU each ({dt.wall:.1f} s)")
    res.add("f", f"check {len(projects)} 项目支出 workbooks × {per} projects",
            f"{per_sheet * 1000:.1f} ms CPU per project sheet ({pt.wall:.1f} s)")
    res.add("f", "per project sheet ÷ per 整体支出 workbook", f"{per_sheet / per_dept:.2f}×", "≤ 1×",
            per_sheet <= per_dept)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    full = {"n": 2000, "size": 10000, "templates": 1000, "status_n": 10000, "openpyxl_n": 100, "web_uploads": 500,
            "reports": 1000, "pdf_n": 150}
    quick = {"n": 200, "size": 1000, "templates": 100, "status_n": 1000, "openpyxl_n": 20, "web_uploads": 100,
             "reports": 100, "pdf_n": 20}
    ap.add_argument("--n", type=int, help="filled submissions for b/c/d (default 2000; quick 200)")
    ap.add_argument("--size", type=int, help="files for the memory measurement, also size/5 (default 10000; 0: skip)")
    ap.add_argument("--templates", type=int, help="roster templates for a (default 1000)")
    ap.add_argument("--status-n", type=int, help="recorded submissions for status (default 10000)")
    ap.add_argument("--openpyxl-n", type=int, help="files read with openpyxl, scaled per file (default 100)")
    ap.add_argument("--reports", type=int, help="reports rendered to .docx for e (default 1000)")
    ap.add_argument("--pdf-n", type=int, help="of which converted to PDF in one soffice (default 150; 0: skip)")
    ap.add_argument("--quick", action="store_true", help="small sizes for a quick look (explicit options win)")
    ap.add_argument("--only", default="a,b,c,d,e,f,web", help="comma-separated sections (a,b,c,d,e,f,web)")
    ap.add_argument("--web-uploads", type=int, help="uploads for web, by 50 departments (default 500; quick 100)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary data")
    args = ap.parse_args(argv)
    for key, value in (quick if args.quick else full).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    only = {s.strip() for s in args.only.split(",") if s.strip()}

    res = Results()
    tmp = Path(tempfile.mkdtemp(prefix="selfeval-bench-"))
    print(f"selfeval-xl benchmark — {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.1f}, data in {tmp}")
    try:
        if "a" in only:
            print("a) roster templates")
            section_a(res, tmp, args.templates)
            section_a_generate(res, tmp, 1 if args.quick else 3)
        ct = None
        if only & {"b", "c", "d"}:
            print(f"b) building {args.n} filled submissions …", flush=True)
            t, paths = timed(lambda: build_corpus(tmp / "corpus", args.n))
            print(f"   built in {t.wall:.1f} s")
            print("b) check")
            ct = section_b(res, tmp, paths, args.size, args.openpyxl_n, full="b" in only)
        if "c" in only:
            print("c) summarize")
            section_c(res, tmp, ct)
        if "d" in only:
            print("d) ledger")
            section_d(res, tmp, ct, args.status_n)
        if "e" in only:
            print("e) render reports")
            section_e(res, tmp, args.reports, args.pdf_n)
        if "web" in only:
            from bench_web import section_web  # its own module: the web intake under load

            section_web(res, tmp, departments=50, uploads=args.web_uploads)
        if "f" in only:
            print("f) 项目支出 returns: per project sheet against per 整体支出 workbook")
            section_f(res, tmp, min(args.n, 500))
    finally:
        if args.keep:
            print(f"data kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print()
    print(res.table())
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (ratios judged on CPU time; wall time in brackets)")
    return 1 if any(ln.ok is False for ln in res.lines) else 0


if __name__ == "__main__":
    sys.exit(main())
