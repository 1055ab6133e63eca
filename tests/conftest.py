"""Shared pytest set-up: import paths and the `libreoffice` marker policy.

Tests marked `@pytest.mark.libreoffice` need a real `soffice`. Locally they are skipped when it
is missing; CI sets SELFEVAL_REQUIRE_LIBREOFFICE=1 so a missing LibreOffice fails loudly instead
of silently skipping the only tests that prove the formulas compute. Tests marked
`@pytest.mark.browser` need Debian's Chromium and Playwright, likewise with SELFEVAL_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
for p in (str(TESTS), str(ROOT)):  # `import lo` and `from tests.lo import ...` both work
    if p not in sys.path:
        sys.path.insert(0, p)

import browser  # noqa: E402
import lo  # noqa: E402
from hypothesis import settings  # noqa: E402

# CI gates a submission: there, property tests run a fixed sequence of examples (the same on
# every run), so a rare example cannot fail one run and pass the next. Locally they explore.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def _require_libreoffice() -> bool:
    return os.environ.get("SELFEVAL_REQUIRE_LIBREOFFICE") == "1"


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser") is not None and not browser.available():
        if browser.required():
            pytest.fail("SELFEVAL_REQUIRE_BROWSER=1 but Chromium or Playwright is not installed", pytrace=False)
        pytest.skip("Chromium (Debian package) or Playwright not installed")
    if item.get_closest_marker("libreoffice") is None or lo.soffice_available():
        return
    if _require_libreoffice():
        pytest.fail("SELFEVAL_REQUIRE_LIBREOFFICE=1 but soffice is not installed", pytrace=False)
    pytest.skip("LibreOffice (soffice) not installed")
