"""Pause the cyclic garbage collector while `summarize` builds frames and the workbook, and
while `template` writes one workbook (a 100-project layout and its cells: a quarter of the time).

A process-wide switch, so it lives at the CLI boundary: library calls (`selfeval_xl.load`,
`summary.build`, `write_summary`) never touch the collector of the program that calls them.

Both allocate hundreds of thousands of small acyclic objects (rows, cell tuples); each burst
triggers collections that walk every live object, the checked submissions included. Pausing
the collector for the duration saves about a fifth of the summary's time; reference counting
still frees everything, and the collector is restored (if it was on) even on error.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
