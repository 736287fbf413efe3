"""Ctrl-C for the command line: a SIGINT stops the command even where C code drops its KeyboardInterrupt.

Python's SIGINT handler raises KeyboardInterrupt wherever the interpreter next checks for signals, and C code that
checks (PyObject_Str does, in Python 3.11) may then discard the error: numpy 2.4's np.char.mod makes each element's
scalar through PyObject_Str and drops it (gdb: _vec_string_with_args > PyArray_Scalar > unicode_new >
PyObject_Str > PyErr_CheckSignals); pandas' C parser turns it into a ParserError, or drops it too. So a Ctrl-C
during `merstudio convert` was lost in 4 of 9 tries: the command ran on, replaced its output and exited 0.

`watched()` installs a handler whose `Interrupted` (a KeyboardInterrupt) is raised again when it is dropped: it is
freed without having reached any frame still running (one that caught it, as the execution layer's graceful stop
does, is on the stack), so it is raised anew at the next Python call or return (a one-shot profile hook: not
inside the same C loop, which would drop it again for every element). The Python code between that C call and an
output's rename (`merstudio.atomic`) stops there. `main` also reads `Watch.received`: an error after a Ctrl-C (a
read cut short) is the interruption, and a command that still returned was interrupted all the same (exit 130).
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any


class Watch:
    """The Ctrl-Cs of one command: `received` once one came; `active` while its handler is installed."""

    def __init__(self) -> None:
        self.received = False
        self.active = False


_current: Watch | None = None


class Interrupted(KeyboardInterrupt):
    """The KeyboardInterrupt of a Ctrl-C; raised again when C code drops it (see the module)."""

    def __del__(self) -> None:
        watch = _current
        if watch is None or not watch.active or threading.current_thread() is not threading.main_thread():
            return
        tb_frames = set()
        tb = self.__traceback__
        while tb is not None:
            tb_frames.add(id(tb.tb_frame))
            tb = tb.tb_next
        frame: FrameType | None = sys._getframe(1)
        while frame is not None:
            if id(frame) in tb_frames:
                return  # caught by a frame still running: handled on purpose
            frame = frame.f_back
        _raise_at_next_call()


def _raise_at_next_call() -> None:
    """Raise Interrupted at the current thread's next Python call or return, once (a profiler already set is
    put back first)."""
    old = sys.getprofile()

    def hook(frame: FrameType, event: str, arg: Any) -> None:
        if frame.f_code.co_filename == __file__:
            return  # this module's own returns (the __del__ that set the hook): raised there it would be ignored
        sys.setprofile(old)
        if _current is not None and _current.active:
            raise Interrupted()

    sys.setprofile(hook)


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    if _current is not None:
        _current.received = True
    raise Interrupted()


@contextmanager
def watched() -> Iterator[Watch]:
    """Ctrl-C raises `Interrupted` (not lost where C code drops it) for the duration; the old handler is put back
    after. In a thread other than the main one (tests, a library caller), nothing is installed."""
    global _current
    watch = Watch()
    if threading.current_thread() is not threading.main_thread():
        yield watch
        return
    outer = _current
    old = signal.signal(signal.SIGINT, _on_sigint)
    _current, watch.active = watch, True
    try:
        yield watch
    finally:
        watch.active = False
        _current = outer
        signal.signal(signal.SIGINT, old)
