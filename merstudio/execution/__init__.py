"""One execution layer for analysis and training: run independent tasks in-process, in local processes or on Ray.

The contract (stable; `merstudio analyze` and the training folds both use it)::

    backend = backend_from_args(jobs=2, ray=None)          # Backend("processes", jobs=2)
    for index, result in run_tasks(fn, tasks, backend, cancel=stop_event, retries=2):
        if isinstance(result, BaseException): ...          # fn raised it (or WorkerLost / Cancelled, below)
        else: ...                                          # fn(tasks[index]) returned it

- `fn` is a picklable top-level function (importable by the workers: defined in the `merstudio` package) taking
  one task (`fn(task)`), or `fn(task, shared)` when `shared=` is given. Tasks and results must pickle.
- Results come back as tasks finish, in any order, as `(index into tasks, result or exception)`. An exception that
  `fn` raises is yielded, never raised, and never retried (it is deterministic: a corrupt input stays corrupt).
- `retries`: how many times a task is run again when the process running it dies (killed, out of memory, a lost
  Ray node). On Ray this is Ray's own `max_retries`; locally a dead worker is replaced and its task re-queued. A
  task that dies more often is yielded as `WorkerLost`.
- `cancel`: `Callable[[], bool]` or `threading.Event`. Once it is true, and on Ctrl-C (KeyboardInterrupt in the
  caller), no new task starts and running tasks are stopped: first asked (`cancelled()` turns true inside `fn`; on
  Ray too, through the task's SIGINT handler that `ray.cancel(force=False)` runs), after `GRACE_SECONDS` killed
  (local processes SIGKILL, Ray `ray.cancel(force=True)`). Tasks that stop this way are yielded with what `fn`
  returned (e.g. a partial result), or with `Cancelled` when they were killed; tasks that never started are not
  yielded. After a Ctrl-C the generator raises KeyboardInterrupt once those are yielded.
- `on_start(index)` / `on_done(index, result)` run in the caller's thread when a task is handed to a back-end and
  before its result is yielded; `on_progress(index, payload)` gets what a task passes to `report(payload)`.
- `worker_init`: a picklable top-level function run once in each worker process before its first task (not in
  the in-process back-end). Worker processes run their numeric libraries on one thread: the workers are the
  parallelism. Local worker processes die with the caller, however it dies (`merstudio.analysis.remote`).
- `shared`: one object every task needs (a dataset, settings): sent once per local worker, put once in Ray's
  object store.

Inside `fn`, `cancelled()` tells whether the run is being stopped (pass it as a `cancel` callback) and
`report(payload)` sends a progress payload to `on_progress` (keep it small and infrequent, a few per second).

Back-ends: `inprocess` (tasks one after the other in the caller: no start-up cost, what `-j 1` does), `processes`
(`jobs` spawned worker processes on this machine: `-j N`), `ray` (`address` None: an embedded Ray started on this
machine with `jobs` CPUs, or all of them when `jobs` is 1; else the address of an existing cluster, e.g.
`ray://head:10001` or `head:6379`). Ray is an optional extra: `pip install 'merstudio[cluster]'` (or `[ray]`) for an
installed package, `pip install -e '.[cluster]'` in a checkout (`resources.CLUSTER_INSTALL_HINT` says which). This
module is Qt-free and imports Ray only when the Ray back-end is used.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from merstudio.errors import InputError

KINDS = ("inprocess", "processes", "ray")
GRACE_SECONDS = 1.0  # after a cancel, running tasks get this long to stop on their own before they are killed
LOCAL_RAY = ("", "local")  # --ray with no address (or "local"): an embedded Ray on this machine

CancelArg = Callable[[], bool] | threading.Event | None


@dataclass(frozen=True)
class Backend:
    """Where tasks run: kind "inprocess" | "processes" | "ray"; `jobs` workers (processes; the CPUs of an embedded
    Ray when > 1); `address` of an existing Ray cluster (None: embedded)."""

    kind: str = "inprocess"
    jobs: int = 1
    address: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InputError(f"unknown back-end {self.kind!r} (choose from {', '.join(KINDS)})")
        if self.jobs < 1:
            raise InputError(f"jobs must be at least 1, got {self.jobs} (jobs= / --jobs)")

    def describe(self) -> str:
        if self.kind == "inprocess":
            return "one process"
        if self.kind == "processes":
            return f"{self.jobs} local processes"
        return f"Ray cluster at {self.address}" if self.address else "embedded local Ray"


def backend_from_args(jobs: int, ray: str | None) -> Backend:
    """The back-end for `-j/--jobs N` and `--ray [ADDRESS]`: ray None -> in-process (jobs 1) or local processes;
    ray "" or "local" -> an embedded Ray on this machine; any other ray -> the cluster at that address. Raises a
    one-line InputError for a bad --jobs, when Ray is asked for and not installed, or when nothing answers at
    the address."""
    if jobs < 1:
        raise InputError(f"jobs must be at least 1, got {jobs} (jobs= / --jobs)")
    if ray is None:
        return Backend("processes", jobs) if jobs > 1 else Backend("inprocess")
    from merstudio.execution.ray_backend import probe, require_ray

    require_ray()
    address = None if ray.strip() in LOCAL_RAY else ray.strip()
    if address:
        probe(address)  # a wrong address fails now, in one line, not after minutes of Ray's retries
    return Backend("ray", jobs, address)


class Cancelled(Exception):
    """Yielded for a task that was running when the run was cancelled (or interrupted) and had to be killed."""


class WorkerLost(RuntimeError):
    """Yielded for a task whose worker process died (killed, out of memory, a lost node) more than `retries`
    times."""


# ------------------------------------------------------------------------------------------ inside a task


@dataclass
class _TaskContext:
    cancel: Callable[[], bool]
    report: Callable[[Any], None]


_context = threading.local()


def _set_context(ctx: _TaskContext | None) -> None:
    _context.value = ctx


def cancelled() -> bool:
    """Inside a task: True once the run is being stopped (finish quickly, e.g. write what is done as partial)."""
    ctx = getattr(_context, "value", None)
    return bool(ctx is not None and ctx.cancel())


def report(payload: Any) -> None:
    """Inside a task: pass `payload` (small, picklable) to the caller's `on_progress(index, payload)`."""
    ctx = getattr(_context, "value", None)
    if ctx is not None:
        ctx.report(payload)


