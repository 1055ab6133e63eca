#!/usr/bin/env bash
# The README's test command: set up (if needed), lint, run the whole test suite.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh tests/test_check_rules.py -x`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "==> ruff check selfeval_xl tests scripts"
.venv/bin/ruff check selfeval_xl tests scripts

echo "==> pytest -q $*"
rc=0
.venv/bin/pytest -q "$@" || rc=$?
if [ "$rc" -eq 5 ]; then
  echo "pytest 没有收集到任何测试（exit 5）——视为失败。(no tests collected: failing)" >&2
  exit 1
fi
exit "$rc"
