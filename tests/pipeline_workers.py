"""Top-level stand-ins for check_file that spawned worker processes can import."""

from __future__ import annotations

import os
from pathlib import Path

from selfeval_xl.model.submission import Submission


def fake_check(path: str) -> Submission:
    """A deterministic Submission per file; a file named crash* kills its worker process."""
    name = Path(path).name
    if name.startswith("crash"):
        os._exit(3)
    return Submission(file=path, sha256=name, values={"dept.code": name, "report.year": 2021},
                      mtime=float(len(name)))
