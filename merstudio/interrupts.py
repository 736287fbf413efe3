"""Ctrl-C stops a command even where C code drops its KeyboardInterrupt, and never lets it replace an output after.

Python's SIGINT handler raises KeyboardInterrupt wherever the interpreter next checks for signals, and C code that
checks (PyObject_Str does, in Python 3.11) may then discard the error: numpy 2.4's np.char.mod makes each element's
scalar through PyObject_Str and drops it (gdb: _vec_string_with_args > PyArray_Scalar > unicode_new >
PyObject_Str > PyErr_CheckSignals); pandas' C parser turns it into a ParserError, or drops it too. So a Ctrl-C
during `merstudio convert` was lost in 4 of 9 tries: the command ran on, replaced its output and exited 0.

`watched()` (the command line runs every command but the app in one) installs a handler that records the Ctrl-C
in `Watch.received` and raises `Interrupted`. Then:
- `merstudio.atomic` calls `stop_if_interrupted()` before it moves a finished file into place, so no output is
  replaced after a Ctrl-C, whatever became of the exception (dropped in C, or swallowed by `except BaseException`).
- an `Interrupted` that is dropped (freed without having reached a frame still running; one that caught it, as
  the execution layer's graceful stop does, is on the stack) is raised anew at the next Python call or return (a
  one-shot profile hook: not inside the same C loop, which would drop it again for every element), so the command
  stops there instead of running on for minutes.
- `merstudio.cli.main` reads `received`: an error after a Ctrl-C (a read cut short) is the interruption, and a
  command that still returned was interrupted all the same (exit 130).
A Ctrl-C that code takes on purpose with its own handler (a batch's first one, `analysis.batch.sigint_cancels`)
is not `received`: what that graceful stop writes (the manifest) is written. A write that keeps work finished
before or during the graceful stop (a training fold the execution layer yields in its grace period:
`training.run.store_fold`) runs in `keeping()`, where nothing is refused; a second Ctrl-C still stops it. Without a
watch (the app, a library caller) nothing is installed and nothing is refused.

SIGTERM and SIGHUP (`timeout`, a SLURM time limit, systemd, `docker stop`, a closed terminal: `STOP_SIGNALS`) stop
a command the same way: they were handled as a kill, leaving partial meta files `running`, no partial spots, locks
and `running` manifest rows behind. The signal that stopped the command (`stopped_by()`) sets its exit status
(`exit_code`: 128 + the signal, as a shell reports a killed command: 143, 129) and its line (`stop_line`). A signal
ignored when the watch starts (`nohup` ignores SIGHUP) stays ignored. Code with its own handler for Ctrl-C installs
it for all of them (`handling`) and records the signal it takes (`taken`).
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any


class Watch:
    """The Ctrl-Cs of one command: `received` once one came."""

    def __init__(self) -> None:
        self.received = False
        self.signum: int | None = None  # the stop signal that came first (SIGINT, SIGTERM, SIGHUP)
        self.written: list[str] = []  # outputs moved into place before any Ctrl-C (note_written)


_current: Watch | None = None  # the watch whose handler is installed now (main thread only)
_stopped_by: int | None = None  # the signal that stopped the latest watched command (read after its watch ended)

# Ctrl-C, and the signals that ask a command to stop the same way from outside
STOP_SIGNALS: tuple[int, ...] = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                                      if hasattr(signal, name))
_keeping = threading.local()  # .depth: keeping() blocks open in this thread (a store_fold runs in the caller's)


class Interrupted(KeyboardInterrupt):
    """The KeyboardInterrupt of a Ctrl-C; raised again when C code drops it (see the module)."""

    def __del__(self) -> None:
        if _current is None or threading.current_thread() is not threading.main_thread():
            return
        reached = set()
        tb = self.__traceback__
        while tb is not None:
            reached.add(id(tb.tb_frame))
            tb = tb.tb_next
        frame: FrameType | None = sys._getframe(1)
        while frame is not None:
            if id(frame) in reached:
                return  # caught by a frame still running: handled on purpose
            frame = frame.f_back
        _raise_at_next_call()


def stop_if_interrupted() -> None:
    """Raise Interrupted where a watch is installed and a Ctrl-C came: called before an output is replaced
    (not inside `keeping()`)."""
    if _current is not None and _current.received and not getattr(_keeping, "depth", 0):
        raise Interrupted()


def note_written(path: object) -> None:
    """An output just moved into place (merstudio.atomic): a Ctrl-C that comes after it finds it complete, and the
    command's interrupted line names it (it was 'interrupted' with no word of the file it had just replaced)."""
    if _current is not None and not _current.received:
        _current.written.append(str(path))


