#!/usr/bin/env bash
# Make the project runnable from a fresh clone: .venv with the package installed editable
# plus the dev tools. Fast when nothing changed (pyproject.toml digest stamp).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv="$root/.venv"
stamp="$venv/.selfeval-setup"
python=${PYTHON:-python3}

if ! command -v "$python" >/dev/null 2>&1; then
  echo "未找到 $python：请先安装 Python 3.11 或更高版本。(python3 not found: install Python >= 3.11)" >&2
  exit 2
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "需要 Python 3.11 或更高版本，当前为 $("$python" -V 2>&1)。(Python >= 3.11 required)" >&2
  exit 2
fi

if [ ! -x "$venv/bin/python" ]; then
  echo "==> 创建虚拟环境 .venv (creating .venv)"
  if ! "$python" -m venv "$venv" 2>/dev/null; then
    rm -rf "$venv"
    # Debian/Ubuntu ship venv separately; install it when we may (CI runs as root).
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      ver=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
      echo "==> 安装 python$ver-venv (apt-get)"
      apt-get update >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y "python$ver-venv" >/dev/null \
        || DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv >/dev/null
      "$python" -m venv "$venv"
    else
      echo "无法创建虚拟环境：请安装 python3-venv（如 sudo apt-get install python3-venv）后重试。" >&2
      exit 2
    fi
  fi
fi

want=$(sha256sum pyproject.toml | cut -d' ' -f1)
# The editable install must point at THIS checkout (a copied .venv would point elsewhere).
installed_here() {
  "$venv/bin/python" - "$root" <<'PY' 2>/dev/null
import sys
from pathlib import Path
import selfeval_xl
sys.exit(0 if Path(selfeval_xl.__file__).resolve().is_relative_to(Path(sys.argv[1]).resolve()) else 1)
PY
}
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/selfeval-xl" ] \
   && [ -x "$venv/bin/pytest" ] && [ -x "$venv/bin/ruff" ] && installed_here; then
  exit 0
fi

echo "==> 安装依赖 pip install -e '.[dev]' (installing dependencies)"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[dev]'
echo "$want" > "$stamp"
