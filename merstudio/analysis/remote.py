"""The analysis pipeline in a child process, behind the same interface as `Analysis` (rows(), spots(), device).

Why: MediaPipe and torch hold the GIL in long C++ calls (graph start-up, model load). Run in a thread of the GUI
process, they stall the event loop for 100+ ms; in a child process they cannot. Rows come back in small batches
through a queue, so the caller still sees a stream (as SLEAP runs inference beside its GUI).

Children die with their parent (`ParentLink`, also used by `merstudio analyze --jobs`): a parent killed with
SIGKILL runs no clean-up, and a child left behind would go on analysing, block for ever on a queue nobody reads
(holding its memory) or append to files that a later run owns. Each child, first thing:
- on Linux asks the kernel for SIGKILL when its parent goes (prctl PR_SET_PDEATHSIG; note that the kernel sends it
  when the *thread* that started the child ends, so start a child in a thread that outlives it: `ProcessAnalysis`
  is made and read in one worker thread);
- starts a watchdog thread that ends the process when the pipe from the parent reaches end-of-file (every OS: the
  parent's end closes when the parent dies, however it dies) or when its parent pid changes (POSIX);
- puts on its queue with a timeout, so a full queue whose reader is gone never blocks it.

A stop signal (Ctrl-C's SIGINT, SIGTERM, SIGHUP) leaves stopping to the parent (`wait_for_parent_on_stop`): the
child runs on for up to `STOP_GRACE` seconds, and ends as a Cancel ends it if the parent asks it to stop meanwhile,
else by the signal itself. `timeout`, Ctrl-C in a terminal and a closed terminal signal the whole process group, so
the child got the parent's signal too and died of it at once: the app, stopping cleanly on the same signal, found
its analysis process killed and stored the run as failed instead of stopped with its rows kept.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing as mp
import os
import queue as queue_mod
import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from merstudio.analysis.pipeline import AnalysisSettings, CancelFn, ProgressFn, SpotRow
from merstudio.errors import MerstudioError
from merstudio.execution.local import start_resource_tracker
from merstudio.face.boxes import Box
from merstudio.interrupts import STOP_SIGNALS

BATCH_SECONDS = 0.1
WATCH_SECONDS = 0.5  # how often a child's watchdog looks at its parent
PUT_SECONDS = 0.5  # a child's put on a full queue waits this long before it checks on its parent again
ORPHAN_EXIT = 70  # exit status of a child that ended because its parent was gone
# seconds a child that got a stop signal waits for its parent to ask it to stop (the app's clean quit on the same
# signal: a second or less) before it ends by that signal (one sent to the child alone: `kill`, top)
STOP_GRACE = 5.0
_PR_SET_PDEATHSIG = 1


# signals that end a child from outside (`kill`, top, systemd, the OOM killer's SIGKILL): not a bug of ours, where
# SIGSEGV or SIGABRT would be
STOPPED_FROM_OUTSIDE = frozenset(int(s) for s in (signal.SIGTERM, signal.SIGKILL, getattr(signal, "SIGHUP", None),
                                                  signal.SIGINT, getattr(signal, "SIGQUIT", None)) if s is not None)


class AnalysisProcessStopped(MerstudioError):
    """The analysis child was ended by a signal from outside (`signum`): said as what happened, not as a bug (it
    was "analysis process ended unexpectedly (exit code -15)" with a traceback). SIGKILL is most often the OOM
    killer's."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = f"signal {signum}"
        why = " (most likely it ran out of memory)" if signum == signal.SIGKILL else ""
        super().__init__(f"the analysis process was stopped by {name}{why}")


class ParentLink:
    """Made in the parent before it starts children: pass `child_args` to each child (a spawned process's
    arguments, or a pool's `initargs`), where `die_with_parent(*child_args)` runs first. `close()` once the children
    are done (closing it earlier ends them)."""

    def __init__(self, ctx: Any = None) -> None:
        ctx = ctx or mp.get_context("spawn")
        self._reader, self._writer = ctx.Pipe(duplex=False)
        self.pid = os.getpid()

    @property
    def child_args(self) -> tuple[int, Any]:
        return self.pid, self._reader

    def close(self) -> None:
        for end in (self._reader, self._writer):
            with contextlib.suppress(OSError):
                end.close()


