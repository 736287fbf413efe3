"""Drop MediaPipe/TFLite start-up chatter from fd 2 (the terminal, or a test run's output).

MediaPipe's C++ side writes notices such as "INFO: Created TensorFlow Lite XNNPACK delegate" and absl "W0000 ..."
lines straight to file descriptor 2, from its own threads, whatever the log level. Users read them as errors.
OpenCV's and FFmpeg's decoder notices go the same way: a file they cannot read is reported as one merstudio line.
The console entry point routes fd 2 through a pipe and a small helper process that forwards everything except those
lines (progress bars included: '\\r' counts as a line end). A process, not a thread: a native library's last words
before it aborts the program (MediaPipe's "F0000 ... Check failed", oneMKL's "FATAL ERROR" then exit()) reach the
user, where a thread died with the program before it forwarded them. A stderr that cannot be written (a full disk,
a closed reader) never stops the work: what it cannot take is dropped, and the pipe keeps being read.
MERSTUDIO_MEDIAPIPE_LOGS=1 turns the filter off.

No environment variable silences them (GLOG_minloglevel, TF_CPP_MIN_LOG_LEVEL: tried with mediapipe 0.10.21;
TFLite's minimal logger and absl's logging read neither), so library use gets the same filter, scoped:
`native_logs_filtered()` around the making of a MediaPipe graph (merstudio.face does it), where those lines are
written, in whatever program (tests, the app, a notebook). Other writes to fd 2 meanwhile are forwarded.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

NOISE = re.compile(
    rb"^(?:[WI]\d{4} [\d:. ]+\s*\d+ \S+\.cc:\d+\]"  # absl/glog W0000/I0000 lines
    rb"|INFO: Created TensorFlow Lite"
    rb"|WARNING: All log messages before absl::InitializeLog"
    rb"|\[ WARN:\d+@[\d.]+\] global "  # OpenCV's own WARN lines (we report those errors ourselves)
    rb"|\[[\w,.-]+ @ 0x[0-9a-f]+\] )"  # FFmpeg's, e.g. "[mov,mp4,... @ 0x55..] moov atom not found" (same)
)

# a native library's fatal line when a thread or memory could not be had (MediaPipe's "Check failed: ...
# pthread_create failed" under `ulimit -v`, a C++ "std::bad_alloc", the loader's "failed to map segment"): its
# ~17 lines of native stack name no cause a user knows, so the helper adds OUT_OF_MEMORY after them
STARVED = re.compile(rb"pthread_create failed|Cannot allocate memory|std::bad_alloc|failed to map segment")
OUT_OF_MEMORY = (b"merstudio: the process ran out of memory (a memory limit, ulimit -v, or a full machine): raise "
                 b"or lift the limit (ulimit -v unlimited) or free memory, or run fewer jobs at once (-j), and "
                 b"run it again\n")


class Filter:
    """An installed filter; `close()` puts the real stderr back and forwards what is still in the pipe."""

    def __init__(self, real: int, thread: threading.Thread | None = None, pid: int | None = None) -> None:
        self.real, self.thread, self.pid = real, thread, pid

    def close(self, timeout: float = 5.0) -> None:
        try:
            if sys.stderr is not None:
                sys.stderr.flush()
        except (OSError, ValueError):
            pass
        os.dup2(self.real, 2)  # drops the pipe's last write end, so the pump sees EOF
        # (a child process started meanwhile holds a write end too: the pump forwards its output until it ends)
        done = True
        if self.thread is not None:
            self.thread.join(timeout=timeout)
            done = not self.thread.is_alive()
        if self.pid is not None:
            os.environ.pop(_FILTERED_ENV, None)
            done = _reaped(self.pid, timeout)
        if done:
            os.close(self.real)


def _reaped(pid: int, timeout: float) -> bool:
    """Wait up to `timeout` s for the helper process to end (it ends at the pipe's EOF); False if it still runs
    (it goes on forwarding a straggler's output, and ends on its own)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                return True
        except ChildProcessError:  # already reaped by someone else
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.005)


def _pump(src_fd: int, real: int) -> None:
    """Forward what arrives on `src_fd` to `real`, less the noise, until end-of-file, then OUT_OF_MEMORY once if a
    native line said a thread or memory could not be had (`STARVED`; at the end: after the abort's stack trace). A
    write to `real` that fails (a full disk: ``2>/dev/full``; a closed pipe) drops that text and goes on reading:
    the writers would block on a full pipe otherwise."""

    def send(data: bytes) -> None:
        try:
            while data:
                data = data[os.write(real, data):]
        except OSError:
            pass

    pending = b""
    starved = False

    def starving(line: bytes) -> bool:  # merstudio's own lines name their cause already
        return not line.startswith(b"merstudio:") and STARVED.search(line) is not None

    with os.fdopen(src_fd, "rb", buffering=0) as src:
        while True:
            try:
                chunk = src.read(4096)
            except InterruptedError:  # pragma: no cover - retried by Python itself since 3.5
                continue
            if not chunk:
                break
            pending += chunk
            out = b""
            while True:
                cut = min((k for k in (pending.find(b"\n"), pending.find(b"\r")) if k >= 0), default=-1)
                if cut < 0:
                    break
                line, pending = pending[: cut + 1], pending[cut + 1:]
                if not NOISE.match(line):
                    out += line
                    starved = starved or starving(line)
            # a partial line that cannot be noise (noise starts with these prefixes) goes out at once
            if pending and not any(p.startswith(pending[:4]) or pending.startswith(p[:4])
                                   for p in (b"W000", b"I000", b"INFO", b"WARN", b"[")):
                starved = starved or starving(pending)  # (a line sent in parts: its last part is what ends it)
                out, pending = out + pending, b""
            if out:
                send(out)
    if pending:
        send(pending)
        starved = starved or starving(pending)
    if starved:
        send(OUT_OF_MEMORY)


# fd 2's identity ("device:inode") where the console's helper process filters it: `native_logs_filtered` adds no
# thread filter of its own there, in this process or its workers (inherited), whose abort would lose the last line
_FILTERED_ENV = "MERSTUDIO_FD2_FILTERED"


def _fd2_identity() -> str | None:
    try:
        st = os.fstat(2)
    except OSError:
        return None
    return f"{st.st_dev}:{st.st_ino}"


def _mark_filtered() -> None:
    here = _fd2_identity()
    if here is not None:
        os.environ[_FILTERED_ENV] = here


def _filtered_by_a_process() -> bool:
    """Whether fd 2 is the pipe of a console helper process (`install(process=True)`) already."""
    mark = os.environ.get(_FILTERED_ENV)
    return mark is not None and mark == _fd2_identity()


def install(process: bool = False) -> Filter | None:
    """Filter fd 2 until `close()`. Returns None where disabled or impossible. With `process` (the console, at its
    start, while it runs one thread) the pump is a forked helper process, which outlives an abort of this one."""
    if os.environ.get("MERSTUDIO_MEDIAPIPE_LOGS"):
        return None
    try:
        if sys.stderr is not None:  # None where fd 2 was closed when Python started (`2>&-`)
            sys.stderr.flush()
    except (OSError, ValueError):
        pass
    try:
        real = os.dup(2)
        r, w = os.pipe()
    except OSError:
        return None
    pid = None
    if process and threading.active_count() == 1 and hasattr(os, "fork"):
        try:
            pid = os.fork()
        except OSError:
            pid = None
        if pid == 0:  # the helper: nothing but the pump, then out without Python's clean-up
            code = 0
            try:
                os.close(w)
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the group: the helper drains
                null = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1):  # holds no end of stdin/stdout: a reader of stdout sees its end with the program
                    os.dup2(null, fd)
                os.close(null)
                _pump(r, real)
            except BaseException:  # noqa: BLE001 - the helper never shows a traceback; it just stops
                code = 1
            finally:
                os._exit(code)
    try:
        os.dup2(w, 2)
        os.close(w)
    except OSError:
        os.close(r)
        os.close(w)
        os.close(real)
        if pid:
            _reaped(pid, 1.0)
        return None
    if pid:
        os.close(r)
        _mark_filtered()
        return Filter(real, pid=pid)
    t = threading.Thread(target=_pump, args=(r, real), name="merstudio-stderr-filter", daemon=True)
    t.start()
    return Filter(real, thread=t)


_scoped_guard = threading.Lock()
_scoped: Filter | None = None
_scoped_users = 0


@contextmanager
def native_logs_filtered() -> Iterator[None]:
    """Filter fd 2 for the block (see the module docstring): wrap the making of a MediaPipe graph, which writes the
    start-up lines. Nested and concurrent blocks share one filter, removed when the last one ends."""
    global _scoped, _scoped_users
    with _scoped_guard:
        if _scoped_users == 0:
            # under the console's helper process already: a second filter, a thread, would die with the program
            # before it forwarded a native abort's last line (MediaPipe's "F0000 ... Check failed" making a graph)
            _scoped = None if _filtered_by_a_process() else install()
        _scoped_users += 1
    try:
        yield
    finally:
        with _scoped_guard:
            _scoped_users -= 1
            if _scoped_users == 0 and _scoped is not None:
                _scoped.close(timeout=1.0)
                _scoped = None
