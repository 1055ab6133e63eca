"""One parallel runner (selfeval_xl.runner) serves check, collect, summarize and roster generation;
progress goes through callbacks (rich only in cli/); no process-wide switches in library code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from pipeline_workers import fake_check

from selfeval_xl import pipeline, runner
from selfeval_xl.model.submission import Submission

PKG = Path(__file__).resolve().parents[1] / "selfeval_xl"


def _crashed(path: str, exc: BaseException) -> Submission:
    return Submission(file=path, readable=False)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_ordered_results_progress_and_a_dying_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     method: str) -> None:
    monkeypatch.setattr(runner, "START_METHOD", method)
    names = [str(tmp_path / f"f{i:02d}.xlsx") for i in range(30)]
    names[17] = str(tmp_path / "crash.xlsx")
    seen: list[int] = []
    out = list(runner.run(fake_check, names, 2, on_crash=_crashed, progress=seen.append))
    assert [s.file for s in out] == names and sum(seen) == 30
    assert [i for i, s in enumerate(out) if not s.readable] == [17]


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = runner.run

    def spy(fn, items, workers=1, **kw):  # noqa: ANN001, ANN003, ANN202
        calls.append(len(items))
        return real(fn, items, workers, **kw)

    monkeypatch.setattr(runner, "run", spy)
    return calls


def test_check_collect_and_roster_generation_all_use_the_runner(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from selfeval_xl.generate import generate_roster
    from selfeval_xl.ledger import collect
    from selfeval_xl.roster import RosterEntry
    from selfeval_xl.spec import default_template

    calls = _spy(monkeypatch)
    entries = [RosterEntry(i + 2, f"90{i:04d}", f"局{i}", 1, None) for i in range(20)]
    ticks: list[int] = []
    report = generate_roster(entries, tmp_path / "out", year=2021, template=default_template(), workers=2,
                             progress=ticks.append)
    assert len(report.written) == 20 and sum(ticks) == 20 and calls == [3]  # 20 departments in chunks of 8
    files = sorted((tmp_path / "out").iterdir())[:4]
    assert len(pipeline.check_paths(files, workers=1)) == 4 and calls[-1] == 4
    rep = collect(files, tmp_path / "arc", workers=1)
    assert rep.new == 4 and calls[-1] == 4 and len(calls) == 3


def _modules() -> list[tuple[str, ast.Module]]:
    return [(p.relative_to(PKG).as_posix(), ast.parse(p.read_text(encoding="utf-8"))) for p in sorted(PKG.rglob("*.py"))]


def _imports(tree: ast.Module) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


# The web server's pool serves one upload per request from its event loop (always spawn, workers
# replaced when they die): a long-lived service, not a batch, so it is the one other owner.
PROCESS_OWNERS = {"runner.py", "web/workers.py"}


def test_only_the_runner_starts_processes_for_batches() -> None:
    bad = [name for name, tree in _modules() if name not in PROCESS_OWNERS and any(
        i.startswith(("multiprocessing", "concurrent.futures.ProcessPoolExecutor")) for i in _imports(tree))]
    assert bad == []


def test_progress_bars_only_in_the_cli() -> None:
    bad = [name for name, tree in _modules() if not name.startswith("cli/")
           and any(i.startswith("rich.progress") for i in _imports(tree))]
    assert bad == []


def test_no_process_wide_switches_in_library_code() -> None:
    """gc.disable/gc.freeze and os.environ writes belong at the CLI boundary, never in a library call."""
    bad = []
    for name, tree in _modules():
        if name.startswith("cli/"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                if isinstance(owner, ast.Name) and owner.id == "gc" and node.func.attr in ("disable", "freeze",
                                                                                            "set_threshold"):
                    bad.append(f"{name}: gc.{node.func.attr}")
                if (isinstance(owner, ast.Attribute) and owner.attr == "environ"
                        and node.func.attr in ("setdefault", "update", "pop")):
                    bad.append(f"{name}: os.environ.{node.func.attr}")
            if isinstance(node, ast.Assign):
                for t in node.targets:
                    if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Attribute) and t.value.attr == "environ":
                        bad.append(f"{name}: os.environ[...] =")
    assert bad == []
