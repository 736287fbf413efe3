"""A SIGTERM or SIGHUP sent to the whole process group of a `-j N` run (`timeout`, `kill -TERM -PGID`, a closed
terminal) reached its worker processes with the caller, and they died of it at once: the caller's graceful stop
found their tasks lost (an analysis's meta left `running`, its lock left). Workers now leave the signal to the
caller, as they leave Ctrl-C, and their tasks return what they have."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from merstudio import execution
from merstudio.execution import Backend, run_tasks

pytestmark = pytest.mark.skipif(os.name != "posix", reason="process groups and their signals are POSIX's")


def signalled_then_waits(signum: int) -> str:
    """Gets `signum` as a group signal brings it (the caller hears of it through report), then runs until the run is
    stopped."""
    os.kill(os.getpid(), signum)
    execution.report("signalled")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if execution.cancelled():
            return "returned part-way"
        time.sleep(0.01)
    return "never asked"


def test_a_worker_leaves_a_group_sigterm_to_the_caller() -> None:
    stop = threading.Event()  # the caller's graceful stop, on the same signal
    results = list(run_tasks(signalled_then_waits, [signal.SIGTERM], Backend("processes", 1), cancel=stop,
                             on_progress=lambda i, payload: stop.set()))
    assert results == [(0, "returned part-way")]  # not WorkerLost: it died of the signal
