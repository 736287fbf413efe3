"""The execution layer (merstudio.execution): the same results, errors, progress and cancellation from the
in-process and local-process back-ends; a killed worker's task runs again; Ray's absence is one line."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest
from support import exec_tasks

from merstudio.errors import InputError
from merstudio.execution import Backend, Cancelled, WorkerLost, backend_from_args, run_tasks

LOCAL = [Backend("inprocess"), Backend("processes", 2)]


def test_backend_from_args():
    assert backend_from_args(1, None) == Backend("inprocess")
    assert backend_from_args(3, None) == Backend("processes", 3)
    with pytest.raises(InputError, match="--jobs"):
        backend_from_args(0, None)
    with pytest.raises(InputError):
        Backend("cluster")


def test_ray_missing_is_one_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    with pytest.raises(InputError, match=r"pip install -e '\.\[cluster\]'"):
        backend_from_args(1, "")


def test_ray_address_nobody_answers_at_is_one_line():
    pytest.importorskip("ray")
    with pytest.raises(InputError, match="127.0.0.1:1: cannot connect"):
        backend_from_args(1, "127.0.0.1:1")  # port 1 on loopback: refused at once
    assert backend_from_args(2, "") == Backend("ray", 2)  # embedded: nothing to probe


@pytest.mark.parametrize("backend", LOCAL, ids=lambda b: b.kind)
def test_results_errors_and_progress(backend):
    done, started, progress = {}, [], []
    results = dict(run_tasks(exec_tasks.square, list(range(6)), backend, on_start=started.append,
                             on_done=done.__setitem__, on_progress=lambda i, p: progress.append((i, p)),
                             shared={"offset": 100}))  # one object every task gets (sent once per worker)
    assert sorted(results) == list(range(6)) and done.keys() == results.keys()
    assert isinstance(results.pop(3), ValueError)  # yielded, not raised, and the other tasks still ran
    assert {k: v[0] for k, v in results.items()} == {0: 100, 1: 101, 2: 104, 4: 116, 5: 125}
    assert sorted(started) == list(range(6))
    assert sorted(progress) == [(k, k) for k in range(6)]
    pids = {v[1] for v in results.values()}
    assert (pids == {os.getpid()}) == (backend.kind == "inprocess")


def test_no_tasks_and_plain_functions():
    assert list(run_tasks(exec_tasks.triple, [], Backend("processes", 2))) == []  # nothing is started
    assert dict(run_tasks(exec_tasks.triple, [1, 2], Backend())) == {0: 3, 1: 6}


@pytest.mark.parametrize("backend", LOCAL, ids=lambda b: b.kind)
def test_cancel_stops_running_tasks_and_starts_no_more(backend):
    stop = threading.Event()
    started: list[int] = []

    def on_start(i: int) -> None:
        started.append(i)
        if len(started) == (1 if backend.kind == "inprocess" else 2):
            threading.Timer(0.3, stop.set).start()

    results = dict(run_tasks(exec_tasks.wait_for_cancel, list(range(5)), backend, cancel=stop,
                             on_start=on_start))
    assert sorted(results) == sorted(started)  # only the tasks that started come back
    assert len(started) < 5
    for k, r in results.items():  # each one saw the cancel (or was killed after the grace period)
        assert r == f"stopped {k}" or isinstance(r, Cancelled)


def test_killed_worker_task_runs_again(tmp_path: Path):
    """A worker process killed mid-task: a new worker runs the task again (retries), the others are unaffected."""
    tasks = [(str(tmp_path), k) for k in range(3)]
    killer_done = threading.Event()

    def kill_first() -> None:
        marker = tmp_path / "1.pid"
        deadline = time.monotonic() + 120
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.1)
        os.kill(int(marker.read_text()), signal.SIGKILL)  # the worker this test's task started, by pid
        killer_done.set()

    # tasks 0 and 2 wait 60 s on their first run unless their markers exist: make them finish at once
    for k in (0, 2):
        (tmp_path / f"{k}.pid").write_text("0")
    killer = threading.Thread(target=kill_first)
    killer.start()
    try:
        results = dict(run_tasks(exec_tasks.die_once, tasks, Backend("processes", 2), retries=1))
    finally:
        killer.join()
    assert killer_done.is_set()
    assert results == {0: 0, 1: 10, 2: 20}


def test_killed_worker_without_retries_is_reported(tmp_path: Path):
    def kill() -> None:
        marker = tmp_path / "0.pid"
        deadline = time.monotonic() + 120
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(int(marker.read_text()), signal.SIGKILL)

    killer = threading.Thread(target=kill)
    killer.start()
    try:
        results = dict(run_tasks(exec_tasks.die_once, [(str(tmp_path), 0)], Backend("processes", 1)))
    finally:
        killer.join()
    assert isinstance(results[0], WorkerLost) and "died" in str(results[0])
