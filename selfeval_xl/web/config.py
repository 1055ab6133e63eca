"""What one running web intake serves: which archive, roster and year, and its limits."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024
DEFAULT_MAX_UPLOAD = 20 * MB


@dataclass(frozen=True)
class WebConfig:
    archive: Path
    roster: Path
    year: int
    max_upload: int = DEFAULT_MAX_UPLOAD   # bytes of one uploaded file; more is refused (413) mid-stream
    workers: int = 2                       # checker processes
    secure_cookies: bool = False           # set the Secure flag (only behind HTTPS)
    session_minutes: int = 8 * 60          # idle lifetime of a login
    session_absolute_minutes: int = 12 * 60
    spool: Path | None = None              # where uploads wait for their check (default: a temp folder)
    login_failures: int = 5                # per code within `login_window` seconds, then locked
    address_failures: int = 30             # per client address within the same window
    login_window: int = 15 * 60

    def __post_init__(self) -> None:
        object.__setattr__(self, "archive", Path(os.fspath(self.archive)))
        object.__setattr__(self, "roster", Path(os.fspath(self.roster)))