# ------------------------------------------------------------------------------------------ the entry point


def as_cancel_fn(cancel: CancelArg) -> Callable[[], bool]:
    if cancel is None:
        return lambda: False
    if isinstance(cancel, threading.Event):
        return cancel.is_set
    return cancel


def run_tasks(
    fn: Callable[..., Any],
    tasks: Sequence[Any],
    backend: Backend,
    *,
    cancel: CancelArg = None,
    on_done: Callable[[int, Any], None] | None = None,
    retries: int = 0,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[int, Any], None] | None = None,
    worker_init: Callable[[], None] | None = None,
    shared: Any = None,
) -> Iterator[tuple[int, Any]]:
    """Run `fn` on every task on `backend`; yield `(task index, result or exception)` as tasks finish. See the
    module docstring for the contract (cancellation, Ctrl-C, retries, hooks)."""
    if retries < 0:
        raise ValueError("retries must be >= 0")
    call = _Call(fn, shared is not None, shared)
    stop = as_cancel_fn(cancel)
    it: Generator[tuple[int, Any], None, None]
    if backend.kind == "inprocess" or not tasks:
        from merstudio.execution.local import run_inprocess

        it = run_inprocess(call, tasks, stop, on_start, on_progress)
    elif backend.kind == "processes":
        from merstudio.execution.local import run_processes

        it = run_processes(call, tasks, backend.jobs, stop, on_start, on_progress, retries, worker_init)
    else:
        from merstudio.execution.ray_backend import run_ray

        it = run_ray(call, tasks, backend, stop, on_start, on_progress, retries, worker_init)
    try:
        for index, result in it:
            if on_done is not None:
                on_done(index, result)
            yield index, result
    finally:
        it.close()


@dataclass(frozen=True)
class _Call:
    """fn with or without the shared object (pickled by reference; `shared` travels separately)."""

    fn: Callable[..., Any]
    with_shared: bool
    shared: Any = None

    def __call__(self, task: Any, shared: Any = None) -> Any:
        return self.fn(task, shared) if self.with_shared else self.fn(task)

    def without_shared(self) -> _Call:
        return _Call(self.fn, self.with_shared, None)


__all__ = [
    "GRACE_SECONDS",
    "Backend",
    "Cancelled",
    "WorkerLost",
    "backend_from_args",
    "cancelled",
    "report",
    "run_tasks",
]
