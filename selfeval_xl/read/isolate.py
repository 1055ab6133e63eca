"""Run a third-party parser (calamine, Rust) in a forked child with a memory cap and a deadline.

A damaged .xls can make calamine try to allocate terabytes; Rust answers an allocation failure
by aborting the whole process, which no try/except can catch. In a child process the abort only
kills the child: the parent reports the file as corrupt and the batch goes on. Where fork is not
available (Windows) the call runs in-process.
"""

from __future__ import annotations

import faulthandler
import os
import pickle
import select
import signal
import sys
import time
from collections.abc import Callable
from typing import Any

from selfeval_xl.read import limits
from selfeval_xl.read.errors import Refused

try:  # imported here, not in the forked child (no imports after fork)
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]


def run(fn: Callable[..., Any], *args: Any, what: str, timeout: float | None = None) -> Any:
    """fn(*args) in a child; its Refused is re-raised here, a crash or overrun becomes Refused.

    `timeout` (seconds, at most LEGACY_TIMEOUT_S) bounds the child's run."""
    seconds = limits.LEGACY_TIMEOUT_S if timeout is None else max(0.0, min(timeout, limits.LEGACY_TIMEOUT_S))
    if not hasattr(os, "fork"):
        return fn(*args)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        _child(r, w, fn, args)
    os.close(w)
    try:
        payload = _read_all(r, time.monotonic() + seconds)
    finally:
        os.close(r)
    if payload is None:
        _kill(pid)
        raise Refused("too-large", f"{what} 解析超时（超过 {seconds:.0f} 秒）")
    _reap(pid)
    if not payload:
        raise Refused("corrupt-file", f"{what} 无法解析")
    try:
        kind, value = pickle.loads(payload)
    except Exception as exc:  # noqa: BLE001 — a truncated message from a dying child
        raise Refused("corrupt-file", f"{what} 无法解析") from exc
    if kind == "refused":
        raise Refused(value[0], value[1], **value[2])
    if kind == "error" and value == "MemoryError":  # the cap did its job: the file asks too much
        raise Refused("too-large", f"{what} 解析所需内存超过上限 {limits.LEGACY_MEMORY // 1024 // 1024} MB")
    if kind != "ok":
        raise Refused("corrupt-file", f"{what} 无法解析")
    return value


def _child(r: int, w: int, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    code = 0
    try:
        os.close(r)
        faulthandler.disable()  # its dump on abort would go to the inherited terminal
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 2)  # a Rust panic message must not reach the user's terminal
            os.dup2(null, 1)
        except OSError:
            pass
        _cap_memory()
        try:
            result: tuple[str, Any] = ("ok", fn(*args))
        except Refused as exc:
            result = ("refused", (exc.code, exc.detail, exc.params))
        except BaseException as exc:  # noqa: BLE001 — pyo3 panics included
            result = ("error", type(exc).__name__)
        data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            n = os.write(w, view)
            view = view[n:]
    except BaseException:  # noqa: BLE001
        code = 1
    finally:
        os._exit(code)


def _cap_memory() -> None:
    if resource is None:
        return
    try:
        current = _vm_size()
        cap = current + limits.LEGACY_MEMORY
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (ValueError, OSError):
        pass


def _vm_size() -> int:
    try:
        with open("/proc/self/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _read_all(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes until it closes the pipe; None past the deadline."""
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return None
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _reap(pid)


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
