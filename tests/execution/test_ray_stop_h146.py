"""How a Ray run stops, without starting Ray (its calls stand in, as Ray makes them):
- `ray.cancel(force=False)` runs the task's SIGINT handler in the worker's main thread (Ray 2.60, checked on an
  embedded Ray): the task now sees `cancelled()` turn true and returns what it has (an analysis: its partial rows,
  named in the batch's interrupted line as the local back-end's are), where it got a KeyboardInterrupt and came back
  as Cancelled;
- a Ctrl-C while an embedded Ray shuts down (a user's second, waiting for the first) kills the processes that Ray
  started, lets the shutdown finish and ends in KeyboardInterrupt; it broke `ray.shutdown()` off half-way, leaving
  raylet and GCS running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from typing import Any

import pytest
from support.stand_in_ray import StandInRay

pytest.importorskip("ray")

from merstudio import execution  # noqa: E402
from merstudio.analysis.batch import sigint_cancels  # noqa: E402
from merstudio.execution import Backend, _Call  # noqa: E402
from merstudio.execution import ray_backend as RB  # noqa: E402

pytestmark = pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                                reason="signal handlers are set in the main thread only")


def _asked_to_stop(task: int) -> tuple[str, int]:
    os.kill(os.getpid(), signal.SIGINT)  # what ray.cancel(force=False) does in the worker running this task
    for _ in range(10_000_000):
        if execution.cancelled():
            return "partial", task
    return "ran on", task


def test_a_ray_task_asked_to_stop_sees_cancelled_and_returns_what_it_has() -> None:
    def workers_own(signum: int, frame: Any) -> None:  # a Ray worker's own handler raises KeyboardInterrupt
        raise AssertionError("interrupted where the task was, not asked to stop")

    old = signal.signal(signal.SIGINT, workers_own)
    try:
        assert RB._ray_call(_Call(_asked_to_stop, False), 7, None, 0, None, None) == ("partial", 7)
        assert signal.getsignal(signal.SIGINT) is workers_own  # put back for the worker's next task
    finally:
        signal.signal(signal.SIGINT, old)
    assert not execution.cancelled()  # outside a task


class _EmbeddedRay(StandInRay):
    """The calls run_ray makes of Ray, for one task that finishes; shutting down takes a Ctrl-C half-way."""

    def __init__(self) -> None:
        self.shut_down = False
        self.raylet: subprocess.Popen | None = None

    def connect(self, backend: Backend) -> bool:  # ray.init(address="local") starts processes of its own
        self.raylet = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        return True

    def shutdown(self) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # the user's second Ctrl-C, while Ray shuts down
        for _ in range(100_000):  # the handler runs here, at the interpreter's next check
            pass
        self.shut_down = True


def test_a_second_ctrl_c_while_an_embedded_ray_shuts_down_kills_what_it_started(monkeypatch) -> None:
    ray = _EmbeddedRay()
    monkeypatch.setattr(RB, "require_ray", lambda: ray)
    monkeypatch.setattr(RB, "connect", ray.connect)
    stop, first = threading.Event(), [True]
    stop.set()  # the first Ctrl-C came (run_batch's handler): a second one raises KeyboardInterrupt
    try:
        with sigint_cancels(stop, first), pytest.raises(KeyboardInterrupt):
            for _ in RB.run_ray(_Call(_asked_to_stop, False), [0], Backend("ray"), lambda: False, None, None, 0,
                                None):
                pass
        assert ray.shut_down  # Ray's shutdown went to its end
        assert ray.raylet is not None and ray.raylet.wait(timeout=10) == -signal.SIGKILL  # what it started: killed
    finally:
        if ray.raylet is not None and ray.raylet.poll() is None:
            ray.raylet.kill()
            ray.raylet.wait()


# A driver on an embedded Ray (what `--ray` alone starts): one task that reports, then runs until it is asked to
# stop; the first report cancels the run. Defined in __main__, so Ray sends the task's code by value.
DRIVER = """
import threading, time
from merstudio import execution
from merstudio.execution import Backend, run_tasks

def task(n):
    execution.report("running")
    end = time.monotonic() + 120
    while time.monotonic() < end:
        if execution.cancelled():
            return "returned part-way"
        time.sleep(0.01)
    return "never asked"

stop = threading.Event()
print(list(run_tasks(task, [0], Backend("ray"), cancel=stop, on_progress=lambda i, p: stop.set())))
"""


@pytest.mark.slow
def test_a_task_on_an_embedded_ray_asked_to_stop_returns_part_way(tmp_path) -> None:
    from support.ray_cluster import ray_env

    r = subprocess.run([sys.executable, "-c", DRIVER], capture_output=True, text=True, timeout=300, env=ray_env(),
                       cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "[(0, 'returned part-way')]", r.stdout + r.stderr  # not Cancelled
