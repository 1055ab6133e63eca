"""`verify`: re-hash every archived object against the ledger; list what does not agree."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from selfeval_xl.ledger import store
from selfeval_xl.ledger.lock import writer_lock
from selfeval_xl.ledger.query import open_existing
from selfeval_xl.ledger.repair import repair as repair_dead_work
from selfeval_xl.model.submission import Submission
from selfeval_xl.oserrors import explain


@dataclass
class VerifyReport:
    archive: Path
    checked: int = 0
    mismatched: list[str] = field(default_factory=list)   # object (original name): bytes differ
    missing: list[str] = field(default_factory=list)      # recorded, object file gone
    unknown: list[str] = field(default_factory=list)      # files in objects/ the ledger does not know
    temps: list[str] = field(default_factory=list)        # stray temp files (only listed with repair off)
    unfinished: list[str] = field(default_factory=list)   # intake rows of dead processes (repair off)
    repaired: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.mismatched or self.missing or self.unknown or self.temps or self.unfinished)


def verify(archive: str | os.PathLike[str] = store.DEFAULT_ARCHIVE, repair: bool = True,
           check: Callable[[Path], Submission] | None = None) -> VerifyReport:
    """Check the archive; with `repair`, first finish/undo work left by killed collects
    (`check`: how to check an orphan object, default pipeline.check_file)."""
    started = time.perf_counter()
    arc, conn = open_existing(Path(archive))
    rep = VerifyReport(arc.root)
    try:
        if repair:  # repairing writes: one writer at a time (the archive's lock file)
            with writer_lock(arc.root):
                rep.repaired = repair_dead_work(conn, arc, check)
        else:
            for name, pid, host, since in conn.execute("SELECT original_name, pid, host, received_at FROM intake"):
                if store.work_abandoned(host, pid, since):
                    rep.unfinished.append(name)
        # Objects first, then one read snapshot of the ledger: a collect journals a file before
        # copying it, so every object seen here is in that snapshot (intake or submissions) —
        # a collect running meanwhile never shows up as "unknown".
        objects, temps, strays = store.scan_objects(arc)
        conn.execute("BEGIN")
        in_progress = {r[0] for r in conn.execute("SELECT object FROM intake")}
        rows = conn.execute("SELECT sha256, object, original_name, size FROM submissions ORDER BY id").fetchall()
        conn.execute("COMMIT")
        known: set[str] = set()
        for sha, obj, name, _size in rows:
            known.add(obj)
            rep.checked += 1
            path = arc.path_of(obj)
            if not path.is_file():
                rep.missing.append(f"{obj}（{name}）")
                continue
            try:
                actual = store.hash_file(path)[0]
            except OSError as exc:
                rep.missing.append(f"{obj}（{name}）：{explain(exc, path)}")
                continue
            if actual != sha:
                rep.mismatched.append(f"{obj}（{name}）")
        for obj in objects:
            if obj not in known and obj not in in_progress:
                rep.unknown.append(obj)
        rep.unknown.extend(str(p.relative_to(arc.root)) for p in strays)
        for t in temps:
            owner = store.temp_owner(t.name)
            if owner is None or not store.pid_alive(*owner):
                rep.temps.append(str(t.relative_to(arc.root)))
    finally:
        conn.close()
    rep.seconds = time.perf_counter() - started
    return rep
