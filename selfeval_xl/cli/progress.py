"""The progress bar of every long command, drawn by rich on a terminal's stderr.

Library calls report progress through a callback (`n` more items done); this is the one place
that turns that into a bar. No refresh thread: the bar is redrawn from the callback (at most ten
times a second), so worker processes can still be forked.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Tick = Callable[[int], None]


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def progress_bar(label: str, total: int, enabled: bool = True) -> Iterator[Tick | None]:
    """A callback advancing a bar labelled `label` (None when there is nothing worth showing)."""
    if not enabled or total < 2 or not _stderr_is_terminal():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn("已用"), TimeElapsedColumn(),
               TextColumn("剩余"), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True, auto_refresh=False) as bar:
        task = bar.add_task(label, total=total)
        bar.refresh()
        last = [0.0]

        def tick(n: int = 1) -> None:
            bar.advance(task, n)
            now = time.monotonic()
            if now - last[0] > 0.1:
                bar.refresh()
                last[0] = now

        yield tick
