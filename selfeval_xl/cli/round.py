"""The round options shared by check, summarize, collect and status: `--year` and `--roster`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from selfeval_xl.check.round import Round


def load_round(year: int | None, roster: Path | None, err: Console) -> Round:
    """The Round for the options; a roster that cannot be used at all is a usage error (exit 2)."""
    if roster is None:
        return Round.of(year)
    from selfeval_xl.roster import RosterError, read_roster

    try:
        res = read_roster(roster)
    except RosterError as exc:
        err.print(f"错误：{exc}", style="red", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    for p in res.problems:
        err.print(f"名单：{p}", style="yellow", markup=False, highlight=False, soft_wrap=True)
    return Round.of(year, res.entries, f"名单 {roster.name} ")
