"""The Ray back-end of `merstudio.execution` (see its docstring for the contract). Ray is optional: this module
imports it only inside functions, and `require_ray()` turns its absence into one line.

What Ray does here, and what it does not:
- each task is one Ray task (`num_cpus=1`), retried by Ray itself when its worker process or node dies
  (`max_retries=retries`; an exception the function raises is not retried: `retry_exceptions=False`);
- results come back through Ray's object store; `shared` is put there once (`ray.put`) and every task gets the
  reference;
- at most `WINDOW_PER_CPU` tasks per cluster CPU are submitted at a time (the usual `ray.wait` back-pressure): a
  cancel then only has a few queued tasks to withdraw, and `on_start` marks tasks that are close to running;
- a cancel (or Ctrl-C) first withdraws queued tasks and asks running ones to stop (`ray.cancel(force=False)`, which
  runs the task's SIGINT handler: `cancelled()` turns true there, `_cancel_flag`, so it returns what it has, as in a
  local worker), then after `GRACE_SECONDS` kills what still runs (`ray.cancel(force=True)`); a Ctrl-C while an
  embedded Ray shuts down kills the processes it started (`_ray_stopped`);
- progress payloads (`report()`) travel through a `ray.util.queue.Queue` (an actor), made only when the caller
  asked for progress.
An embedded Ray (no address) is started for the run (`num_cpus=jobs` when jobs > 1, else every CPU), its processes
in a process group of their own (`_own_process_group`: a signal to the command's group is the driver's to act on),
and shut down at its end; an existing cluster (address) is connected to and left running. Ray workers import `merstudio` from
their own environment: on a cluster, every node needs it installed, and inputs and outputs on storage every node
sees. Each task first checks its worker's merstudio version and Python/torch major.minor against the driver's
(`_checked_call`) and the run stops with one line at the first that differs.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import Any

from merstudio.errors import InputError
from merstudio.execution import (
    GRACE_SECONDS,
    Backend,
    Cancelled,
    WorkerLost,
    _Call,
    _set_context,
    _TaskContext,
)
from merstudio.interrupts import STOP_SIGNALS, handling, stopped_by
from merstudio.resources import CLUSTER_INSTALL_HINT

WINDOW_PER_CPU = 2
POLL_SECONDS = 0.1
INSTALL_HINT = CLUSTER_INSTALL_HINT  # the name this module has always exported


def require_ray() -> Any:
    """The ray module, or a one-line InputError saying how to install it."""
    try:
        import ray
    except ImportError:
        raise InputError(f"--ray: Ray is not installed ({INSTALL_HINT})") from None
    return ray


def connect(backend: Backend) -> bool:
    """Connect to the cluster of `backend` (or start an embedded one). True when this call started Ray (the
    caller shuts it down)."""
    ray = require_ray()
    if ray.is_initialized():
        return False
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no usage report (and no prompt) from a CLI run
    if backend.address:
        probe(backend.address)
    # Ray's own log lines (start-up, token notes) stay in its session folder: the CLI prints one-line messages
    kwargs: dict[str, Any] = dict(include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    ours = _stop_handlers()
    try:
        if backend.address:
            ray.init(address=backend.address, **kwargs)
        else:
            # "local": always a new instance of our own, never a cluster another program left on this machine
            with _own_process_group():
                ray.init(address="local", num_cpus=backend.jobs if backend.jobs > 1 else None, **kwargs)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = backend.address or "an embedded local Ray"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"--ray {where}: cannot connect ({first})") from None
    finally:
        _stop_handlers_back(ours)
    return True


def _stop_handlers() -> dict[int, Any]:
    """The handlers of the stop signals now (main thread; {} elsewhere), for `_stop_handlers_back`."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        return {}
    return {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}