def _ask_kernel_for_death_signal() -> None:
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)


def parent_gone(parent_pid: int) -> bool:
    """True when the process that started this one has ended (its pid is no longer this one's parent)."""
    return os.name == "posix" and os.getppid() != parent_pid


def _orphaned() -> None:
    os._exit(ORPHAN_EXIT)  # no clean-up: flushing queues or files for a dead parent could block or do harm


def _watch(parent_pid: int, link: Any) -> None:
    while True:
        if link is not None:
            try:
                if link.poll(WATCH_SECONDS):
                    link.recv()  # the parent never sends: only end-of-file (raised here) wakes the poll
            except (EOFError, OSError):
                _orphaned()
        else:
            time.sleep(WATCH_SECONDS)
        if parent_gone(parent_pid):
            _orphaned()


def die_with_parent(parent_pid: int, link: Any = None) -> None:
    """In a child, first thing: end this process when the parent `parent_pid` ends (see the module docstring).
    `link` is the reading end from `ParentLink.child_args` (None: watch the parent pid only)."""
    _ask_kernel_for_death_signal()
    if parent_gone(parent_pid):  # it died before the kernel was asked
        _orphaned()
    threading.Thread(target=_watch, args=(parent_pid, link), name="merstudio-parent-watch", daemon=True).start()


def wait_for_parent_on_stop(cancel: Any, grace: float | None = None) -> None:
    """In a child's main thread: a stop signal (one not ignored: SIGHUP under nohup stays ignored) is for the
    parent to act on. Where it sets ``cancel`` (a multiprocessing Event) within ``grace`` seconds (default
    :data:`STOP_GRACE`), the child's own cancel path ends it, its work reported; else the child ends by that
    signal, as without this; a second signal ends it at once. The handler only notes the signal: the wakeup fd
    hands it to a thread of its own, which acts even while the main thread is in C code (a Python handler runs
    only between its bytecodes). POSIX only (elsewhere nothing changes)."""
    if os.name != "posix" or threading.current_thread() is not threading.main_thread():
        return
    taken = frozenset(s for s in STOP_SIGNALS if signal.getsignal(s) is not signal.SIG_IGN)
    if not taken:
        return
    read, write = os.pipe()
    os.set_blocking(write, False)  # (the wakeup fd's rule)
    for signum in taken:  # SIGINT too: no KeyboardInterrupt in the analysis
        signal.signal(signum, _noted)
        signal.siginterrupt(signum, False)  # the decoder's and MediaPipe's system calls go on (no EINTR)
    signal.set_wakeup_fd(write, warn_on_full_buffer=False)
    wait = STOP_GRACE if grace is None else grace
    threading.Thread(target=_take_stop_signals, args=(read, taken, cancel, wait), name="merstudio-stop-signals",
                     daemon=True).start()


def _noted(signum: int, frame: Any) -> None:
    """Nothing here: the signal's number reached the wakeup fd, whose thread acts on it."""


def _next_signal(read: int, taken: frozenset[int]) -> int:
    while True:
        for signum in os.read(read, 64):
            if signum in taken:
                return signum


def _take_stop_signals(read: int, taken: frozenset[int], cancel: Any, grace: float) -> None:
    signum = _next_signal(read, taken)
    if cancel.wait(grace):  # the parent stops the analysis: the child ends with its work, as a Cancel ends it
        signum = _next_signal(read, taken)
    _end_by(signum)


def _end_by(signum: int) -> None:
    """End this process by ``signum``'s default action, as if no handler had been installed: the parent sees it
    (AnalysisProcessStopped). From this thread: Python's signal.signal is the main thread's only."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.signal.restype = ctypes.c_void_p
        libc.signal(ctypes.c_int(signum), ctypes.c_void_p(0))  # SIG_DFL
        os.kill(os.getpid(), signum)
        time.sleep(5)  # (ended at its delivery)
    os._exit(128 + signum)


class _Abandoned(Exception):
    """The parent closed the analysis while the child's queue was full: stop without another message."""


