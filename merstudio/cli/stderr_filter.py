"""Drop MediaPipe/TFLite start-up chatter from the terminal.

MediaPipe's C++ side writes notices such as "INFO: Created TensorFlow Lite XNNPACK delegate" and absl "W0000 ..."
lines straight to file descriptor 2, from its own threads, whatever the log level. Users read them as errors.
OpenCV's and FFmpeg's decoder notices go the same way: a file they cannot read is reported as one merstudio line.
The console entry point routes fd 2 through a pipe and a small thread that forwards everything except those lines
(progress bars included: '\\r' counts as a line end). MERSTUDIO_MEDIAPIPE_LOGS=1 turns the filter off.
"""

from __future__ import annotations

import os
import re
import sys
import threading

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

    def close(self) -> None:
        try:
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        os.dup2(self.real, 2)  # drops the pipe's last write end, so the pump sees EOF
        self.thread.join(timeout=5)


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
