"""The in-process and local-process back-ends of `merstudio.execution` (see its docstring for the contract).

Local processes: `jobs` spawned workers (never fork: MediaPipe/torch threads do not survive it), each with its own
duplex pipe to the caller. The caller hands one task at a time to an idle worker, so a cancel stops dispatch at
once, and it knows which task each worker runs: a worker that dies (its pipe reaches end-of-file) is replaced and
its task re-queued up to `retries` times. Workers ignore SIGINT (Ctrl-C in a terminal reaches the whole process
group): the caller decides, asks them through a shared event, then kills what is still running after
`GRACE_SECONDS`; a SIGTERM or SIGHUP that reaches them with the caller they leave to it too (for a while:
`merstudio.analysis.remote.wait_for_parent_on_stop`). Workers die with the caller however it dies
(`merstudio.analysis.remote.die_with_parent`).
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import pickle
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from merstudio.execution import GRACE_SECONDS, Cancelled, WorkerLost, _Call, _set_context, _TaskContext
from merstudio.threads import limit_threads

POLL_SECONDS = 0.1
STOP_SECONDS = 0.5  # idle workers told to stop get this long to exit before they are killed (they hold nothing)


def resource_tracker_running() -> bool:
    """Whether this process has started multiprocessing's resource tracker (every spawn starts it)."""
    from multiprocessing import resource_tracker

    return getattr(resource_tracker._resource_tracker, "_pid", None) is not None