def _stop_handlers_back(handlers: dict[int, Any]) -> None:
    """Put back the stop signals' handlers after `ray.init`: it sets a SIGTERM handler of its own in the driver
    (`sys.exit(15)` wherever the driver is), so a SIGTERM (`timeout`, SLURM, `docker stop`) ended a run in
    Ray's crash dumps and an abort (exit 134) instead of stopping as Ctrl-C does (merstudio.interrupts: partial
    rows kept, the embedded Ray shut down, exit 143). Setting it again also puts back the C-level handler that
    Ray's C++ core may have replaced."""
    import signal

    for signum, handler in handlers.items():
        if handler is not None:
            with contextlib.suppress(OSError, ValueError):
                signal.signal(signum, handler)


@contextlib.contextmanager
def _own_process_group() -> Iterator[None]:
    """The processes an embedded Ray starts in this block (GCS, raylet and its agents) go into a process group of
    their own, off this command's. A stop signal sent to the command's group (`timeout`, `kill -TERM -PGID`, a
    closed terminal's SIGHUP) then reaches the driver only, which stops the run as on Ctrl-C (the tasks return
    their partial rows) and shuts Ray down. In the command's group the raylet took the SIGTERM too and shut down
    at once, killing the tasks mid-frame: partial metas left `running`, locks left, inputs missing from the stop
    line. Ctrl-C was spared only because Ray's processes block SIGINT. Ray does the same on Windows (a console
    group of their own) where the kernel ends them with the driver, as on Linux (PR_SET_PDEATHSIG), so only
    there; elsewhere, or in a Ray without this start-up function, nothing changes."""
    import importlib
    import subprocess

    try:
        services: Any = importlib.import_module("ray._private.services")
        utils: Any = importlib.import_module("ray._private.utils")
        popen = services.ConsolePopen
        grouped = (os.name == "posix" and isinstance(popen, type) and issubclass(popen, subprocess.Popen)
                   and bool(utils.detect_fate_sharing_support()))
    except (ImportError, AttributeError):
        grouped = False
    if not grouped:
        yield
        return

    class GroupedPopen(popen):  # type: ignore[misc, valid-type]  # (Ray's Popen, looked up)
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("process_group", 0)  # setpgid(0, 0) in the child, before it runs Ray's program
            super().__init__(*args, **kwargs)

    services.ConsolePopen = GroupedPopen
    try:
        yield
    finally:
        services.ConsolePopen = popen


PROBE_SECONDS = 5.0


def probe(address: str) -> None:
    """A one-line error at once for a cluster address nobody answers at (Ray itself retries for minutes)."""
    import socket

    hostport = address.split("://", 1)[-1].rsplit("/", 1)[0]
    host, _, port = hostport.rpartition(":")
    if not host or not port.isdigit():
        return  # "auto" and other forms: Ray resolves them
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=PROBE_SECONDS).close()
    except OSError as exc:
        why = exc.strerror or str(exc) or type(exc).__name__
        raise InputError(f"--ray {address}: cannot connect ({why}); is a Ray head running there (ray start "
                         "--head)?") from None
    if "://" not in address:  # a GCS address (ray:// is the Ray Client's server: it checks tokens itself)
        token_check(address)


# Ray 2.52+ heads (`ray start --head`) require a token unless started with RAY_AUTH_MODE=disabled; a client without
# one gets ~20 s of Ray's "InvalidAuthToken" lines, then "Failed to connect". Said here in one line instead.
TOKEN_HOW = ("the cluster's token in RAY_AUTH_TOKEN, in a file named by RAY_AUTH_TOKEN_PATH, or in ~/.ray/auth_token "
             "(`ray get-auth-token` on the head prints it)")


