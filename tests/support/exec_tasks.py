"""Top-level task functions for the execution-layer tests (workers import them by name: tests/ is on their path)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from merstudio import execution


def square(x: int, shared: dict) -> tuple[int, int]:
    """x * x + shared["offset"] and the pid that computed it; reports x; raises for 3."""
    execution.report(x)
    if x == 3:
        raise ValueError("three is not allowed")
    return x * x + shared["offset"], os.getpid()


def triple(x: int) -> int:
    return 3 * x


def wait_for_cancel(x: int) -> str:
    """Runs until the run is cancelled (then returns 'stopped <x>'), at most 60 s."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if execution.cancelled():
            return f"stopped {x}"
        time.sleep(0.02)
    return f"ran out {x}"


def die_once(task: tuple[str, int]) -> int:
    """Writes its pid to <folder>/<x>.pid, then waits: the test kills the first run; a rerun returns at once."""
    folder, x = task
    marker = Path(folder) / f"{x}.pid"
    if marker.exists():
        return x * 10
    marker.write_text(str(os.getpid()))
    time.sleep(60)
    return -1
