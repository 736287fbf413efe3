"""Drop MediaPipe/TFLite start-up chatter from fd 2 (the terminal, or a test run's output).

MediaPipe's C++ side writes notices such as "INFO: Created TensorFlow Lite XNNPACK delegate" and absl "W0000 ..."
lines straight to file descriptor 2, from its own threads, whatever the log level. Users read them as errors.
OpenCV's and FFmpeg's decoder notices go the same way: a file they cannot read is reported as one merstudio line.
The console entry point routes fd 2 through a pipe and a small thread that forwards everything except those lines
(progress bars included: '\\r' counts as a line end). MERSTUDIO_MEDIAPIPE_LOGS=1 turns the filter off.

No environment variable silences them (GLOG_minloglevel, TF_CPP_MIN_LOG_LEVEL: tried with mediapipe 0.10.21;
TFLite's minimal logger and absl's logging read neither), so library use gets the same filter, scoped:
`native_logs_filtered()` around the making of a MediaPipe graph (merstudio.face does it), where those lines are
written, in whatever program (tests, the app, a notebook). Other writes to fd 2 meanwhile are forwarded.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

NOISE = re.compile(
    rb"^(?:[WI]\d{4} [\d:. ]+\s*\d+ \S+\.cc:\d+\]"  # absl/glog W0000/I0000 lines
    rb"|INFO: Created TensorFlow Lite"
    rb"|WARNING: All log messages before absl::InitializeLog"
    rb"|\[ WARN:\d+@[\d.]+\] global "  # OpenCV's own WARN lines (we report those errors ourselves)
    rb"|\[[\w,.-]+ @ 0x[0-9a-f]+\] )"  # FFmpeg's, e.g. "[mov,mp4,... @ 0x55..] moov atom not found" (same)
)


class Filter:
    """An installed filter; `close()` puts the real stderr back and forwards what is still in the pipe."""

    def __init__(self, real: int, thread: threading.Thread) -> None:
        self.real, self.thread = real, thread

    def close(self, timeout: float = 5.0) -> None:
        try:
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        os.dup2(self.real, 2)  # drops the pipe's last write end, so the pump sees EOF
        # (a child process started meanwhile holds a write end too: the pump forwards its output until it ends)
        self.thread.join(timeout=timeout)
        if not self.thread.is_alive():
            os.close(self.real)


def install() -> Filter | None:
    """Filter fd 2 until `close()`. Returns None where disabled or impossible."""
    if os.environ.get("MERSTUDIO_MEDIAPIPE_LOGS"):
        return None
    try:
        sys.stderr.flush()
        real = os.dup(2)
        r, w = os.pipe()
        os.dup2(w, 2)
        os.close(w)
    except (OSError, ValueError):
        return None

    def pump() -> None:
        pending = b""
        with os.fdopen(r, "rb", buffering=0) as src:
            while True:
                chunk = src.read(4096)
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
                # a partial line that cannot be noise (noise starts with these prefixes) goes out at once
                if pending and not any(p.startswith(pending[:4]) or pending.startswith(p[:4])
                                       for p in (b"W000", b"I000", b"INFO", b"WARN", b"[")):
                    out, pending = out + pending, b""
                if out:
                    os.write(real, out)
        if pending:
            os.write(real, pending)

    t = threading.Thread(target=pump, name="merstudio-stderr-filter", daemon=True)
    t.start()
    return Filter(real, t)


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
            _scoped = install()
        _scoped_users += 1
    try:
        yield
    finally:
        with _scoped_guard:
            _scoped_users -= 1
            if _scoped_users == 0 and _scoped is not None:
                _scoped.close(timeout=1.0)
                _scoped = None