def token_check(address: str) -> None:
    """A one-line InputError when the Ray cluster at `address` (host:port of its GCS) refuses this process for its
    token authentication: RAY_AUTH_MODE is not "token", or no token is found, or it is not the cluster's. Asks the
    GCS once (under a second); Ray's own warning line for the refusal is kept off the terminal."""
    import importlib

    try:
        raylet: Any = importlib.import_module("ray._raylet")  # no type stubs: looked up
        from ray.exceptions import AuthenticationError
        token_mode = raylet.get_authentication_mode() == raylet.AuthenticationMode.TOKEN
        has_token = raylet.AuthenticationTokenLoader.instance().has_token(ignore_auth_mode=True)
        gcs_client = raylet.GcsClient
    except (ImportError, AttributeError):
        return  # a Ray without token authentication (before 2.52)
    if token_mode and not has_token:
        # Ray aborts the whole process (a C++ check) on its first call without one
        raise InputError(f"--ray {address}: RAY_AUTH_MODE=token but no Ray token found: put {TOKEN_HOW}")
    outcome: list[BaseException | None] = []

    def ask() -> None:
        try:
            gcs_client(address=address)
            outcome.append(None)
        except Exception as exc:  # noqa: BLE001 - only the refusal is ours to say; ray.init says the rest
            outcome.append(exc)

    with _stderr_silenced():  # Ray's C++ client logs the refusal to fd 2 itself
        worker = threading.Thread(target=ask, name="merstudio-ray-token-check", daemon=True)
        worker.start()
        worker.join(PROBE_SECONDS)
    if outcome and isinstance(outcome[0], AuthenticationError):
        if token_mode:
            raise InputError(f"--ray {address}: the cluster refuses this machine's Ray token (token "
                             f"authentication): put {TOKEN_HOW}")
        raise InputError(f"--ray {address}: the cluster uses Ray's token authentication: set RAY_AUTH_MODE=token "
                         f"and put {TOKEN_HOW}")


@contextlib.contextmanager
def _stderr_silenced() -> Iterator[None]:
    """File descriptor 2 to /dev/null for the block (C++ libraries write there directly, past sys.stderr)."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


_initialised: set[int] = set()  # worker_init already run in this worker process (keyed by its id)


def _ray_call(call: _Call, task: Any, shared: Any, index: int, queue: Any,
              init: Callable[[], None] | None) -> Any:
    """One task inside a Ray worker process."""
    from merstudio.threads import limit_threads

    if id(init) not in _initialised:
        limit_threads()
        if init is not None:
            init()
        _initialised.add(id(init))

    def send(payload: Any) -> None:
        if queue is not None:
            with contextlib.suppress(Exception):
                queue.put_nowait((index, payload))

    with _cancel_flag() as stop:
        _set_context(_TaskContext(stop.is_set, send))
        try:
            return call(task, shared)
        finally:
            _set_context(None)


@contextlib.contextmanager
def _cancel_flag() -> Iterator[threading.Event]:
    """An event set when Ray asks the running task to stop. `ray.cancel(force=False)` runs the task's SIGINT
    handler in its main thread: the default one raised KeyboardInterrupt wherever the task was, so it always ended
    as Cancelled, its rows described as partial but never yielded (a Ctrl-C on Ray named no input stopped part-way,
    as the local back-end does). With this handler the first request sets the event (`cancelled()` turns true: the
    analysis returns its partial result, as in a local worker); a second one raises KeyboardInterrupt. Ray workers
    run in a session of their own: a terminal's Ctrl-C reaches the driver only. Off the main thread (a threaded
    actor) nothing is installed: the task is stopped as before."""
    import signal

    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def asked(signum: int, frame: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    old = signal.signal(signal.SIGINT, asked)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, old)


# A worker with another merstudio (or Python, or torch) computes other numbers without a word: a task checks its
# worker against the driver first and returns this marker with what it found instead of running.
MISMATCH = "merstudio-worker-environment-differs"


def _environment_probe() -> Callable[[], dict[str, str]]:
    """A function giving this process's merstudio version and Python and torch major.minor. Nested, so that Ray
    (cloudpickle) sends its code by value: a worker with an older merstudio runs this check, not its own."""

    def environment() -> dict[str, str]:
        import importlib.metadata
        import sys

        import merstudio

        try:  # the installed torch's version without importing it (an analysis needs none)
            torch = ".".join(importlib.metadata.version("torch").split(".")[:2])
        except importlib.metadata.PackageNotFoundError:
            torch = "none"
        return {"merstudio": str(getattr(merstudio, "__version__", "?")),
                "Python": "{}.{}".format(*sys.version_info[:2]), "torch": torch}

    return environment


def _said(env: dict[str, str]) -> str:
    return f"merstudio {env.get('merstudio')} (Python {env.get('Python')}, torch {env.get('torch')})"


def _checked_call(expected: dict[str, str]) -> Callable[..., Any]:
    """The function each Ray task runs: the environment check, then _ray_call. Nested (sent by value) for the
    reason _environment_probe is."""
    environment = _environment_probe()

    def merstudio_task(*args: Any) -> Any:
        found = environment()
        if found != expected:
            import socket

            return (MISMATCH, found, socket.gethostname())
        return _ray_call(*args)

    return merstudio_task


def _unwrap(ray: Any, exc: BaseException) -> BaseException:
    """What to yield for a failed task: the function's own exception, or Cancelled / WorkerLost."""
    e = ray.exceptions
    if isinstance(exc, e.TaskCancelledError):
        return Cancelled("stopped")
    if isinstance(exc, e.RayTaskError):
        cause = getattr(exc, "cause", None)
        if isinstance(cause, KeyboardInterrupt):
            return Cancelled("stopped")
        if isinstance(cause, BaseException):
            return cause
        return RuntimeError(str(exc).strip().splitlines()[-1])
    if isinstance(exc, e.WorkerCrashedError | e.NodeDiedError | e.LocalRayletDiedError | e.ObjectLostError
                  | e.OwnerDiedError):
        return WorkerLost(f"the Ray worker died while running this task ({type(exc).__name__})")
    return exc


