"""Render the README's picture of the 汇总 workbook: summarize the sample submissions, print the
workbook to PDF with LibreOffice and turn the 总览 and 统计 pages into PNGs with pdftoppm.

    .venv/bin/python scripts/render_summary_preview.py [--samples DIR] [--out docs/] [--keep DIR]

Writes docs/summary-preview.png (总览) and docs/summary-stats-preview.png (统计), each kept
under 300 KB by lowering the resolution if needed. Needs soffice and poppler-utils.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # tests/lo.py: soffice with a private profile

MAX_BYTES = 300_000
PAGES = {"summary-preview.png": "——总览", "summary-stats-preview.png": "——统计"}


def pdf_pages(pdf: Path) -> list[str]:
    """The text of every page (pdftotext separates pages with form feeds)."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return out.stdout.split("\f")


def content_box(pdf: Path, page: int) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) in points around the page's words, without the page footer; charts are
    drawn beside tables, so the right edge is the page's own (minus its margin)."""
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    width, height = (float(x) for x in re.search(r'<page width="([\d.]+)" height="([\d.]+)"', out).groups())
    words = [tuple(float(v) for v in m.groups()) for m in
             re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', out)]
    body = [w for w in words if w[3] < height * 0.92]  # the footer 第 N 页 sits below
    if not body:
        return 0, 0, width, height
    x0 = max(min(w[0] for w in body) - 12, 0)
    y0 = max(min(w[1] for w in body) - 12, 0)
    y1 = min(max(w[3] for w in body) + 16, height)
    return x0, y0, width - x0, y1


def render_page(pdf: Path, page: int, target: Path, dpi: int, bottom: float | None = None) -> None:
    """One PDF page → PNG cropped to its content, at the highest resolution within the budget."""
    x0, y0, x1, y1 = content_box(pdf, page)
    if bottom is not None:
        y1 = max(y1, bottom)
    with tempfile.TemporaryDirectory() as d:
        while True:
            stem = Path(d) / "page"
            k = dpi / 72
            crop = ["-x", str(int(x0 * k)), "-y", str(int(y0 * k)), "-W", str(int((x1 - x0) * k)),
                    "-H", str(int((y1 - y0) * k))]
            subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                            *crop, str(pdf), str(stem)], check=True)
            png = stem.with_suffix(".png")
            if png.stat().st_size <= MAX_BYTES or dpi <= 40:
                shutil.move(png, target)
                return
            dpi -= 10


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=Path, default=ROOT / "samples" / "submissions")
    ap.add_argument("--out", type=Path, default=ROOT / "docs")
    ap.add_argument("--keep", type=Path, help="also keep the summary .xlsx and .pdf in this folder")
    ap.add_argument("--dpi", type=int, default=130)
    args = ap.parse_args(argv)

    import lo

    from selfeval_xl.api import LoadError, load
    from selfeval_xl.summary import title_for, write_summary

    if not lo.soffice_available() or not shutil.which("pdftoppm") or not shutil.which("pdftotext"):
        print("需要 LibreOffice（soffice）和 poppler-utils（pdftoppm、pdftotext）", file=sys.stderr)
        return 2
    try:
        c = load([args.samples], progress=False)
    except LoadError as exc:
        print(f"找不到示例报送：{exc}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as d:
        work = Path(d)
        xlsx = work / f"{title_for(c)}.xlsx"
        write_summary(xlsx, c)
        pdf = lo.convert(xlsx, "pdf", work / "pdf")
        pages = pdf_pages(pdf)
        args.out.mkdir(parents=True, exist_ok=True)
        for name, marker in PAGES.items():
            page = next((i + 1 for i, text in enumerate(pages) if marker in text), None)
            if page is None:
                print(f"PDF 中找不到“{marker.strip('—')}”页", file=sys.stderr)
                return 1
            render_page(pdf, page, args.out / name, args.dpi)
            print(f"{args.out / name}（第 {page} 页，{(args.out / name).stat().st_size // 1024} KB）")
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy2(xlsx, args.keep / xlsx.name)
            shutil.copy2(pdf, args.keep / pdf.name)
    print(f"{len(c.submissions)} 份示例报送，{int(c.overview['计入汇总'].sum())} 份计入合计")
    return 0


if __name__ == "__main__":
    sys.exit(main())
