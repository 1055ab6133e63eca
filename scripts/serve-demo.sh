#!/usr/bin/env bash
# The web intake on the demo data: a fresh archive (out/网页报送库/) holding last year's return
# and a few departments' returns, a login code for every roster department (out/登录码.xlsx),
# two demo logins printed, then `selfeval-xl serve` until Ctrl+C.
#   HOST=0.0.0.0 PORT=8080 bash scripts/serve-demo.sh     # reachable from the office network
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

sx=.venv/bin/selfeval-xl
archive=out/网页报送库
codes=out/登录码.xlsx
host=${HOST:-127.0.0.1}
port=${PORT:-8000}

rm -rf "$archive"
mkdir -p out
echo "==> 准备演示报送库 $archive（上年报送和 4 个部门已报送的文件）"
"$sx" collect samples/previous/*.xlsx -a "$archive" >/dev/null
"$sx" collect samples/submissions/90[1-4]*.xlsx -a "$archive" >/dev/null
"$sx" access-codes --roster samples/roster.xlsx -a "$archive" -o "$codes"

# A password for this demo only, handed over in the environment (never on a command line).
SELFEVAL_ADMIN_PASSWORD=${SELFEVAL_ADMIN_PASSWORD:-demo-$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(4))')}
export SELFEVAL_ADMIN_PASSWORD

.venv/bin/python - "$codes" "$host" "$port" <<'PY'
import sys, os
import openpyxl
rows = {r[0]: r for r in openpyxl.load_workbook(sys.argv[1]).active.iter_rows(min_row=2, values_only=True) if r[0]}
host = "127.0.0.1" if sys.argv[2] in ("0.0.0.0", "::") else sys.argv[2]
print()
print(f"演示地址：http://{host}:{sys.argv[3]}/")
for code in ("907001", "906017"):
    c, name, secret = rows[code][:3]
    print(f"  部门演示账号：预算编码 {c}（{name}），登录码 {secret}")
print(f"  财政局：http://{host}:{sys.argv[3]}/bureau ，管理密码 {os.environ['SELFEVAL_ADMIN_PASSWORD']}")
print("  可上传 samples/submissions/907001_临湘市民政局_支出合计不符.xlsx 看审核结果。全部登录码见", sys.argv[1])
print()
PY

exec "$sx" serve --archive "$archive" --roster samples/roster.xlsx --year 2021 --host "$host" --port "$port"
