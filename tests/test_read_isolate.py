"""read.isolate: a parser that aborts, overruns memory or hangs costs one file, never the batch."""

from __future__ import annotations

import os
import time

import pytest

from selfeval_xl.read import isolate, limits
from selfeval_xl.read.errors import Refused

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def _abort() -> None:
    os.abort()  # what Rust does on a failed allocation


def _hog() -> bytes:
    return b"x" * (4 * 1024 * 1024 * 1024)


def _sleep() -> None:
    time.sleep(30)


def _refuse() -> None:
    raise Refused("encrypted")


def test_result_comes_back() -> None:
    assert isolate.run(lambda a, b: {"sum": a + b}, 2, 3, what="x") == {"sum": 5}


def test_abort_is_corrupt_file() -> None:
    with pytest.raises(Refused) as e:
        isolate.run(_abort, what=".xls 文件")
    assert e.value.code == "corrupt-file"


def test_memory_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "LEGACY_MEMORY", 256 * 1024 * 1024)
    with pytest.raises(Refused) as e:
        isolate.run(_hog, what=".xls 文件")
    assert e.value.code == "too-large"  # the cap did its job: the file asked for too much


def test_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "LEGACY_TIMEOUT_S", 1)
    with pytest.raises(Refused) as e:
        isolate.run(_sleep, what=".xls 文件")  # sleeps 30 s: only the deadline can end it
    assert e.value.code == "too-large" and "超时" in e.value.detail


def test_refusal_crosses_the_process_boundary() -> None:
    with pytest.raises(Refused) as e:
        isolate.run(_refuse, what="x")
    assert e.value.code == "encrypted"
