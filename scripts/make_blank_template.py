"""Regenerate (or, with --check, verify) the committed blank workbook of each template spec.

    .venv/bin/python scripts/make_blank_template.py          # rewrite workbook_templates/*-blank.xlsx
    .venv/bin/python scripts/make_blank_template.py --check  # exit 1 when one is stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from selfeval_xl.generate import workbook_bytes, write_workbook
from selfeval_xl.spec import default_template

ROOT = Path(__file__).resolve().parents[1]


def blank_path(template_id: str, version: str) -> Path:
    return ROOT / "workbook_templates" / f"{template_id}-{version}-blank.xlsx"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="空白模板：重新生成或检查是否与模板定义一致")
    ap.add_argument("--check", action="store_true", help="只检查，不写入；过期时退出码为 1")
    args = ap.parse_args(argv)
    t = default_template()
    path = blank_path(t.id, t.version)
    if args.check:
        fresh = workbook_bytes(t)
        if not path.is_file() or path.read_bytes() != fresh:
            print(f"空白模板已过期：{path}（请运行 scripts/make_blank_template.py）")
            return 1
        print(f"空白模板是最新的：{path}")
        return 0
    write_workbook(path, t)
    print(f"已写出：{path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
