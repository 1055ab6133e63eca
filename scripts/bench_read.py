"""Reader timing: read_file vs the parse floor vs openpyxl, per file, on generated workbooks.

    .venv/bin/python scripts/bench_read.py [--n 200] [--units 1]

Times are CPU time (process_time), best of --repeat interleaved runs. The floor is zipfile + expat over each file's sheet and shared-string parts, with handlers that
do nothing (as scripts/benchmark.py times it); "floor, no handlers" is expat alone, for scale.
"""

from __future__ import annotations

import argparse
import gc
import io
import pyexpat
import random
import resource
import sys
import tempfile
import time
import zipfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from generate_seed import SEED  # noqa: E402

from selfeval_xl.generate import write_workbook  # noqa: E402
from selfeval_xl.read import read_file  # noqa: E402
from selfeval_xl.spec import default_template  # noqa: E402


def _noop(*_a: object) -> None:
    return None


def floor(paths: list[Path], handlers: bool = True) -> None:
    for p in paths:
        with zipfile.ZipFile(io.BytesIO(p.read_bytes())) as zf:
            for name in zf.namelist():
                if (name.startswith("xl/worksheets/sheet") and name.endswith(".xml")) or name == "xl/sharedStrings.xml":
                    parser = pyexpat.ParserCreate()
                    if handlers:
                        parser.StartElementHandler = _noop
                        parser.EndElementHandler = _noop
                        parser.CharacterDataHandler = _noop
                    parser.Parse(zf.read(name), True)


def openpyxl_fields(paths: list[Path]) -> None:
    import openpyxl

    for p in paths:
        wb = openpyxl.load_workbook(p, data_only=True)
        for _name, dn in wb.defined_names.items():
            for sheet, coord in dn.destinations:
                if sheet in wb.sheetnames:
                    _ = wb[sheet][coord.replace("$", "")]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--units", type=int, default=1)
    ap.add_argument("--openpyxl-n", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    t = default_template()
    rnd = random.Random(1)
    with tempfile.TemporaryDirectory() as d:
        paths = []
        for i in range(args.n):
            v = dict(SEED)
            v["dept.code"] = f"9{i:05d}"
            v["income.carryover"] = Decimal(rnd.randint(0, 9999)) / 100
            v["narrative.overview"] = "部门概况" * rnd.randint(10, 200)
            p = Path(d) / f"f{i:04d}.xlsx"
            write_workbook(p, t, units=args.units, values=v)
            paths.append(p)
        read_file(paths[0])  # warm caches (spec, layout)
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        runs = (("parse floor (noop handlers)", lambda: floor(paths)),
                ("floor, no handlers", lambda: floor(paths, False)),
                ("read_file", lambda: [read_file(p) for p in paths]))
        best: dict[str, float] = {}
        for _ in range(args.repeat):  # interleaved, best of N: the machine is shared
            for label, fn in runs:
                gc.collect()
                t0 = time.process_time()  # CPU time: the machine is shared
                fn()
                dt = time.process_time() - t0
                best[label] = min(dt, best.get(label, dt))
        for label, _fn in runs:
            print(f"{label:30s} {1000 * best[label] / len(paths):7.2f} ms/file")
        floor_ms = 1000 * best["parse floor (noop handlers)"] / len(paths)
        read_ms = 1000 * best["read_file"] / len(paths)
        rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        sub = paths[: args.openpyxl_n]
        t0 = time.process_time()
        openpyxl_fields(sub)
        op_ms = 1000 * (time.process_time() - t0) / len(sub)
        print(f"{'openpyxl data_only by name':30s} {op_ms:7.2f} ms/file")
        bare_ms = 1000 * best["floor, no handlers"] / len(paths)
        print(f"read_file ÷ floor = {read_ms / floor_ms:.2f}×; read_file ÷ bare expat = {read_ms / bare_ms:.2f}×; "
              f"openpyxl ÷ read_file = {op_ms / read_ms:.1f}×")
        print(f"peak RSS before/after the read runs: {rss0 / 1024:.0f} / {rss1 / 1024:.0f} MB")


if __name__ == "__main__":
    main()