def run_ray(call: _Call, tasks: Sequence[Any], backend: Backend, cancel: Callable[[], bool],
            on_start: Callable[[int], None] | None, on_progress: Callable[[int, Any], None] | None,
            retries: int, init: Callable[[], None] | None) -> Generator[tuple[int, Any], None, None]:
    ray = require_ray()
    before = _descendants()  # this process's children before an embedded Ray adds its own (_ray_stopped)
    started_here = connect(backend)
    queue: Any = None
    running: dict[Any, int] = {}  # submitted task -> its index
    try:
        driver = _environment_probe()()
        remote = ray.remote(_checked_call(driver)).options(num_cpus=1, max_retries=retries,
                                                           retry_exceptions=False)
        shared_ref = ray.put(call.shared) if call.with_shared else None
        bare = call.without_shared()
        if on_progress is not None:
            from ray.util.queue import Queue

            queue = Queue(actor_options={"num_cpus": 0})
        window = max(2, WINDOW_PER_CPU * int(ray.cluster_resources().get("CPU", 1)))
        pending = deque(range(len(tasks)))
        stopping_since: float | None = None
        forced = False
        interrupted = False

        def drain() -> None:
            if queue is None or on_progress is None:
                return
            with contextlib.suppress(Exception):
                for index, payload in queue.get_nowait_batch(queue.qsize()):
                    on_progress(index, payload)

        def stop(now: float) -> None:
            for ref in running:
                with contextlib.suppress(Exception):
                    ray.cancel(ref, force=False)
            pending.clear()
            nonlocal stopping_since
            stopping_since = now

        while pending or running:
            try:
                if stopping_since is None and cancel():
                    stop(time.monotonic())
                if stopping_since is None:
                    while pending and len(running) < window:
                        index = pending.popleft()
                        if on_start is not None:
                            on_start(index)
                        running[remote.remote(bare, tasks[index], shared_ref, index, queue, init)] = index
                elif not forced and time.monotonic() - stopping_since > GRACE_SECONDS:
                    forced = True
                    for ref in running:
                        with contextlib.suppress(Exception):
                            ray.cancel(ref, force=True)
                ready, _ = ray.wait(list(running), num_returns=1, timeout=POLL_SECONDS)
                drain()
                for ref in ready:
                    index = running.pop(ref)
                    try:
                        result = ray.get(ref)
                    except Exception as exc:  # noqa: BLE001 - yielded to the caller
                        result = _unwrap(ray, exc)
                        if stopping_since is not None and not isinstance(result, Cancelled | WorkerLost):
                            # ray.cancel interrupts the task's main thread, and that need not arrive as a
                            # KeyboardInterrupt: a task stopped as it started came back as "TypeError: 'Handlers'
                            # object is not callable" (CPython finding SIG_DFL/SIG_IGN where it expected a Python
                            # handler; seen under load in the Ctrl-C test) and was recorded as a failed input. A
                            # task that fails while being stopped was stopped: the next run does it again and shows
                            # any real error.
                            result = Cancelled(f"stopped ({type(result).__name__} while stopping: {result})")
                    if isinstance(result, tuple) and len(result) == 3 and result[0] == MISMATCH:
                        raise InputError(f"--ray {backend.address or 'local'}: a worker on {result[2]} runs "
                                         f"{_said(result[1])}, this driver {_said(driver)}: install the same "
                                         "on every node") from None
                    yield index, result
            except KeyboardInterrupt:
                if stopping_since is not None:
                    raise
                interrupted = True
                stop(time.monotonic())
        drain()
        if interrupted:
            raise KeyboardInterrupt
    finally:
        with _ray_stopped(before if started_here else None):
            for ref in running:  # the caller stopped early (closed the generator): nothing of this run goes on
                with contextlib.suppress(Exception):
                    ray.cancel(ref, force=True)
            if queue is not None:
                with contextlib.suppress(Exception):
                    queue.shutdown()
            if started_here:
                with contextlib.suppress(Exception):
                    ray.shutdown()