def _put(out: Any, message: tuple[str, Any], parent_pid: int, cancel: Any) -> None:
    """Put on a bounded queue without ever blocking for good: give up when the parent is gone or has cancelled."""
    while True:
        try:
            out.put(message, timeout=PUT_SECONDS)
            return
        except queue_mod.Full:
            if parent_gone(parent_pid):
                _orphaned()
            if cancel.is_set():
                raise _Abandoned from None


def _child(path: str, settings: AnalysisSettings, fps: float | None, out: Any, cancel: Any, nice: int = 0,
           parent_pid: int | None = None, link: Any = None, index: Any = None, damage: Any = None) -> None:
    """Runs in the child: stream ('rows', [...]) and ('progress', (done, total)) messages, then 'done'. `index`:
    the parent's frame index of the file (io.frames.known_index, with `damage`: io.frames.index_damage), so a
    variable-rate video is not decoded whole once more before the first row (35.9 s for 60 minutes). 'done' carries
    back the index the child's pass found where the parent had none (damaged data past the first frames: the
    parent's own opens of the file numbered frames by the file's claim)."""
    if parent_pid is None:
        parent_pid = os.getppid()
    if mp.parent_process() is not None:  # (a test may run this in its own process)
        wait_for_parent_on_stop(cancel)  # first: a stop signal from now on waits for the parent
    die_with_parent(parent_pid, link)
    if nice and hasattr(os, "nice"):
        os.nice(nice)

    def put(message: tuple[str, Any]) -> None:
        _put(out, message, parent_pid, cancel)

    try:
        from merstudio.analysis.pipeline import Analysis
        from merstudio.io import open_source
        from merstudio.io.frames import adopt_index, index_damage, known_index

        adopt_index(index, damage)
        with open_source(path, fps=fps) as source:
            analysis = Analysis(source, settings)
            put(("started", (analysis.device, source.frame_count, list(analysis.class_names))))
            batch: list[dict] = []
            last = time.monotonic()
            done = [0, source.frame_count]

            def progress(d: int, n: int) -> None:
                done[0], done[1] = d, n

            for row in analysis.rows(progress=progress, cancel=cancel.is_set):
                batch.append(row)
                now = time.monotonic()
                if now - last >= BATCH_SECONDS or len(batch) >= 500:
                    put(("rows", batch))
                    put(("progress", tuple(done)))
                    batch, last = [], now
            if batch:
                put(("rows", batch))
            put(("progress", tuple(done)))
            found = known_index(path)
            if found is not None and index is not None and np.array_equal(found[1], index[1]):
                found = None  # the parent's own
            put(("done", (analysis.cancelled, analysis.spots(), analysis.frames_done, analysis.face_ids(),
                          source.warnings + analysis.warnings, source.unreadable_frames, analysis.turned,
                          dict(analysis.portraits), found, index_damage(path) if found is not None else {})))
    except _Abandoned:
        return
    except MerstudioError as exc:
        with contextlib.suppress(_Abandoned):
            put(("error", ("user", str(exc))))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it there
        with contextlib.suppress(_Abandoned):
            put(("error", ("bug", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")))


class ProcessAnalysis:
    """`Analysis` run in a spawned child process. Iterate `rows()` to the end (or cancel), then read `spots()`."""

    def __init__(self, path: str | Path, settings: AnalysisSettings | None = None, fps: float | None = None,
                 start_timeout: float = 120.0, nice: int = 0) -> None:
        """`nice`: lower the child's CPU priority by this much (POSIX), so that a window in the parent stays
        responsive while the analysis takes every core it can."""
        start_resource_tracker()  # before the spawn context starts it, so that a group SIGHUP does not kill it
        ctx = mp.get_context("spawn")  # fork would copy Qt and torch threads into the child
        self._queue = ctx.Queue(maxsize=256)
        self._cancel = ctx.Event()
        self._link = ParentLink(ctx)
        from merstudio.io.frames import index_damage, known_index

        self._proc = ctx.Process(target=_child, args=(str(path), settings or AnalysisSettings(), fps,
                                                      self._queue, self._cancel, nice, *self._link.child_args,
                                                      known_index(path)),
                                 kwargs={"damage": index_damage(path)}, name="merstudio-analysis", daemon=True)
        try:
            self._proc.start()
        except BaseException:
            self._link.close()
            raise
        self.cancelled = False
        self.frames_done = 0
        self.warnings: list[str] = []  # the input's warnings, one line each (known at the end)
        self.unreadable_frames: list[tuple[int, str]] = []  # damaged frame images (see FrameSource)
        self.turned: int | None = None  # degrees clockwise the child turned the frames (known at the end)
        self.portraits: dict[int, tuple[int, Box]] = {}  # face: (frame, largest box)
        # the frame index the child's complete pass found, where this process had none (io.frames.known_index), and
        # where it met damaged data: for adopt_index here (known at the end)
        self.found_index: Any = None
        self.found_damage: dict[int, int] = {}
        self._spots: list[SpotRow] = []
        self._face_ids: list[int] = []
        try:
            kind, payload = self._get(start_timeout)
        except BaseException:  # no start in time, or Ctrl-C: the child goes too
            self.close()
            raise
        if kind != "started":
            self.close()
            self._raise(kind, payload)
        self.device, self.frame_count, self.class_names = payload  # class_names: the model's, [] without one

    def _get(self, timeout: float | None = None, cancel: CancelFn | None = None) -> tuple[str, Any]:
        """The child's next message. ``cancel``: asked while waiting too (a child sends nothing for a while at a
        slow step; the child given a stop signal waits for it: STOP_GRACE)."""
        waited = 0.0
        while True:
            try:
                return self._queue.get(timeout=0.25)
            except queue_mod.Empty:
                waited += 0.25
                if cancel is not None and cancel():
                    self._cancel.set()
                if not self._proc.is_alive():
                    try:  # it may have put its last message just before exiting
                        return self._queue.get(timeout=0.5)
                    except queue_mod.Empty:
                        code = self._proc.exitcode
                        if code is not None and -code in STOPPED_FROM_OUTSIDE:
                            raise AnalysisProcessStopped(-code) from None
                        raise RuntimeError(f"analysis process ended unexpectedly (exit code {code})") from None
                if timeout is not None and waited >= timeout:
                    raise RuntimeError("analysis process did not start in time") from None

    @staticmethod
    def _raise(kind: str, payload: Any) -> None:
        if kind == "error" and payload[0] == "user":
            raise MerstudioError(payload[1])
        raise RuntimeError(f"analysis process failed: {payload[1] if kind == 'error' else payload}")

    def rows(self, progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> Iterator[dict]:
        try:
            while True:
                if cancel is not None and cancel():
                    self._cancel.set()
                kind, payload = self._get(cancel=cancel)
                if kind == "rows":
                    yield from payload
                elif kind == "progress":
                    if progress is not None:
                        progress(*payload)
                elif kind == "done":
                    (self.cancelled, self._spots, self.frames_done, self._face_ids, self.warnings,
                     self.unreadable_frames, self.turned, self.portraits, self.found_index,
                     self.found_damage) = payload
                    return
                else:
                    self._raise(kind, payload)
        finally:
            self.close()

    def spots(self) -> list[SpotRow]:
        return list(self._spots)

    def face_ids(self) -> list[int]:
        return list(self._face_ids)

    def close(self) -> None:
        """Stop the child (asking first, and emptying its queue so that it is not stuck on a put) and reap it."""
        if self._proc.is_alive():
            self._cancel.set()
            deadline = time.monotonic() + 3
            while self._proc.is_alive() and time.monotonic() < deadline:
                with contextlib.suppress(queue_mod.Empty, OSError, EOFError, ValueError):
                    while True:
                        self._queue.get_nowait()
                self._proc.join(timeout=0.05)
            if self._proc.is_alive():  # SIGKILL: a SIGTERM would wait for a stop it was asked already
                self._proc.kill()
                self._proc.join(timeout=3)
        self._link.close()  # a child still there sees end-of-file and ends itself
        self._queue.close()
        self._queue.join_thread()
