"""Render the README's picture of the published report: the seed sample's workbook → .docx and
PDF (selfeval_xl.render, one LibreOffice run) → its first two pages as PNGs with pdftoppm.

    .venv/bin/python scripts/render_report_preview.py [--out docs/] [--dpi 60]

Writes docs/report-preview-1.png (the cover) and docs/report-preview-2.png. Needs soffice and
poppler-utils.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "submissions" / "906017_临湘市委网信办.xlsx"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs")
    ap.add_argument("--dpi", type=int, default=60)
    args = ap.parse_args(argv)

    from selfeval_xl.pipeline import check_file
    from selfeval_xl.render import render_batch

    with tempfile.TemporaryDirectory() as d:
        rep = render_batch([check_file(SAMPLE)], Path(d), pdf=True)
        pdf = rep.items[0].pdf
        if pdf is None:
            print(f"没有生成 PDF：{rep.items[0].reason or rep.items[0].pdf_problem}", file=sys.stderr)
            return 1
        stem = Path(d) / "page"
        subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), "-f", "1", "-l", "2", str(pdf), str(stem)], check=True)
        args.out.mkdir(parents=True, exist_ok=True)
        for i, png in enumerate(sorted(Path(d).glob("page-*.png")), start=1):
            target = args.out / f"report-preview-{i}.png"
            shutil.move(png, target)
            print(f"已写出 {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
