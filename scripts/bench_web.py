"""Section `web` of scripts/benchmark.py: the web intake under load, on loopback only.

50 departments upload at once through the HTTP API (`POST /api/submissions`, bearer code),
500 uploads in all (10 distinct files each), against a real `selfeval-xl serve` started as a
child process. Checked: every upload answered 201, none lost or doubled (ledger rows, archive
objects and answered ids agree one to one), p50/p95 response time, and the server's memory
(its own process; the checker processes beside it) sampled after the first round and at the
end — it must stay flat. Loops are bounded in count and time; the server is stopped at the end.
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2021
REQUEST_TIMEOUT = 600.0
MEMORY_GROWTH_MB = 40  # after the first round, the server process may grow at most this much


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def _memory(pid: int) -> tuple[float, float]:
    """(server process RSS, RSS of server + checker processes) in MB."""
    own = _rss_mb(pid)
    return own, own + sum(_rss_mb(c) for c in _children(pid))


def _workbooks(departments: int, per_dept: int) -> dict[str, list[bytes]]:
    """Per department code, `per_dept` byte-distinct filled returns stamped with its code."""
    from benchmark import base_values, with_zip_comment

    from selfeval_xl.generate import workbook_bytes
    from selfeval_xl.spec import default_template

    template = default_template()
    base = base_values(template)
    out: dict[str, list[bytes]] = {}
    for i in range(departments):
        v = dict(base)
        v["dept.code"], v["dept.name"], v["report.year"] = f"7{i:05d}", f"压测局{i:03d}", YEAR
        data = workbook_bytes(template, values=v, locked=("dept.name", "dept.code", "report.year"))
        out[v["dept.code"]] = [with_zip_comment(data, f"upload {k}".encode()) for k in range(per_dept)]
    return out


def _start_server(archive: Path, roster: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, SELFEVAL_ADMIN_PASSWORD="bench-" + os.urandom(4).hex())
    return subprocess.Popen([sys.executable, "-m", "selfeval_xl", "serve", "--archive", str(archive), "--roster",
                             str(roster), "--year", str(YEAR), "--host", "127.0.0.1", "--port", str(port),
                             "--workers", str(workers)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_ready(url: str, proc: subprocess.Popen[bytes], limit: float = 180) -> None:
    import httpx

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode(errors='replace') if proc.stderr else ''}")
        try:
            if httpx.get(url + "/login", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not start in time")


def section_web(res: Any, tmp: Path, departments: int = 50, uploads: int = 500, workers: int = 2) -> None:
    import httpx

    from selfeval_xl.ledger.lookup import versions
    from selfeval_xl.web import credentials

    per_dept = max(1, uploads // departments)
    total = per_dept * departments
    folder = tmp / "web"
    archive = folder / "报送库"
    roster = folder / "名单.csv"
    folder.mkdir(parents=True, exist_ok=True)
    print(f"web) {departments} departments × {per_dept} uploads, server with {workers} checker processes", flush=True)
    books = _workbooks(departments, per_dept)
    roster.write_text("预算编码,部门名称\n" + "".join(f"{c},压测局{c[-3:]}\n" for c in books), encoding="utf-8")
    archive.mkdir(parents=True)
    codes = {c: p for c, _n, p in credentials.issue_codes(archive, [(c, f"压测局{c[-3:]}") for c in books])}

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    proc = _start_server(archive, roster, port, workers)
    latencies: list[float] = []
    answers: list[tuple[int, str]] = []
    errors: list[str] = []
    lock = threading.Lock()
    first_round = threading.Barrier(departments + 1)
    try:
        _wait_ready(url, proc)
        _, baseline = _memory(proc.pid)
        own_start, _ = _memory(proc.pid)

        def department(code: str) -> None:
            with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT,
                              headers={"Authorization": f"Bearer {code}:{codes[code]}"}) as c:
                for k, data in enumerate(books[code]):
                    t0 = time.perf_counter()
                    try:
                        r = c.post("/api/submissions", files={"file": (f"{code}_第{k + 1}版.xlsx", data)})
                        sha = r.json().get("sha256", "") if r.headers.get("content-type", "").startswith(
                            "application/json") else ""
                        with lock:
                            latencies.append(time.perf_counter() - t0)
                            answers.append((r.status_code, sha))
                    except httpx.HTTPError as exc:
                        with lock:
                            errors.append(f"{code}: {type(exc).__name__}")
                    if k == 0:
                        first_round.wait(timeout=REQUEST_TIMEOUT)

        threads = [threading.Thread(target=department, args=(c,), daemon=True) for c in books]
        started = time.perf_counter()
        for t in threads:
            t.start()
        first_round.wait(timeout=REQUEST_TIMEOUT)
        own_warm, all_warm = _memory(proc.pid)
        for t in threads:
            t.join(timeout=REQUEST_TIMEOUT * per_dept)
        wall = time.perf_counter() - started
        own_end, all_end = _memory(proc.pid)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    created = [sha for status, sha in answers if status == 201]
    recorded = [v.sha256 for code in books for v in versions(archive, code, YEAR)]
    objects = [p.name.split(".")[0] for p in (archive / "objects").rglob("*") if p.is_file()]
    current = sum(1 for code in books for v in versions(archive, code, YEAR) if v.is_current)
    intact = (len(created) == total and len(set(created)) == total and sorted(created) == sorted(recorded)
              == sorted(objects) and current == departments and not errors)
    res.add("web", f"{total} uploads by {departments} departments at once", f"{len(created)} answered 201, "
            f"{len(recorded)} recorded, {len(objects)} archived, {len(errors)} failed", "all, once each", intact)
    if latencies:
        lat = sorted(latencies)
        p50 = statistics.median(lat)
        p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))]
        res.add("web", "response time p50 / p95", f"{p50:.2f} s / {p95:.2f} s (max {lat[-1]:.2f} s)")
        res.add("web", "throughput", f"{len(lat) / wall:.1f} uploads/s over {wall:.0f} s")
    growth = own_end - own_warm
    res.add("web", "server memory (own process)", f"{own_start:.0f} → {own_warm:.0f} (after round 1) → "
            f"{own_end:.0f} MB; with checkers {baseline:.0f} → {all_warm:.0f} → {all_end:.0f} MB",
            f"growth after round 1 ≤ {MEMORY_GROWTH_MB} MB", growth <= MEMORY_GROWTH_MB)
