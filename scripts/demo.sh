#!/usr/bin/env bash
# The README's demo: set up (if needed), then run the whole job on the bundled samples —
# templates for the roster, check, summary, collection ledger and filing status.
# A step whose command is not available in this version is skipped with a note.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

sx=.venv/bin/selfeval-xl
# Piped into a file or a CI log, rich would squeeze the tables into 80 columns.
[ -t 1 ] || export COLUMNS="${COLUMNS:-120}"
out=out
roster=samples/roster.xlsx
project_roster=samples/项目名单.xlsx   # one row per project: the second form (项目支出绩效自评表)
subs=samples/submissions
previous_report=samples/previous/906017_临湘市委网信办_2020.docx  # last year's published report (year-on-year)
year=2021
summary="$out/${year}年度部门整体支出绩效自评汇总.xlsx"
archive="$out/报送库"
done_steps=()
skipped=()

has_cmd() { "$sx" "$1" --help >/dev/null 2>&1; }

# run_step TITLE MAX_OK CMD...: exit codes up to MAX_OK are expected results (check exits 1
# when the samples contain faulty submissions — on purpose); anything above aborts the demo.
run_step() {
  local title=$1 max_ok=$2; shift 2
  echo
  echo "==> $title"
  echo "\$ ${*#.venv/bin/}"
  local rc=0
  "$@" || rc=$?
  if [ "$rc" -gt "$max_ok" ]; then
    echo "演示中止：“$title”出错（退出码 $rc）。" >&2
    exit "$rc"
  fi
  done_steps+=("$title")
}

skip() {
  echo
  echo "==> $1：跳过（$2）"
  skipped+=("$1")
}

# The demo's own outputs are rebuilt on every run (the archive too: a second collect of the
# same files would only say "already recorded").
rm -rf "$out/templates" "$out/退回修改" "$archive" "$out/催报通知" "$out/归档"
mkdir -p "$out"

# why_not CMD [FILE_OR_DIR...]: empty when the step can run, else the reason (in Chinese).
why_not() {
  local cmd=$1; shift
  if ! has_cmd "$cmd"; then echo "本版本尚无 $cmd 命令"; return; fi
  local p
  for p in "$@"; do
    if [ ! -e "$p" ]; then echo "缺少 $p"; return; fi
  done
}

# 1. Templates for every department of the roster.
why=$(why_not template "$roster")
if [ -z "$why" ]; then
  run_step "生成模板（按名单）" 0 "$sx" template --roster "$roster" --year "$year" -o "$out/templates/"
else
  skip "生成模板（按名单）" "$why"
fi

# 1b. The second form: one 项目支出绩效自评表 workbook per department of the project roster.
why=$(why_not template "$project_roster")
if [ -z "$why" ]; then
  run_step "生成项目支出自评表（按项目名单）" 0 "$sx" template --form project-selfeval --roster "$project_roster" \
    --year "$year" -o "$out/templates/"
else
  skip "生成项目支出自评表（按项目名单）" "$why"
fi

# 2. Sample submissions of both forms: committed under samples/submissions/ (made from
#    samples/data/*.yaml and samples/data/projects/*.yaml by scripts/make_samples.py);
#    regenerated when missing or out of date.
if [ -f scripts/make_samples.py ] && ! .venv/bin/python scripts/make_samples.py --check >/dev/null 2>&1; then
  run_step "重新生成示例报送文件（缺失或已过期）" 0 .venv/bin/python scripts/make_samples.py
fi
if compgen -G "$subs/*" >/dev/null; then
  echo
  echo "==> 示例报送文件（$subs/）："
  ls -1 "$subs"
fi

# 3. Check: exit 1 means "some submissions have errors" — expected for the samples.
why=$(why_not check "$subs")
if [ -z "$why" ]; then
  run_step "审核示例报送文件（本轮 $year 年度）" 1 "$sx" check "$subs/" --year "$year" --json "$out/审核结果.json" \
    --report "$out/审核结果.xlsx" --annotate "$out/退回修改/"
else
  skip "审核示例报送文件" "$why"
fi

# 3b. The two returns a quick look would pass: amounts typed in 元 instead of 万元 (the sums still
#     add up) and a near-empty form. Both must be caught.
caught=("$subs"/907008_*.xlsx "$subs"/907009_*.xlsx)
if [ -e "${caught[0]}" ] && has_cmd check; then
  run_step "审核：金额按元填写、几乎空白的两份报表" 1 "$sx" check "${caught[@]}"
fi

# 4. Summary workbook.
why=$(why_not summarize "$subs")
if [ -z "$why" ]; then
  run_step "汇总" 0 "$sx" summarize "$subs/" -o "$summary"
else
  skip "汇总" "$why"
fi

# 4b. The published report of the seed department, generated from its workbook (one source).
sample="$subs/906017_临湘市委网信办.xlsx"
reports="$out/报告"
why=$(why_not render "$sample")
if [ -z "$why" ]; then
  if command -v soffice >/dev/null 2>&1; then
    run_step "生成自评报告（Word 和 PDF）" 0 "$sx" render "$sample" -o "$reports/" --pdf
  else
    echo "（未安装 LibreOffice：只生成 Word 报告，不生成 PDF）"
    run_step "生成自评报告（Word）" 0 "$sx" render "$sample" -o "$reports/"
  fi
else
  skip "生成自评报告" "$why"
fi

# 5. Collection ledger: last year's published report (a Word file) imported first, so the
#    year-on-year comparison is fed by it; then this year's returns; then the filing status.
why=$(why_not import "$previous_report")
if [ -z "$why" ]; then
  run_step "导入上年报告（Word，用于同比）" 1 "$sx" import "$previous_report" --archive "$archive" --year 2020
else
  skip "导入上年报告" "$why"
fi
why=$(why_not collect "$subs")
if [ -z "$why" ]; then
  run_step "收件登记（本轮 $year 年度，按名单核对）" 1 "$sx" collect "$subs/" --archive "$archive" \
    --year "$year" --roster "$roster"
else
  skip "收件登记" "$why"
fi
why=$(why_not status "$archive" "$roster")
if [ -z "$why" ]; then
  run_step "报送情况（催报）" 1 "$sx" status --archive "$archive" --roster "$roster" --year "$year" \
    -o "$out/报送情况.xlsx" --notice "$out/催报通知"
else
  skip "报送情况（催报）" "$why"
fi
why=$(why_not export "$archive")
if [ -z "$why" ]; then
  run_step "导出各部门当前报送" 1 "$sx" export --archive "$archive" -o "$out/归档"
else
  skip "导出各部门当前报送" "$why"
fi

echo
echo "================ 演示完成 ================"
show() { if [ -e "$2" ]; then printf '  %s %s\n' "$1" "$2"; fi; }
show "按名单生成的模板：" "$out/templates/"
show "示例报送文件：" "$subs/"
show "审核结果（JSON）：" "$out/审核结果.json"
show "审核结果（Excel）：" "$out/审核结果.xlsx"
show "退回修改（已标注问题）：" "$out/退回修改/"
show "汇总表（含项目、项目按部门、项目统计）：" "$summary"
show "自评报告（Word / PDF）：" "$reports/"
show "报送库：" "$archive/"
show "报送情况（Excel）：" "$out/报送情况.xlsx"
show "催报通知：" "$out/催报通知/"
show "按部门导出的报送：" "$out/归档/"
echo "  已完成 ${#done_steps[@]} 步；跳过 ${#skipped[@]} 步${skipped[*]:+：${skipped[*]}}"