def _descendants() -> dict[int, Any]:
    """This process's descendants (pid -> psutil.Process; psutil comes with Ray), {} where they cannot be listed."""
    try:
        import psutil

        return {p.pid: p for p in psutil.Process().children(recursive=True)}
    except Exception:  # noqa: BLE001 - no psutil, or a process that went while listed: nothing to stop then
        return {}


@contextlib.contextmanager
def _ray_stopped(before: dict[int, Any] | None) -> Iterator[None]:
    """The end of a Ray run (cancels, the progress queue, and for an embedded Ray, `before` not None, its
    shutdown: ~1.3 s of SIGTERM and waiting), with Ctrl-C taken in hand. A Ctrl-C there (the second of a user
    waiting for the first) raised KeyboardInterrupt inside `ray.shutdown()` and broke it off half-way: raylet and
    GCS were left running after the command exited 1. Now it kills at once the processes the embedded Ray started
    (this process's descendants that were not there before `ray.init`, listed now and again at the Ctrl-C: the
    workers of a raylet already gone are no longer ours; never `ray stop`, which ends every Ray of this user), lets
    the shutdown finish, and raises KeyboardInterrupt at the end (the caller's interrupted line, exit 130).
    SIGTERM and SIGHUP are taken alike (exit 143, 129), and after a run one of them stopped, what the shutdown left
    of ours is killed too. A cluster's processes are never touched. Off the main thread nothing is installed."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    ours = {} if before is None else {pid: p for pid, p in _descendants().items() if pid not in before}
    pressed: list[int] = []

    def kill_ours() -> None:
        for proc in ours.values():
            with contextlib.suppress(Exception):  # gone already (psutil checks the pid was not reused)
                proc.kill()

    def again(signum: int, frame: Any) -> None:
        pressed.append(signum)
        if before is None:
            return
        ours.update((pid, p) for pid, p in _descendants().items() if pid not in before)
        kill_ours()

    olds = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    try:
        with handling(again):  # Ctrl-C, SIGTERM, SIGHUP alike
            yield
    finally:
        if before is not None and (pressed or stopped_by() is not None):
            # stopped by a signal: whatever the shutdown left of ours goes too (after a SIGHUP, Ray's dashboard
            # and runtime-env agents were left running, orphaned, for minutes)
            kill_ours()
        if pressed:  # the signal, once the end is done (over whatever else was on its way out)
            old = olds.get(pressed[0])
            if callable(old):
                old(pressed[0], None)  # the caller's own handling of it (merstudio.interrupts records it)
            raise KeyboardInterrupt


__all__ = ["INSTALL_HINT", "connect", "probe", "require_ray", "run_ray", "token_check"]
