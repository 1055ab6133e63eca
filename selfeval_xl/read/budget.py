"""The per-file time budget: reading one file stops with `too-large` once it is spent.

Every loop of the reader whose length depends on the file (inflating a zip entry, feeding an XML
part to expat) checks the budget between bounded steps, so no input can hold a batch longer
than the budget plus one step. The steps are linear in their input: no parse can go quadratic.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from selfeval_xl.read import limits
from selfeval_xl.read.errors import Refused


@dataclass
class Budget:
    seconds: float = field(default_factory=lambda: limits.READ_TIME_S)
    started: float = field(default_factory=time.monotonic)
    checks: int = 0  # how often it was looked at (tests count work with it)

    def left(self) -> float:
        return self.seconds - (time.monotonic() - self.started)

    def check(self) -> None:
        self.checks += 1
        if time.monotonic() - self.started > self.seconds:
            raise Refused("too-large", f"读取超过 {self.seconds:g} 秒仍未完成，已停止（文件内容异常庞杂）")