def start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker (a spawn context's first Queue or Process starts it) with SIGHUP
    blocked in it. It runs in our process group and blocks SIGINT and SIGTERM itself, not SIGHUP: a closed terminal
    or `timeout -s HUP` killed it with the app, which then, stopping cleanly, relaunched it for the semaphores it
    freed: "resource_tracker: process died unexpectedly, relaunching. Some resources might leak.". It still ends
    with this process (end-of-file on its pipe), unlinking what this process left. Nothing where it already runs."""
    if not hasattr(signal, "SIGHUP") or not hasattr(signal, "pthread_sigmask"):
        return  # Windows: no SIGHUP, no tracker process
    from multiprocessing import resource_tracker

    # a signal mask is inherited through fork and exec (a handler is not); this thread's alone, for the start
    was = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGHUP})
    try:
        resource_tracker.ensure_running()
    finally:
        if signal.SIGHUP not in was:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGHUP})


def stop_resource_tracker() -> None:
    """Stop the resource tracker this process started. For a command-line tool after its last worker is gone:
    the tracker holds a copy of the terminal's stderr (fd 2) until this process exits, so a filter on fd 2 that
    waits for end-of-file (`merstudio.cli.stderr_filter`) would wait for it. The local back-end registers nothing
    with it (no semaphores), so nothing is lost."""
    from multiprocessing import resource_tracker

    with contextlib.suppress(Exception):
        getattr(resource_tracker._resource_tracker, "_stop")()  # noqa: B009 - private: no public way


# ------------------------------------------------------------------------------------------ in-process


def run_inprocess(call: _Call, tasks: Sequence[Any], cancel: Callable[[], bool],
                  on_start: Callable[[int], None] | None,
                  on_progress: Callable[[int, Any], None] | None) -> Generator[tuple[int, Any], None, None]:
    for index, task in enumerate(tasks):
        if cancel():
            return
        if on_start is not None:
            on_start(index)

        def send(payload: Any, index: int = index) -> None:
            if on_progress is not None:
                on_progress(index, payload)

        _set_context(_TaskContext(cancel, send))
        try:
            result: Any = call(task, call.shared)
        except KeyboardInterrupt:
            _set_context(None)
            yield index, Cancelled("interrupted")
            raise
        except Exception as exc:  # noqa: BLE001 - yielded to the caller, as from the other back-ends
            result = exc
        finally:
            _set_context(None)
        yield index, result


# ------------------------------------------------------------------------------------------ worker side


def _worker_main(conn: Connection, parent_pid: int, link: Any, stop: Any,
                 init: Callable[[], None] | None) -> None:
    """A worker process: run the tasks its pipe brings, one at a time, and send each result back."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the caller handles Ctrl-C and stops us
    from merstudio.analysis.remote import die_with_parent, wait_for_parent_on_stop

    die_with_parent(parent_pid, link)
    # SIGTERM and SIGHUP sent to the whole process group (`timeout`, `kill -TERM -PGID`, a closed terminal) are the
    # caller's to act on too: the worker died of them at once, its task's rows left undescribed (meta `running`,
    # lock left); it now runs on while the caller stops it, and ends by a signal sent to it alone after a grace
    wait_for_parent_on_stop(_Asked(stop))
    limit_threads()
    if init is not None:
        init()
    shared: Any = None
    index = -1

    def send_progress(payload: Any) -> None:
        with contextlib.suppress(Exception):
            conn.send(("progress", index, payload))

    _set_context(_TaskContext(lambda: bool(stop.value), send_progress))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            os._exit(0)  # the caller is gone
        except Exception as exc:  # noqa: BLE001 - sent back: the caller names fn and the rule
            # a message this process cannot unpickle (the whole message was read: the pipe stays in step): fn or a
            # task's class defined where a worker cannot import it. It died with a traceback, retried as if killed.
            conn.send(("unloadable", f"{type(exc).__name__}: {exc}"))
            continue
        if msg[0] == "stop":
            break
        if msg[0] == "shared":
            shared = msg[1]
            continue
        _, index, call, task = msg
        try:
            result, ok = call(task, shared), True
        except BaseException as exc:  # noqa: BLE001 - sent back and yielded there
            result, ok = exc, False
        try:
            conn.send(("done", index, ok, result))
        except Exception as exc:  # noqa: BLE001 - a result or exception that does not pickle
            conn.send(("done", index, False, RuntimeError(f"{type(result).__name__}: {result} "
                                                          f"(cannot send it back: {exc})")))
    conn.close()


class _Asked:
    """The caller's stop flag (shared memory) as `wait_for_parent_on_stop` waits for it."""

    def __init__(self, flag: Any) -> None:
        self.flag = flag

    def wait(self, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while not self.flag.value:
            if time.monotonic() >= end:
                return False
            time.sleep(POLL_SECONDS / 2)
        return True


# ------------------------------------------------------------------------------------------ caller side


@dataclass
class _Worker:
    proc: Any
    conn: Connection
    index: int | None = None  # the task it runs
    started: float = field(default_factory=time.monotonic)


class _Pool:
    def __init__(self, init: Callable[[], None] | None, shared: Any, has_shared: bool) -> None:
        from merstudio.analysis.remote import ParentLink

        start_resource_tracker()  # (before the spawn context starts it: a group SIGHUP would kill it)
        self.ctx = mp.get_context("spawn")
        self.link = ParentLink(self.ctx)
        # a flag in shared memory, not an Event: no semaphore for the resource tracker to look after
        self.stop = self.ctx.RawValue("b", 0)
        self.init = init
        self.shared, self.has_shared = shared, has_shared
        self.workers: list[_Worker] = []

    def spawn(self) -> _Worker:
        mine, theirs = self.ctx.Pipe(duplex=True)
        proc = self.ctx.Process(target=_worker_main, args=(theirs, *self.link.child_args, self.stop, self.init),
                                name="merstudio-worker", daemon=True)
        with _sigint_ignored():  # the child starts with SIGINT ignored (inherited across exec)
            proc.start()
        theirs.close()
        worker = _Worker(proc, mine)
        if self.has_shared:
            mine.send(("shared", self.shared))
        self.workers.append(worker)
        return worker

    def remove(self, worker: _Worker) -> None:
        self.workers.remove(worker)
        with contextlib.suppress(OSError):
            worker.conn.close()
        if worker.proc.is_alive():
            worker.proc.kill()
        worker.proc.join(timeout=5)

    def close(self, now: bool = False) -> None:
        """Stop idle workers politely (`now`: kill them too, as the busy ones), reap all."""
        for w in self.workers:
            if w.index is None and not now:
                with contextlib.suppress(OSError, ValueError):
                    w.conn.send(("stop",))
            elif w.proc.is_alive():
                w.proc.kill()
        deadline = time.monotonic() + STOP_SECONDS
        for w in self.workers:
            w.proc.join(timeout=max(0.0, deadline - time.monotonic()))
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join(timeout=5)
            with contextlib.suppress(OSError):
                w.conn.close()
        self.workers.clear()
        self.link.close()


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may change handlers (and only it gets SIGINT)
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


class NotImportable(TypeError):
    """fn (or worker_init, or a task) cannot reach the worker processes: they import a function by its module and
    name, so one defined in a notebook, the interactive interpreter or `python -c` (their __main__ has no file), a
    lambda or a nested function cannot run there."""


_RULE = ("define it at the top level of a module (a .py file you import) or of a script run as a file, or run the "
         "tasks in this process (backend_from_args(jobs=1, ray=None))")


def _name(fn: Any) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', None) or repr(fn)}"


def check_importable(fn: Any, what: str = "fn") -> None:
    """NotImportable, naming `fn` and the rule, where spawned workers cannot load it: it does not pickle (a lambda,
    a nested function), or it lives in a __main__ without a file (a notebook, `python -c`), which a worker cannot
    import: six worker tracebacks and a WorkerLost "died (exit code -9) 3 time(s)" said so before."""
    try:
        pickle.dumps(fn)
    except Exception as exc:  # noqa: BLE001 - PicklingError, AttributeError ("Can't pickle local object"), ...
        raise NotImportable(f"run_tasks: {what} {_name(fn)} cannot be sent to worker processes, which import it "
                            f"by module and name ({exc}): {_RULE}") from None
    inner = getattr(fn, "func", fn)  # functools.partial
    main = sys.modules.get("__main__")
    if getattr(inner, "__module__", None) == "__main__" and not getattr(main, "__file__", None):
        raise NotImportable(f"run_tasks: {what} {_name(inner)} is defined in a notebook, `python -c` or the "
                            f"interactive interpreter, where worker processes cannot import it: {_RULE}")


def run_processes(call: _Call, tasks: Sequence[Any], jobs: int, cancel: Callable[[], bool],
                  on_start: Callable[[int], None] | None, on_progress: Callable[[int, Any], None] | None,
                  retries: int, init: Callable[[], None] | None) -> Generator[tuple[int, Any], None, None]:
    check_importable(call.fn)  # before any worker starts
    if init is not None:
        check_importable(init, "worker_init")
    pool = _Pool(init, call.shared, call.with_shared)
    bare = call.without_shared()
    pending = deque(range(len(tasks)))
    deaths = [0] * len(tasks)
    stopping_since: float | None = None
    interrupted = False
    try:
        for _ in range(min(jobs, len(tasks))):
            pool.spawn()
        while pending or any(w.index is not None for w in pool.workers):
            try:
                if stopping_since is None and cancel():
                    stopping_since = time.monotonic()
                    pool.stop.value = 1
                if stopping_since is None:
                    for w in pool.workers:
                        if w.index is None and pending:
                            index = pending.popleft()
                            if on_start is not None:
                                on_start(index)
                            w.index, w.started = index, time.monotonic()
                            try:
                                w.conn.send(("task", index, bare, tasks[index]))
                            except (OSError, ValueError):  # it died while idle: a new one takes the task
                                pool.remove(w)
                                pending.appendleft(index)
                                pool.spawn()
                                break
                elif time.monotonic() - stopping_since > GRACE_SECONDS:
                    for w in [w for w in pool.workers if w.index is not None]:
                        killed = w.index
                        assert killed is not None
                        pool.remove(w)
                        yield killed, Cancelled("stopped (the worker was killed)")
                    pending.clear()
                    continue
                busy = {w.conn: w for w in pool.workers if w.index is not None}
                for conn in wait(list(busy), timeout=POLL_SECONDS):
                    w = busy[conn]  # type: ignore[index]
                    try:
                        msg = w.conn.recv()
                    except (EOFError, OSError):
                        lost = w.index
                        assert lost is not None
                        pool.remove(w)  # reaps it: its exit code is known after, not before
                        code = w.proc.exitcode
                        deaths[lost] += 1
                        if stopping_since is None and deaths[lost] <= retries:
                            pending.appendleft(lost)
                        else:
                            yield lost, (Cancelled("stopped") if stopping_since is not None else
                                          WorkerLost(f"the worker process died (exit code {code}) "
                                                     f"{deaths[lost]} time(s) while running this task"))
                        if stopping_since is None and pending:
                            pool.spawn()
                        continue
                    if msg[0] == "unloadable":  # checked up front; this is what the check cannot see
                        raise NotImportable(f"run_tasks: a worker process cannot load fn {_name(call.fn)} or its "
                                            f"task ({msg[1]}): define fn and the tasks' classes at the top level "
                                            f"of a module (a .py file you import) or of a script run as a file, or "
                                            f"run the tasks in this process (backend_from_args(jobs=1, ray=None))")
                    if msg[0] == "progress":
                        if on_progress is not None and msg[1] >= 0:
                            on_progress(msg[1], msg[2])
                    elif msg[0] == "done":
                        _, index, _ok, result = msg
                        w.index = None
                        yield index, result
                if stopping_since is not None:
                    pending.clear()
            except KeyboardInterrupt:
                if stopping_since is not None:
                    raise  # a second Ctrl-C: kill everything now (finally)
                interrupted = True
                stopping_since = time.monotonic()
                pool.stop.value = 1
                pending.clear()
        if interrupted:
            raise KeyboardInterrupt
    finally:
        pool.close(now=stopping_since is not None)
