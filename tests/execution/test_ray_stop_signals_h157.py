"""`analyze --ray` on an embedded Ray stopped by SIGTERM or SIGHUP (without starting Ray: its calls stand in, as in
test_ray_stop_h146.py). `ray.init` set its own SIGTERM handler (sys.exit wherever the driver was), so a SIGTERM
ended in Ray's crash dumps and exit 134; a SIGHUP killed the driver and left Ray's agents running, orphaned."""

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

from merstudio import interrupts  # noqa: E402
from merstudio.analysis.batch import sigint_cancels  # noqa: E402
from merstudio.execution import Backend, _Call  # noqa: E402
from merstudio.execution import ray_backend as RB  # noqa: E402

pytestmark = pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                                reason="signal handlers are set in the main thread only")


class _Ray(StandInRay):
    """The calls connect and run_ray make of Ray. init sets a SIGTERM handler as ray.init does; shutdown leaves an
    agent of the embedded Ray running (as Ray's dashboard and runtime-env agents were after a SIGHUP), and sends
    `during_shutdown` to this process first when set."""

    def __init__(self, during_shutdown: int | None = None) -> None:
        self.agent: subprocess.Popen | None = None
        self.during_shutdown = during_shutdown

    def is_initialized(self) -> bool:
        return False

    def init(self, **kw: Any) -> None:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(signum))  # ray.init's own
        self.agent = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])

    def shutdown(self) -> None:
        if self.during_shutdown is not None:
            os.kill(os.getpid(), self.during_shutdown)
            for _ in range(100_000):
                pass


def _task(n: int) -> int:
    return n


def _run(ray: _Ray, monkeypatch: pytest.MonkeyPatch, stop: threading.Event, flag: list[bool],
         first: int | None) -> None:
    monkeypatch.setattr(RB, "require_ray", lambda: ray)
    with sigint_cancels(stop, flag):
        for _ in RB.run_ray(_Call(_task, False), [0], Backend("ray"), stop.is_set, None, None, 0, None):
            assert signal.getsignal(signal.SIGTERM) is not None
            assert "sigint_cancels" in signal.getsignal(signal.SIGTERM).__qualname__  # not Ray's sys.exit
            if first is not None:
                os.kill(os.getpid(), first)  # the first SIGTERM: the batch's graceful stop
                for _ in range(100_000):
                    pass


def _reap(ray: _Ray) -> int | None:
    assert ray.agent is not None
    try:
        return ray.agent.wait(timeout=10)
    finally:
        if ray.agent.poll() is None:
            ray.agent.kill()
            ray.agent.wait()


def test_sigterm_stops_an_embedded_ray_run_gracefully_and_kills_what_its_shutdown_left(monkeypatch):
    ray = _Ray()
    stop, flag = threading.Event(), [False]
    with interrupts.watched():
        _run(ray, monkeypatch, stop, flag, signal.SIGTERM)
        assert stop.is_set() and flag[0]
    assert _reap(ray) == -signal.SIGKILL  # the agent the shutdown left: killed, not orphaned
    assert interrupts.exit_code() == 143


def test_sighup_while_an_embedded_ray_shuts_down_kills_what_it_started(monkeypatch, sighup_delivered):
    ray = _Ray(during_shutdown=signal.SIGHUP)
    stop, flag = threading.Event(), [True]
    stop.set()  # a first stop signal came: the one during the shutdown is the second
    with interrupts.watched(), pytest.raises(KeyboardInterrupt):
        _run(ray, monkeypatch, stop, flag, None)
    assert _reap(ray) == -signal.SIGKILL
    assert interrupts.exit_code() == 129


def test_a_run_no_signal_stopped_leaves_the_shutdown_alone(monkeypatch):
    ray = _Ray()
    with interrupts.watched():
        _run(ray, monkeypatch, threading.Event(), [False], None)
    assert ray.agent is not None and ray.agent.poll() is None  # not ours to kill: Ray's shutdown handles it
    ray.agent.kill()
    ray.agent.wait()
