"""A real web intake on loopback for the tests: uvicorn in a thread on a free port, over a
fresh archive with access codes issued for the sample roster (plain codes kept for logging in).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn

from selfeval_xl.web import WebConfig, create_app, credentials

ROOT = Path(__file__).resolve().parents[1]
ROSTER = ROOT / "samples" / "roster.xlsx"
SUBMISSIONS = ROOT / "samples" / "submissions"
ADMIN_PASSWORD = "测试-admin-密码-2021"


@dataclass
class LiveServer:
    url: str
    archive: Path
    codes: dict[str, str]            # 预算编码 → plain access code
    token: str                       # a bureau API token
    config: WebConfig
    server: uvicorn.Server
    thread: threading.Thread
    extra: dict[str, object] = field(default_factory=dict)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=60)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(archive: Path, *, max_upload: int = 20 * 1024 * 1024, workers: int = 1, roster: Path = ROSTER,
          year: int = 2021, **options: object) -> LiveServer:
    issued = credentials.issue_codes(archive, _roster_pairs(roster))
    credentials.set_admin_password(archive, ADMIN_PASSWORD)
    token = credentials.issue_token(archive)
    config = WebConfig(archive=archive, roster=roster, year=year, max_upload=max_upload, workers=workers,
                       **options)  # type: ignore[arg-type]
    app = create_app(config)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False,
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, name="web-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.05)
    return LiveServer(f"http://127.0.0.1:{port}", archive, {c: p for c, _n, p in issued}, token, config, server, thread)


def _roster_pairs(roster: Path) -> list[tuple[str, str]]:
    from selfeval_xl.roster import read_roster

    return [(e.code, e.name) for e in read_roster(roster).entries]


@contextlib.contextmanager
def running(archive: Path, **kw: object) -> Iterator[LiveServer]:
    live = start(archive, **kw)  # type: ignore[arg-type]
    try:
        yield live
    finally:
        live.stop()
