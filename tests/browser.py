"""Debian's Chromium driven by Playwright (never `playwright install`: the browser is the system's).

`available()` says whether the tests marked `browser` can run; conftest skips them otherwise,
or fails them when SELFEVAL_REQUIRE_BROWSER=1 (CI installs the `chromium` package)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def executable() -> str | None:
    for candidate in (os.environ.get("SELFEVAL_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def available() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return executable() is not None


def required() -> bool:
    return os.environ.get("SELFEVAL_REQUIRE_BROWSER") == "1"