@contextmanager
def keeping() -> Iterator[None]:
    """Writes in this block keep finished work, so they go through after a Ctrl-C (stop_if_interrupted does not
    raise in this thread): a fold finished in the grace period is kept, as the interrupted run says. Only for such
    writes, never for one that replaces a user's output."""
    _keeping.depth = getattr(_keeping, "depth", 0) + 1
    try:
        yield
    finally:
        _keeping.depth -= 1


def _raise_at_next_call() -> None:
    """Raise Interrupted at the current thread's next Python call or return, once (a profiler already set is
    put back first)."""
    old = sys.getprofile()

    def hook(frame: FrameType, event: str, arg: Any) -> None:
        if frame.f_code.co_filename == __file__:
            return  # this module's own returns (the __del__ that set the hook): raised there it would be ignored
        sys.setprofile(old)
        if _current is not None:
            raise Interrupted()

    sys.setprofile(hook)


def taken(signum: int) -> None:
    """A stop signal that code took on purpose with its own handler (a batch's graceful stop): recorded for the
    exit status and the line (`stopped_by`), without refusing the outputs that graceful stop writes."""
    global _stopped_by
    if _current is not None and _current.signum is None:
        _current.signum = signum
    if _stopped_by is None:
        _stopped_by = signum


def stopped_by() -> int | None:
    """The signal that stopped the latest watched command (None: none came)."""
    return _stopped_by


def exit_code(signum: int | None = None) -> int:
    """The exit status of a command stopped by `signum` (default: `stopped_by()`): 130 for Ctrl-C (and none),
    128 + the signal for another (143 SIGTERM, 129 SIGHUP), as a shell reports a command the signal killed."""
    signum = _stopped_by if signum is None else signum
    return 130 if signum in (None, signal.SIGINT) else 128 + int(signum)


def stop_line(signum: int | None = None) -> str:
    """How the command's end is said: "interrupted" (Ctrl-C) or "stopped by SIGTERM"."""
    signum = _stopped_by if signum is None else signum
    if signum in (None, signal.SIGINT):
        return "interrupted"
    try:
        return f"stopped by {signal.Signals(signum).name}"
    except ValueError:
        return f"stopped by signal {signum}"


@contextmanager
def handling(handler: Callable[[int, FrameType | None], Any], signals: Iterable[int] = STOP_SIGNALS) -> Iterator[None]:
    """`handler` for each of `signals` (default: Ctrl-C, SIGTERM, SIGHUP) for the duration, the old handlers put
    back after; one ignored now (SIGHUP under nohup, SIGTERM by a parent's choice) stays ignored. Main thread
    only (the caller checks)."""
    olds: dict[int, Any] = {}
    try:
        for signum in signals:
            current = signal.getsignal(signum)
            if current is signal.SIG_IGN and signum != signal.SIGINT:
                continue  # SIGINT: Ctrl-C was always taken (as before), even by a job started with `&`
            olds[signum] = signal.signal(signum, handler)
        yield
    finally:
        for signum, old in olds.items():
            signal.signal(signum, old if old is not None else signal.SIG_DFL)


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    global _stopped_by
    if _current is not None:
        _current.received = True
        if _current.signum is None:
            _current.signum = signum
    if _stopped_by is None:
        _stopped_by = signum
    raise Interrupted()


@contextmanager
def watched() -> Iterator[Watch]:
    """Ctrl-C, SIGTERM and SIGHUP raise `Interrupted` (not lost where C code drops it) for the duration; the old
    handlers are put back after. In a thread other than the main one (tests, a library caller), nothing is
    installed."""
    global _current, _stopped_by
    watch = Watch()
    if threading.current_thread() is not threading.main_thread():
        yield watch
        return
    outer = _current
    if outer is None:
        _stopped_by = None  # a new command: the signal that stopped an earlier one is not this one's
    with handling(_on_sigint):
        _current = watch
        try:
            yield watch
        finally:
            _current = outer
