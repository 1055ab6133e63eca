"""Regenerate the README's web screenshots (docs/web-*.png) from the browser test itself.

    .venv/bin/python scripts/web_screenshots.py

Runs tests/test_web_browser.py (real Chromium over real HTTP on loopback) with
SELFEVAL_WEB_SCREENSHOTS pointing at docs/, so the pictures are exactly what the test saw.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NAMES = ("web-dept-result.png", "web-dept-passed.png", "web-bureau-status.png")


def main() -> int:
    env = dict(os.environ, SELFEVAL_WEB_SCREENSHOTS=str(DOCS), SELFEVAL_REQUIRE_BROWSER="1")
    rc = subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          str(ROOT / "tests" / "test_web_browser.py"), "-k", "department"], cwd=ROOT, env=env)
    if rc == 0:
        for name in NAMES:
            print(DOCS / name)
    return rc


if __name__ == "__main__":
    sys.exit(main())
